#!/usr/bin/env bash
# Compact results (issue 15, docs/hdf5-schema.md "/outcomes"): the default job
# (scenarios/baseline.yaml) with the summary only and with the results file, on two
# Release builds side by side (before and after), best of REPS runs each, interleaved.
# Prints, per build: CPU seconds (user + system, /usr/bin/time: on a shared machine wall
# times vary several-fold between identical runs, CPU times by a few per cent) and trials
# per CPU second without and with the file, the wall time `cablesim run` reports spent
# writing and its share of the run, the file's bytes per trial, and the speed with
# results written as a share of the summary-only speed (CPU); then the wall times (best of
# REPS) and the peak memory (maxrss) of the runs with the file. AFTER_ENV (e.g.
# AFTER_ENV=CABLESIM_WRITE=sync) is set for the after build's runs.
#
#   bench/compact.sh BEFORE_BUILD AFTER_BUILD [TRIALS] [REPS]   (defaults: 20000 trials, 3)
set -euo pipefail
cd "$(dirname "$0")/.."
before="$1"; after="$2"; trials="${3:-20000}"; reps="${4:-3}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
declare -A best
run() { # label build mode
  local label="$1" cli="$2/sim/cablesim" mode="$3" t0 t1 out="$tmp/$1-$3.txt"
  local args=(run scenarios/baseline.yaml --set trials="$trials" --no-progress)
  [ "$mode" = file ] && args+=(-o "$tmp/$label.h5" --force)
  local envs=(); [ "$label" = after ] && [ -n "${AFTER_ENV:-}" ] && envs=($AFTER_ENV)
  env "${envs[@]}" /usr/bin/time -f '%U %S %e %M' -o "$out.time" "$cli" "${args[@]}" > "$out"
  local s; s=$(awk '{print $1 + $2}' "$out.time")
  local key="$label-$mode" wall rss
  wall=$(awk '{print $3}' "$out.time"); rss=$(awk '{print $4}' "$out.time")
  if [ -z "${best[$key-wall]:-}" ] || (( $(echo "$wall < ${best[$key-wall]}" | bc -l) )); then
    best[$key-wall]=$wall
  fi
  best[$key-rss]=$rss
  if [ -z "${best[$key]:-}" ] || (( $(echo "$s < ${best[$key]}" | bc -l) )); then
    best[$key]=$s
    [ "$mode" = file ] && { best[$key-bytes]=$(stat -c %s "$tmp/$label.h5");
      best[$key-write]=$(sed -n 's/.*writing took \([0-9.]*\) s, \([0-9]*\)% of the run.*/\1 s (\2%)/p' "$out"); }
  fi
  return 0
}
for ((r = 0; r < reps; r++)); do
  for label in before after; do
    b=$before; [ "$label" = after ] && b=$after
    run "$label" "$b" summary
    run "$label" "$b" file
  done
done
echo "baseline.yaml, $trials trials, best of $reps, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-7s %22s %22s %16s %14s %12s\n' build "summary only (CPU)" "with results (CPU)" "writing (wall)" "bytes/trial" "file/summary"
for label in before after; do
  s=${best[$label-summary]} f=${best[$label-file]}
  printf '%-7s %8.2f s %9.0f/s %8.2f s %9.0f/s %16s %14.1f %11.0f%%\n' "$label" "$s" \
    "$(echo "$trials / $s" | bc -l)" "$f" "$(echo "$trials / $f" | bc -l)" \
    "${best[$label-file-write]}" "$(echo "${best[$label-file-bytes]} / $trials" | bc -l)" \
    "$(echo "100 * $s / $f" | bc -l)"
done
printf '%-7s %14s %14s %18s\n' build "summary (wall)" "results (wall)" "peak RSS (results)"
for label in before after; do
  printf '%-7s %12.2f s %12.2f s %15.1f MB\n' "$label" "${best[$label-summary-wall]}" \
    "${best[$label-file-wall]}" "$(echo "${best[$label-file-rss]} / 1024" | bc -l)"
done
