"""Recovery readers, statistics and figures (cablesim_analysis.recovery), checked against the
raw datasets read with h5py and against `cablesim analyze --format json`."""

import json
import math
import subprocess

import h5py
import numpy as np
import pytest

from cablesim_analysis import open_results, reader, recovery
from cablesim_analysis.__main__ import main
from cablesim_analysis.reader import ResultsError
from conftest import DATA, cli_path, run_cablesim, scenario

# PAC-2 (lit 10 Tbps) cut at t = 0; one ship. As of 2015 (OLD-1 retired) Los Angeles gets PAC-1's
# 8 Tbps of its 11.75 until the repair ends: 17.5 - 3.75 = 13.75 Tbps served (share 0.785714).
HAND = ("  - type: explicit\n    segments: [pac-2:1]\n    at: [-175.0, 45.0]\n")
# Repair parameters pinned (not the calibrated defaults) for the hand figures.
HAND_RECOVERY = ("recovery:\n  horizon_days: 60\n  step_hours: 12\n  permit_days: {foreign: 3}\n"
                 "  mobilisation_days: 1\n  work_base_days: 4\n  work_days_per_1000m: 1\n"
                 "  weather_downtime: 0.2\n"
                 "  ships:\n    - {name: S, home: B, home_lonlat: [136.87, 34.34], speed_kn: 12}\n")
RANDOM_RECOVERY = (f"recovery:\n  fleet: {DATA / 'fleet-two.yaml'}\n  horizon_days: 45\n")
RANDOM_REC_HAZARD = ("  - {type: random_faults, rate_deep: 0.5, rate_shallow: 0.5}\n"
                     "  - {type: sabotage, k: 1, interval_days: 7.5}\n")
EXTRA = "recovery.ships=[{name: Gamma, home: Port C, home_lonlat: [2.0, 1.0], speed_kn: 15}]"


@pytest.fixture(scope="module")
def hand_h5(workdir):
    return run_cablesim(scenario("pytest-rec-hand", 3, HAND, extra=HAND_RECOVERY), workdir,
                        "rec-hand")


@pytest.fixture(scope="module")
def rec_h5(workdir):
    return run_cablesim(scenario("pytest-rec", 97, RANDOM_REC_HAZARD, extra=RANDOM_RECOVERY),
                        workdir, "rec")


@pytest.fixture(scope="module")
def rec_plus_h5(workdir):
    return run_cablesim(scenario("pytest-rec", 97, RANDOM_REC_HAZARD, extra=RANDOM_RECOVERY),
                        workdir, "rec-plus", "--set", EXTRA)


def order_stat(values, a):
    """x_(ceil(a n)), written out."""
    v = np.sort(np.asarray(values, dtype=float))
    k = max(1, math.ceil(a * len(v) - 1e-9))
    return v[k - 1]


def test_hand_case(hand_h5):
    with open_results(hand_h5) as r, h5py.File(hand_h5) as f:
        assert recovery.has_recovery(r)
        assert recovery.horizon_days(r) == 60.0 and recovery.step_hours(r) == 12.0
        assert recovery.intact_served(r) == pytest.approx(17.5, abs=1e-9)
        end = float(f["recovery/faults"]["end_days"][0])
        assert 10 < end < 60
        t = recovery.trials(r)
        assert list(t.columns) == ["t50_days", "t90_days", "t100_days", "capacity_tbps_days",
                                   "unserved_tbps_days", "n_faults"]
        assert (t["n_faults"] == 1).all()
        assert t["t50_days"].tolist() == [0.0] * 3
        assert t["t100_days"].to_numpy() == pytest.approx([end] * 3, abs=1e-9)
        assert t["unserved_tbps_days"].to_numpy() == pytest.approx([3.75 * end] * 3, rel=1e-9)
        assert t["capacity_tbps_days"].to_numpy() == pytest.approx([10 * end] * 3, rel=1e-9)
        fl = recovery.faults(r)
        assert fl["trial"].tolist() == [0, 1, 2]
        assert fl["edge_id"].tolist() == ["pac-2:1"] * 3
        assert fl["ship_name"].tolist() == ["S"] * 3
        assert fl["waters"].tolist() == ["foreign"] * 3
        assert fl["outage_days"].to_numpy() == pytest.approx([end] * 3, abs=1e-12)
        assert fl["wait_days"].tolist() == [0.0] * 3
        c = recovery.curve(r)
        assert len(c) == 121
        share = 13.75 / 17.5
        for day, row in c.iterrows():
            want = share if day < end else 1.0
            assert row["median"] == pytest.approx(want, abs=1e-9)
            assert row["p10"] == pytest.approx(want, abs=1e-9)
            assert row["queue_max"] == 0
        s = recovery.restore_summary(r)
        assert s.loc["t100_days", "mean_capped"] == pytest.approx(end, abs=1e-9)
        assert s.loc["t100_days", "not_restored"] == 0.0
        assert recovery.report_steps(r) == [0, 2, 6, 14, 28, 60, 120]
        x, p = recovery.ccdf_times(r, "t100_days")
        assert x.tolist() == pytest.approx([0.0, end])
        assert p.tolist() == [1.0, 0.0]  # all three not restored before end, all after


def test_readers_against_raw(rec_h5):
    with open_results(rec_h5) as r, h5py.File(rec_h5) as f:
        t = recovery.trials(r)
        for k in ("t50_days", "t90_days", "t100_days", "capacity_tbps_days",
                  "unserved_tbps_days"):
            assert np.array_equal(t[k].to_numpy(), f["recovery"][k][()])
        off = f["recovery/fault_offsets"][()]
        assert t["n_faults"].tolist() == np.diff(off).tolist()
        fl = recovery.faults(r)
        assert len(fl) == off[-1]
        raw = f["recovery/faults"][()]
        for i in (0, len(fl) // 2, len(fl) - 1):
            trial = int(np.searchsorted(off, i, side="right") - 1)
            assert fl["trial"].iloc[i] == trial
            assert fl["fail_days"].iloc[i] == raw["fail_days"][i]
            assert fl["ship"].iloc[i] == raw["ship"][i]
            assert fl["edge_id"].iloc[i] == f["topology/edges"]["id"][raw["edge"][i]].decode()
        assert (fl["ship_name"][fl["ship"] < 0] == "").all()
        busy = recovery.ship_busy(r)
        assert list(busy.columns) == ["Alpha", "Beta"]
        assert np.array_equal(busy.to_numpy(), f["recovery/ship_busy_days"][()])
        share = recovery.served_share(r)
        intact = f["baseline/served_tbps"][()].sum()
        assert np.allclose(share, f["timeseries/served_tbps"][()] / intact, rtol=0, atol=1e-15)
        assert share.min() < 0.99  # not a trivial case


def test_curve_and_summary_against_raw(rec_h5):
    with open_results(rec_h5) as r, h5py.File(rec_h5) as f:
        served = f["timeseries/served_tbps"][()] / f["baseline/served_tbps"][()].sum()
        queue = f["timeseries/queue_length"][()]
        c = recovery.curve(r, columns=7)  # blocks that do not divide the 181 steps
        assert len(c) == 181
        for k in (0, 4, 50, 117, 180):
            row = c.iloc[k]
            assert row["median"] == order_stat(served[:, k], 0.5)
            assert row["p10"] == order_stat(served[:, k], 0.1)
            assert row["p90"] == order_stat(served[:, k], 0.9)
            assert row["mean"] == pytest.approx(served[:, k].mean(), abs=1e-14)
            assert row["queue_max"] == queue[:, k].max()
        s = recovery.restore_summary(r)
        for k in ("t50_days", "t90_days", "t100_days"):
            raw = f["recovery"][k][()]
            assert s.loc[k, "mean_capped"] == pytest.approx(np.minimum(raw, 45).mean(), abs=1e-12)
            assert s.loc[k, "not_restored"] == pytest.approx(np.isinf(raw).mean())
            assert s.loc[k, "p50"] == order_stat(raw, 0.5)
        x, p = recovery.ccdf_times(r, "t100_days")
        raw = f["recovery/t100_days"][()]
        for xi, pi in zip(x, p):
            assert pi == pytest.approx((raw > xi).mean())
        assert p[-1] == pytest.approx(np.isinf(raw).mean())


def test_agrees_with_cli(rec_h5):
    """The C analysis (cablesim analyze --format json) and this module give the same numbers."""
    out = subprocess.run([cli_path(), "analyze", str(rec_h5), "--format", "json"],
                         capture_output=True, text=True, check=True).stdout
    js = json.loads(out)["recovery"]
    with open_results(rec_h5) as r:
        c = recovery.curve(r, recovery.report_steps(r))
        assert [p["step"] for p in js["served_share"]] == c["step"].tolist()
        for p, (_, row) in zip(js["served_share"], c.iterrows()):
            assert p["share_median"] == pytest.approx(row["median"], abs=1e-12)
            assert p["share_p10"] == pytest.approx(row["p10"], abs=1e-12)
            assert p["queue_max"] == row["queue_max"]
        s = recovery.restore_summary(r)
        for k in ("t50_days", "t90_days", "t100_days"):
            assert js[k]["mean_capped_at_horizon"]["mean"] == pytest.approx(
                s.loc[k, "mean_capped"], abs=1e-9)
            q = js[k]["quantiles"]["p90"]
            want = s.loc[k, "p90"]
            assert (q == "inf") if math.isinf(want) else q == pytest.approx(want, abs=1e-12)
        busy = recovery.ship_busy(r)
        for ship in js["ships"]:
            assert ship["busy_days"]["mean"] == pytest.approx(busy[ship["name"]].mean(), abs=1e-9)


def test_paired(rec_h5, rec_plus_h5):
    with open_results(rec_h5) as a, open_results(rec_plus_h5) as b, \
            h5py.File(rec_h5) as fa, h5py.File(rec_plus_h5) as fb:
        d = recovery.paired(a, b)
        want = fb["recovery/capacity_tbps_days"][()] - fa["recovery/capacity_tbps_days"][()]
        assert np.array_equal(d["capacity_tbps_days"].to_numpy(), want)
        want = (np.minimum(fb["recovery/t100_days"][()], 45)
                - np.minimum(fa["recovery/t100_days"][()], 45))
        assert np.array_equal(d["t100_days"].to_numpy(), want)
        assert (d["capacity_tbps_days"] < 0).any()  # the third ship shortens outages
        assert recovery.ships(b)["name"].tolist() == ["Alpha", "Beta", "Gamma"]


def test_no_recovery(random_h5):
    with open_results(random_h5) as r:
        assert not recovery.has_recovery(r)
        with pytest.raises(ResultsError, match="no recovery data"):
            recovery.trials(r)


def test_cli_recovery(rec_h5, rec_plus_h5, random_h5, tmp_path, capsys):
    from test_cli import assert_png, one_line_error
    out = tmp_path / "one.png"
    assert main(["recovery", str(rec_h5), "-o", str(out), "--csv", str(tmp_path / "c.csv")]) == 0
    assert_png(out)
    assert (tmp_path / "c.csv").read_text().startswith("time_days,step,p10,median,p90,mean")
    out = tmp_path / "two.png"
    assert main(["recovery", str(rec_h5), str(rec_plus_h5), "-o", str(out),
                 "--label", "2 ships", "--label", "3 ships"]) == 0
    assert_png(out)
    assert main(["recovery", str(random_h5), "-o", str(tmp_path / "x.png")]) == 2
    one_line_error(capsys, "random.h5", "no recovery data")
    assert main(["recovery", str(rec_h5), "-o", str(tmp_path / "y.png"), "--label", "a",
                 "--label", "b"]) == 2
    one_line_error(capsys, "expected 1 --label, found 2")


def test_recovery_file_follows_the_schema(rec_h5):
    from test_schema import check_file_against_schema

    got = check_file_against_schema(rec_h5)
    want = {p for p, d in reader.DATASETS.items()
            if d["written"] in ("always", "recovery", "impact")}
    assert got == want | {"/outcomes/latency_ms", "/outcomes/edge_flow_tbps", "/trials/outcome",
                          "/outcomes/served_tbps", "/outcomes/pair_cut"}
