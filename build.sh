#!/usr/bin/env bash
# Installs what is missing (Debian packages; as root, or with sudo) and builds
# cloudfront-local into build/. Used by run.sh, test.sh and the benchmarks.
#   BUILD_DIR=build-x CMAKE_BUILD_TYPE=Debug ./build.sh   # another build
#   BUILD_TARGET=bench_tools ./build.sh                   # one target instead of all
#   ./build.sh --packages-only wrk curl                   # only install these if missing
set -euo pipefail
cd "$(dirname "$0")"

BUILD_PACKAGES=(g++ cmake make pkg-config libcpp-httplib-dev libtinyxml2-dev libsqlite3-dev
                nlohmann-json3-dev doctest-dev libssl-dev njs)  # njs runs CloudFront Functions

# install_missing PACKAGE...: apt-get installs the packages not installed yet.
install_missing() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "build.sh: installing ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

if [ "${1:-}" = "--packages-only" ]; then
  shift
  install_missing "$@"
  exit 0
fi

install_missing "${BUILD_PACKAGES[@]}"
[ -n "${EXTRA_PACKAGES:-}" ] && install_missing $EXTRA_PACKAGES

build_dir=${BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-Release}" ${CMAKE_ARGS:-} >/dev/null
cmake --build "$build_dir" -j"$(nproc)" ${BUILD_TARGET:+--target "$BUILD_TARGET"} >&2
