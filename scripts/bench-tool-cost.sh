#!/usr/bin/env bash
# The load tool's own CPU next to the server's: N players of samples/sample.flv (published by the tool
# itself) for S seconds, CPU of both processes from /proc/PID/stat over the window from 2 s after the ramp
# to 1 s before the end. Usage: scripts/bench-tool-cost.sh [play|flv] [PLAYERS] [SECONDS] [extra tool args...]
# Loopback only; needs release builds (BENCH=path overrides the tool binary).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-play}; players=${2:-500}; seconds=${3:-20}; shift $(( $# < 3 ? $# : 3 ))
bench=${BENCH:-.build/release/headwater-bench}
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
rtmp=$(free_port); http=$(free_port)
cat > "$work/h.conf" <<CONF
listen 127.0.0.1:$rtmp;
max_connections 20000;
pid $work/h.pid;
srs_log_tank file;
srs_log_file $work/h.log;
http_server { enabled on; listen 127.0.0.1:$http; dir $work; }
vhost __defaultVhost__ { http_remux { enabled on; mount [vhost]/[app]/[stream].flv; } }
CONF
${SERVER:-.build/release/headwater} -c "$work/h.conf" >/dev/null 2>&1 &
server=$!; pids+=("$server")
for _ in $(seq 100); do (echo > "/dev/tcp/127.0.0.1/$rtmp") 2>/dev/null && break; sleep 0.1; done
case $mode in
play) url="rtmp://127.0.0.1:$rtmp/live/m1"; publish=() ;;
flv) url="http://127.0.0.1:$http/live/m1.flv"; publish=(--publish-url "rtmp://127.0.0.1:$rtmp/live/m1") ;;
esac
rate=250
"$bench" "$mode" "$url" --players "$players" --rate $rate --duration "$seconds" --publish samples/sample.flv \
    "${publish[@]}" "$@" > "$work/out" &
tool=$!; pids+=("$tool")
start=$(( players / rate + 2 )); stop=$(( seconds - 1 ))
sleep "$start"; s0=$(ticks "$server"); t0=$(ticks "$tool")
sleep $(( stop - start )); s1=$(ticks "$server"); t1=$(ticks "$tool")
wait "$tool" || true
hz=$(getconf CLK_TCK)
echo "$mode players=$players window=${start}s-${stop}s tool_cpu_s=$(echo "scale=2; ($t1-$t0)/$hz" | bc)" \
    "server_cpu_s=$(echo "scale=2; ($s1-$s0)/$hz" | bc) ratio=$(echo "scale=0; 100*($t1-$t0)/($s1-$s0)" | bc)%"
grep '^summary ' "$work/out" | tr ' ' '\n' | grep -E '^(connected|failed|stalled|frame_diff_min|frame_diff_max|mbps)=' | tr '\n' ' '; echo
