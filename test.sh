#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: doctest units and the
# end-to-end suite driving boto3, the AWS CLI v2, aws-sdk-js v3 and v2,
# aws-sdk-go v1, Ansible and the dashboard in chromium against the built
# binary. Extra arguments go to ctest (e.g. -R unit).
set -euo pipefail
cd "$(dirname "$0")"
# The real clients and the browser: boto3, the AWS CLI, Ansible's community.aws (with Debian's
# boto3), aws-sdk-go v1 (GOPATH mode), chromium for the dashboard's browser test.
# python3-cryptography makes the key pairs of the signed-URL tests.
EXTRA_PACKAGES="python3-boto3 python3-pytest python3-pytest-xdist python3-requests python3-awscrt python3-pip python3-brotli
  python3-setuptools python3-cryptography awscli curl openssl ansible golang-go golang-github-aws-aws-sdk-go-dev chromium" ./build.sh
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  EXTRA_PACKAGES="nodejs npm" ./build.sh
fi
# npm ci when node_modules was not installed from this very lockfile.
(cd tests/e2e/js && { cmp -s package-lock.json node_modules/.cfl-installed-from 2>/dev/null ||
  { echo "test.sh: npm ci in tests/e2e/js" >&2 && npm ci --no-audit --no-fund --loglevel=error &&
    cp package-lock.json node_modules/.cfl-installed-from; }; })
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure "$@"
