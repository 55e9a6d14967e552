#!/usr/bin/env bash
# Puts a scripts/bench.sh result (its --out file: machine, date, command, table) into a README between the lines
# `<!-- bench:begin -->` and `<!-- bench:end -->`, replacing what was there, so the table is never typed by hand.
# Usage: scripts/update-readme-bench.sh RESULT.md [README.md]
set -euo pipefail
result=${1:?usage: scripts/update-readme-bench.sh RESULT.md [README.md]}
readme=${2:-$(cd "$(dirname "$0")/.." && pwd)/README.md}
begin='<!-- bench:begin -->'
end='<!-- bench:end -->'

grep -q '^| server | protocol |' "$result" || { echo "update-readme-bench.sh: $result has no bench.sh table" >&2; exit 1; }
! grep -qF -e "$begin" -e "$end" "$result" || { echo "update-readme-bench.sh: $result contains the markers" >&2; exit 1; }
[ "$(grep -cxF "$begin" "$readme")" = 1 ] && [ "$(grep -cxF "$end" "$readme")" = 1 ] || {
    echo "update-readme-bench.sh: $readme needs exactly one line '$begin' and one line '$end'" >&2
    exit 1
}
[ "$(grep -nxF "$begin" "$readme" | cut -d: -f1)" -lt "$(grep -nxF "$end" "$readme" | cut -d: -f1)" ] || {
    echo "update-readme-bench.sh: '$begin' must come before '$end' in $readme" >&2
    exit 1
}

updated=$(mktemp "$readme.XXXXXX")
trap 'rm -f "$updated"' EXIT
awk -v begin="$begin" -v end="$end" -v result="$result" '
    $0 == begin { print; print ""; while ((getline line < result) > 0) print line; print ""; skipping = 1; next }
    $0 == end { skipping = 0 }
    !skipping { print }
' "$readme" >"$updated"
cat "$updated" >"$readme"  # in place: keeps the file's mode and links
echo "update-readme-bench.sh: $readme updated from $result" >&2
