#!/usr/bin/env bash
# Installs the Debian packages tailor builds, tests and benchmarks with. Idempotent: packages
# already present are left alone, and apt is only asked when something is missing.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config xz-utils gzip
  libtorch-dev
  libhdf5-dev
  libsentencepiece-dev sentencepiece
  libgtest-dev libgmock-dev libbenchmark-dev
  libopenblas-dev libopenblas0-pthread
  libyaml-cpp-dev libcli11-dev libspdlog-dev nlohmann-json3-dev
  zlib1g-dev liblzma-dev
  python3 python3-numpy python3-sklearn python3-scipy python3-matplotlib python3-h5py python3-yaml
  python3-torch
  libfaiss-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "setup: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
