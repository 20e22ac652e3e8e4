#!/usr/bin/env bash
# Builds and runs backup_bench: upkeep's backup runner (RunBackup into a DirectoryStore: pg_dump
# → zstd 3 → AES-256-GCM → SHA-256) next to `pg_dump -Fc -Z0 | zstd -3 | openssl enc
# -aes-256-ctr` and pg_dump alone, on one throwaway PostgreSQL 15 filled to --size-mb MB, and
# prints MB/s, the runner's peak memory at two sizes and the issue's targets:
#   bench/run-backup-bench.sh --size-mb 128 --runs 1   # checks the bench itself (~1 min)
#   bench/run-backup-bench.sh                          # 1024 MB, 2 runs
#   bench/run-backup-bench.sh --zstd-workers 2 ...     # the pipeline's zstd with -T2
# Environment: UPKEEP_BUILD_DIR (default build; configured with CMake if missing),
# UPKEEP_JOBS (build parallelism, default 2), UPKEEP_BUILD_LOCK (see run-certs-bench.sh).
# Needs postgresql-15, zstd and openssl. Everything runs on 127.0.0.1; each child has a
# timeout in the bench and this script bounds the whole run once more with `timeout`. Ctrl-C
# ends the bench, which ends (by PID) what it started; PostgreSQL's folder and the bench's
# temporary folder under /tmp are removed. Not part of the test suite; it only measures.
set -euo pipefail
cd "$(dirname "$0")/.."

build="${UPKEEP_BUILD_DIR:-build}"
jobs="${UPKEEP_JOBS:-2}"
lock="${UPKEEP_BUILD_LOCK:-/tmp/upkeep-build.lock}"
log() { echo "[run-backup-bench] $*" >&2; }

for tool in pg_dump zstd openssl; do
  command -v "$tool" >/dev/null || log "warning: $tool is not installed"
done

locked() {
  if command -v flock >/dev/null; then flock "$lock" "$@"; else "$@"; fi
}
if [[ ! -f "$build/build.ninja" && ! -f "$build/Makefile" ]]; then
  log "configuring $build"
  locked cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >&2
fi
# Build output goes to stderr: stdout is only the results.
locked nice cmake --build "$build" --target backup_bench -j "$jobs" >&2

bench_pid=""
trap '[[ -n "$bench_pid" ]] && kill -TERM "$bench_pid" 2>/dev/null; wait "$bench_pid" 2>/dev/null; exit 130' INT TERM
timeout -k 30 3600 "$build/bench/backup_bench" "$@" &
bench_pid=$!
status=0
wait "$bench_pid" || status=$?
exit "$status"
