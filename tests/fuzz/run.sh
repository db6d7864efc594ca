#!/usr/bin/env bash
# Builds the libFuzzer harnesses with clang into build-fuzz/, replays
# tests/fuzz/regressions/, then runs each fuzzer for SECONDS (default 30).
# Exits non-zero if any input crashes. See tests/fuzz/README.md.
#
#   tests/fuzz/run.sh [SECONDS]
#   CFL_FUZZ_JOBS=2 tests/fuzz/run.sh 3600     # a long run, 2 processes per fuzzer
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
SECONDS_EACH=${1:-30}
BUILD=${CFL_FUZZ_BUILD_DIR:-$ROOT/build-fuzz}
CXX_BIN=${CFL_FUZZ_CXX:-clang++-14}
JOBS=${CFL_FUZZ_JOBS:-1}
FUZZERS=(xml_codec json_codec dispatcher control_plane http_framing plain_http)

case "$SECONDS_EACH" in ''|*[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;; esac

# What the fuzz build needs beyond ./build.sh's packages (clang, its libFuzzer
# and sanitizer runtimes, botocore for the seeds), installed like build.sh does.
missing=()
for package in clang-14 libclang-rt-14-dev python3-botocore; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ] && [ -z "${CFL_FUZZ_CXX:-}" ]; then
  echo "run.sh: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
if ! command -v "$CXX_BIN" >/dev/null; then
  echo "run.sh: $CXX_BIN not found (apt-get install clang-14 libclang-rt-14-dev)" >&2
  exit 2
fi

echo "== building the fuzzers in $BUILD"
cmake -S . -B "$BUILD" -DCFL_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_CXX_COMPILER="$CXX_BIN" >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target fuzzers

echo "== seeds"
/usr/bin/python3 tests/fuzz/make_seeds.py "$BUILD/fuzz/seeds"

# Small allocation stacks: the harnesses allocate a lot, and the stack depot
# was the biggest cost after libFuzzer itself.
export ASAN_OPTIONS=${ASAN_OPTIONS:-malloc_context_size=8:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=()
for name in "${FUZZERS[@]}"; do
  bin="$BUILD/tests/fuzz/fuzz_$name"
  regressions=(tests/fuzz/regressions/"$name"/*)
  if [ -e "${regressions[0]}" ]; then
    echo "== $name: replaying ${#regressions[@]} regression input(s)"
    if ! "$bin" "${regressions[@]}" >"$BUILD/fuzz/$name-regressions.log" 2>&1; then
      echo "run.sh: a regression input of $name fails again:" >&2
      tail -40 "$BUILD/fuzz/$name-regressions.log" >&2
      failed+=("$name (regressions)")
      continue
    fi
  fi

  echo "== $name: fuzzing for ${SECONDS_EACH}s"
  corpus="$BUILD/fuzz/corpus/$name"
  artifacts="$BUILD/fuzz/artifacts/$name"
  mkdir -p "$corpus" "$artifacts"
  args=(-max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1
        -dict="$BUILD/fuzz/seeds/$name.dict" -artifact_prefix="$artifacts/")
  if [ "$JOBS" -gt 1 ]; then args+=(-jobs="$JOBS" -workers="$JOBS"); fi
  log="$BUILD/fuzz/$name.log"
  if "$bin" "${args[@]}" "$corpus" "$BUILD/fuzz/seeds/$name" "tests/fuzz/corpus/$name" >"$log" 2>&1; then
    grep -E "^(stat::number_of_executed_units|stat::average_exec_per_sec)|^#[0-9]+ +DONE" "$log" | sed "s/^/  /" || true
  else
    echo "run.sh: $name crashed; last lines of $log:" >&2
    tail -60 "$log" >&2
    echo "  crashing input(s): $(ls -t "$artifacts" | head -3 | sed "s|^|$artifacts/|" | tr '\n' ' ')" >&2
    failed+=("$name")
  fi
done

cat <<EOF
== done
A long run (corpus kept in $BUILD/fuzz/corpus/, so runs add up):
  CFL_FUZZ_JOBS=2 tests/fuzz/run.sh 3600
One fuzzer by hand, e.g. overnight:
  $BUILD/tests/fuzz/fuzz_dispatcher -max_total_time=28800 -timeout=10 -dict=$BUILD/fuzz/seeds/dispatcher.dict \\
      $BUILD/fuzz/corpus/dispatcher $BUILD/fuzz/seeds/dispatcher tests/fuzz/corpus/dispatcher
Reproduce a crash: $BUILD/tests/fuzz/fuzz_NAME CRASH_FILE (CFL_FUZZ_VERBOSE=1 prints each dispatcher step);
then keep it: copy it to tests/fuzz/regressions/NAME/ or write a doctest case beside the fixed module.
EOF

if [ ${#failed[@]} -gt 0 ]; then
  echo "run.sh: FAILED: ${failed[*]}" >&2
  exit 1
fi
