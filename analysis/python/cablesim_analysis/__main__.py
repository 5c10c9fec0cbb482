"""Command line: python3 -m cablesim_analysis <command> ... (see --help and docs/analysis.md).

Exit status: 0 success, 2 unusable input or usage (the message names the file), 1 anything
else.
"""

import argparse
import math
import os
import sys
import warnings

import h5py
import numpy as np
import pandas as pd

from . import export, plots, recovery, stats
from .reader import ResultsError, open_results

PROG = "cablesim_analysis"


def _common(p, output=True):
    p.add_argument("--allow-incomplete", action="store_true",
                   help="analyse the trials of a file whose run did not finish (complete = 0)")
    if output:
        p.add_argument("-o", "--output", required=True, metavar="PNG", help="figure to write")
        p.add_argument("--title", help="replace the figure's title")
        p.add_argument("--dpi", type=int, default=plots.DPI,
                       help="resolution (default %(default)s)")


def _parser():
    ap = argparse.ArgumentParser(
        prog=f"python3 -m {PROG}",
        description="Figures and tables from cablesim results files (docs/analysis.md).")
    sub = ap.add_subparsers(dest="command", required=True, metavar="<command>")

    p = sub.add_parser("summary", help="print the run's headline figures, regions and the "
                       "most critical cables")
    p.add_argument("results", metavar="RESULTS.h5")
    p.add_argument("--top", type=int, default=10, help="cables listed (default %(default)s)")
    _common(p, output=False)

    p = sub.add_parser("ccdf", help="CCDF of the unserved traffic per trial (log y)")
    p.add_argument("results", metavar="RESULTS.h5")
    p.add_argument("--loss", action="store_true",
                   help="plot the loss beyond the intact network's unserved instead")
    _common(p)

    p = sub.add_parser("regions", help="served fraction per region, with 95%% CIs")
    p.add_argument("results", metavar="RESULTS.h5")
    p.add_argument("--csv", metavar="FILE", help="also write the per-region table as CSV")
    _common(p)

    p = sub.add_parser("map", help="lon/lat map of the cables coloured by criticality or "
                       "rerouted load")
    p.add_argument("results", metavar="RESULTS.h5")
    p.add_argument("--topology", metavar="GEOJSON",
                   help="the topology file the run used (default: found from the scenario, "
                   "checked against topology_sha256)")
    p.add_argument("--color", choices=("criticality", "rerouted"), default="criticality")
    p.add_argument("--level", choices=("cable", "segment"), default="cable",
                   help="colour each segment by its cable's value or its own (default cable)")
    p.add_argument("--metric", choices=("share", "loss"), default="share",
                   help="criticality: share of the total loss (default) or the expected loss "
                   "when it fails")
    p.add_argument("--extent", nargs=4, type=float, metavar=("WEST", "EAST", "SOUTH", "NORTH"),
                   help="map window in degrees (default: the whole network)")
    p.add_argument("--csv", metavar="FILE", help="also write the per-cable (or per-segment) "
                   "table as CSV")
    _common(p)

    p = sub.add_parser("evolution", help="year-by-year evolution, from the table of "
                       "'cablesim evolution' or from one results file per year")
    p.add_argument("inputs", nargs="+", metavar="TABLE.csv|TABLE.json|RESULTS.h5",
                   help="one CSV/JSON table, or results files whose as_of years differ")
    p.add_argument("--csv", metavar="FILE", help="also write the table plotted as CSV")
    _common(p)

    p = sub.add_parser("recovery", help="recovery over time (files with recovery data): median "
                       "served share with its 10-90%% band, and the CCDF of the times to "
                       "restore 50/90/100%%; two files overlaid for a comparison")
    p.add_argument("results", nargs="+", metavar="RESULTS.h5", help="one or two results files")
    p.add_argument("--label", action="append", metavar="TEXT",
                   help="legend label of each file, in order (default: scenario or file name)")
    p.add_argument("--csv", metavar="FILE", help="also write the curve (all grid steps; the "
                   "first file) as CSV")
    _common(p)

    p = sub.add_parser("geojson", help="the network with per-edge and per-cable failure "
                       "probability and rerouted load, as GeoJSON for QGIS")
    p.add_argument("results", metavar="RESULTS.h5")
    p.add_argument("-o", "--output", required=True, metavar="GEOJSON", help="file to write")
    p.add_argument("--topology", metavar="GEOJSON",
                   help="the topology file the run used, for the routes (default: found from "
                   "the scenario, checked against topology_sha256; else straight lines)")
    _common(p, output=False)
    return ap


def _summary(a):
    pd.set_option("display.width", 120)
    with open_results(a.results, allow_incomplete=a.allow_incomplete) as r:
        s = stats.run_summary(r)
        print(f"{a.results}: {plots.scenario_name(r)}")
        print(f"  network of {s['year']}: {len(r.nodes)} nodes, {len(r.edges)} edges, "
              f"{s['systems']} cable systems; {len(r.demands)} demands, "
              f"{s['demand_tbps']:.2f} Tbps")
        print(f"  trials: {s['trials']} of {r.attrs.get('trials')} "
              f"({'complete' if r.complete else 'INCOMPLETE'}), seed {r.attrs.get('seed')}")
        print(f"  intact network unserved: {s['baseline_unserved_tbps']:.4f} Tbps")
        if s["unserved_statement"] == "one_outcome":
            print(f"  unserved: {s['expected_unserved_tbps']:.4f} Tbps (every trial has the same "
                  "failures: one outcome, no confidence interval)")
        elif s["unserved_statement"] == "clopper_pearson_bound":
            print(f"  expected unserved: {s['expected_unserved_tbps']:.4f} Tbps; only "
                  f"{s['loss_trials']} of {s['trials']} trials lose anything, too few for a normal "
                  f"interval: at most {s['expected_unserved_tbps_hi']:.4f} Tbps (the intact "
                  f"unserved plus served demand x {s['p_loss_hi']:.3g}, the 95% Clopper-Pearson "
                  "upper bound of P(loss > 0))")
        elif math.isnan(s["expected_unserved_tbps_lo"]):  # weights that support no interval
            print(f"  expected unserved: {s['expected_unserved_tbps']:.4f} Tbps (no interval: "
                  "the weights are unreliable, below)")
        else:
            print(f"  expected unserved: {s['expected_unserved_tbps']:.4f} Tbps (95% CI "
                  f"{s['expected_unserved_tbps_lo']:.4f} to {s['expected_unserved_tbps_hi']:.4f})")
        if s.get("reliability"):
            print(f"  P(some region cut off from every Japanese city): "
                  f"{s['p_any_region_cut']:.5g}, no interval ({s['reliability']})")
        else:
            print(f"  P(some region cut off from every Japanese city): "
                  f"{s['p_any_region_cut']:.5f} ({s['p_any_region_cut_lo']:.5f} to "
                  f"{s['p_any_region_cut_hi']:.5f})")
        if r.weighted:  # the rest would be statistics of the tilted draws
            print(f"  importance-sampled (/trials/weight): the figures above are weighted "
                  f"estimates (effective sample size {s['ess']:.0f} of {s['trials']}); the "
                  "per-region and criticality statistics of the tilted draws are not shown "
                  "(docs/rare-events.md)")
            return 0
        reg = stats.region_summary(r)
        print("\nServed fraction per region (mean over trials, 95% CI or bound; p_cut: no "
              "Japanese city reaches it):")
        print(reg[["demand_tbps", "baseline_fraction", "mean", "lo", "hi", "statement", "bound",
                   "loss_trials", "p_cut"]].to_string(float_format=lambda v: f"{v:.5f}"))
        print(f"  (statement: normal, lo to hi; clopper_pearson_bound: fewer than "
              f"{stats.MIN_LOSS_TRIALS} trials lose traffic to the region, too few for a normal "
              "interval: at least bound (the intact served share x (1 - the Clopper-Pearson upper "
              "bound of P(its loss > 0))); one_outcome: every trial the same, no interval)")
        crit = stats.criticality(r, "cable")
        crit = crit[crit["n_failed"] > 0].sort_values("loss_share", ascending=False)
        print(f"\nMost critical cables (of {int((crit['n_failed'] > 0).sum())} that failed):")
        cols = ["n_failed", "p_failed", "loss_given_failed_tbps", "loss_share"]
        print(crit[cols].head(a.top).to_string(float_format=lambda v: f"{v:.4f}")
              if len(crit) else "  none failed")
    return 0


def _is_hdf5(path):
    try:
        return h5py.is_hdf5(path)
    except OSError:
        return False


def _evolution(a):
    tables = [p for p in a.inputs if not _is_hdf5(p)]
    if tables and len(a.inputs) > 1:
        raise ResultsError(f"evolution: expected one table or only results files, found "
                           f"{tables[0]} among {len(a.inputs)} inputs")
    if tables:
        if not os.path.exists(tables[0]):
            raise ResultsError(f"{tables[0]}: no such file")
        table = stats.read_evolution_table(tables[0])
    else:
        table = stats.evolution_from_results(a.inputs, allow_incomplete=a.allow_incomplete)
    if a.csv:
        table.to_csv(a.csv, index=False)
    plots.plot_evolution(table, a.output, title=a.title, dpi=a.dpi)
    return 0


def _recovery(a):
    if len(a.results) > 2:
        raise ResultsError(f"recovery: expected one or two results files, found {len(a.results)}")
    if a.label and len(a.label) != len(a.results):
        raise ResultsError(f"recovery: expected {len(a.results)} --label, found {len(a.label)}")
    files = []
    try:
        for path in a.results:
            files.append(open_results(path, allow_incomplete=a.allow_incomplete))
        for r in files:
            if not recovery.has_recovery(r):
                raise ResultsError(f"{r.path}: no recovery data (/timeseries, /recovery): the "
                                   "scenario has no recovery section")
        if a.csv:
            recovery.curve(files[0]).to_csv(a.csv)
        plots.plot_recovery(files, a.output, labels=a.label, title=a.title, dpi=a.dpi)
    finally:
        for r in files:
            r.close()
    return 0


def _run(a):
    if a.command == "summary":
        return _summary(a)
    if a.command == "evolution":
        return _evolution(a)
    if a.command == "recovery":
        return _recovery(a)
    with open_results(a.results, allow_incomplete=a.allow_incomplete) as r:
        if r.weighted:  # every figure below is a plain statistic of the trials
            raise ResultsError(f"{a.results}: dataset /trials/weight: expected a run of the "
                               f"model's own draws for {a.command}, found an importance-sampled "
                               "one (its trials follow the tilted law; summary and cablesim "
                               "analyze give the weighted estimates: docs/rare-events.md)")
        if a.command == "ccdf":
            plots.plot_ccdf(r, a.output, use_loss=a.loss, title=a.title, dpi=a.dpi)
        elif a.command == "regions":
            summary = stats.region_summary(r)
            if a.csv:
                summary.to_csv(a.csv)
            plots.plot_regions(r, a.output, summary=summary, title=a.title, dpi=a.dpi)
        elif a.command == "geojson":
            export.write_geojson(r, a.output, a.topology)
        elif a.command == "map":
            if a.csv:
                table = (stats.criticality(r, a.level) if a.color == "criticality"
                         else stats.rerouted_load(r, a.level))
                table.to_csv(a.csv)
            plots.plot_map(r, a.output, topology=a.topology, color=a.color, level=a.level,
                           metric=a.metric, extent=a.extent, title=a.title, dpi=a.dpi)
    return 0


def _show_warning(message, *_args, **_kw):
    print(f"{PROG}: warning: {message}", file=sys.stderr)


def main(argv=None):
    a = _parser().parse_args(argv)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.showwarning = _show_warning  # one line each, like errors
        try:
            return _run(a)
        except (ResultsError, OSError) as e:  # OSError: e.g. an output directory missing
            print(f"{PROG}: {e}", file=sys.stderr)
            return 2


if __name__ == "__main__":
    sys.exit(main())
