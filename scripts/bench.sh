#!/usr/bin/env bash
# Headwater against nginx-rtmp (Debian's libnginx-mod-rtmp) on one machine, in one run, with the same load:
# for each stream bitrate and player count, `headwater-bench play` on a fresh headwater, then on a fresh nginx
# (back to back, so each headwater/nginx ratio compares two neighbouring runs), then RTMP players on headwater
# with `min_latency on` (no merged writes) and HTTP-FLV players on headwater (nginx-rtmp has no HTTP-FLV),
# compared with the headwater RTMP run just before them; last RTMP players on an edge of a headwater origin.
# The load tool publishes the stream itself (--publish) so both servers get byte-identical input.
#
# Reported per run, for the serving process (the edge for the edge hop):
#   CPU s per delivered Gbit  utime+stime (/proc/PID/stat) over the whole tool run, ramp included, divided by
#                             the bits the players received (mbps x duration_s of the tool's summary);
#   RSS KB per player         peak VmRSS while the tool ran, minus the idle process's, per connected player;
#   TTFF p99, stalls          from the tool's summary (a stall: no media for 2 s while the publisher is live).
#
# Usage: scripts/bench.sh [--short] [--players "1000 2000 ..."] [--seconds S] [--max-rate R] [--max-mbps M]
#                        [--repeat N] [--out FILE] [--readme]
#   --short    one count (200 players), 10 s, samples/sample.flv only: under 2 minutes; run by CI.
#   --repeat   run headwater, nginx-rtmp, headwater with min_latency on and HTTP-FLV N times, alternated
#              (default 1), and report each by its run with the median CPU per Gbit. The ratios are taken
#              pair by pair, each headwater run against the nginx-rtmp run right after it (HTTP-FLV against
#              the headwater RTMP run of its repetition), and the median of the N pair ratios is reported
#              (each pair's are listed under the table): the two servers' median runs may come from
#              minutes apart, and a shared machine's speed can drift by half
#              within a set. Two runs of the same build can differ by a fifth, nginx-rtmp's as much as
#              headwater's; one pair is one draw of that noise.
#   --max-rate players started per second at most (default 600): the ramp takes a quarter of the run or
#              longer. Joining costs a handshake and a GOP of burst each, and 12,000 players ramped in 7 s
#              measure the join storm, not the steady state.
#   --max-mbps skip a bitrate and player count whose total is over M Mbit/s (default 7000): one loopback
#              core cannot carry 12,000 players of the 2 Mbps stream (25 Gbit/s), so the run would only
#              measure the machine.
#   --readme   then put the result into README.md between <!-- bench:begin --> and <!-- bench:end -->.
# Binaries: .build/release/{headwater,headwater-bench}, built when missing; HEADWATER_BIN and
# HEADWATER_BENCH_BIN override them (the output names the build). Loopback only; every process it starts
# is stopped by pid. With 2+ cores, servers run on core 0 and the load tool on core 1 (taskset).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
command_line=scripts/bench.sh
for arg in "$@"; do
    case "$arg" in *[!A-Za-z0-9_./=:,-]*|"") command_line+=" \"$arg\"" ;; *) command_line+=" $arg" ;; esac
done

short=0
players=""
seconds=""
out=""
readme=0
max_mbps=7000
max_rate=600
repeat=1
while [ $# -gt 0 ]; do
    case "$1" in
        --short) short=1 ;;
        --players) players=$2; shift ;;
        --seconds) seconds=$2; shift ;;
        --out) out=$2; shift ;;
        --max-mbps) max_mbps=$2; shift ;;
        --max-rate) max_rate=$2; shift ;;
        --repeat) repeat=$2; shift ;;
        --readme) readme=1 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
[[ "$repeat" =~ ^[1-9][0-9]?$ ]] || { echo "bench.sh: --repeat takes a count from 1 to 99, not $repeat" >&2; exit 2; }
if [ "$short" = 1 ]; then
    players=${players:-200}
    seconds=${seconds:-10}
else
    players=${players:-"1000 2000 4000 8000 12000"}
    seconds=${seconds:-30}
fi

nginx_bin=/usr/sbin/nginx
nginx_module=/usr/lib/nginx/modules/ngx_rtmp_module.so
if [ ! -x "$nginx_bin" ] || [ ! -f "$nginx_module" ]; then
    echo "bench.sh: needs nginx and libnginx-mod-rtmp (apt-get install nginx libnginx-mod-rtmp)" >&2
    exit 1
fi

headwater=${HEADWATER_BIN:-$root/.build/release/headwater}
bench=${HEADWATER_BENCH_BIN:-$root/.build/release/headwater-bench}
for product in headwater headwater-bench; do
    binary=$headwater; [ "$product" = headwater-bench ] && binary=$bench
    if [ ! -x "$binary" ]; then
        case "$binary" in
            "$root/.build/release/$product") echo "bench.sh: building $product (release)" >&2
                swift build -c release --product "$product" >&2 ;;
            *) echo "bench.sh: $binary is not an executable" >&2; exit 1 ;;
        esac
    fi
done
build_of() { case "$1" in */release/*) echo release ;; */debug/*) echo debug ;; *) echo "$1" ;; esac; }
build="headwater $(build_of "$headwater"), headwater-bench $(build_of "$bench")"

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# One core each, so the servers compare on equal terms: headwater has no worker setting, nginx gets one worker.
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
    server_cpu=(taskset -c 0)
    tool_cpu=(taskset -c 1)
    pinning="servers on core 0, the load tool (1 event loop thread) on core 1 (taskset)"
else
    server_cpu=()
    tool_cpu=()
    pinning="not pinned (fewer than 2 cores or no taskset); the load tool has 1 event loop thread"
fi

# Every player is a socket in the server and in the tool.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
open_files=$(ulimit -n)
[ "$open_files" = unlimited ] && open_files=1048576
headroom=200

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
centiseconds() { local now=${EPOCHREALTIME/[.,]/}; echo $((now / 10000)); }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
wait_port() {  # port pid
    for _ in $(seq 200); do
        (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        kill -0 "$2" 2>/dev/null || break
        sleep 0.05
    done
    echo "bench.sh: server pid $2 did not listen on $1" >&2
    return 1
}
stop() {  # pid: SIGTERM, then SIGKILL after 5 s
    kill "$1" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

start_headwater() {  # name rtmp-port capacity vhost-body [http-port]; sets last_pid
    local http=""
    [ -n "${5:-}" ] && http="http_server { enabled on; listen 127.0.0.1:$5; dir $work/html; }"
    cat > "$work/$1.conf" <<CONF
listen 127.0.0.1:$2;
max_connections $3;
pid $work/$1.pid;
srs_log_tank file;
srs_log_file $work/$1.log;
srs_log_level warn;
$http
vhost __defaultVhost__ { $4 }
CONF
    "${server_cpu[@]}" "$headwater" -c "$work/$1.conf" >>"$work/$1.out" 2>&1 &
    last_pid=$!
    pids+=("$last_pid")
    wait_port "${5:-$2}" "$last_pid"
}

start_nginx() {  # rtmp-port capacity; sets last_pid
    mkdir -p "$work/nginx"
    cat > "$work/nginx/nginx.conf" <<CONF
load_module $nginx_module;
daemon off;
master_process off;
worker_processes 1;
worker_rlimit_nofile $2;
error_log $work/nginx/error.log warn;
pid $work/nginx/nginx.pid;
events { worker_connections $2; }
rtmp {
    server {
        listen 127.0.0.1:$1;
        application live { live on; }
    }
}
CONF
    "${server_cpu[@]}" "$nginx_bin" -p "$work/nginx/" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" \
        >>"$work/nginx.out" 2>&1 &
    last_pid=$!
    pids+=("$last_pid")
    wait_port "$1" "$last_pid"
}

# measure serving-pid mode players-url publish-url file players
#   -> "cpu_ticks steady_cpu_per_gbit rss_idle_kb rss_peak_kb summary..."
# steady: the server's CPU from 2 s after the ramp to 1 s before the end, over the Mbit the tool's per-second
# lines report for that window ("na" when the window is under 3 s), which leaves the joins out.
measure() {
    local pid=$1 mode=$2 url=$3 publish_url=$4 file=$5 count=$6
    local rate=$(( count * 4 / seconds ))  # the ramp takes a quarter of the run, or longer at --max-rate
    [ "$rate" -gt "$max_rate" ] && rate=$max_rate
    [ "$rate" -lt 100 ] && rate=100
    sleep 0.5
    local idle peak now before after tool status=0 started elapsed
    # In centiseconds, from bash's clock: the loop below starts no process to know the time.
    local window_start=$(( ((count + rate - 1) / rate + 2) * 100 )) window_end=$(( (seconds - 1) * 100 ))
    local ticks_a="" ticks_b="" at_a="" at_b=""
    idle=$(rss_kb "$pid")
    peak=$idle
    before=$(ticks "$pid")
    started=$(centiseconds)
    "${tool_cpu[@]}" "$bench" "$mode" "$url" --players "$count" --rate "$rate" --duration "$seconds" \
        --threads 1 --publish "$file" --publish-url "$publish_url" >"$work/tool.out" 2>&1 &
    tool=$!
    pids+=("$tool")
    while kill -0 "$tool" 2>/dev/null; do
        now=$(rss_kb "$pid")
        [ "$now" -gt "$peak" ] && peak=$now
        elapsed=$(( $(centiseconds) - started ))
        if [ -z "$ticks_a" ] && [ "$elapsed" -ge "$window_start" ]; then ticks_a=$(ticks "$pid"); at_a=$elapsed; fi
        if [ -z "$ticks_b" ] && [ "$elapsed" -ge "$window_end" ]; then ticks_b=$(ticks "$pid"); at_b=$elapsed; fi
        sleep 0.5
    done
    wait "$tool" || status=$?
    after=$(ticks "$pid")
    local summary steady=na
    summary=$(grep '^summary ' "$work/tool.out" | tail -1 || true)
    if [ -z "$summary" ]; then
        echo "bench.sh: the load tool gave no summary (exit $status):" >&2
        tail -5 "$work/tool.out" >&2
        summary="summary connected=0 failed=$count mbps=0 duration_s=0 ttff_p99_ms=na stalled=na"
    fi
    if [ -n "$ticks_a" ] && [ -n "$ticks_b" ]; then
        # The mean of the per-second rates inside the window, times its length.
        steady=$(grep '^second ' "$work/tool.out" | tr ' ' '\n' | awk -F= -v a_cs="$at_a" -v b_cs="$at_b" \
            -v ticks=$((ticks_b - ticks_a)) -v hz="$hz" '
            BEGIN { a = a_cs / 100; b = b_cs / 100 }
            $1 == "t" { t = $2 } $1 == "mbps" && t > a + 1 && t <= b { sum += $2; n++ }
            END { if (n > 0 && b - a >= 3) printf "%.5f", ticks / hz / (sum / n * (b - a) / 1000); else print "na" }')
    fi
    echo "$((after - before)) $steady $idle $peak $summary"
}

field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# row server protocol kbps players measurement [ratio-cpu ratio-steady-cpu ratio-rss]: sets last_row (one
# Markdown row), last_cpu, last_steady and last_rss (not in a subshell, so the caller sees them). The CPU
# figures keep five decimals for the ratios and show three: at 2 Mbit/s a server spends a few hundredths of
# a second per Gbit, and a ratio of two values rounded to 0.01 could be off by a tenth.
row() {
    local m=$5 cpu idle peak summary connected failed mbps dur
    read -r cpu last_steady idle peak summary <<<"$m"
    connected=$(field "$summary" connected)
    failed=$(field "$summary" failed)
    mbps=$(field "$summary" mbps)
    dur=$(field "$summary" duration_s)
    last_cpu=$(awk -v t="$cpu" -v hz="$hz" -v m="$mbps" -v d="$dur" \
        'BEGIN { g = m * d / 1000; if (g > 0) printf "%.5f", t / hz / g; else print "na" }')
    last_rss=$(awk -v i="$idle" -v p="$peak" -v c="$connected" \
        'BEGIN { if (c > 0) printf "%.1f", (p - i) / c; else print "na" }')
    last_row="| $1 | $2 | $3 | $4 | $connected | $failed | $mbps | $(shown "$last_cpu") | $(shown "$last_steady")"
    last_row+=" | $last_rss |"
    last_row+=" $(field "$summary" ttff_p99_ms) | $(field "$summary" stalled) | ${6:-} | ${7:-} | ${8:-} |"
}
# median_run measurement... -> the measurement with the median whole-run CPU per Gbit (the lower middle one
# of an even count)
median_run() {
    local m cpu summary key
    for m in "$@"; do
        read -r cpu _ _ _ summary <<<"$m"
        key=$(awk -v t="$cpu" -v m="$(field "$summary" mbps)" -v d="$(field "$summary" duration_s)" \
            'BEGIN { g = m * d; if (g > 0) printf "%.9f", t / g; else print "9e9" }')
        printf '%s\t%s\n' "$key" "$m"
    done | sort -g | sed -n "$(( ($# + 1) / 2 ))p" | cut -f2-
}
# note_run label measurement: one line on stderr per run, so the spread behind a median is on record.
note_run() {
    row "$1" "" "" "" "$2"
    echo "bench.sh:   $1: $(shown "$last_cpu") CPU-s per Gbit, steady $(shown "$last_steady")" >&2
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "na" && b != "na" && b > 0) printf "%.5f", a / b; else print "na" }'; }
# median ratio... -> the median of the ratios that are not "na" (the mean of the two middle ones of an even
# count), shown to two decimals
median() {
    printf '%s\n' "$@" | grep -v '^na$' | sort -g |
        awk '{ v[NR] = $1 } END { if (NR == 0) print "na"; else printf "%.2f", (v[int((NR + 1) / 2)] + v[int(NR / 2) + 1]) / 2 }'
}
# pairs ratio... -> the ratios to two decimals, comma separated, in run order
pairs() { printf '%s\n' "$@" | awk '{ printf "%s%s", (NR > 1 ? ", " : ""), ($1 == "na" ? "na" : sprintf("%.2f", $1)) }'; }
shown() { awk -v v="$1" 'BEGIN { if (v == "na") print v; else printf "%.3f", v }'; }

# The streams: H.264 + AAC, 25 fps, a keyframe every 2 s, looped by the tool with continuous timestamps.
streams=()
if [ "$short" = 1 ]; then
    streams+=("$root/samples/sample.flv")
else
    for target in 500 2000; do
        audio=64; size=640x360
        [ "$target" -ge 2000 ] && { audio=128; size=1280x720; }
        video=$((target - audio))
        echo "bench.sh: encoding the ${target} kbps stream" >&2
        ffmpeg -nostdin -v error -y -f lavfi -i "testsrc2=size=$size:rate=25,noise=alls=12:allf=t" \
            -f lavfi -i "sine=frequency=440:sample_rate=48000" -t 10 \
            -c:v libx264 -preset veryfast -pix_fmt yuv420p -g 50 -keyint_min 50 -sc_threshold 0 \
            -b:v "${video}k" -minrate "${video}k" -maxrate "${video}k" -bufsize "$((video * 2))k" \
            -x264-params nal-hrd=cbr -c:a aac -b:a "${audio}k" -ac 2 -f flv "$work/stream-$target.flv"
        streams+=("$work/stream-$target.flv")
    done
fi
kbps_of() { ffprobe -v error -show_entries format=bit_rate -of default=nw=1:nk=1 "$1" | awk '{ printf "%d", $1 / 1000 }'; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rows=()
skipped=()
pair_notes=()
for file in "${streams[@]}"; do
    kbps=$(kbps_of "$file")
    for count in $players; do
        if [ "$open_files" -lt $((count + headroom)) ]; then
            echo "bench.sh: skipping $count players: the open-file limit is $open_files" >&2
            skipped+=("$count players (open-file limit $open_files)")
            continue
        fi
        if [ $((count * kbps / 1000)) -gt "$max_mbps" ]; then
            echo "bench.sh: skipping $count players of $kbps kbps: over --max-mbps $max_mbps" >&2
            skipped+=("$count players of the $kbps kbps stream (over $max_mbps Mbit/s)")
            continue
        fi
        capacity=$((count + headroom))
        echo "bench.sh: $kbps kbps, $count players" >&2

        hw_runs=()
        ng_runs=()
        lowlat_runs=()
        flv_runs=()
        # Ratios of each repetition's runs to its nginx-rtmp run: CPU, steady CPU and RSS, for headwater
        # and for min_latency on.
        hw_cpu_ratios=(); hw_steady_ratios=(); hw_rss_ratios=()
        lowlat_cpu_ratios=(); lowlat_steady_ratios=(); lowlat_rss_ratios=()
        # HTTP-FLV's against the headwater RTMP run of the same repetition.
        flv_cpu_ratios=(); flv_steady_ratios=(); flv_rss_ratios=()
        for ((run = 0; run < repeat; run++)); do
            port=$(free_port)
            start_headwater hw "$port" "$capacity" ""
            server=$last_pid
            hw_runs+=("$(measure "$server" play "rtmp://127.0.0.1:$port/live/s" "rtmp://127.0.0.1:$port/live/s" \
                "$file" "$count")")
            stop "$server"
            note_run "run $((run + 1))/$repeat headwater" "${hw_runs[-1]}"
            hw_cpu=$last_cpu; hw_steady=$last_steady; hw_rss=$last_rss

            port=$(free_port)
            start_nginx "$port" "$capacity"
            server=$last_pid
            ng_runs+=("$(measure "$server" play "rtmp://127.0.0.1:$port/live/s" "rtmp://127.0.0.1:$port/live/s" \
                "$file" "$count")")
            stop "$server"
            note_run "run $((run + 1))/$repeat nginx-rtmp" "${ng_runs[-1]}"
            ng_cpu=$last_cpu; ng_steady=$last_steady; ng_rss=$last_rss
            hw_cpu_ratios+=("$(ratio "$hw_cpu" "$ng_cpu")")
            hw_steady_ratios+=("$(ratio "$hw_steady" "$ng_steady")")
            hw_rss_ratios+=("$(ratio "$hw_rss" "$ng_rss")")

            # The same without merged writes (every batch flushed).
            port=$(free_port)
            start_headwater lowlat "$port" "$capacity" "min_latency on;"
            server=$last_pid
            lowlat_runs+=("$(measure "$server" play "rtmp://127.0.0.1:$port/live/s" \
                "rtmp://127.0.0.1:$port/live/s" "$file" "$count")")
            stop "$server"
            note_run "run $((run + 1))/$repeat min_latency on" "${lowlat_runs[-1]}"
            lowlat_cpu_ratios+=("$(ratio "$last_cpu" "$ng_cpu")")
            lowlat_steady_ratios+=("$(ratio "$last_steady" "$ng_steady")")
            lowlat_rss_ratios+=("$(ratio "$last_rss" "$ng_rss")")

            # HTTP-FLV players, against this repetition's headwater RTMP run.
            port=$(free_port)
            http_port=$(free_port)
            start_headwater flv "$port" "$capacity" \
                "http_remux { enabled on; mount [vhost]/[app]/[stream].flv; }" "$http_port"
            server=$last_pid
            flv_runs+=("$(measure "$server" flv "http://127.0.0.1:$http_port/live/s.flv" \
                "rtmp://127.0.0.1:$port/live/s" "$file" "$count")")
            stop "$server"
            note_run "run $((run + 1))/$repeat HTTP-FLV" "${flv_runs[-1]}"
            flv_cpu_ratios+=("$(ratio "$last_cpu" "$hw_cpu")")
            flv_steady_ratios+=("$(ratio "$last_steady" "$hw_steady")")
            flv_rss_ratios+=("$(ratio "$last_rss" "$hw_rss")")
            echo "bench.sh:   run $((run + 1))/$repeat CPU ratios: headwater $(pairs "${hw_cpu_ratios[-1]}")," \
                "min_latency on $(pairs "${lowlat_cpu_ratios[-1]}"), HTTP-FLV/RTMP $(pairs "${flv_cpu_ratios[-1]}")" >&2
        done
        if [ "$repeat" -gt 1 ]; then
            note="$kbps kbps, $count players: headwater $(pairs "${hw_cpu_ratios[@]}")"
            note+=" (steady $(pairs "${hw_steady_ratios[@]}")); min_latency on $(pairs "${lowlat_cpu_ratios[@]}")"
            note+=" (steady $(pairs "${lowlat_steady_ratios[@]}")); HTTP-FLV/RTMP $(pairs "${flv_cpu_ratios[@]}")"
            note+=" (steady $(pairs "${flv_steady_ratios[@]}"))."
            pair_notes+=("$note")
        fi
        hw=$(median_run "${hw_runs[@]}")
        ng=$(median_run "${ng_runs[@]}")
        m=$(median_run "${lowlat_runs[@]}")

        row nginx-rtmp RTMP "$kbps" "$count" "$ng"
        ng_row=$last_row
        row headwater RTMP "$kbps" "$count" "$hw" "$(median "${hw_cpu_ratios[@]}")" \
            "$(median "${hw_steady_ratios[@]}")" "$(median "${hw_rss_ratios[@]}")"
        rows+=("$last_row" "$ng_row")

        row headwater "RTMP, min_latency on" "$kbps" "$count" "$m" "$(median "${lowlat_cpu_ratios[@]}")" \
            "$(median "${lowlat_steady_ratios[@]}")" "$(median "${lowlat_rss_ratios[@]}")"
        rows+=("$last_row")

        row headwater HTTP-FLV "$kbps" "$count" "$(median_run "${flv_runs[@]}")" "$(median "${flv_cpu_ratios[@]}")" \
            "$(median "${flv_steady_ratios[@]}")" "$(median "${flv_rss_ratios[@]}")"
        rows+=("$last_row")

        origin_port=$(free_port)
        edge_port=$(free_port)
        start_headwater origin "$origin_port" "$headroom" ""
        origin=$last_pid
        start_headwater edge "$edge_port" "$capacity" "cluster { mode remote; origin 127.0.0.1:$origin_port; }"
        edge=$last_pid
        m=$(measure "$edge" play "rtmp://127.0.0.1:$edge_port/live/s" "rtmp://127.0.0.1:$origin_port/live/s" \
            "$file" "$count")
        stop "$edge"
        stop "$origin"
        row "headwater edge" "RTMP, 1 edge hop" "$kbps" "$count" "$m"
        rows+=("$last_row")
    done
done

cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
{
    echo "Produced by \`$command_line\` on $(date -u '+%Y-%m-%d %H:%M UTC'):" \
        "$(nproc) cores ($cpu_model), Linux $(uname -r), $($nginx_bin -v 2>&1 | sed 's/^nginx version: //') with" \
        "libnginx-mod-rtmp (one worker), build: $build. Load average before the run: $load_before."
    echo "Each run: a fresh server process, $seconds s of \`headwater-bench\` players (ramped over the first" \
        "quarter, at most $max_rate a second) of a stream the tool publishes itself; $pinning; logs at warn."
    echo "CPU is the serving process's (the edge's for the edge hop) over the whole run, joins included;" \
        "steady CPU is over the run from 2 s after the ramp to 1 s before its end, per Gbit delivered in that" \
        "window; RSS is its peak minus its idle size; the ratios are headwater/nginx-rtmp of runs made back to" \
        "back, on the HTTP-FLV row HTTP-FLV/RTMP (headwater's RTMP run of the same repetition)."
    [ "$repeat" -gt 1 ] && echo "The rows of headwater RTMP, nginx-rtmp, min_latency on and HTTP-FLV are each" \
        "the run with the median CPU per Gbit of $repeat, their runs alternated; their ratios are the median of" \
        "the $repeat repetitions' ratios (each headwater run against the nginx-rtmp run right after it, each" \
        "HTTP-FLV run against the headwater RTMP run of its repetition), listed below the table. The edge hop" \
        "is one run."
    [ ${#skipped[@]} -gt 0 ] && echo "Skipped: ${skipped[*]}."
    echo
    echo "| server | protocol | stream kbps | players | connected | failed | delivered Mbps | CPU s per Gbit |" \
        "steady CPU s per Gbit | RSS KB per player | TTFF p99 ms | stalls | CPU ratio | steady CPU ratio |" \
        "RSS ratio |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for r in "${rows[@]}"; do echo "$r"; done
    if [ ${#pair_notes[@]} -gt 0 ]; then
        echo
        echo "CPU ratios of each pair, in run order:"
        echo
        for n in "${pair_notes[@]}"; do echo "- $n"; done
    fi
} >"$work/result.md"

cat "$work/result.md"
[ -n "$out" ] && cp "$work/result.md" "$out"
[ "$readme" = 1 ] && "$root/scripts/update-readme-bench.sh" "$work/result.md" "$root/README.md"
exit 0
