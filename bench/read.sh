#!/usr/bin/env bash
# Reading results (issue 15, docs/hdf5-schema.md "Dictionary tables", "Reading"): the C readers
# (analyze, compare, report, status) and the Python reader (bench/read.py) on the default job
# (scenarios/baseline.yaml) written in format 1 and format 4, with two Release builds (before
# and after) and their source trees (for the Python package). Prints CPU seconds (user +
# system, /usr/bin/time: on a shared machine wall times vary, CPU times by a few per cent) and
# peak RSS, REPS runs each (CPU: the mean; RSS: the largest).
#
#   bench/read.sh BEFORE_SRC BEFORE_BUILD AFTER_SRC AFTER_BUILD [TRIALS] [REPS]
#   (defaults: 20000 trials, 2 runs; the files are written once, with AFTER_BUILD)
# With REC_TRIALS=N (session 21) a second table reads the records (/trials/cuts,
# /trials/hazard_events, /recovery/faults) of scenarios/recovery-sabotage.yaml, N trials:
# analyze (the faults), merge of its two shards (every record list) and the Python reader.
set -euo pipefail
cd "$(dirname "$0")/.."
bsrc="$1"; bbuild="$2"; asrc="$3"; abuild="$4"; trials="${5:-20000}"; reps="${6:-2}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for v in 1 4; do
  "$abuild/sim/cablesim" run scenarios/baseline.yaml --set trials="$trials" \
    --set output.format_version=$v -o "$tmp/v$v.h5" --quiet
done
measure() { # command...: "CPU s, peak MB" over reps runs
  local cpu=0 rss=0
  for _ in $(seq "$reps"); do
    /usr/bin/time -f '%U %S %M' -o "$tmp/time" "$@" > /dev/null \
      || { echo "read.sh: failed: $*" >&2; exit 1; }
    read -r u s m < <(tail -1 "$tmp/time")
    cpu=$(echo "$cpu + $u + $s" | bc -l)
    (( m > rss )) && rss=$m
  done
  printf '%.2f s, %.0f MB' "$(echo "$cpu / $reps" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
}
echo "| $trials trials | format 1 before | format 1 after | format 4 before | format 4 after |"
echo "|---|---|---|---|---|"
for cmd in "analyze @" "analyze @ --format json" "compare @ @ --format json" \
           "report @ -o $tmp/r.html --coastline none --force" "status @"; do
  line="| \`${cmd//$tmp\//}\` |"
  for v in 1 4; do
    for build in "$bbuild" "$abuild"; do
      line="$line $(measure "$build/sim/cablesim" ${cmd//@/$tmp/v$v.h5}) |"
    done
  done
  echo "$line"
done
for mode in open trials full iter; do
  line="| Python: $mode |"
  for v in 1 4; do
    for src in "$bsrc" "$asrc"; do
      line="$line $(measure /usr/bin/python3 bench/read.py "$src/analysis/python" "$tmp/v$v.h5" $mode) |"
    done
  done
  echo "$line"
done
[ -n "${REC_TRIALS:-}" ] || exit 0
for i in 0 1; do
  "$abuild/sim/cablesim" run scenarios/recovery-sabotage.yaml --set trials="$REC_TRIALS" \
    --shard $i/2 -o "$tmp/p$i.h5" --quiet
done
"$abuild/sim/cablesim" merge -o "$tmp/rec.h5" "$tmp/p0.h5" "$tmp/p1.h5" --quiet
echo
echo "| $REC_TRIALS trials of recovery-sabotage | before | after |"
echo "|---|---|---|"
for cmd in "analyze @" "merge -o $tmp/m.h5 $tmp/p0.h5 $tmp/p1.h5 --quiet --force"; do
  line="| \`${cmd//$tmp\//}\` |"
  for build in "$bbuild" "$abuild"; do
    line="$line $(measure "$build/sim/cablesim" ${cmd//@/$tmp/rec.h5}) |"
  done
  echo "$line"
done
line="| Python: records |"
for src in "$bsrc" "$asrc"; do
  line="$line $(measure /usr/bin/python3 bench/read.py "$src/analysis/python" "$tmp/rec.h5" records) |"
done
echo "$line"
