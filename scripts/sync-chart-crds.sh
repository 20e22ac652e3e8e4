#!/usr/bin/env bash
# Copies the CRDs (crds/upkeep.dev_*.yaml) into the Helm chart (helm/upkeep/crds/), so the
# chart installs exactly the CRDs of this tree. Run it after changing a CRD;
# tests/e2e/test_deploy.py fails while the copies differ.
set -euo pipefail
cd "$(dirname "$0")/.."

shopt -s nullglob
crds=(crds/upkeep.dev_*.yaml)
if ((${#crds[@]} == 0)); then
  echo "sync-chart-crds: no crds/upkeep.dev_*.yaml found" >&2
  exit 1
fi

# Copies that no longer have a source (a renamed or removed CRD) go too.
for copy in helm/upkeep/crds/upkeep.dev_*.yaml; do
  [[ -e "crds/$(basename "$copy")" ]] || { rm -- "$copy"; echo "sync-chart-crds: removed $copy"; }
done
for crd in "${crds[@]}"; do
  cp -- "$crd" "helm/upkeep/crds/$(basename "$crd")"
done
echo "sync-chart-crds: copied ${#crds[@]} CRDs into helm/upkeep/crds/"
