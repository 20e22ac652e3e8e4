#!/usr/bin/env bash
# Installs every Debian package upkeep needs (idempotent), then configures and builds.
#   scripts/setup.sh                 release build in build/
#   UPKEEP_SANITIZE=1 scripts/setup.sh   ASan+UBSan build in build-asan/
# apt-get installs the Debian packages; the one exception is s3rver (an S3-compatible test
# server, not packaged in Debian) for the S3 destination's integration tests, which npm
# installs at a pinned version into build-tools/s3rver (git-ignored, skipped when present).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential g++ cmake ninja-build pkg-config
  libcpprest-dev libboost-dev libssl-dev openssl
  nlohmann-json3-dev libyaml-cpp-dev libabsl-dev libsqlite3-dev
  prometheus-cpp-dev
  libgtest-dev libgmock-dev
  python3 python3-kubernetes python3-yaml python3-jsonschema
  curl procps
  pebble
  tzdata libhowardhinnant-date-dev
  libzstd-dev zlib1g-dev zstd
  postgresql
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: missing Debian packages: ${missing[*]}" >&2
    echo "setup: run as root, or: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v kubectl >/dev/null; then
  # kubectl is not packaged in Debian 12; the end-to-end tests that need it skip without it.
  echo "setup: note: kubectl not found; kubectl end-to-end tests will be skipped" >&2
fi

s3rver_version=3.7.1
s3rver_dir=build-tools/s3rver
if grep -qs "\"version\": \"$s3rver_version\"" "$s3rver_dir/node_modules/s3rver/package.json"; then
  :  # already there
elif command -v npm >/dev/null; then
  echo "setup: installing s3rver $s3rver_version into $s3rver_dir (S3 integration tests)"
  mkdir -p "$s3rver_dir"
  npm install --prefix "$s3rver_dir" --no-audit --no-fund --loglevel=error \
    "s3rver@$s3rver_version" >/dev/null
else
  echo "setup: note: npm not found; the S3 integration tests will fail without s3rver" >&2
fi

build_dir=build
cmake_args=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo)
if [[ "${UPKEEP_SANITIZE:-0}" == 1 ]]; then
  build_dir=build-asan
  cmake_args+=(-DUPKEEP_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug)
fi
cmake -S . -B "$build_dir" "${cmake_args[@]}" >/dev/null
cmake --build "$build_dir" -j "${UPKEEP_JOBS:-$(nproc)}"
echo "setup: built $build_dir/cmd/upkeep/upkeep"
