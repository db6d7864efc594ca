#!/usr/bin/env bash
# Installs what is missing (Debian packages; as root, or with sudo) and builds
# cloudfront-local into build/. Used by run.sh, test.sh and the benchmarks.
#   BUILD_DIR=build-x CMAKE_BUILD_TYPE=Debug ./build.sh   # another build
#   BUILD_TARGET=bench_tools ./build.sh                   # one target instead of all
#   ./build.sh --packages-only wrk curl                   # only install these if missing
set -euo pipefail
cd "$(dirname "$0")"

BUILD_PACKAGES=(g++ cmake make pkg-config libcpp-httplib-dev libtinyxml2-dev libsqlite3-dev
                nlohmann-json3-dev doctest-dev libssl-dev njs  # njs runs CloudFront Functions
                zlib1g-dev libbrotli-dev)  # the edge compresses (gzip, br)

# install_missing PACKAGE...: apt-get installs the packages not installed yet.
install_missing() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "${SAY_AS:-build.sh}: installing ${missing[*]} (Debian packages, apt-get; once)" >&2
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

# say WORDS: one progress line on stderr, named after the command the user ran.
say() { echo "${SAY_AS:-build.sh}: $*" >&2; }

# build_with_progress DIR [TARGET]: builds, turning make's "[ 45%] Building CXX
# object …" lines into "compiling N/M file"; warnings and errors pass through.
build_with_progress() {
  local dir=$1 target=${2:-all} total
  # A dry run counts what is out of date (make prints, not runs, its echo commands).
  total=$(cmake --build "$dir" --target "$target" -- -n 2>/dev/null | grep -c "Building CXX object" || true)
  if [ "$total" -eq 0 ]; then
    say "$target is up to date in $dir/"
  else
    say "building $target in $dir/: $total file(s) to compile on $(nproc) core(s)"
  fi
  local status=0
  cmake --build "$dir" -j"$(nproc)" --target "$target" 2>&1 | {
    local done=0 line
    while IFS= read -r line; do
      case "$line" in
        *"Building CXX object "*)
          done=$((done + 1))
          local object=${line##*Building CXX object }
          object=${object#CMakeFiles/*.dir/}
          # The dry run undercounts a fresh build directory (targets whose
          # dependency files do not exist yet): past its count, only N.
          if [ "$done" -le "$total" ]; then
            say "compiling $done/$total ${object%.o}"
          else
            say "compiling $done ${object%.o}"
          fi ;;
        *"Linking CXX "*) say "linking ${line##* }" ;;
        "["*"%] "*) ;;  # make's other progress lines (Built target …)
        *) echo "$line" >&2 ;;
      esac
    done
  } || status=$?  # pipefail: the build's own failure
  return "$status"
}

build_dir=${BUILD_DIR:-build}
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  say "configuring $build_dir/ (cmake, ${CMAKE_BUILD_TYPE:-Release})"
fi
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-Release}" ${CMAKE_ARGS:-} >/dev/null
build_with_progress "$build_dir" "${BUILD_TARGET:-all}"
