#!/usr/bin/env bash
# Installs the Debian 12 packages cablesim needs to build, test and run.
# Idempotent: packages already installed are skipped, and apt-get is not
# called at all when nothing is missing. Runs as root, or through sudo.
set -euo pipefail

packages=(
  build-essential cmake pkg-config clang-format clang libclang-rt-14-dev
  libigraph-dev libarpack2-dev libglpk-dev libplfit-dev libgmp-dev libxml2-dev
  libblas-dev liblapack-dev libgsl-dev
  libopenmpi-dev openmpi-bin libhdf5-openmpi-dev hdf5-tools
  libcmocka-dev libjansson-dev libyaml-dev
  python3 python3-h5py python3-numpy python3-pandas python3-matplotlib
  python3-networkx python3-pytest
  valgrind
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
  else
    echo "install-deps: missing packages (${missing[*]}) and not root; run as root or install sudo" >&2
    exit 1
  fi
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
