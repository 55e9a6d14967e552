#!/usr/bin/env bash
# Remux throughput: `headwater remux` against `ffmpeg -c copy -f hls` on the same FLV, in one run.
# Usage: scripts/bench-remux.sh [LOOPS] [RUNS]   (LOOPS copies of samples/sample.flv, default 200; RUNS each, default 5)
# Prints each tool's best and median wall time and the ratio of medians. Needs a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
loops=${1:-200}
runs=${2:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

[ -x .build/release/headwater ] || swift build -c release --product headwater >/dev/null
input="$work/input.flv"
ffmpeg -nostdin -v error -stream_loop "$((loops - 1))" -i samples/sample.flv -c copy -f flv "$input"
size=$(stat -c %s "$input")
duration=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$input")

time_runs() {  # name, then the command; prints sorted wall times in seconds
    local name=$1; shift
    for _ in $(seq "$runs"); do
        rm -rf "$work/out"; mkdir -p "$work/out"
        local start end
        start=$(date +%s.%N)
        "$@" >/dev/null 2>&1
        end=$(date +%s.%N)
        echo "$end - $start" | bc -l
    done | sort -n > "$work/$name.times"
}

time_runs headwater .build/release/headwater remux "$input" --hls "$work/out" --fragment 10
time_runs ffmpeg ffmpeg -nostdin -v error -i "$input" -c copy -f hls -hls_time 10 -hls_list_size 0 \
    -hls_segment_filename "$work/out/seg-%d.ts" "$work/out/index.m3u8"

median() { sed -n "$(( (runs + 1) / 2 ))p" "$1"; }
hw=$(median "$work/headwater.times"); ff=$(median "$work/ffmpeg.times")
printf 'input: %d bytes, %.1f s of media (%d x samples/sample.flv)\n' "$size" "$duration" "$loops"
printf 'headwater remux: best %.3f s, median %.3f s (%.0f MB/s)\n' "$(head -1 "$work/headwater.times")" "$hw" "$(echo "$size / $hw / 1000000" | bc -l)"
printf 'ffmpeg -c copy:  best %.3f s, median %.3f s (%.0f MB/s)\n' "$(head -1 "$work/ffmpeg.times")" "$ff" "$(echo "$size / $ff / 1000000" | bc -l)"
printf 'ratio (ffmpeg / headwater, medians): %.2fx\n' "$(echo "$ff / $hw" | bc -l)"
