#!/usr/bin/env bash
# tests/valgrind/valgrind.sh CLI SOURCE_DIR: the CLI's main paths under valgrind's memcheck (no
# read of uninitialised memory, no invalid access, no definite leak), in a scratch directory:
# runs that route trials and write results (the default job, an earthquake, a recovery run,
# shards and their merge), then analyze, compare, status, report, criticality and a refused
# input. Registered by tests/CMakeLists.txt for builds without sanitizers (ASan and valgrind
# do not mix): the Release build CI tests runs it.
set -uo pipefail
cli=$1 src=$2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch" || exit 1
export CABLESIM_DATADIR=$src
vg=(valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite -q)
fail=0
check() { # expected-status command...
  local want=$1; shift
  "${vg[@]}" "$cli" "$@" > out.txt 2> err.txt
  local rc=$?
  if [ "$rc" -ne "$want" ]; then
    echo "FAIL (exit $rc, expected $want): cablesim $*"
    grep -m 40 . err.txt
    fail=1
  else
    echo "ok: cablesim $*"
  fi
}
check 0 run --no-progress --set trials=300 -o base.h5
check 0 run "$src/scenarios/nankai-m9.yaml" --no-progress --set trials=40 -o quake.h5
check 0 run "$src/scenarios/recovery-luzon.yaml" --no-progress --set trials=20 -o rec.h5
check 0 run --no-progress --set trials=100 --shard 0/2 -o part0.h5
check 0 run --no-progress --set trials=100 --shard 1/2 -o part1.h5
check 0 merge -o merged.h5 part0.h5 part1.h5
check 0 analyze quake.h5
check 0 analyze rec.h5 --format json
check 0 compare base.h5 merged.h5
check 0 status merged.h5
check 0 report quake.h5 rec.h5 -o report.html
check 0 criticality --as-of 2020 -k 1
check 2 run --no-progress --set estimator.method=bogus -o refused.h5
exit $fail
