#!/usr/bin/env bash
# Sets up and runs upkeep on the embedded default: `upkeep apiserver` on 127.0.0.1 with the
# example resources loaded, and prints the kubectl line to use it. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh >/dev/null
state="${UPKEEP_DEV_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/upkeep-dev}"
mkdir -p "$state"
kubeconfig="$state/kubeconfig"
rm -f "$kubeconfig"
build/cmd/upkeep/upkeep apiserver --listen "${UPKEEP_LISTEN:-127.0.0.1:0}" \
  --kubeconfig-out "$kubeconfig" --data-dir "$state/data" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT INT TERM
for _ in $(seq 100); do [[ -s "$kubeconfig" ]] && break; sleep 0.1; done
[[ -s "$kubeconfig" ]] || { echo "dev: the API server did not start" >&2; exit 1; }
if command -v kubectl >/dev/null; then
  # Definitions first, so the resources that use them map to a served kind.
  KUBECONFIG="$kubeconfig" kubectl apply -f examples/dev/00-widget-crd.yaml >/dev/null
  KUBECONFIG="$kubeconfig" kubectl apply -f examples/dev/ >/dev/null
  echo "upkeep apiserver is running with the examples from examples/dev/ loaded."
else
  echo "upkeep apiserver is running (install kubectl to load examples/dev/)."
fi
echo
echo "  export KUBECONFIG=$kubeconfig"
echo "  kubectl get all,widgets -A"
echo
echo "Press Ctrl-C to stop."
wait $server
