#!/usr/bin/env bash
# Installs what is missing, builds, and runs cloudfront-local with your flags:
#   ./run.sh --port 4750 --propagation-delay 2
set -euo pipefail
cd "$(dirname "$0")"
# Builds only the emulator (./test.sh builds the unit tests too).
SAY_AS=run.sh BUILD_TARGET=cloudfront-local ./build.sh
exec build/cloudfront-local "$@"
