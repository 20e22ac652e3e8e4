#!/usr/bin/env bash
# Builds and runs certs_bench: CertRenewal issuance by the real `upkeep dev` process next to lego
# and certbot, all against one pebble (Let's Encrypt's test CA), and prints issuances per
# minute, CPU and memory per issuance and the issue's targets:
#   bench/run-certs-bench.sh --quick        # small counts: checks the bench itself (~1 min)
#   bench/run-certs-bench.sh                # 1,000 CertRenewals; lego 10 + 200, certbot 10 + 50
#   bench/run-certs-bench.sh --upkeep 500 --certbot-seq 0 ...   (see certs_bench's usage)
# Environment: UPKEEP_BUILD_DIR (default build; configured with CMake if missing),
# UPKEEP_JOBS (build parallelism, default 2), UPKEEP_BUILD_LOCK (a file the build holds with
# flock(1) when flock is installed, for build folders shared by several people; default
# /tmp/upkeep-build.lock).
# Needs the Debian packages pebble, lego and certbot. Everything runs on 127.0.0.1; the bench
# has its own watchdog and this script bounds it once more with `timeout`. Ctrl-C ends the bench,
# which ends (by PID) every process it started and removes its temporary folders. Not part of
# the test suite; it only measures and prints.
set -euo pipefail
cd "$(dirname "$0")/.."

build="${UPKEEP_BUILD_DIR:-build}"
jobs="${UPKEEP_JOBS:-2}"
lock="${UPKEEP_BUILD_LOCK:-/tmp/upkeep-build.lock}"
log() { echo "[run-certs-bench] $*" >&2; }

for tool in pebble pebble-challtestsrv lego certbot; do
  command -v "$tool" >/dev/null || log "warning: $tool is not installed (apt-get install $tool)"
done

locked() {
  if command -v flock >/dev/null; then flock "$lock" "$@"; else "$@"; fi
}
if [[ ! -f "$build/build.ninja" && ! -f "$build/Makefile" ]]; then
  log "configuring $build"
  locked cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >&2
fi
# Build output goes to stderr: stdout is only the results.
locked cmake --build "$build" --target upkeep certs_bench -j "$jobs" >&2

# The bench's own watchdog ends the run well before this (see its log line "time limit").
bench_pid=""
trap '[[ -n "$bench_pid" ]] && kill -TERM "$bench_pid" 2>/dev/null; wait "$bench_pid" 2>/dev/null; exit 130' INT TERM
timeout -k 10 1800 "$build/bench/certs_bench" --upkeep-binary "$(realpath "$build/cmd/upkeep/upkeep")" "$@" &
bench_pid=$!
status=0
wait "$bench_pid" || status=$?
exit "$status"
