#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: doctest units and the
# end-to-end suite driving boto3, the AWS CLI v2 and aws-sdk-js v3 against the
# built binary. Extra arguments go to ctest (e.g. -R unit).
set -euo pipefail
cd "$(dirname "$0")"
EXTRA_PACKAGES="python3-boto3 python3-awscrt python3-pytest python3-requests awscli curl" ./build.sh
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  EXTRA_PACKAGES="nodejs npm" ./build.sh
fi
(cd tests/e2e/js && { [ -d node_modules/@aws-sdk/client-cloudfront-keyvaluestore ] || npm ci --no-audit --no-fund --loglevel=error; })
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure "$@"
