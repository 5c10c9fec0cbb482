#!/usr/bin/env bash
# Engine benchmark: trials per second on one core and peak memory for the
# baseline, earthquake and greedy 3-cut scenarios on the Japan topology, and
# peak memory against the number of trials (it must stay flat: results are
# written in batches). Uses a Release build; prints a table and keeps the raw
# outputs in bench/results/. Not part of CI (minutes of CPU).
#
#   bench/run.sh [BUILD_DIR]        (default build/release)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build/release}"
cli="$build/sim/cablesim"
[ -x "$cli" ] || { echo "bench: build first: cmake -S . -B $build -DCMAKE_BUILD_TYPE=Release && cmake --build $build" >&2; exit 2; }
out=bench/results
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

measure() { # name scenario trials [extra args]
  local name="$1" scen="$2" trials="$3"; shift 3
  "$cli" run "$scen" --set trials="$trials" --no-progress -o "$tmp/$name.h5" "$@" > "$out/$name.txt"
  local rate mem
  rate=$(sed -n 's/.* \([0-9][0-9]*\) trials\/s.*/\1/p' "$out/$name.txt")
  mem=$(sed -n 's/.*peak memory \([0-9.]*\) MB.*/\1/p' "$out/$name.txt")
  printf '%-28s %10s trials %12s trials/s %10s MB\n' "$name" "$trials" "$rate" "$mem"
}

echo "cablesim bench on $(nproc) cores, $(date -u +%Y-%m-%d), $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
measure baseline          scenarios/baseline.yaml      200000
measure earthquake        scenarios/nankai-m9.yaml     20000
measure greedy-3          scenarios/greedy-3-cuts.yaml 100
echo "memory against trials (baseline, edge flows written):"
measure baseline-1e4      scenarios/baseline.yaml      10000
measure baseline-1e5      scenarios/baseline.yaml      100000
measure baseline-1e6      scenarios/baseline.yaml      1000000
