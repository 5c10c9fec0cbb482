#!/usr/bin/env bash
# Regenerates every figure of docs/figures/ from scratch, with the commands the documents show
# (docs/analysis.md, docs/criticality.md), in a scratch directory:
#
#     cmake --build build/release --target docs-figures
#     sim/tools/docs_figures.sh build/release/sim/cablesim      # the same, by hand
#
# A Release build takes a few minutes (the 31-year evolution of the baseline is most of it).
# Needs /usr/bin/python3 with matplotlib (.ci/install-deps.sh). Writes docs/figures/*.png and
# docs/figures/quoted.tsv, the figures the documents quote from these runs (docs_numbers.py;
# tests/docs/test_docs_examples.py checks that the documents quote them). With
# DOCS_FIGURES_KEEP=DIR the runs (results files, the evolution table) are kept in DIR.
set -euo pipefail
cli=$(realpath "${1:?usage: docs_figures.sh CABLESIM}")
src=$(cd "$(dirname "$0")/../.." && pwd)
out=$src/docs/figures
if [ -n "${DOCS_FIGURES_KEEP:-}" ]; then
  mkdir -p "$DOCS_FIGURES_KEEP"
  work=$(realpath "$DOCS_FIGURES_KEEP")
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
cd "$work"
ln -sfn "$src/scenarios" scenarios
ln -sfn "$src/topology" topology
export PYTHONPATH=$src/analysis/python MPLBACKEND=Agg
py() { /usr/bin/python3 -m cablesim_analysis "$@"; }
run() { "$cli" run "$@" --quiet --force; }

echo "docs_figures: docs/analysis.md (Japan Trench at 4x demand)"
run scenarios/japan-trench.yaml --set trials=2000 --set demand_scale=4 -o jt.h5
py ccdf jt.h5 -o "$out/analysis-ccdf.png"
py regions jt.h5 -o "$out/analysis-regions.png"
py map jt.h5 -o "$out/analysis-map-criticality.png"
py map jt.h5 --color rerouted --level segment --extent 120 250 15 55 \
    -o "$out/analysis-map-rerouted.png"
for y in $(seq 2000 2 2026); do
  run scenarios/japan-trench.yaml --set trials=1000 --set as_of="$y" -o "jt-$y.h5"
done
py evolution jt-*.h5 -o "$out/analysis-evolution.png"

echo "docs_figures: docs/analysis.md (recovery, one more ship)"
run scenarios/recovery-sabotage.yaml -o sab.h5
run scenarios/recovery-sabotage.yaml -o sab-plus1.h5 \
  --set 'recovery.ships=[{name: Extra Yokohama, home: Yokohama, home_lonlat: [139.64, 35.45], speed_kn: 15}]'
py recovery sab.h5 sab-plus1.h5 --label "2025 fleet (6 ships)" --label "+1 ship at Yokohama" \
    -o "$out/analysis-recovery.png"

echo "docs_figures: docs/criticality.md (the baseline on the network of each year)"
"$cli" evolution scenarios/baseline.yaml --from 2000 --to 2030 -o evolution.csv --force \
  > evolution.txt
py evolution evolution.csv -o "$out/evolution-baseline.png"

echo "docs_figures: the figures the documents quote (docs/figures/quoted.tsv)"
/usr/bin/python3 "$src/sim/tools/docs_numbers.py" "$cli" "$work" "$out/quoted.tsv"

ls -l "$out"
