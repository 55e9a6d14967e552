#!/usr/bin/env bash
# Sets up, builds, and runs the whole suite: unit tests plus integration tests that start the
# real headwater binary against ffmpeg, rtmpdump and GStreamer on loopback.
#
# Two runs: integration tests block their threads while processes run, and on a small machine they
# would starve tests that need Swift's cooperative thread pool (the HTTP server's, the wire interop
# ones). Unit tests run in parallel; integration tests one at a time, which also keeps encoders from
# competing for the CPU.
# Extra arguments (e.g. `--filter X`) go to both runs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --build-tests
swift test --skip-build --skip IntegrationTests "$@"
HEADWATER_INTEGRATION=1 swift test --skip-build --no-parallel --filter IntegrationTests "$@"
