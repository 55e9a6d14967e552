#!/usr/bin/env bash
# Publishes a generated test pattern and tone (H.264 + AAC), as an encoder would.
#   samples/publish-testsrc.sh [rtmp://127.0.0.1:1935/live/livestream]
set -euo pipefail
url="${1:-rtmp://127.0.0.1:1935/live/livestream}"
exec ffmpeg -hide_banner -loglevel warning -re \
  -f lavfi -i testsrc2=size=640x360:rate=25 -f lavfi -i sine=frequency=440:sample_rate=44100 \
  -c:v libx264 -preset veryfast -tune zerolatency -g 50 -b:v 800k -c:a aac -b:a 96k -f flv "$url"
