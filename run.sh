#!/usr/bin/env bash
# Installs what is missing, builds, and runs cloudfront-local with your flags:
#   ./run.sh --port 4750 --propagation-delay 2
set -euo pipefail
cd "$(dirname "$0")"
./build.sh
exec build/cloudfront-local "$@"
