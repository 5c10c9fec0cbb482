"""Derived statistics, against values worked out by hand or recomputed trial by trial."""

import json

import h5py
import numpy as np
import pandas as pd
import pytest

from cablesim_analysis import ResultsError, open_results, stats

EPS = 1e-9


@pytest.fixture(scope="module")
def r(random_h5):
    with open_results(random_h5) as res:
        yield res


@pytest.fixture(scope="module")
def cut(cut_h5):
    with open_results(cut_h5) as res:
        yield res


def test_demand_regions(r):
    assert stats.demand_regions(r).tolist() == ["US West Coast", "US West Coast", "Hong Kong",
                                                "Hong Kong", "Japan"]


def test_region_fraction_explicit_cut(cut):
    """PAC-1 and PAC-2 cut (as tests/unit/test_engine.c's test_explicit_cut): Los Angeles'
    11.75 Tbps is lost; HK's 5.25 fits ASIA-1 + ASIA-2 (lit 4 + 5); Tokyo-Osaka is on land."""
    frac = stats.region_served_fraction(cut)
    assert frac.shape == (5, 3)
    assert frac.columns.tolist() == ["US West Coast", "Hong Kong", "Japan"]
    np.testing.assert_allclose(frac["US West Coast"], 0.0, atol=1e-12)
    np.testing.assert_allclose(frac["Hong Kong"], 1.0, atol=1e-12)
    np.testing.assert_allclose(frac["Japan"], 1.0, atol=1e-12)
    s = stats.region_summary(cut)
    assert s.loc["US West Coast", "demand_tbps"] == pytest.approx(11.75, abs=1e-12)
    assert s.loc["Hong Kong", "demand_tbps"] == pytest.approx(5.25, abs=1e-12)
    assert s.loc["Japan", "demand_tbps"] == pytest.approx(0.5, abs=1e-12)
    assert s.loc["US West Coast", "mean"] == pytest.approx(0.0, abs=1e-12)
    # Every trial has the same failures: one outcome, no interval (docs/analysis-cli.md).
    assert (s["statement"] == "one_outcome").all()
    assert s["lo"].isna().all() and s["hi"].isna().all() and s["bound"].isna().all()
    assert s.loc["US West Coast", "loss_trials"] == 5 and s.loc["Hong Kong", "loss_trials"] == 0
    assert np.isnan(s.loc["US West Coast", "p_cut_lo"]) and np.isnan(s.loc["US West Coast", "p_cut_hi"])
    np.testing.assert_allclose(s["baseline_fraction"], 1.0, atol=1e-12)
    assert s.loc["US West Coast", "p_cut"] == 1.0 and s.loc["Hong Kong", "p_cut"] == 0.0
    assert np.isnan(s.loc["Japan", "p_cut"])
    assert s["demands"].tolist() == [2, 2, 1]
    assert stats.loss(cut).to_numpy() == pytest.approx([11.75] * 5, abs=1e-12)


def test_region_fraction_random(r):
    frac = stats.region_served_fraction(r)
    served = r.served.to_numpy()
    demand = r.demands["demand_scaled_tbps"].to_numpy()
    us = served[:, :2].sum(axis=1) / (7.5 + 4.25)
    hk = served[:, 2:4].sum(axis=1) / (3.5 + 1.75)
    np.testing.assert_allclose(frac["US West Coast"], us, atol=1e-12)
    np.testing.assert_allclose(frac["Hong Kong"], hk, atol=1e-12)
    np.testing.assert_allclose(frac["Japan"], served[:, 4] / demand[4], atol=1e-12)
    assert ((frac >= -EPS) & (frac <= 1 + EPS)).all().all()
    s = stats.region_summary(r, frac)
    n = len(us)
    half = 1.959963984540054 * us.std(ddof=1) / np.sqrt(n)
    assert s.loc["US West Coast", "mean"] == pytest.approx(us.mean(), abs=1e-12)
    assert s.loc["US West Coast", "lo"] == pytest.approx(us.mean() - half, abs=1e-12)
    assert s.loc["US West Coast", "hi"] == pytest.approx(us.mean() + half, abs=1e-12)
    # p_cut counts the trials in which both Japanese cities lost the region.
    both = r.pair_cut[["city-tokyo / US West Coast", "city-osaka / US West Coast"]].all(axis=1)
    assert s.loc["US West Coast", "p_cut"] == pytest.approx(both.mean(), abs=1e-15)


def test_ccdf():
    c = stats.ccdf([3.0, 0.0, 1.5, 3.0, 0.0, 0.0, 7.25, 1.5])
    assert c["x"].tolist() == [0.0, 1.5, 3.0, 7.25]
    assert c["ccdf"].tolist() == [1.0, 5 / 8, 3 / 8, 1 / 8]
    one = stats.ccdf([11.75] * 5)
    assert one["x"].tolist() == [11.75] and one["ccdf"].tolist() == [1.0]
    assert stats.ccdf([]).empty


def test_ccdf_of_a_run(r):
    u = r.unserved.to_numpy()
    c = stats.ccdf(u)
    assert c["ccdf"].iloc[0] == 1.0
    assert (np.diff(c["ccdf"]) < 0).all() and (np.diff(c["x"]) > 0).all()
    for x, p in zip(c["x"], c["ccdf"]):
        assert p == pytest.approx((u >= x).mean(), abs=1e-15)
    assert c["ccdf"].iloc[-1] == pytest.approx((u == u.max()).mean(), abs=1e-15)


def brute_criticality(r, members):
    """Per element, (trials failed, mean unserved over them, share of the total loss), trial
    by trial from the failed lists."""
    ids = np.array(r.edge_ids)
    loss = r.unserved.to_numpy() - r.baseline_unserved
    out = {}
    for name, edges in members.items():
        hit = [t for t, f in enumerate(r.failed_edges) if set(ids[f]) & edges]
        mean = r.unserved.iloc[hit].mean() if hit else np.nan
        out[name] = (len(hit), mean, loss[hit].sum() / loss.sum())
    return out


def test_criticality_random(r):
    crit = stats.criticality(r, "cable")
    assert crit.index.tolist() == ["PAC-1", "PAC-2", "ASIA-1", "ASIA-2"]
    expect = brute_criticality(r, {c: {f"{c.lower()}:1"} for c in crit.index})
    for cable, (n, mean, share) in expect.items():
        assert crit.loc[cable, "n_failed"] == n > 0
        assert crit.loc[cable, "p_failed"] == pytest.approx(n / r.n_trials, abs=1e-15)
        assert crit.loc[cable, "unserved_given_failed_tbps"] == pytest.approx(mean, abs=1e-9)
        assert crit.loc[cable, "loss_given_failed_tbps"] == pytest.approx(mean, abs=1e-9)
        assert crit.loc[cable, "loss_share"] == pytest.approx(share, abs=1e-12)
        assert crit.loc[cable, "p_failed_lo"] < n / r.n_trials < crit.loc[cable, "p_failed_hi"]
    seg = stats.criticality(r, "segment")
    assert seg.index.tolist() == r.edge_ids
    assert seg.loc["pac-2:1", "cable"] == "PAC-2" and seg.loc["link:hk-h", "cable"] is None
    assert seg.loc["pac-2:1", "n_failed"] == crit.loc["PAC-2", "n_failed"]
    assert seg.loc["link:hk-h", "n_failed"] == 0
    assert np.isnan(seg.loc["link:hk-h", "loss_given_failed_tbps"])
    st = stats.criticality(r, "station")
    assert st.index.tolist() == ["jp-a", "jp-b", "us-l1", "us-l2", "hk-h"]
    assert (st["n_failed"] == 0).all()


def test_criticality_explicit_cut(cut):
    crit = stats.criticality(cut, "cable")
    for cable in ("PAC-1", "PAC-2"):
        assert crit.loc[cable, "n_failed"] == 5 and crit.loc[cable, "p_failed"] == 1.0
        assert crit.loc[cable, "loss_given_failed_tbps"] == pytest.approx(11.75, abs=1e-12)
        assert crit.loc[cable, "loss_share"] == pytest.approx(1.0, abs=1e-12)
    for cable in ("ASIA-1", "ASIA-2"):
        assert crit.loc[cable, "n_failed"] == 0
        assert np.isnan(crit.loc[cable, "loss_given_failed_tbps"])
        assert crit.loc[cable, "loss_share"] == 0.0


def test_rerouted_load_explicit_cut(cut):
    rr = stats.rerouted_load(cut, "cable")
    assert rr.loc["PAC-1", "trials_up"] == 0 and np.isnan(rr.loc["PAC-1", "rerouted_tbps"])
    # With the Pacific cut, nothing reroutes through Hong Kong (it has no cable to the US).
    assert rr.loc["ASIA-1", "baseline_flow_tbps"] == pytest.approx(0.25, abs=EPS)
    assert rr.loc["ASIA-2", "baseline_flow_tbps"] == pytest.approx(5.0, abs=EPS)
    assert rr.loc["ASIA-1", "trials_up"] == 5 and rr.loc["ASIA-1", "trials_disturbed_up"] == 5
    np.testing.assert_allclose(rr.loc[["ASIA-1", "ASIA-2"], "rerouted_tbps"], 0.0, atol=EPS)


def test_rerouted_load_random(r):
    rr = stats.rerouted_load(r, "segment")
    ids = np.array(r.edge_ids)
    failed = [set(ids[f]) for f in r.failed_edges]
    for j, edge in enumerate(r.edge_ids):
        up = [t for t, s in enumerate(failed) if edge not in s]
        dist = [t for t in up if failed[t]]
        base = r.baseline_edge_flow[edge]
        assert rr.loc[edge, "trials_up"] == len(up)
        assert rr.loc[edge, "trials_disturbed_up"] == len(dist)
        assert rr.loc[edge, "rerouted_tbps"] == pytest.approx(
            r.edge_flow.iloc[up, j].mean() - base, abs=1e-9)
        assert rr.loc[edge, "rise_disturbed_tbps"] == pytest.approx(
            r.edge_flow.iloc[dist, j].mean() - base, abs=1e-9)
    # PAC-2 takes Tokyo's LA traffic when PAC-1 is down: its load rises on average.
    assert rr.loc["pac-2:1", "rerouted_tbps"] > 0.5
    cables = stats.rerouted_load(r, "cable")
    # One segment per cable here: the cable rows equal the segment rows.
    for cable in cables.index:
        seg = f"{cable.lower()}:1"
        assert cables.loc[cable, "flow_up_tbps"] == pytest.approx(rr.loc[seg, "flow_up_tbps"])


def test_rerouted_load_needs_edge_flow(noflow_h5):
    with open_results(noflow_h5) as r:
        with pytest.raises(ResultsError, match="output.edge_flow: false"):
            stats.rerouted_load(r)


def test_run_summary(r):
    s = stats.run_summary(r)
    ids = np.array(r.edge_ids)
    failed = [set(ids[f]) for f in r.failed_edges]
    some_cut = [({"pac-1:1", "pac-2:1"} <= f) or ({"asia-1:1", "asia-2:1"} <= f) for f in failed]
    assert s["p_any_region_cut"] == pytest.approx(np.mean(some_cut), abs=1e-15)
    assert s["p_any_region_cut_lo"] < s["p_any_region_cut"] < s["p_any_region_cut_hi"]
    assert s["systems"] == 4 and s["year"] == 2015 and s["trials"] == r.n_trials
    assert s["demand_tbps"] == pytest.approx(17.5, abs=1e-12)
    assert s["expected_unserved_tbps"] == pytest.approx(r.unserved.mean(), abs=1e-12)
    assert s["expected_unserved_tbps_lo"] < s["expected_unserved_tbps"] < s["expected_unserved_tbps_hi"]


def test_wilson():
    p, lo, hi = stats.wilson(3, 40)
    # 3/40 by the quadratic form (2k + z^2 -+ z sqrt(z^2 + 4k(1 - p))) / (2(n + z^2)).
    assert p == 0.075
    assert lo == pytest.approx(0.0258360, abs=1e-7) and hi == pytest.approx(0.1986423, abs=1e-7)
    assert stats.wilson(0, 10)[1] == 0.0 and stats.wilson(10, 10)[2] == 1.0
    assert all(np.isnan(stats.wilson(0, 0)))


def test_evolution_from_results(yearly_h5):
    ev = stats.evolution_from_results(yearly_h5)
    assert ev["year"].tolist() == [2004, 2008, 2015]
    # 2004: PAC-1, ASIA-1, OLD-1; 2008: + PAC-2; 2015: OLD-1 retired, ASIA-2 in.
    assert ev["systems"].tolist() == [3, 4, 4]
    assert (ev["expected_unserved_tbps_lo"] <= ev["expected_unserved_tbps"]).all()
    assert (ev["expected_unserved_tbps"] <= ev["expected_unserved_tbps_hi"]).all()
    for _, row in ev.iterrows():
        with open_results(row["file"]) as res:
            assert res.attrs["as_of"] == row["year"]
            assert row["expected_unserved_tbps"] == pytest.approx(res.unserved.mean(), abs=1e-12)
    with pytest.raises(ResultsError, match="two results files for the year 2015"):
        stats.evolution_from_results([yearly_h5[0], yearly_h5[0]])


def test_read_evolution_table(tmp_path):
    table = pd.DataFrame({"year": [2010, 2000], "systems": [30, 20],
                          "expected_unserved_tbps": [1.5, 4.0], "expected_unserved_tbps_lo": [1.25, 3.5],
                          "expected_unserved_tbps_hi": [1.75, 4.5], "p_any_region_cut": [0.01, 0.2]})
    csv_path = tmp_path / "evo.csv"
    table.to_csv(csv_path, index=False)
    ev = stats.read_evolution_table(csv_path)
    assert ev["year"].tolist() == [2000, 2010] and ev["systems"].tolist() == [20, 30]
    json_path = tmp_path / "evo.json"
    json_path.write_text(json.dumps({"scenario": "x", "years": table.to_dict("records")}))
    assert stats.read_evolution_table(json_path)["expected_unserved_tbps"].tolist() == [4.0, 1.5]
    json_path.write_text(json.dumps(table.to_dict("records")))
    assert len(stats.read_evolution_table(json_path)) == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("year,unserved\n2000,1\n")
    with pytest.raises(ResultsError, match="missing expected_unserved_tbps") as e:
        stats.read_evolution_table(bad)
    assert str(bad) in str(e.value)


def test_loss_share_undefined_without_loss(r, copy_of):
    """Rounding noise (a mean loss under 1e-9 Tbps) is not shared out."""
    path = copy_of(r.path)
    with h5py.File(path, "r+") as f:
        u = f["trials/unserved_tbps"]
        u[...] = np.full(u.shape, r.baseline_unserved + 1e-12)
    with open_results(path) as quiet:
        crit = stats.criticality(quiet, "cable")
    assert crit["loss_share"].isna().all()
    assert (crit["n_failed"] > 0).all()
