#!/usr/bin/env bash
# Routing speed (issues 10, 15): the default job and nankai-m9 at 2,000 trials, each with the
# summary only and with the results file, for several Release builds side by side, each run with
# its own source tree's scenarios (the default job of that version). Runs are interleaved
# (every build once per repetition) and the best (least) CPU seconds (user + system) of REPS
# is kept: on a shared machine wall times vary several-fold between identical runs, CPU times
# by a few per cent (/usr/bin/time -f '%U %S'). Prints a table: CPU seconds and trials per CPU
# second, then each build's CPU time as a ratio to the first build's.
#
#   bench/speed.sh [-r REPS] LABEL:SOURCE_DIR:BUILD_DIR ...     (default 3 repetitions)
#   e.g. bench/speed.sh old:/tmp/old:/tmp/old/build new:.:build/release
set -euo pipefail
reps=3
if [ "${1:-}" = -r ]; then reps=$2; shift 2; fi
[ $# -ge 1 ] || { echo "usage: bench/speed.sh [-r REPS] LABEL:SOURCE_DIR:BUILD_DIR ..." >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cases=("baseline summary" "baseline file" "nankai summary" "nankai file")
declare -A best
run() { # label src build case
  local label=$1 src=$2 cli=$3/sim/cablesim kase=$4 args
  case $kase in
    "baseline summary") args=(run "$src/scenarios/baseline.yaml") ;;
    "baseline file") # no --force: older versions lack it
      rm -f "$tmp/$label.h5"
      args=(run "$src/scenarios/baseline.yaml" -o "$tmp/$label.h5") ;;
    "nankai summary") args=(run "$src/scenarios/nankai-m9.yaml" --set trials=2000) ;;
    "nankai file")
      rm -f "$tmp/$label.h5"
      args=(run "$src/scenarios/nankai-m9.yaml" --set trials=2000 -o "$tmp/$label.h5") ;;
  esac
  if ! /usr/bin/time -f '%U %S' -o "$tmp/time" "$cli" "${args[@]}" --no-progress > "$tmp/out" 2>&1; then
    echo "speed.sh: $label, $kase failed:" >&2; cat "$tmp/out" >&2; exit 1
  fi
  local u; u=$(tail -1 "$tmp/time" | awk '{print $1 + $2}')
  local key="$label/$kase"
  if [ -z "${best[$key]:-}" ] || (($(echo "$u < ${best[$key]}" | bc -l))); then best[$key]=$u; fi
  best[$key/trials]=$(sed -n 's/^  trials: \([0-9]*\) .*/\1/p' "$tmp/out")
}
for ((k = 0; k < reps; k++)); do
  for kase in "${cases[@]}"; do
    for spec in "$@"; do
      IFS=: read -r label src build <<< "$spec"
      run "$label" "$src" "$build" "$kase"
    done
  done
done
echo "best of $reps, CPU s, user + system (trials per CPU s); $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-12s' build
for kase in "${cases[@]}"; do printf ' %26s' "$kase"; done
echo
for spec in "$@"; do
  IFS=: read -r label src build <<< "$spec"
  printf '%-12s' "$label"
  for kase in "${cases[@]}"; do
    u=${best[$label/$kase]} n=${best[$label/$kase/trials]}
    printf ' %11.2f s (%9.0f/s)' "$u" "$(echo "$n / $u" | bc -l)"
  done
  echo
done
IFS=: read -r first _ <<< "$1"
echo "CPU time as a ratio to $first's:"
for spec in "${@:2}"; do
  IFS=: read -r label src build <<< "$spec"
  printf '%-12s' "$label"
  for kase in "${cases[@]}"; do
    printf ' %26.2fx' "$(echo "${best[$label/$kase]} / ${best[$first/$kase]}" | bc -l)"
  done
  echo
done
