#!/usr/bin/env bash
# Sets up, builds, and runs the whole suite: unit tests plus integration tests that start the
# real headwater binary against ffmpeg, rtmpdump and GStreamer on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --build-tests
HEADWATER_INTEGRATION=1 swift test --skip-build "$@"
