#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine (see README.md):
#   ./setup.sh run    install what is missing, build (Release), run the default job
#   ./setup.sh test   install what is missing, build and run the tests twice: Debug with
#                     ASan+UBSan, then Release (both -Werror)
# Idempotent; apt-get runs through sudo when not root, and only if a package is missing.
set -euo pipefail
cd "$(dirname "$0")"

mode="${1:-run}"
jobs="$(nproc 2>/dev/null || echo 2)"

deps() { bash .ci/install-deps.sh; }

build() { # build DIR TYPE [cmake args...]
  local dir="$1" type="$2"; shift 2
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE="$type" "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
}

case "$mode" in
  run)
    deps
    build build/release Release -DCS_BUILD_TESTS=OFF
    ./build/release/sim/cablesim run --no-progress
    ;;
  test)
    deps
    build build/debug Debug -DCS_WERROR=ON -DCS_SANITIZE=address,undefined
    ctest --test-dir build/debug --output-on-failure -j "$jobs"
    # The same tests without sanitizers, optimised: what users run (and faster, so that a
    # test depending on timing would show here).
    build build/release Release -DCS_WERROR=ON -DCS_BUILD_TESTS=ON
    ctest --test-dir build/release --output-on-failure -j "$jobs"
    ;;
  -h|--help|help)
    sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
    ;;
  *)
    echo "setup.sh: unknown mode \"$mode\" (expected run or test)" >&2
    exit 2
    ;;
esac
