#!/usr/bin/env bash
# Runs controller_bench (upkeep's controller runtime) and bench/node-peer/peer.js (a minimal
# operator on @kubernetes/client-node informers) against one `upkeep apiserver` and prints
# their figures side by side with the issue's targets:
#   bench/run-controller-bench.sh
# Environment: UPKEEP_BUILD_DIR (default build; configured with CMake if missing),
# UPKEEP_JOBS (build parallelism, default 2), NODE (default node),
# UPKEEP_BENCH_SKIP_PEER=1 to measure upkeep only.
#
# Order: idle memory (no widgets yet), then 10,000 widgets are created, then memory with the
# widgets cached, event-to-reconcile latency and no-op reconcile throughput. Each measurement
# is a fresh process (so its RSS is its own), run one at a time, each bounded by `timeout`.
# The API server listens on 127.0.0.1 port 0. Every process the script starts runs in the
# background and is waited for, so Ctrl-C or a failure ends it (by its PID) and the server at
# once. Not part of the test suite; it only measures and prints.
set -euo pipefail
cd "$(dirname "$0")/.."

build="${UPKEEP_BUILD_DIR:-build}"
node="${NODE:-node}"
jobs="${UPKEEP_JOBS:-2}"
count=10000
mode_timeout=180   # seconds per measurement process (each has its own 170 s watchdog)

# fd 3 is the script's stderr, also inside commands whose stderr goes to a log (the EXIT trap
# may run there).
exec 3>&2
log() { echo "[run-controller-bench] $*" >&3; }

if [[ ! -f "$build/build.ninja" && ! -f "$build/Makefile" ]]; then
  log "configuring $build"
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >&2
fi
# Build output goes to stderr: stdout is only the results table.
cmake --build "$build" --target upkeep controller_bench -j "$jobs" >&2
upkeep="$build/cmd/upkeep/upkeep"
bench="$build/bench/controller_bench"

work="$(mktemp -d /tmp/upkeep-controller-bench-XXXXXX)"
server_pid=""
child_pid=""
cleanup() {
  local status=$?
  # `timeout` passes the signal on to its command's process group (the latency mode's
  # writer included).
  if [[ -n "$child_pid" ]] && kill -0 "$child_pid" 2>/dev/null; then
    kill -TERM "$child_pid" 2>/dev/null || true
    wait "$child_pid" 2>/dev/null || true
  fi
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 100); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ $status -ne 0 ]]; then
    log "failed (exit $status); logs kept in $work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# bounded SECONDS CMD...: runs CMD under `timeout` in the background and waits for it (a
# trapped signal interrupts `wait` at once; a foreground command would delay it); returns
# CMD's status. Redirections on the call apply to CMD.
bounded() {
  local seconds=$1
  shift
  timeout -k 5 "$seconds" "$@" &
  child_pid=$!
  local status=0
  wait "$child_pid" || status=$?
  child_pid=""
  return "$status"
}

# --tls: both operators talk HTTPS with a bearer token, as in a cluster (and
# @kubernetes/client-node refuses plain HTTP unless TLS verification is switched off).
"$upkeep" apiserver --tls --listen 127.0.0.1:0 --kubeconfig-out "$work/kubeconfig" \
  >"$work/apiserver.log" 2>&1 &
server_pid=$!
for _ in $(seq 200); do
  [[ -s "$work/kubeconfig" ]] && break
  kill -0 "$server_pid" 2>/dev/null || { log "apiserver exited; see $work/apiserver.log"; exit 1; }
  sleep 0.1
done
[[ -s "$work/kubeconfig" ]] || { log "apiserver wrote no kubeconfig within 20 s"; exit 1; }
kubeconfig="$work/kubeconfig"
log "apiserver pid $server_pid, $(grep -m1 'server:' "$kubeconfig" | tr -d ' ')"

kubectl_() { bounded 60 kubectl --kubeconfig "$kubeconfig" "$@"; }
kubectl_ apply -f tests/e2e/testdata/widget-crd.yaml >/dev/null
for _ in $(seq 100); do
  kubectl_ get widgets.example.dev -n default >/dev/null 2>&1 && break
  sleep 0.1
done

peer=1
if [[ "${UPKEEP_BENCH_SKIP_PEER:-0}" == 1 ]]; then
  peer=0
elif [[ ! -d bench/node-peer/node_modules/@kubernetes/client-node ]]; then
  log "installing the peer's dependencies (npm install in bench/node-peer)"
  if ! bounded 300 npm --prefix bench/node-peer install --no-audit --no-fund --no-package-lock \
          >"$work/npm-install.log" 2>&1; then
    log "npm install failed (see $work/npm-install.log); measuring upkeep only"
    cat "$work/npm-install.log" >&2 || true
    peer=0
  fi
fi

# run IMPL MODE [ARGS...]: one measurement process; its JSON line goes to $work/IMPL-MODE.json.
run() {
  local impl=$1 mode=$2
  shift 2
  local out="$work/$impl-$mode.json" err="$work/$impl-$mode.log"
  log "$impl: $mode"
  local cmd
  if [[ $impl == upkeep ]]; then
    cmd=("$bench" --kubeconfig "$kubeconfig" --mode "$mode" "$@")
  else
    cmd=("$node" --expose-gc bench/node-peer/peer.js --kubeconfig "$kubeconfig" --mode "$mode" "$@")
  fi
  if ! bounded "$mode_timeout" "${cmd[@]}" >"$out" 2>"$err"; then
    log "$impl $mode failed; last lines of its log:"
    tail -n 20 "$err" >&2 || true
    return 0  # the table shows n/a for it; the other measurements still run
  fi
  cat "$out" >&2
}

run upkeep idle
if ((peer)); then run peer idle; fi

log "creating $count widgets"
if ! bounded "$mode_timeout" "$bench" --kubeconfig "$kubeconfig" \
       --mode populate --count "$count" >"$work/upkeep-populate.json" 2>"$work/populate.log"; then
  tail -n 20 "$work/populate.log" >&2 || true
  log "could not create the widgets"
  exit 1
fi
cat "$work/upkeep-populate.json" >&2

for mode in cache latency throughput; do
  run upkeep "$mode"
  if ((peer)); then
    # The same writer process for both (see controller_bench.cc's latency notes).
    if [[ $mode == latency ]]; then run peer "$mode" --patcher "$bench"; else run peer "$mode"; fi
  fi
done

"$bench" --mode report --results "$work"
