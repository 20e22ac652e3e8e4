#!/usr/bin/env bash
# Sets up and runs upkeep on the embedded default: `upkeep dev`, the API server and the
# operator in one process on 127.0.0.1 with crds/ and the examples applied; it prints the
# kubectl line to use it. Ctrl-C stops it. Extra arguments go to `upkeep dev`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh >/dev/null
state="${UPKEEP_DEV_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/upkeep-dev}"
mkdir -p "$state"
exec build/cmd/upkeep/upkeep dev --listen "${UPKEEP_LISTEN:-127.0.0.1:0}" \
  --kubeconfig-out "$state/kubeconfig" --data-dir "$state/data" "$@"
