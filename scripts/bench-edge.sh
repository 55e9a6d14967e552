#!/usr/bin/env bash
# One edge hop: N RTMP players of the load tool on an origin, then the same N on an edge of that origin, with
# the tool publishing samples/sample.flv into the origin both times. Reports the serving process's CPU per
# player (origin in the first run, edge in the second) and the end-to-end latency the tool measures
# (publisher send to player arrival, --batch-ms 0 so reads do not add their own delay).
# Usage: scripts/bench-edge.sh [PLAYERS] [SECONDS]   (defaults 300 and 20)
# VHOST="min_latency on;" adds directives to the vhost of both servers (the hop's target is at min_latency on).
# Loopback only; needs a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
players=${1:-300}
seconds=${2:-20}
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
[ -x .build/release/headwater ] || swift build -c release --product headwater >/dev/null
[ -x .build/release/headwater-bench ] || swift build -c release --product headwater-bench >/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

start() {  # name port vhost-body; sets last_pid
    cat > "$work/$1.conf" <<CONF
listen 127.0.0.1:$2;
max_connections 20000;
pid $work/$1.pid;
srs_log_tank file;
srs_log_file $work/$1.log;
vhost __defaultVhost__ { $3 }
CONF
    .build/release/headwater -c "$work/$1.conf" >/dev/null 2>&1 &
    last_pid=$!
    pids+=("$last_pid")
    for _ in $(seq 100); do (echo > "/dev/tcp/127.0.0.1/$2") 2>/dev/null && break; sleep 0.1; done
}

origin_port=$(free_port)
edge_port=$(free_port)
start origin "$origin_port" "${VHOST:-}"
origin=$last_pid
start edge "$edge_port" "${VHOST:-} cluster { mode remote; origin 127.0.0.1:$origin_port; }"
edge=$last_pid

run() {  # label url serving-pid stream -> prints "label cpu_s summary"
    local before after summary
    before=$(ticks "$3")
    summary=$(.build/release/headwater-bench play "$2/$4" --players "$players" --rate 100 --duration "$seconds" \
        --batch-ms 0 --parse-every 1 --publish samples/sample.flv --publish-url "rtmp://127.0.0.1:$origin_port/live/$4" \
        | grep '^summary ')
    after=$(ticks "$3")
    echo "$1 $(echo "scale=3; ($after - $before) / $(getconf CLK_TCK)" | bc) $summary"
}

on_origin=$(run origin "rtmp://127.0.0.1:$origin_port/live" "$origin" o1)
on_edge=$(run edge "rtmp://127.0.0.1:$edge_port/live" "$edge" e1)
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
for line in "$on_origin" "$on_edge"; do
    set -- $line
    echo "$1: $players players, ${2} s CPU of the serving process, $(echo "scale=2; $2 * 1000 / $players" | bc) ms per player;" \
        "connected $(field "$line" connected), stalled $(field "$line" stalled)," \
        "latency p50 $(field "$line" latency_p50_ms) ms, p99 $(field "$line" latency_p99_ms) ms," \
        "frame_diff $(field "$line" frame_diff_min)..$(field "$line" frame_diff_max)"
done
o_cpu=$(echo "$on_origin" | cut -d' ' -f2)
e_cpu=$(echo "$on_edge" | cut -d' ' -f2)
echo "edge CPU / origin CPU for the same players: $(echo "scale=3; $e_cpu / $o_cpu" | bc)"
echo "extra latency of the edge hop (p50): $(( $(field "$on_edge" latency_p50_ms) - $(field "$on_origin" latency_p50_ms) )) ms"
