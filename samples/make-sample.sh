#!/bin/sh
# Regenerates samples/sample.flv: 10 s of H.264 (640x360, 25 fps, keyframe every 2 s) and
# AAC-LC (44.1 kHz stereo) in FLV, small enough to keep in the repository (< 600 KB).
# Usage: samples/make-sample.sh [output.flv]
set -eu
out="${1:-$(dirname "$0")/sample.flv}"
ffmpeg -nostdin -hide_banner -loglevel error -y \
    -f lavfi -i "testsrc2=size=640x360:rate=25" \
    -f lavfi -i "sine=frequency=440:sample_rate=44100" \
    -f lavfi -i "sine=frequency=660:sample_rate=44100" \
    -filter_complex "[1:a][2:a]join=inputs=2:channel_layout=stereo[a]" \
    -map 0:v -map "[a]" -t 10 \
    -c:v libx264 -preset veryfast -profile:v high -pix_fmt yuv420p -g 50 -keyint_min 50 -sc_threshold 0 \
    -b:v 300k -maxrate 300k -bufsize 600k \
    -c:a aac -b:a 64k -ar 44100 -ac 2 \
    -bitexact -f flv "$out"
echo "wrote $out ($(wc -c < "$out") bytes)"
