#!/usr/bin/env bash
# MPI scaling: trials per second of 1 and 2 ranks (mpirun) for the baseline and earthquake
# scenarios, with and without writing the results file, the parallel efficiency
# (rate on 2 ranks / (2 x rate on 1 rank)), the share of the run spent writing, and the peak
# memory of each rank for two trial counts (it must not grow with the trials). Uses a Release
# build; prints a table and keeps the raw outputs in bench/results/. Not part of CI.
#
#   bench/scaling.sh [BUILD_DIR]        (default build/release)
#   SCALE=0.01 bench/scaling.sh         (trial counts scaled: a quick check of the script)
#
# Run it on an otherwise idle machine: on a 2-core machine with other work running, two ranks
# cannot have two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build/release}"
cli="$PWD/$build/sim/cablesim"
[ -x "$cli" ] || { echo "bench: build first: cmake -S . -B $build -DCMAKE_BUILD_TYPE=Release && cmake --build $build" >&2; exit 2; }
out=bench/results
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpi=(mpirun --oversubscribe -n)

# run NAME RANKS SCENARIO TRIALS [args]: prints "rate write_share peak_mb_per_rank"
run() {
  local name="$1" ranks="$2" scen="$3" trials="$4"; shift 4
  local log="$out/scaling-$name-$ranks.txt"
  # every rank's peak memory (KB): /usr/bin/time around each rank, one file per rank
  rm -f "$tmp"/mem.*
  "${mpi[@]}" "$ranks" sh -c 'exec /usr/bin/time -f %M -o "$0.$OMPI_COMM_WORLD_RANK" "$@"' \
      "$tmp/mem" "$cli" run "$scen" --set trials="$trials" --no-progress "$@" > "$log" 2>&1
  local rate share mem
  rate=$(sed -n 's/.* \([0-9][0-9]*\) trials\/s.*/\1/p' "$log")
  share=$(sed -n 's/.*writing took [0-9.]* s, \([0-9]*\)% of the run.*/\1/p' "$log")
  mem=$(cat "$tmp"/mem.* | sort -n | tail -1)
  echo "$rate ${share:--} $((mem / 1024))"
}

row() { # label scenario trials [args]
  local label="$1" scen="$2" trials
  trials=$(awk -v t="$3" -v s="${SCALE:-1}" 'BEGIN { printf "%d", t * s }'); shift 3
  read -r r1 w1 m1 < <(run "$label" 1 "$scen" "$trials" "$@")
  read -r r2 w2 m2 < <(run "$label" 2 "$scen" "$trials" "$@")
  local eff
  eff=$(awk -v a="$r1" -v b="$r2" 'BEGIN { printf "%.0f", 100 * b / (2 * a) }')
  printf '%-34s %8s %10s %10s %8s%% %7s%% %7s%% %7s %7s\n' "$label" "$trials" "$r1" "$r2" \
    "$eff" "$w1" "$w2" "$m1" "$m2"
}

echo "cablesim MPI scaling on $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), $(git rev-parse --short HEAD 2>/dev/null || echo '?'), load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-34s %8s %10s %10s %9s %8s %8s %7s %7s\n' "scenario" "trials" "1 rank/s" "2 ranks/s" \
  "effic." "write1" "write2" "MB/rk1" "MB/rk2"
row "baseline, no output"             scenarios/baseline.yaml  400000
row "baseline, -o"                    scenarios/baseline.yaml  200000 -o "$tmp/b.h5"
row "baseline, -o, no edge flows"     scenarios/baseline.yaml  200000 -o "$tmp/b.h5" --set output.edge_flow=false
row "baseline, -o, compression 1"     scenarios/baseline.yaml  200000 -o "$tmp/b.h5" --set output.compression=1
row "nankai-m9, no output"            scenarios/nankai-m9.yaml 40000
row "nankai-m9, -o"                   scenarios/nankai-m9.yaml 40000 -o "$tmp/n.h5"
echo "memory per rank against trials (nankai-m9, -o):"
row "nankai-m9, -o"                   scenarios/nankai-m9.yaml 10000 -o "$tmp/n.h5"
row "nankai-m9, -o"                   scenarios/nankai-m9.yaml 80000 -o "$tmp/n.h5"
