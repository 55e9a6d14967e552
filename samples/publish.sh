#!/usr/bin/env bash
# Publishes samples/sample.flv to a running headwater in real time, looping forever.
#   samples/publish.sh [rtmp://127.0.0.1:1935/live/livestream]
set -euo pipefail
url="${1:-rtmp://127.0.0.1:1935/live/livestream}"
cd "$(dirname "$0")"
exec ffmpeg -hide_banner -loglevel warning -re -stream_loop -1 -i sample.flv -c copy -f flv "$url"
