#!/usr/bin/env bash
# DVR cost: N streams published at once (ffmpeg -re -c copy of samples/sample.flv, LOOPS times), first
# recorded, then not; reports the server's CPU per recorded stream and checks that every tag reached a file.
# Usage: scripts/bench-dvr.sh [STREAMS] [LOOPS]   (defaults 50 and 3: 30 s of media per stream)
# Loopback only; needs a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
streams=${1:-50}
loops=${2:-3}
work=$(mktemp -d)
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; pkill -P $$ ffmpeg 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
[ -x .build/release/headwater ] || swift build -c release --product headwater >/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

run() {  # dvr on|off -> prints CPU seconds the server used while the streams ran
    local dvr=$1
    rm -rf "$work/html"; mkdir -p "$work/html"
    cat > "$work/bench.conf" <<CONF
listen 127.0.0.1:$port;
max_connections 2000;
pid $work/headwater.pid;
srs_log_tank file;
srs_log_file $work/headwater-$dvr.log;
vhost __defaultVhost__ {
    dvr { enabled $dvr; dvr_plan session; dvr_path $work/html/[app]/[stream].flv; }
}
CONF
    .build/release/headwater -c "$work/bench.conf" & server_pid=$!
    for _ in $(seq 100); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
    local before; before=$(ticks "$server_pid")
    local pids=()
    for i in $(seq "$streams"); do
        ffmpeg -nostdin -v error -re -stream_loop "$((loops - 1))" -i samples/sample.flv -c copy -f flv \
            "rtmp://127.0.0.1:$port/live/s$i" & pids+=($!)
    done
    wait "${pids[@]}"
    sleep 2
    local after; after=$(ticks "$server_pid")
    kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""
    echo "scale=3; ($after - $before) / $(getconf CLK_TCK)" | bc
}

on=$(run on)
expected=$(ffprobe -v error -count_packets -show_entries stream=nb_read_packets -of csv=p=0 samples/sample.flv | paste -sd+ | bc)
expected=$((expected * loops))
short=0
for file in "$work"/html/live/*.flv; do
    got=$(ffprobe -v error -count_packets -show_entries stream=nb_read_packets -of csv=p=0 "$file" | paste -sd+ | bc)
    [ "$got" -eq "$expected" ] || { short=$((short + 1)); echo "short: $file has $got of $expected packets"; }
done
files=$(ls "$work"/html/live/*.flv | wc -l)
off=$(run off)
media=$(echo "$loops * 10.08" | bc)
echo "streams: $streams, each ${media} s of media; files: $files, files missing packets: $short (packets per file: $expected)"
echo "server CPU: ${on} s with DVR, ${off} s without"
echo "DVR cost per recorded stream: $(echo "scale=4; ($on - $off) / $streams / $media * 100" | bc) % of one core"
