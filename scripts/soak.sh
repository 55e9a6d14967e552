#!/usr/bin/env bash
# Soak: one headwater with HLS, DVR (segment plan) and HTTP-FLV on; a looping publisher; RTMP and HTTP-FLV
# players that come and go in waves; HLS pollers. Samples the server's RSS, file descriptors, open regular files,
# threads and CPU every few seconds into a CSV, plots RSS and fds (gnuplot), and prints one summary line:
#   soak status=ok|failed duration_s= samples= rss_start_kb= rss_min_kb= rss_max_kb= rss_end_kb=
#        rss_growth_kb_per_h= rss_growth_late_kb_per_h= fds_start= fds_max= fds_end= fds_growth_per_h=
#        files_max= threads_max= cpu_avg_pct= publisher_restarts= player_runs= hls_runs= csv= png=
# (growth: least-squares slope over all samples, and "late" over the samples after the first quarter, which
# leaves the warm-up of caches and pools out).
#
# Usage: scripts/soak.sh [DURATION] [OUTDIR]
#   DURATION  minutes (30), or seconds with an `s` suffix (90s); default 30
#   OUTDIR    where soak.csv, soak.png, soak.log (the server's) and soak-summary.txt go; default ./soak-out
# Environment: HEADWATER_BIN, HEADWATER_BENCH_BIN (default .build/release/*, built when missing);
#   SOAK_INTERVAL sampling seconds (5); SOAK_WAVE seconds between player waves (15); SOAK_MAX_RUNS the most
#   player processes alive at once (6); SOAK_PLAYERS the most players per process (8).
# Loopback only; every process it starts is stopped by pid on exit, also on failure or Ctrl-C.
set -Eeuo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

duration_arg=${1:-30}
case "$duration_arg" in
    *s) seconds=${duration_arg%s} ;;
    *) seconds=$((duration_arg * 60)) ;;
esac
[[ "$seconds" =~ ^[0-9]+$ ]] && ((seconds >= 10)) || { echo "soak: DURATION must be at least 10s" >&2; exit 2; }
out=$(mkdir -p "${2:-soak-out}" && cd "${2:-soak-out}" && pwd)
interval=${SOAK_INTERVAL:-5}
wave=${SOAK_WAVE:-15}
max_runs=${SOAK_MAX_RUNS:-6}
max_players=${SOAK_PLAYERS:-8}

headwater=${HEADWATER_BIN:-$root/.build/release/headwater}
bench=${HEADWATER_BENCH_BIN:-$root/.build/release/headwater-bench}
for binary in "$headwater" "$bench"; do
    [ -x "$binary" ] || (cd "$root" && swift build -c release --product "$(basename "$binary")" >&2)
done

work=$(mktemp -d "${TMPDIR:-/tmp}/hw-soak.XXXXXX")
server_pid="" publisher_pid="" sampler_done=0
runs=()   # pids of player and poller processes
cleanup() {
    local pid
    for pid in "${runs[@]}" $publisher_pid; do kill -TERM "$pid" 2>/dev/null || true; done
    if [ -n "$server_pid" ]; then
        kill -TERM "$server_pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$server_pid" 2>/dev/null || true
    fi
    for pid in "${runs[@]}" $publisher_pid; do kill -KILL "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "soak: line $LINENO failed: $BASH_COMMAND" >&2' ERR
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
rtmp_port=$(free_port)
http_port=$(free_port)
while [ "$http_port" = "$rtmp_port" ]; do http_port=$(free_port); done

cat > "$work/soak.conf" <<CONF
listen 127.0.0.1:$rtmp_port;
max_connections 1000;
pid $work/headwater.pid;
srs_log_tank file;
srs_log_file $out/soak.log;
http_server { enabled on; listen 127.0.0.1:$http_port; dir $work/html; }
vhost __defaultVhost__ {
    http_remux { enabled on; mount [vhost]/[app]/[stream].flv; }
    hls {
        enabled on; hls_fragment 2; hls_window 10; hls_path $work/html; hls_cleanup on; hls_dispose 10;
    }
    dvr { enabled on; dvr_plan segment; dvr_duration 10; dvr_path $work/html/[app]/[stream].[timestamp].flv; }
}
CONF
mkdir -p "$work/html"
: > "$out/soak.log"
"$headwater" -c "$work/soak.conf" > "$out/soak-stdout.log" 2>&1 & server_pid=$!
for _ in $(seq 200); do
    (echo > "/dev/tcp/127.0.0.1/$rtmp_port") 2>/dev/null && (echo > "/dev/tcp/127.0.0.1/$http_port") 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || { echo "soak: headwater did not start" >&2; cat "$out/soak-stdout.log" >&2; exit 1; }
    sleep 0.1
done

rtmp_url="rtmp://127.0.0.1:$rtmp_port/live/soak"
flv_url="http://127.0.0.1:$http_port/live/soak.flv"
hls_url="http://127.0.0.1:$http_port/live/soak.m3u8"
publisher_restarts=-1 player_runs=0 hls_runs=0 waves=0
publish() {  # (re)starts the looping publisher; it runs to the end unless it dies
    "$bench" publish "$rtmp_url" --file "$root/samples/sample.flv" --duration $((seconds + 30)) --threads 1 \
        > /dev/null 2>&1 & publisher_pid=$!
    publisher_restarts=$((publisher_restarts + 1))
}
reap() {  # drops the pids of finished runs
    local alive=() pid
    for pid in "${runs[@]}"; do kill -0 "$pid" 2>/dev/null && alive+=("$pid"); done
    runs=("${alive[@]}")
}
start_wave() {  # RTMP players, HTTP-FLV players or HLS pollers in turn, a random few for a random while, bounded
    reap
    local kind=$((waves % 3)) players=$((RANDOM % max_players + 1)) lifetime=$((RANDOM % (wave * 3) + 5))
    waves=$((waves + 1))
    ((${#runs[@]} < max_runs)) || { kill -KILL "${runs[0]}" 2>/dev/null || true; reap; }  # an abrupt leaver
    case $kind in
        0) "$bench" play "$rtmp_url" -p "$players" --rate 4 --duration "$lifetime" --threads 1 >/dev/null 2>&1 & ;;
        1) "$bench" flv "$flv_url" -p "$players" --rate 4 --duration "$lifetime" --threads 1 >/dev/null 2>&1 & ;;
        2) "$bench" hls "$hls_url" -p 2 --duration "$lifetime" --threads 1 >/dev/null 2>&1 & hls_runs=$((hls_runs + 1)) ;;
    esac
    runs+=($!)
    ((kind == 2)) || player_runs=$((player_runs + 1))
}

csv="$out/soak.csv"
echo "t_s,rss_kb,fds,regular_files,threads,cpu_pct,runs" > "$csv"
ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
hz=$(getconf CLK_TCK)
sample() {  # one CSV row for the server as it is now
    local now=$1 rss threads fds files cpu_ticks cpu
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$server_pid/status")
    threads=$(awk '/^Threads:/ { print $2 }' "/proc/$server_pid/status")
    # find exits 1 when a descriptor closes between its readdir and its stat, which a busy server does all
    # the time; the count it printed is still right for that instant.
    fds=$(find "/proc/$server_pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l || true)
    files=$(find "/proc/$server_pid/fd" -mindepth 1 -maxdepth 1 -xtype f 2>/dev/null | wc -l || true)
    cpu_ticks=$(ticks)
    cpu=$(awk -v a="$last_ticks" -v b="$cpu_ticks" -v dt="$((now - last_sample))" -v hz="$hz" \
        'BEGIN { printf "%.1f", (dt > 0 ? (b - a) * 100 / hz / dt : 0) }')
    last_ticks=$cpu_ticks last_sample=$now
    echo "$now,$rss,$fds,$files,$threads,$cpu,${#runs[@]}" >> "$csv"
}

publish
start=$SECONDS last_sample=0 last_ticks=$(ticks) next_sample=0 next_wave=2 next_clean=60 status=ok
while :; do
    now=$((SECONDS - start))
    kill -0 "$server_pid" 2>/dev/null || { status=failed; echo "soak: headwater exited at ${now}s" >&2; break; }
    ((now <= seconds)) || break
    kill -0 "$publisher_pid" 2>/dev/null || publish
    if ((now >= next_sample)); then sample "$now"; next_sample=$((next_sample + interval)); fi
    if ((now >= next_wave)); then start_wave; next_wave=$((now + RANDOM % wave + wave / 2)); fi
    if ((now >= next_clean)); then  # keeps the disk bounded: DVR files older than a minute go
        find "$work/html" -name '*.flv' -mmin +1 -delete 2>/dev/null || true
        next_clean=$((now + 30))
    fi
    sleep 1
done

summary=$(awk -F, -v status="$status" -v restarts="$publisher_restarts" -v players="$player_runs" \
    -v polls="$hls_runs" -v csv="$csv" -v png="$out/soak.png" '
    function slope(n, sx, sy, sxx, sxy) { return (n * sxx - sx * sx) == 0 ? 0 : (n * sxy - sx * sy) / (n * sxx - sx * sx) }
    NR == 1 { next }
    { t[++n] = $1; rss[n] = $2; fds[n] = $3; files[n] = $4; threads[n] = $5; cpu[n] = $6 }
    END {
        if (n == 0) { print "soak status=failed samples=0 csv=" csv; exit }
        rmin = rmax = rss[1]; fmax = fds[1]; filemax = files[1]; tmax = threads[1]; cpusum = 0
        for (i = 1; i <= n; i++) {
            if (rss[i] < rmin) rmin = rss[i]; if (rss[i] > rmax) rmax = rss[i]
            if (fds[i] > fmax) fmax = fds[i]; if (files[i] > filemax) filemax = files[i]
            if (threads[i] > tmax) tmax = threads[i]; if (i > 1) cpusum += cpu[i]
            sx += t[i]; sy += rss[i]; sxx += t[i] * t[i]; sxy += t[i] * rss[i]; sf += fds[i]; sxf += t[i] * fds[i]
            if (t[i] >= t[n] / 4) { m++; lx += t[i]; ly += rss[i]; lxx += t[i] * t[i]; lxy += t[i] * rss[i] }
        }
        printf "soak status=%s duration_s=%d samples=%d rss_start_kb=%d rss_min_kb=%d rss_max_kb=%d rss_end_kb=%d", \
            status, t[n], n, rss[1], rmin, rmax, rss[n]
        printf " rss_growth_kb_per_h=%.0f rss_growth_late_kb_per_h=%.0f", \
            slope(n, sx, sy, sxx, sxy) * 3600, slope(m, lx, ly, lxx, lxy) * 3600
        printf " fds_start=%d fds_max=%d fds_end=%d fds_growth_per_h=%.1f files_max=%d threads_max=%d", \
            fds[1], fmax, fds[n], slope(n, sx, sf, sxx, sxf) * 3600, filemax, tmax
        printf " cpu_avg_pct=%.1f publisher_restarts=%d player_runs=%d hls_runs=%d csv=%s png=%s\n", \
            (n > 1 ? cpusum / (n - 1) : 0), restarts, players, polls, csv, png
    }' "$csv")

title="$((seconds / 60)) min"
((seconds >= 120)) || title="$seconds s"
if command -v gnuplot >/dev/null; then
    gnuplot <<PLOT || echo "soak: gnuplot failed; no plot" >&2
set terminal png size 720,360 font ",9"
set output "$out/soak.png"
set datafile separator ","
set title "headwater soak: $title, HLS + DVR segments + players coming and going"
set xlabel "minutes"
set ylabel "RSS (MB)"
set y2label "file descriptors"
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
set key bottom right
set grid
plot "$csv" skip 1 using (\$1/60):(\$2/1024) with lines lw 2 title "RSS (MB)", \
     "$csv" skip 1 using (\$1/60):3 axes x1y2 with lines title "fds", \
     "$csv" skip 1 using (\$1/60):4 axes x1y2 with lines title "open files"
PLOT
else
    echo "soak: gnuplot not installed (scripts/setup.sh installs gnuplot-nox); no plot" >&2
fi
echo "$summary" | tee "$out/soak-summary.txt"
[ "$status" = ok ]
