"""The command line: every command writes a non-empty PNG (or prints), errors exit 2 with one
line naming the file."""

import json
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np
import pandas as pd
import pytest

from cablesim_analysis import open_results
from cablesim_analysis.__main__ import main
from conftest import DEMAND, RANDOM_HAZARD, TOPOLOGY, run_cablesim, scenario

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def assert_png(path):
    data = path.read_bytes()
    assert data[:8] == PNG_MAGIC, f"{path} is not a PNG"
    assert len(data) > 5000, f"{path} is nearly empty ({len(data)} bytes)"


def one_line_error(capsys, *fragments):
    err = capsys.readouterr().err.strip()
    assert "\n" not in err, err
    assert err.startswith("cablesim_analysis: ")
    for f in fragments:
        assert f in err, err
    return err


@pytest.mark.parametrize("args", [
    ["ccdf"], ["ccdf", "--loss"], ["regions"], ["map"], ["map", "--metric", "loss"],
    ["map", "--color", "rerouted"], ["map", "--color", "rerouted", "--level", "segment"],
    ["map", "--extent", "100", "-110", "10", "50"],
])
def test_plot_commands_write_png(random_h5, tmp_path, args):
    out = tmp_path / "fig.png"
    assert main([args[0], str(random_h5), "-o", str(out), *args[1:]]) == 0
    assert_png(out)


def test_plot_commands_on_explicit_cut(cut_h5, tmp_path):
    for cmd in ("ccdf", "regions", "map"):
        out = tmp_path / f"{cmd}.png"
        assert main([cmd, str(cut_h5), "-o", str(out)]) == 0
        assert_png(out)


def test_tables_written(random_h5, tmp_path):
    csv = tmp_path / "regions.csv"
    assert main(["regions", str(random_h5), "-o", str(tmp_path / "r.png"), "--csv", str(csv)]) == 0
    table = pd.read_csv(csv, index_col="region")
    assert table.index.tolist() == ["US West Coast", "Hong Kong", "Japan"]
    crit = tmp_path / "crit.csv"
    assert main(["map", str(random_h5), "-o", str(tmp_path / "m.png"), "--csv", str(crit)]) == 0
    assert pd.read_csv(crit, index_col="cable").index.tolist() == ["PAC-1", "PAC-2", "ASIA-1",
                                                                   "ASIA-2"]


def test_summary(random_h5, capsys):
    assert main(["summary", str(random_h5), "--top", "2"]) == 0
    out = capsys.readouterr().out
    assert "pytest-random" in out and "network of 2015" in out and "4 cable systems" in out
    assert "US West Coast" in out and "Hong Kong" in out
    assert "Most critical cables (of 4 that failed)" in out


def test_evolution_from_results(yearly_h5, tmp_path):
    out, csv = tmp_path / "evo.png", tmp_path / "evo.csv"
    assert main(["evolution", *map(str, yearly_h5), "-o", str(out), "--csv", str(csv)]) == 0
    assert_png(out)
    table = pd.read_csv(csv)
    assert table["year"].tolist() == [2004, 2008, 2015]
    # The table it wrote is what `cablesim evolution` gives: it plots from it alike.
    out2 = tmp_path / "evo2.png"
    assert main(["evolution", str(csv), "-o", str(out2)]) == 0
    assert_png(out2)


def analyze_statement(h5):
    """``cablesim analyze --format json``'s statement of expected unserved (the C figures)."""
    proc = subprocess.run([os.environ["CABLESIM_CLI"], "analyze", str(h5), "--format", "json"],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)["overall"]["unserved_statement"]


@pytest.mark.parametrize("case,hazard,trials,kind", [
    # Two of 60 trials lose traffic: too few for a normal interval (whose lower end, unclipped,
    # would be below 0).
    ("rare", "  - type: random_faults\n    window_days: 10\n    rate_deep: 0.05\n", 60,
     "clopper_pearson_bound"),
    # Every trial the same cut: one outcome, not an interval on a certainty.
    ("cut", "  - type: explicit\n    cables: [PAC-1, PAC-2]\n", 10, "one_outcome"),
    # Many trials with a loss: the normal interval, clipped to [0, demand].
    ("often", "  - type: random_faults\n    window_days: 365\n    rate_deep: 0.5\n", 200,
     "normal"),
])
def test_evolution_csv_states_expected_unserved_honestly(tmp_path, case, hazard, trials, kind):
    """Issue 10: no normal interval for expected unserved when fewer than about 30 trials lose
    anything, one value for a deterministic scenario, every interval within its valid range.
    evolution --csv (run_summary) and the summary command state it as `cablesim run` and
    `cablesim analyze` do: the kind, the bounds and the Clopper-Pearson bound (computed in
    Python by bisection, in C by GSL) equal analyze's."""
    h5 = run_cablesim(scenario(f"pytest-{case}", trials, hazard), tmp_path, case)
    with open_results(h5) as r:
        u = r.unserved.to_numpy()
        loss = int((u > r.baseline_unserved + 1e-9).sum())
    want = analyze_statement(h5)
    assert want["kind"] == kind
    out, csv = tmp_path / "evo.png", tmp_path / "evo.csv"
    assert main(["evolution", str(h5), "-o", str(out), "--csv", str(csv)]) == 0
    row = pd.read_csv(csv).iloc[0]
    assert row["unserved_statement"] == kind
    assert row["loss_trials"] == loss
    assert row["expected_unserved_tbps"] == pytest.approx(u.mean(), abs=1e-12)
    assert row["expected_unserved_tbps_lo"] == pytest.approx(want["lo"], rel=1e-9, abs=1e-12)
    assert row["expected_unserved_tbps_hi"] == pytest.approx(want["hi"], rel=1e-9, abs=1e-12)
    assert 0.0 <= row["expected_unserved_tbps_lo"] <= row["expected_unserved_tbps"] <= \
        row["expected_unserved_tbps_hi"] <= row["demand_tbps"]
    if kind == "clopper_pearson_bound":
        assert loss == 2
        assert u.mean() - 1.959963984540054 * u.std(ddof=1) / np.sqrt(len(u)) < 0.0
        assert row["p_loss_hi"] == pytest.approx(want["p_loss_hi"], rel=1e-9)
        assert row["expected_unserved_tbps_lo"] == row["expected_unserved_tbps"]
    else:
        assert np.isnan(row["p_loss_hi"])
    if kind == "one_outcome":
        assert row["expected_unserved_tbps_lo"] == row["expected_unserved_tbps_hi"]
    if kind == "normal":
        assert loss >= 30


def test_clopper_pearson_hi():
    """The exact upper bound against known values (Beta quantiles, as GSL gives them)."""
    from cablesim_analysis.stats import clopper_pearson_hi
    assert clopper_pearson_hi(0, 10) == pytest.approx(1 - 0.025 ** (1 / 10), rel=1e-12)
    assert clopper_pearson_hi(10, 10) == 1.0
    assert clopper_pearson_hi(8, 20) == pytest.approx(0.6394574, abs=1e-6)
    assert clopper_pearson_hi(5, 500) == pytest.approx(0.0231813880697, rel=1e-9)


def test_summary_states_expected_unserved_honestly(tmp_path, capsys):
    rare = "  - type: random_faults\n    window_days: 10\n    rate_deep: 0.05\n"
    h5 = run_cablesim(scenario("pytest-rare", 60, rare), tmp_path, "rare")
    assert main(["summary", str(h5)]) == 0
    out = capsys.readouterr().out
    assert "only 2 of 60 trials lose anything, too few for a normal interval: at most" in out
    assert "95% CI" not in out.split("expected unserved")[1].split("\n")[0]


def test_evolution_minimal_table(tmp_path):
    """Only the two required columns."""
    csv = tmp_path / "min.csv"
    csv.write_text("year,expected_unserved_tbps\n2000,5.5\n2010,2.25\n2020,0.75\n")
    out = tmp_path / "min.png"
    assert main(["evolution", str(csv), "-o", str(out)]) == 0
    assert_png(out)


def test_evolution_input_errors(yearly_h5, tmp_path, capsys):
    csv = tmp_path / "t.csv"
    csv.write_text("year,expected_unserved_tbps\n2000,1\n")
    assert main(["evolution", str(csv), str(yearly_h5[0]), "-o", str(tmp_path / "x.png")]) == 2
    one_line_error(capsys, "expected one table or only results files", str(csv))
    assert main(["evolution", str(tmp_path / "none.csv"), "-o", str(tmp_path / "x.png")]) == 2
    one_line_error(capsys, "none.csv: no such file")


def test_incomplete_file_refused(random_h5, tmp_path, capsys):
    path = tmp_path / "incomplete.h5"
    shutil.copyfile(random_h5, path)
    with h5py.File(path, "r+") as f:
        f.attrs.modify("complete", np.uint8(0))
    out = tmp_path / "x.png"
    for cmd in (["ccdf"], ["regions"], ["map"], ["summary"]):
        args = [cmd[0], str(path)] + (["-o", str(out)] if cmd[0] != "summary" else [])
        assert main(args) == 2
        one_line_error(capsys, str(path), "incomplete", "--allow-incomplete")
    assert not out.exists()
    assert main(["ccdf", str(path), "-o", str(out), "--allow-incomplete"]) == 0
    assert_png(out)


def test_rerouted_without_edge_flow(noflow_h5, tmp_path, capsys):
    assert main(["map", str(noflow_h5), "-o", str(tmp_path / "x.png"), "--color",
                 "rerouted"]) == 2
    one_line_error(capsys, str(noflow_h5), "edge_flow")


def test_topology_found_or_given(workdir, tmp_path, capsys, monkeypatch):
    """A scenario with a relative topology path, whose results are moved away from it: the map
    finds the topology where the scenario was (scenario_dir_abs); when that moved too, it cannot
    until --topology gives it, or it lies next to the results; a different file only warns."""
    src = tmp_path / "src"
    src.mkdir()
    shutil.copyfile(TOPOLOGY, src / "net.geojson")
    h5 = run_cablesim(scenario("pytest-moved", 10, RANDOM_HAZARD, topology="net.geojson",
                               demand=DEMAND), src, "moved")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    moved = elsewhere / "moved.h5"
    shutil.move(h5, moved)
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "map.png"
    assert main(["map", str(moved), "-o", str(out)]) == 0  # where the scenario was
    away = tmp_path / "away"
    shutil.move(src, away)
    assert main(["map", str(moved), "-o", str(out)]) == 2
    one_line_error(capsys, str(moved), "cannot find the topology", "net.geojson", "--topology",
                   "CABLESIM_INPUT_DIR")
    assert main(["map", str(moved), "-o", str(out), "--topology", str(away / "net.geojson")]) == 0
    monkeypatch.setenv("CABLESIM_INPUT_DIR", str(away))
    assert main(["map", str(moved), "-o", str(out)]) == 0
    monkeypatch.delenv("CABLESIM_INPUT_DIR")
    assert_png(out)
    # Next to the results, it is found (and its SHA-256 checked).
    shutil.copyfile(TOPOLOGY, elsewhere / "net.geojson")
    assert main(["map", str(moved), "-o", str(out)]) == 0
    altered = tmp_path / "altered.geojson"
    altered.write_bytes(TOPOLOGY.read_bytes() + b"\n")
    capsys.readouterr()
    assert main(["map", str(moved), "-o", str(out), "--topology", str(altered)]) == 0
    err = capsys.readouterr().err
    assert err.startswith(f"cablesim_analysis: warning: {altered}: not the topology")
    assert "SHA-256 differs" in err


def test_module_entry_point(random_h5, tmp_path):
    """python3 -m cablesim_analysis, as documented."""
    out = tmp_path / "ccdf.png"
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1")
    proc = subprocess.run([sys.executable, "-m", "cablesim_analysis", "ccdf", str(random_h5),
                           "-o", str(out)], capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 0, proc.stderr
    assert_png(out)
    proc = subprocess.run([sys.executable, "-m", "cablesim_analysis", "ccdf",
                           str(tmp_path / "absent.h5"), "-o", str(out)],
                          capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"cablesim_analysis: {tmp_path / 'absent.h5'}: no such file"
