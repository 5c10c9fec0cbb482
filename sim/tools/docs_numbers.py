#!/usr/bin/env python3
"""The figures the documents quote, as docs_figures.sh regenerated them.

Usage: docs_numbers.py CABLESIM WORKDIR OUT.tsv (run by sim/tools/docs_figures.sh in its scratch
directory, after the runs). Writes one line per quoted figure, "DOCUMENT<TAB>TEXT": the text,
formatted as the document prints it, that DOCUMENT must contain (whitespace aside).
tests/docs/test_docs_examples.py checks that every document still does, so figures regenerated
with other numbers fail the test until the documents quote them.
"""

import csv
import glob
import json
import os
import subprocess
import sys


def main(cli, work, out):
    cli, work = os.path.abspath(cli), os.path.abspath(work)
    def cablesim(*args):
        p = subprocess.run([cli, *args, "--format", "json"], cwd=work, capture_output=True,
                           text=True, check=True)
        return json.loads(p.stdout)

    rows = []

    def quote(doc, text):
        rows.append((doc, text))

    # docs/analysis.md, the worked example (Japan Trench at 4x demand, 2000 trials).
    jt = cablesim("analyze", "jt.h5")
    u = jt["overall"]["unserved_tbps"]
    tail = jt["overall"]["unserved_tail"]
    a = "docs/analysis.md"
    quote(a, f"expected unserved: {u['mean']:.4f} Tbps (95% CI {u['lo']:.4f} to {u['hi']:.4f})")
    n, lossy = u["n"], jt["overall"]["loss_trials"]
    quote(a, f"{lossy} of the {n} trials ({100 * lossy / n:.1f}%) lose traffic")
    quote(a, f"99% of the trials lose at most {tail['quantiles']['p99']:.1f} Tbps")
    quote(a, f"up to {tail['max']:.1f} Tbps in the worst")
    share = {r["region"]: 100 * r["served_fraction"]["mean"] for r in jt["regions"]}
    quote(a, f"Hawaii keeps {share['Hawaii']:.2f}%, Brunei {share['Brunei']:.2f}% and Indonesia "
             f"{share['Indonesia']:.2f}%")
    quote(a, f"the US West Coast {share['US West Coast']:.2f}%")
    # The cable and the segment that carry the loss: the largest loss share (docs/analysis.md, 5).
    def top(units):
        return max(units, key=lambda e: e["criticality"]["loss_share"] or 0.0)
    cable, seg = top(jt["cables"]), top(jt["segments"])
    quote(a, f"{cable['cable']} has a share of {cable['criticality']['loss_share']:.2f} "
             f"({cable['criticality']['loss_share']:.4f})")
    crit = seg["criticality"]
    quote(a, f"narrows it to one segment, `{seg['id']}`")
    quote(a, f"fails in {100 * crit['failed']['p']:.0f}% of the trials ({crit['failed']['k']}), "
             f"each losing {crit['unserved_when_failed']['mean']:.1f} Tbps on average")

    # docs/analysis.md, evolution over the years: the loss of the last year.
    years = {}
    for f in glob.glob(os.path.join(work, "jt-*.h5")):
        s = cablesim("analyze", os.path.basename(f))["overall"]
        # A loss below the intact network's is rounding dust (docs/analysis-cli.md): 0, not -0.0.
        years[int(os.path.basename(f)[3:7])] = max(
            0.0, s["unserved_tbps"]["mean"] - s["intact_unserved_tbps"])
    last = max(years)
    quote(a, f"{years[last]:.1f} in {last}")

    # docs/analysis.md and docs/analysis-cli.md: one more ship against the sabotage campaign.
    rec = cablesim("compare", "sab.h5", "sab-plus1.h5")["recovery"]
    cap, uns = rec["capacity_tbps_days"]["difference"], rec["unserved_tbps_days"]["difference"]
    quote(a, f"{-cap['mean']:,.0f} capacity Tbps-days fewer")
    quote(a, f"{-uns['mean']:.0f} unserved Tbps-days fewer")
    short = [100 * cablesim("analyze", f)["recovery"]["t100_days"]["not_restored"]["p"]
             for f in ("sab-plus1.h5", "sab.h5")]
    quote(a, f"{short[0]:.0f}% of the trials instead of {short[1]:.0f}% still have some demand "
             "short at day 90")
    faults = cablesim("analyze", "sab.h5")["recovery"]["faults_per_trial"]["mean"]
    c = "docs/analysis-cli.md"
    quote(c, f"{faults:.0f} faults per trial")
    quote(c, f"{-cap['mean']:,.0f} Tbps-days on average (95% CI {-cap['hi']:,.0f} to "
             f"{-cap['lo']:,.0f}")

    # docs/criticality.md: the baseline, 2000 to 2030 (the table cablesim evolution wrote).
    with open(os.path.join(work, "evolution.csv"), newline="") as f:
        ev = {int(r["year"]): r for r in csv.DictReader(f)}
    k = "docs/criticality.md"
    for y in (min(ev), 2016, max(ev)):
        r = {c: float(v) for c, v in ev[y].items()
             if c not in ("worst_region", "unserved_statement") and v != ""}
        # As the text table states expected unserved (docs/criticality.md, Columns).
        kind = ev[y]["unserved_statement"]
        stated = ("(one outcome)" if kind == "one_outcome" else
                  f"(at most {r['expected_unserved_tbps_hi']:.3f})"
                  if kind == "clopper_pearson_bound" else
                  f"({r['expected_unserved_tbps_lo']:.3f} to {r['expected_unserved_tbps_hi']:.3f})")
        quote(k, f"{y} {r['systems']:.0f} {r['japan_systems']:.0f} {r['japan_design_tbps']:.1f} "
                 f"{r['baseline_unserved_tbps']:.3f} {r['expected_unserved_tbps']:.3f} {stated}")

    with open(out, "w", encoding="utf-8") as f:
        f.write("# document\tquoted text (written by sim/tools/docs_figures.sh; checked by "
                "tests/docs/test_docs_examples.py)\n")
        for doc, text in rows:
            f.write(f"{doc}\t{text}\n")


if __name__ == "__main__":
    main(*sys.argv[1:4])
