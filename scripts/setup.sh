#!/usr/bin/env bash
# Installs the Debian 12 packages Headwater builds and tests with, if any are missing.
set -euo pipefail

packages=(
  pkg-config libssl-dev                                   # COpenSSL (digest handshake)
  ffmpeg libavformat-dev libavcodec-dev libavutil-dev     # libav (transcode), ffmpeg/ffprobe (tests)
  libswscale-dev libswresample-dev
  rtmpdump                                                # interop tests
  flvmeta                                                 # DVR tests: checks the keyframe index
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
  chromium tesseract-ocr                                  # web page test: headless screenshot, OCR
  nginx libnginx-mod-rtmp                                 # edge/forward interop: nginx-rtmp as a peer
  gnuplot-nox                                             # scripts/soak.sh: the RSS and fd plot
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done

if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  # The tests start nginx on their own config and port; keep the package from starting the system service
  # (port 80) while it installs.
  policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    policy=/usr/sbin/policy-rc.d
    trap '$sudo rm -f "$policy"' EXIT
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
    $sudo chmod +x "$policy"
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "setup: Swift 6.1 or newer must be on PATH" >&2; exit 1; }
