#!/usr/bin/env bash
# The same transcode, 1280x720 H.264 + AAC to 640x360 libx264 veryfast 500 kbit/s + AAC 64 kbit/s, done twice
# in one run on one machine:
#   in-process  headwater's transcode engine (libav in the server process, no network hop), and
#   ffmpeg CLI  an `ffmpeg` process reading the stream from headwater over RTMP and publishing the rendition
#               back (what SRS does: it forks one ffmpeg per engine).
# The source is a 720p file (made once with ffmpeg, 25 fps, keyframe each second) published in real time with
# `ffmpeg -re -c copy` (no encoding). Each case runs SECONDS on a fresh server; a third run without any
# transcode gives the server's own cost of the same publish, which is subtracted from the in-process case.
#
# Reported per case: rendition frames per second (counted by a player of the rendition over the last
# SECONDS/2), and CPU seconds per minute of video (utime+stime from /proc/PID/stat over the run, divided by
# the minutes of source published); for the CLI, both the ffmpeg process alone and the whole path (plus the
# server's cost of sending the stream to ffmpeg and taking the rendition back).
#
# Usage: scripts/bench-transcode.sh [SECONDS]  (default 60). HEADWATER_BIN overrides the binary
# (default .build/release/headwater, built when missing). Loopback only; every process is stopped by pid.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
seconds=${1:-60}
bin=${HEADWATER_BIN:-.build/release/headwater}
if [ -z "${HEADWATER_BIN:-}" ] && [ ! -x "$bin" ]; then
    swift build -c release --product headwater >&2
fi
work=$(mktemp -d /tmp/bench-transcode.XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ticks_per_second=$(getconf CLK_TCK)

source_file=$work/source-720p.flv
ffmpeg -nostdin -hide_banner -loglevel error -y \
    -f lavfi -i "testsrc2=size=1280x720:rate=25" -f lavfi -i "sine=frequency=440:sample_rate=44100" -t 30 \
    -c:v libx264 -preset veryfast -b:v 2500k -g 25 -keyint_min 25 -sc_threshold 0 -pix_fmt yuv420p \
    -c:a aac -b:a 128k -ac 2 -f flv "$source_file"

engine_block='
    transcode live {
        enabled on;
        engine ld {
            enabled on;
            vcodec libx264; vbitrate 500; vwidth 640; vheight 360; vpreset veryfast; vprofile main;
            acodec aac; abitrate 64; asample_rate 44100; achannels 2;
            output rtmp://127.0.0.1:[port]/[app]/[stream]_[engine];
        }
    }'

# run CASE: starts a server (with the engine for "inprocess"), publishes, transcodes, measures; prints
# "case fps server_cpu_s ffmpeg_cpu_s".
run() {
    local name=$1 port config vhost="" server publisher transcoder="" player
    port=$(free_port)
    [ "$name" = inprocess ] && vhost=$engine_block
    config=$work/$name.conf
    printf 'listen %s;\npid %s/%s.pid;\nsrs_log_tank console;\nsrs_log_level warn;\nvhost __defaultVhost__ {%s\n}\n' \
        "$port" "$work" "$name" "$vhost" >"$config"
    "$bin" -c "$config" >"$work/$name.log" 2>&1 &
    server=$!
    pids+=("$server")
    for _ in $(seq 100); do (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
    local start_server
    start_server=$(cpu_ticks "$server")
    ffmpeg -nostdin -hide_banner -loglevel error -re -stream_loop -1 -i "$source_file" -c copy -t "$seconds" \
        -f flv "rtmp://127.0.0.1:$port/live/src" &
    publisher=$!
    pids+=("$publisher")
    sleep 2
    if [ "$name" = cli ]; then
        ffmpeg -nostdin -hide_banner -loglevel error -i "rtmp://127.0.0.1:$port/live/src" \
            -c:v libx264 -preset veryfast -profile:v main -b:v 500k -s 640x360 -threads 0 \
            -c:a aac -b:a 64k -ar 44100 -ac 2 -f flv "rtmp://127.0.0.1:$port/live/src_ld" &
        transcoder=$!
        pids+=("$transcoder")
    fi
    # Count the rendition's frames over the second half of the run.
    sleep $((seconds / 2 - 2))
    local counted=0
    if [ "$name" != baseline ]; then
        counted=$(ffprobe -v error -rw_timeout 5000000 -read_intervals "%+$((seconds / 2 - 4))" -count_packets \
            -select_streams v:0 -show_entries stream=nb_read_packets -of csv=p=0 \
            "rtmp://127.0.0.1:$port/live/src_ld" 2>/dev/null | head -1)
    fi
    wait "$publisher" || true
    local server_cpu ffmpeg_cpu=0
    server_cpu=$(( $(cpu_ticks "$server") - start_server ))
    if [ -n "$transcoder" ]; then
        ffmpeg_cpu=$(cpu_ticks "$transcoder")
        kill "$transcoder" 2>/dev/null || true
        wait "$transcoder" 2>/dev/null || true
    fi
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    echo "$name ${counted:-0} $server_cpu $ffmpeg_cpu"
}

baseline=$(run baseline)
inprocess=$(run inprocess)
cli=$(run cli)

awk -v seconds="$seconds" -v hz="$ticks_per_second" -v b="$baseline" -v i="$inprocess" -v c="$cli" '
BEGIN {
    split(b, B, " "); split(i, I, " "); split(c, C, " ")
    minutes = seconds / 60
    window = seconds / 2 - 4
    base = B[3] / hz
    engine = (I[3] / hz) - base
    cliffmpeg = C[4] / hz
    # The CLI path also costs the server a player and a publisher (the stream out to ffmpeg and back).
    clipath = cliffmpeg + (C[3] / hz) - base
    printf "| transcode (720p -> 360p libx264 veryfast, %d s of video) | rendition fps | CPU s per minute of video |\n", seconds
    printf "|---|---|---|\n"
    printf "| headwater in-process engine (server CPU minus the same publish without it) | %.1f | %.2f |\n", I[2] / window, engine / minutes
    printf "| ffmpeg CLI process (reading from and publishing to headwater over RTMP) | %.1f | %.2f |\n", C[2] / window, cliffmpeg / minutes
    printf "| ffmpeg CLI path: the process plus the server relaying to it and back | %.1f | %.2f |\n", C[2] / window, clipath / minutes
    printf "| server alone, same publish, no transcode (subtracted above) | - | %.2f |\n", base / minutes
    printf "\nin-process / ffmpeg process CPU = %.2f; in-process / ffmpeg CLI path CPU = %.2f\n", engine / cliffmpeg, engine / clipath
}'
