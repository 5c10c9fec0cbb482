"""Honest statistics per region and per demand (issue 10; docs/analysis-cli.md, "How each
figure is stated"): `cablesim analyze` gives a region's or a demand's unserved traffic and
served fraction a normal interval only when at least 30 trials lose traffic there, a
Clopper-Pearson bound with fewer, and one value with no interval when every trial has the same
failures; P(cut) of a deterministic run is one outcome too. On the shipped scenarios
baseline (500 trials: a handful of trials lose traffic) and boso-attack (10 trials, the same
failures in each), and on the test network's random run (many losses: normal intervals)."""

import csv
import io
import json
import math
import subprocess

import pytest
from scipy.stats import beta

from cablesim_analysis import open_results, stats
from conftest import REPO, cli_path


def cp_hi(k, n):
    """The 95% Clopper-Pearson upper bound of P(loss > 0) from k of n trials."""
    return 1.0 if k == n else float(beta.ppf(0.975, k + 1, n - k))


def cli(*args):
    p = subprocess.run([cli_path(), *map(str, args)], capture_output=True, text=True, cwd=REPO)
    assert p.returncode == 0, f"cablesim {' '.join(map(str, args))}: {p.stderr}"
    return p.stdout


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    d = tmp_path_factory.mktemp("honest")
    base, boso = d / "baseline.h5", d / "boso.h5"
    cli("run", "scenarios/baseline.yaml", "--set", "trials=500", "-o", base, "--quiet")
    cli("run", "scenarios/boso-attack.yaml", "-o", boso, "--quiet")
    return base, boso


def test_few_losses_give_a_bound_per_region_and_demand(shipped):
    base, _ = shipped
    doc = json.loads(cli("analyze", base, "--format", "json"))
    n = doc["source"]["trials"]
    seen = 0
    for g in doc["regions"]:
        k = g["loss_trials"]
        for key in ("served_fraction", "unserved_tbps"):
            e = g[key]
            if k >= 30:
                continue
            seen += 1
            # Before: a normal interval whatever k (Brunei "0.0028 (0.0001-0.0055)" from 4).
            assert e["statement"] == "clopper_pearson_bound", (g["region"], key, e)
            assert e["lo"] is None and e["hi"] is None
        d0, s0 = g["demand_tbps"], g["intact_served_tbps"]
        if k < 30 and s0 > 0:
            want = (d0 - s0) + s0 * cp_hi(k, n)
            assert g["unserved_tbps"]["bound"] == pytest.approx(min(d0, want), rel=1e-9)
            assert g["served_fraction"]["bound"] == pytest.approx(s0 * (1 - cp_hi(k, n)) / d0,
                                                                  rel=1e-9)
            assert g["served_fraction"]["bound"] <= g["served_fraction"]["mean"]
            assert g["unserved_tbps"]["bound"] >= g["unserved_tbps"]["mean"]
        if g["cut_off_all"] is not None:  # a random run: P(cut) keeps its Wilson interval
            assert g["cut_off_all"]["statement"] == "wilson"
            assert g["cut_off_all"]["hi"] > 0
    assert seen > 0
    brunei = next(g for g in doc["regions"] if g["region"] == "Brunei")
    assert 0 < brunei["loss_trials"] < 30
    for d in doc["demands"]:
        k = d["loses_traffic"]["k"]
        if k < 30 and d["intact_served_tbps"] > 0:
            assert d["unserved_tbps"]["statement"] == "clopper_pearson_bound"
            assert d["unserved_tbps"]["lo"] is None
            assert d["unserved_tbps"]["bound"] == pytest.approx(
                d["demand_tbps"] - d["intact_served_tbps"]
                + d["intact_served_tbps"] * cp_hi(k, n), rel=1e-9)
    # The overall served fraction follows the headline's statement.
    o = doc["overall"]
    assert o["unserved_statement"]["kind"] == "clopper_pearson_bound"
    assert o["served_fraction"]["statement"] == "clopper_pearson_bound"
    assert o["served_fraction"]["lo"] is None
    assert o["served_fraction"]["bound"] < o["served_fraction"]["mean"] <= 1
    assert o["unserved_tbps"]["bound"] == pytest.approx(o["unserved_statement"]["hi"], rel=1e-12)
    # CSV: the same, the interval columns empty.
    rows = list(csv.DictReader(io.StringIO(cli("analyze", base, "--format", "csv",
                                               "--table", "regions"))))
    row = next(r for r in rows if r["region"] == "Brunei")
    assert row["statement"] == "clopper_pearson_bound"
    assert row["served_fraction_lo"] == row["unserved_tbps_hi"] == ""
    assert float(row["unserved_tbps_bound"]) == pytest.approx(brunei["unserved_tbps"]["bound"])
    assert int(row["loss_trials"]) == brunei["loss_trials"]
    text = cli("analyze", base, "--top", "3")
    assert "fewer than 30 trials lose traffic to the region" in text
    line = next(x for x in text.splitlines() if x.strip().startswith("Brunei"))
    assert "(>= " in line and "(<= " in line


def test_a_deterministic_run_reports_one_outcome(shipped):
    _, boso = shipped
    doc = json.loads(cli("analyze", boso, "--format", "json"))
    for g in doc["regions"]:
        for key in ("served_fraction", "unserved_tbps"):
            assert g[key]["statement"] == "one_outcome", (g["region"], key)
            assert g[key]["lo"] is None and g[key]["bound"] is None
        if g["cut_off_all"] is not None:
            # Before: "0.00000 (0.0000-0.2775)", an interval on a certainty.
            assert g["cut_off_all"]["statement"] == "one_outcome"
            assert g["cut_off_all"]["lo"] is None and g["cut_off_all"]["hi"] is None
    for d in doc["demands"]:
        assert d["unserved_tbps"]["statement"] == "one_outcome"
        if d["cut_off"] is not None:
            assert d["cut_off"]["hi"] is None
    assert doc["overall"]["served_fraction"]["statement"] == "one_outcome"
    assert doc["overall"]["all_pairs_cut"]["statement"] == "one_outcome"
    assert doc["overall"]["all_pairs_cut"]["hi"] is None
    text = cli("analyze", boso, "--top", "3")
    assert "(1.00000-1.00000)" not in text and "0.2775" not in text
    assert "every (city, region) pair cut at once:  0.00000 (one outcome)" in text
    assert "served fraction: 1.000000 (one outcome)" in text
    rows = list(csv.DictReader(io.StringIO(cli("analyze", boso, "--format", "csv",
                                               "--table", "regions"))))
    assert {r["statement"] for r in rows} == {"one_outcome"}
    assert all(r["p_cut_all_hi"] == "" for r in rows)


def test_many_losses_keep_the_clipped_normal_interval(random_h5):
    doc = json.loads(cli("analyze", random_h5, "--format", "json"))
    normal = [g for g in doc["regions"] if g["loss_trials"] >= 30]
    assert normal, [(g["region"], g["loss_trials"]) for g in doc["regions"]]
    for g in normal:
        e = g["served_fraction"]
        assert e["statement"] == "normal" and e["bound"] is None
        assert 0 <= e["lo"] <= e["mean"] <= e["hi"] <= 1
        assert math.isclose(e["hi"], min(1.0, e["mean"] + 1.959963984540054 * e["se"]),
                            rel_tol=1e-9)


def _same_as_analyze(path):
    """The Python reader's region_summary states every region as analyze's JSON does."""
    doc = json.loads(cli("analyze", path, "--format", "json"))
    with open_results(path) as r:
        reg = stats.region_summary(r)
    checked = 0
    for g in doc["regions"]:
        e, row = g["served_fraction"], reg.loc[g["region"]]
        if e["mean"] is None:
            continue
        checked += 1
        assert row["statement"] == e["statement"], g["region"]
        assert row["loss_trials"] == g["loss_trials"], g["region"]
        assert row["mean"] == pytest.approx(e["mean"], rel=1e-9, abs=1e-12)
        for key in ("lo", "hi", "bound"):
            if e[key] is None:
                assert math.isnan(row[key]), (g["region"], key, row[key])
            else:
                assert row[key] == pytest.approx(e[key], rel=1e-9, abs=1e-12), (g["region"], key)
        c = g["cut_off_all"]
        if c is not None:
            assert row["p_cut"] == pytest.approx(c["p"], abs=1e-12)
            if c["hi"] is None:
                assert math.isnan(row["p_cut_hi"]) and math.isnan(row["p_cut_lo"])
            else:
                assert row["p_cut_hi"] == pytest.approx(c["hi"], rel=1e-9)
    assert checked > 0
    return reg


def test_the_python_reader_states_regions_as_analyze_does(shipped, random_h5):
    base, boso = shipped
    reg = _same_as_analyze(base)
    # Before: a normal interval for every region (lo, hi numbers; no statement column).
    assert reg.loc["Brunei", "statement"] == "clopper_pearson_bound"
    assert math.isnan(reg.loc["Brunei", "lo"])
    reg = _same_as_analyze(boso)
    assert set(reg["statement"]) == {"one_outcome"}
    assert reg["lo"].isna().all() and reg["p_cut_hi"].isna().all()
    reg = _same_as_analyze(random_h5)
    assert "normal" in set(reg["statement"])
    # The summary command prints the statement and says why.
    out = subprocess.run(["/usr/bin/python3", "-m", "cablesim_analysis", "summary", str(base)],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "clopper_pearson_bound" in out.stdout and "too few for a normal" in out.stdout


def test_a_region_the_intact_network_cannot_serve_is_never_cut_off(tmp_path):
    # In 2000 no lit cable reaches Australia (AJC opens in 2001, the Guam-Sydney cables in
    # 2009): its demand is "not served by the intact network" and left out of every damage
    # figure, so no failure cuts it off. Before, its pairs were cut in every trial (P(cut) 1 in
    # analyze and in the Python reader) while the run summary left it out.
    f = tmp_path / "b2000.h5"
    cli("run", "scenarios/baseline.yaml", "--set", "as_of=2000", "--set", "trials=50", "-o", f,
        "--quiet")
    doc = json.loads(cli("analyze", f, "--format", "json"))
    au = next(g for g in doc["regions"] if g["region"] == "Australia")
    assert au["intact_served_tbps"] == 0.0
    assert au["cut_off_all"]["k"] == 0 and au["cut_off_any"]["k"] == 0
    r = open_results(str(f))
    assert not stats.region_cut(r)["Australia"].any()
    # The regions the intact network serves keep their meaning: the pair_cut of a trial is 1
    # only for pairs with a served demand.
    served = {g["region"] for g in doc["regions"] if g["intact_served_tbps"] > 0}
    assert "Hong Kong" in served
