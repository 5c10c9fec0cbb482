#!/usr/bin/env bash
# tests/fuzz/run.sh BUILD SECONDS [TARGET...]: runs each libFuzzer harness of a CS_FUZZ build
# (docs/fuzzing.md) for SECONDS, starting from its seeds (BUILD/tests/fuzz/TARGET.seeds, the
# shipped files) and its kept corpus (tests/fuzz/corpus/TARGET/). New inputs go to a working
# corpus, BUILD/fuzz-corpus/TARGET/ (kept between runs, so that long runs build on short ones).
# A crash, leak, timeout (60 s of wall time for one input) or failed property stops the target:
# the input is saved as BUILD/fuzz-artifacts/TARGET/crash-* (or leak-, timeout-, oom-) and the
# script fails.
# Environment: FUZZ_JOBS (parallel processes per target, default 1; their logs are
# BUILD/fuzz-logs/fuzz-N.log), FUZZ_ARGS (more libFuzzer flags).
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 BUILD SECONDS [TARGET...]" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
seconds=$2
shift 2
src=$(cd "$(dirname "$0")" && pwd)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(topology demand scenario fleet set results)
export HDF5_USE_FILE_LOCKING=FALSE
status=0
for t in "${targets[@]}"; do
  exe="$build/tests/fuzz/fuzz_$t"
  if [ ! -x "$exe" ]; then
    echo "run.sh: $exe not found: configure $build with CC=clang -DCS_FUZZ=ON and build it" >&2
    exit 2
  fi
  work="$build/fuzz-corpus/$t" art="$build/fuzz-artifacts/$t"
  mkdir -p "$work" "$art"
  # The seeds are copied (by content hash, as libFuzzer names its inputs) into the working corpus.
  while IFS= read -r f; do
    [ -n "$f" ] && cp "$f" "$work/seed-$(sha1sum < "$f" | cut -c1-16)"
  done < "$build/tests/fuzz/$t.seeds"
  echo "== fuzz_$t: ${seconds}s"
  jobs=()
  if [ "${FUZZ_JOBS:-1}" -gt 1 ]; then jobs=(-jobs="$FUZZ_JOBS" -workers="$FUZZ_JOBS"); fi
  # libFuzzer writes the logs of -jobs into the working directory.
  mkdir -p "$build/fuzz-logs"
  # shellcheck disable=SC2086 # FUZZ_ARGS holds several flags
  if ! (cd "$build/fuzz-logs" && "$exe" -max_total_time="$seconds" -timeout=60 \
      -rss_limit_mb=2048 -print_final_stats=1 "${jobs[@]}" -artifact_prefix="$art/" \
      ${FUZZ_ARGS:-} "$work" "$src/corpus/$t" 2> "$build/fuzz-$t.log"); then
    status=1
    echo "fuzz_$t FAILED; the input is in $art/, the log in $build/fuzz-$t.log:" >&2
    grep -E "ERROR|SUMMARY|fuzz property|Test unit written" "$build/fuzz-$t.log" | head -20 >&2
  else
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb|INITED|DONE" \
      "$build/fuzz-$t.log" | tr '\n' ' '
    echo
  fi
done
exit $status
