#!/usr/bin/env bash
# Builds and runs apiserver_bench against the real `upkeep apiserver` binary.
#   bench/run-apiserver-bench.sh [PATH_TO_UPKEEP_BINARY]
# Builds build/ with scripts/setup.sh if it is missing, builds the bench in build-bench/,
# then prints the results table. Not part of the test suite; it only measures and prints.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ! -x build/cmd/upkeep/upkeep ]]; then
  echo "run-apiserver-bench: build/ is missing; running scripts/setup.sh" >&2
  scripts/setup.sh
fi
cmake -S . -B build-bench -G Ninja >/dev/null
cmake --build build-bench --target apiserver_bench -j "${UPKEEP_JOBS:-2}"

binary="${1:-build/cmd/upkeep/upkeep}"
exec build-bench/bench/apiserver_bench "$binary"
