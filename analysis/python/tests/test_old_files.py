"""Results files of earlier versions (issue 14: "the old files still read" and "every results file
the previous version wrote is written again identically"). tests/data/v1/ holds two files that
cablesim 817acf7, the last version before the results-layer redesign, wrote (format 1, no commit
record, no cut or hazard-event lists, no impact datasets): v1-random.h5 and v1-recovery.h5, from
the scenarios below on tests/data/engine-topo.geojson and engine-demand.csv (unchanged since).
docs/hdf5-schema.md, "Files of earlier versions", says how they were made."""

import json
import shutil
import subprocess

import h5py
import numpy as np
import pytest

from cablesim_analysis import open_results, outcome_table
from conftest import DATA, cli_path

OLD = DATA / "v1"
RANDOM = OLD / "v1-random.h5"
RECOVERY = OLD / "v1-recovery.h5"

# The scenario of v1-random.h5 as 817acf7 ran it, inputs copied beside it (its recorded text).
RANDOM_SCENARIO = """name: v1-random
topology: engine-topo.geojson
demand: engine-demand.csv
as_of: 2015
trials: 24
seed: 20240917
hazards:
  - type: random_faults
    window_days: 365
    rate_deep: 0.05
    rate_shallow: 0.05
"""


def cli(*args, cwd=None):
    return subprocess.run([cli_path(), *map(str, args)], capture_output=True, text=True,
                          check=False, cwd=cwd)


def per_trial(f, name):
    """Dataset /trials/NAME of a file of either format, one row per trial (format 2: its
    /outcomes row through /trials/outcome)."""
    if f"trials/{name}" in f:
        return f[f"trials/{name}"][()]
    return outcome_table(f, f"outcomes/{name}")[f["trials/outcome"][()]]


@pytest.mark.parametrize("path", [RANDOM, RECOVERY], ids=["random", "recovery"])
def test_old_file_reads(path):
    """The Python reader gives what the file holds, bit for bit, and the settings 817acf7 did not
    record as attributes come from its scenario."""
    with h5py.File(path, "r") as f:
        assert f.attrs["format_version"] == 1 and f.attrs["software_version"] == "0.1.0"
        assert "committed" not in f.attrs and "trials/cuts" not in f
        raw = {n: f[f"trials/{n}"][()] for n in ("served_tbps", "unserved_tbps", "pair_cut")}
        n_trials = int(f.attrs["trials"])
    with open_results(path) as r:
        assert r.format_version == 1 and r.n_trials == n_trials
        assert r.name == path.stem and r.capacity_basis == "lit"
        assert r.routing_policy == "latency-first"
        assert r.served.to_numpy().tobytes() == raw["served_tbps"].tobytes()
        assert np.asarray(r.unserved).tobytes() == raw["unserved_tbps"].tobytes()
        assert r.pair_cut.to_numpy().tobytes() == raw["pair_cut"].tobytes()
        assert len(r.cuts) == 0  # the list came later: absent, read as empty
        assert (raw["unserved_tbps"] > 0).any() and (raw["unserved_tbps"] == 0).any()


@pytest.mark.parametrize("path", [RANDOM, RECOVERY], ids=["random", "recovery"])
def test_old_file_cli(path, tmp_path):
    """status, analyze, compare and report take the old files."""
    st = cli("status", path)
    assert st.returncode == 0 and "complete" in st.stdout, st.stdout + st.stderr
    an = cli("analyze", path, "--format", "json")
    assert an.returncode == 0, an.stderr
    doc = json.loads(an.stdout)
    with h5py.File(path, "r") as f:
        u = f["trials/unserved_tbps"][()]
    assert doc["source"]["trials"] == len(u)
    assert doc["overall"]["unserved_tbps"]["mean"] == pytest.approx(float(np.mean(u)), rel=1e-9,
                                                                    abs=1e-12)
    cmp = cli("compare", path, path)
    assert cmp.returncode == 0, cmp.stderr
    rep = cli("report", path, "-o", tmp_path / "r.html")
    assert rep.returncode == 0, rep.stderr
    assert (tmp_path / "r.html").stat().st_size > 10000


def test_old_recovery_file_reads():
    """The recovery groups of an old file: /timeseries and /recovery, read as written."""
    from cablesim_analysis import recovery

    with h5py.File(RECOVERY, "r") as f:
        served = f["timeseries/served_tbps"][()]
        t100 = f["recovery/t100_days"][()]
        n_faults = np.diff(f["recovery/fault_offsets"][()].astype(np.int64))
    with open_results(RECOVERY) as r:
        assert recovery.has_recovery(r)
        assert recovery.timeseries(r).tobytes() == served.tobytes()
        rows = recovery.trials(r)
        assert rows["t100_days"].to_numpy().tobytes() == t100.tobytes()
        np.testing.assert_array_equal(rows["n_faults"].to_numpy(), n_faults)
        assert len(recovery.faults(r)) == n_faults.sum() > 0
        assert len(recovery.ships(r)) == 2


def test_old_file_written_again(tmp_path):
    """The scenario of v1-random.h5, run by this cablesim with the restoration model of 817acf7
    (routing.restoration_share: 1, the one documented model change that moves this file since:
    5b1c371), writes every dataset the old file holds again, bit for bit (format 2's outcomes read
    per trial); only the attributes the redesign added, the new datasets and format_version
    differ."""
    for name in ("engine-topo.geojson", "engine-demand.csv"):
        shutil.copy(DATA / name, tmp_path / name)
    (tmp_path / "v1-random.yaml").write_text(RANDOM_SCENARIO, encoding="utf-8")
    run = cli("run", "v1-random.yaml", "--set", "routing.restoration_share=1", "-o", "new.h5",
              "--quiet", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    names = []
    with h5py.File(RANDOM, "r") as old, h5py.File(tmp_path / "new.h5", "r") as new:
        assert old.attrs["scenario"].strip() == RANDOM_SCENARIO.replace("  - ", "- ").replace(
            "    ", "  ").strip()  # the fixture's recorded scenario is this one
        old.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
        assert len(names) > 10
        for n in names:
            a = old[n][()]
            b = per_trial(new, n[len("trials/"):]) if n.startswith("trials/") else new[n][()]
            assert a.dtype == b.dtype and a.shape == b.shape, n
            if a.dtype.names:
                for c in a.dtype.names:  # strings by value, numbers bit for bit (NaN too)
                    x, y = a[c], b[c]
                    same = x.tolist() == y.tolist() if x.dtype.kind == "O" else (
                        x.dtype == y.dtype and x.tobytes() == y.tobytes())
                    assert same, f"{n}.{c}"
            else:
                assert a.tobytes() == b.tobytes(), n
        for k in ("as_of", "complete", "seed", "trials", "topology_sha256", "demand_sha256"):
            assert old.attrs[k] == new.attrs[k], k
