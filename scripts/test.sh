#!/usr/bin/env bash
# Sets up (packages + build) and runs every test: unit, integration and e2e on the release
# build, then all of them again on the ASan+UBSan build (the e2e tests then drive the
# sanitized `upkeep` binary). UPKEEP_SANITIZE_LABELS narrows that pass (a ctest -L regex).
#   scripts/test.sh                    everything
#   UPKEEP_SANITIZE_RUN=0 scripts/test.sh   skip the sanitizer pass (quicker, local use)
#   scripts/test.sh -L unit            extra arguments go to ctest
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
ctest --test-dir build --output-on-failure -j "$(nproc)" "$@"

if [[ "${UPKEEP_SANITIZE_RUN:-1}" == 1 ]]; then
  UPKEEP_SANITIZE=1 bash scripts/setup.sh
  # Leaks are reported at exit of each test binary; a reported error fails the test.
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp" UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j "$(nproc)" \
      -L "${UPKEEP_SANITIZE_LABELS:-.}" "$@"
fi
