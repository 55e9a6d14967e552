#!/usr/bin/env bash
# Plays a stream: with ffplay when there is a display, else decodes it and prints progress.
#   samples/play.sh [rtmp://127.0.0.1:1935/live/livestream]
set -euo pipefail
url="${1:-rtmp://127.0.0.1:1935/live/livestream}"
if [ -n "${DISPLAY:-}" ] && command -v ffplay >/dev/null; then
  exec ffplay -hide_banner -fflags nobuffer "$url"
fi
exec ffmpeg -hide_banner -stats -i "$url" -f null -
