#!/usr/bin/env bash
# Fuzzes the parsers with libFuzzer: builds Fuzz/ (one sanitized executable, address sanitizer + libFuzzer)
# and runs each target for SECONDS on a copy of its seed corpus Fuzz/Corpus/<target>.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]      default: 60 s, every target
#   targets: handshake client-handshake rtmp-url chunk amf0 flv codec config http-path api-request
#
# Prints a line per target (executions, exec/s, seconds, crashes) and exits 1 if any target crashed, hung or
# leaked; the failing inputs are kept in .build/fuzz-artifacts/<target>/ (crash-*, timeout-*, leak-*, oom-*).
# Reproduce one with: HEADWATER_FUZZ_TARGET=<target> Fuzz/.build-fuzz/release/headwater-fuzz <file>
# Environment: FUZZ_KEEP_CORPUS=1 keeps the grown corpora in .build/fuzz-corpus/<target>/ for inspection (they are never written back into the repository).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
shift || true
all_targets=(handshake client-handshake rtmp-url chunk amf0 flv codec config http-path api-request)
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${all_targets[@]}")
for target in "${targets[@]}"; do
    [[ " ${all_targets[*]} " == *" $target "* ]] || { echo "fuzz.sh: unknown target '$target' (${all_targets[*]})" >&2; exit 2; }
done

build_start=$(date +%s)
# The sanitizers need every module instrumented, so the flags go to the whole (small) package.
timeout 3600 swift build --package-path Fuzz --build-path Fuzz/.build-fuzz -c release \
    -Xswiftc -sanitize=fuzzer,address >&2
echo "fuzz.sh: build took $(( $(date +%s) - build_start )) s" >&2
binary=Fuzz/.build-fuzz/release/headwater-fuzz

work=$(mktemp -d "${TMPDIR:-/tmp}/headwater-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
artifacts=.build/fuzz-artifacts
mkdir -p "$artifacts"

# symbolize=0: a crashing process can hang in the symbolizer; addresses are enough to reproduce.
export ASAN_OPTIONS="symbolize=0:detect_leaks=1:abort_on_error=0:handle_abort=1"
failed=0
printf '%-12s %12s %10s %8s %8s\n' target executions exec/s seconds crashes
for target in "${targets[@]}"; do
    corpus="$work/corpus-$target"
    mkdir -p "$corpus" "$artifacts/$target"
    cp Fuzz/Corpus/"$target"/* "$corpus"/
    before=$(find "$artifacts/$target" -type f | wc -l)
    log="$work/$target.log"
    start=$(date +%s)
    status=0
    # -timeout: one input running over 10 s is a hang; -rss_limit_mb bounds memory; the outer timeout
    # catches a wedged process.
    HEADWATER_FUZZ_TARGET="$target" timeout --kill-after=10 $(( seconds + 60 )) "$binary" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
        -artifact_prefix="$artifacts/$target/" "$corpus" >"$log" 2>&1 || status=$?
    elapsed=$(( $(date +%s) - start ))
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    crashes=$(( $(find "$artifacts/$target" -type f | wc -l) - before ))
    if [[ $status -ne 0 && $crashes -eq 0 ]]; then crashes=1; fi
    printf '%-12s %12s %10s %8s %8s\n' "$target" "${runs:-?}" "${rate:-?}" "$elapsed" "$crashes"
    if [[ $status -ne 0 || $crashes -ne 0 ]]; then
        failed=1
        echo "fuzz.sh: $target failed (exit $status); inputs in $artifacts/$target/; log tail:" >&2
        grep -E "ERROR|fuzz property|Fatal error|SUMMARY|Test unit written" "$log" | head -20 >&2 || tail -20 "$log" >&2
        cp "$log" "$artifacts/$target/last.log"
    fi
    if [[ "${FUZZ_KEEP_CORPUS:-0}" == 1 ]]; then
        mkdir -p .build/fuzz-corpus && rm -rf ".build/fuzz-corpus/$target" && cp -r "$corpus" ".build/fuzz-corpus/$target"
    fi
done
exit $failed
