"""One naming scheme for intervals everywhere (docs/analysis-cli.md, "Names of intervals"): the
bounds of a 95% interval are `lo` and `hi`, alone in an object describing one estimate, or
suffixed to their quantity's name in a table (`served_fraction_lo`); never `ci95`, `ci_low`,
`_low`, `_high`, `_lower`, `_upper` or a pair named `interval`. Checked on every key and column
that cablesim analyze, compare, status and evolution write (JSON and CSV) and on the tables and
exports of the Python package, so a new figure cannot bring back another scheme."""

import csv
import io
import json
import re
import subprocess

import pandas as pd

from cablesim_analysis import export, open_results, recovery, stats, to_geojson, to_networkx
from conftest import cli_path, run_cablesim, scenario, RANDOM_HAZARD
from test_recovery import RANDOM_REC_HAZARD, RANDOM_RECOVERY

BAD = re.compile(r"(^|_)(low|high|lower|upper|ci95)$|^ci_(low|high)$|^interval$")


def cli(*args):
    p = subprocess.run([cli_path(), *map(str, args)], capture_output=True, text=True)
    assert p.returncode == 0, f"cablesim {' '.join(map(str, args))}: {p.stderr}"
    return p.stdout


def json_keys(doc, where, out):
    """(where, key) of every key of doc, recursively."""
    if isinstance(doc, dict):
        for k, v in doc.items():
            out.append((where, k))
            json_keys(v, f"{where}.{k}", out)
    elif isinstance(doc, list):
        for v in doc:
            json_keys(v, f"{where}[]", out)
    return out


def csv_header(text):
    return next(csv.reader(io.StringIO(text)))


def check(names):
    """names: [(where, name)]. Every name follows the scheme; every *_lo has its *_hi beside it
    (and lo its hi)."""
    assert names
    bad = sorted({f"{w}: {n}" for w, n in names if BAD.search(str(n))})
    assert not bad, "interval bounds not named lo/hi:\n" + "\n".join(bad)
    by_where = {}
    for w, n in names:
        by_where.setdefault(w, set()).add(str(n))
    for w, ns in by_where.items():
        for n in ns:
            if n == "lo" or n.endswith("_lo"):
                assert n[:-2] + "hi" in ns, f"{w}: {n} without {n[:-2]}hi"


def test_the_pattern_catches_the_old_names():
    for old in ("ci95", "ci_low", "ci_high", "p_down_low", "p_down_high", "p_loss_upper",
                "interval"):
        assert BAD.search(old), old
    for good in ("lo", "hi", "served_fraction_lo", "p_loss_hi", "b_higher_trials",
                 "ci_excludes_zero", "latency_inflation"):
        assert not BAD.search(good), good


def test_cli_outputs(random_h5, cut_h5, workdir):
    rec = run_cablesim(scenario("names-rec", 12, RANDOM_REC_HAZARD, extra=RANDOM_RECOVERY),
                       workdir, "names-rec")
    names = []
    for f in (random_h5, rec):
        json_keys(json.loads(cli("analyze", f, "--format", "json")), f"analyze {f.name}", names)
    for table in ("overall", "regions", "demands", "cables", "segments", "stations"):
        out = cli("analyze", random_h5, "--format", "csv", "--table", table)
        names += [(f"analyze csv {table}", n) for n in csv_header(out)]
    for table in ("recovery", "recovery-times", "ships"):
        out = cli("analyze", rec, "--format", "csv", "--table", table)
        names += [(f"analyze csv {table}", n) for n in csv_header(out)]
    for files in ((random_h5, cut_h5), (random_h5, cut_h5, random_h5)):
        json_keys(json.loads(cli("compare", *files, "--format", "json")),
                  f"compare {len(files)}", names)
        names += [(f"compare csv {len(files)}", n)
                  for n in csv_header(cli("compare", *files, "--format", "csv"))]
    json_keys(json.loads(cli("status", random_h5, "--format", "json")), "status", names)
    yaml = workdir / "names-evolution.yaml"
    yaml.write_text(scenario("names-evolution", 5, RANDOM_HAZARD), encoding="utf-8")
    json_keys(json.loads(cli("evolution", yaml, "--from", 2014, "--to", 2015, "--format", "json",
                             "--quiet")), "evolution", names)
    names += [("evolution csv", n) for n in csv_header(
        cli("evolution", yaml, "--from", 2014, "--to", 2015, "--format", "csv", "--quiet"))]
    check(names)


def columns(where, t):
    if isinstance(t, pd.DataFrame):
        return [(where, c) for c in t.columns] + [(where, t.index.name)]
    if isinstance(t, pd.Series):
        return [(where, i) for i in t.index]
    return json_keys(t, where, [])


def test_python_tables_and_exports(random_h5, workdir):
    rec = run_cablesim(scenario("names-rec-py", 12, RANDOM_REC_HAZARD, extra=RANDOM_RECOVERY),
                       workdir, "names-rec-py")
    names = []
    with open_results(random_h5) as r:
        for name, t in (("edge_table", export.edge_table(r)), ("cable_table", export.cable_table(r)),
                        ("node_table", export.node_table(r)),
                        ("region_summary", stats.region_summary(r)),
                        ("criticality cable", stats.criticality(r, "cable")),
                        ("criticality segment", stats.criticality(r, "segment")),
                        ("rerouted_load", stats.rerouted_load(r, "cable")),
                        ("run_summary", stats.run_summary(r))):
            names += columns(name, t)
        for f in to_geojson(r)["features"]:
            names += [("geojson " + f["geometry"]["type"], k) for k in f["properties"]]
        g = to_networkx(r)
        names += [("networkx edge", k) for _, _, d in g.edges(data=True) for k in d]
        names += [("networkx node", k) for _, d in g.nodes(data=True) for k in d]
        names += [("networkx graph", k) for k in g.graph]
    with open_results(rec) as r:
        names += columns("restore_summary", recovery.restore_summary(r))
        names += columns("curve", recovery.curve(r))
    check(names)
