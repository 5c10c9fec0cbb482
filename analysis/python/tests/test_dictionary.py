"""Format 4's dictionary tables (docs/hdf5-schema.md, "Dictionary tables"): the default job on
the Japan network, with many distinct outcomes, written in format 3 (plain outcome tables) and
in format 4 (each float64 outcome table a group of distinct values and an index) reads the same,
trial by trial, bit for bit, through h5py by the documented formula, the Python reader and the
C reader (analyze, compare); shards merged in any order give format 4's datasets exactly; a
damaged index is an error naming the file, the dataset and the place."""
import json
import shutil
import subprocess

import h5py
import numpy as np
import pytest

from cablesim_analysis import ResultsError, open_results, outcome_table
from cablesim_analysis import reader as rd
from conftest import REPO, cli_path

TRIALS = 1000
BASELINE = REPO / "scenarios" / "baseline.yaml"
TABLES = ("served_tbps", "latency_ms", "edge_flow_tbps", "region_served_fraction",
          "region_latency_added_ms")


def run(out, *extra):
    proc = subprocess.run([cli_path(), "run", str(BASELINE), "--set", f"trials={TRIALS}", "-o",
                           str(out), "--quiet", *extra], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("dictionary")
    return d, run(d / "v3.h5", "--set", "output.format_version=3"), run(d / "v4.h5")


def test_tables_decode_bit_for_bit(files):
    _, v3, v4 = files
    with h5py.File(v3, "r") as a, h5py.File(v4, "r") as b:
        assert a.attrs["format_version"] == 3 and b.attrs["format_version"] == 4
        assert a["outcomes/served_tbps"].shape[0] > 300  # many distinct outcomes
        assert sorted(a["outcomes"]) == sorted(b["outcomes"])
        for name, plain in a["outcomes"].items():
            g = b["outcomes/" + name]
            dense = plain[()]
            if name not in TABLES:  # pair_cut: uint8, stored as it is
                assert isinstance(g, h5py.Dataset) and g[()].tobytes() == dense.tobytes()
                continue
            assert isinstance(g, h5py.Group) and g.attrs["encoding"] == "dictionary"
            for key in ("units", "description", "rows"):
                assert g.attrs[key] == plain.attrs[key]
            off, vals, index = g["value_offsets"][()], g["values"][()], g["index"][()]
            assert index.shape == dense.shape and off[0] == 0 and off[-1] == len(vals)
            # the formula of the docs, and the package's function
            by_hand = vals[off[:-1] + index]
            assert by_hand.tobytes() == dense.tobytes(), name
            assert outcome_table(b, "outcomes/" + name).tobytes() == dense.tobytes(), name
            # each column's distinct values (by their bits), in the order of their first outcome
            for c in range(dense.shape[1]):
                col = dense[:, c].view(np.uint64)
                _, first = np.unique(col, return_index=True)
                assert vals[off[c]:off[c + 1]].view(np.uint64).tolist() == \
                    col[np.sort(first)].tolist()
            if name == "latency_ms":
                assert np.isnan(dense).any()  # unserved demands' NaN kept
        assert b.id.get_filesize() < 0.8 * a.id.get_filesize()


def test_every_trial_reads_as_format_3(files):
    _, v3, v4 = files
    with open_results(v3) as a, open_results(v4) as b:
        assert (a.format_version, b.format_version) == (3, 4)
        assert a.datasets() == b.datasets()
        for path in b.datasets():
            x, y = a.read_dataset(path), b.read_dataset(path)
            assert x.dtype == y.dtype and x.tobytes() == y.tobytes(), path
        for name in ("served_tbps", "latency_ms", "edge_flow_tbps"):
            x, y = a.read(name).to_numpy(), b.read(name).to_numpy()
            assert x.shape == (TRIALS, x.shape[1]) and x.tobytes() == y.tobytes(), name
            for t in (0, 1, 517, TRIALS - 1):  # one trial: the rows it needs only
                assert a.read(name, t, t + 1).to_numpy().tobytes() == \
                    b.read(name, t, t + 1).to_numpy().tobytes()
            for u, v in zip(a.iter_rows(name, rows=300), b.iter_rows(name, rows=300)):
                assert u.to_numpy().tobytes() == v.to_numpy().tobytes()

    # the C reader: analyze gives the same figures, compare finds every trial equal
    def analyze(path):
        doc = json.loads(subprocess.run([cli_path(), "analyze", str(path), "--format", "json"],
                                        capture_output=True, text=True, check=True).stdout)
        for key in ("file", "created", "software_version"):
            doc["source"].pop(key)
        return doc

    assert analyze(v3) == analyze(v4)
    out = subprocess.run([cli_path(), "compare", str(v3), str(v4), "--format", "json"],
                         capture_output=True, text=True, check=True).stdout
    doc = json.loads(out)
    for key in ("unserved_tbps", "served_fraction", "all_pairs_cut"):
        assert doc[key]["difference"]["n"] == TRIALS
        assert doc[key]["b_higher_trials"] == doc[key]["b_lower_trials"] == 0, key


def test_read_lazily(files):
    """Opening decodes no table; a read decodes the table it reads (its values once, the rows
    of the trials asked for, or its whole index once for a large slice), no other; the rows are
    format 3's bit for bit."""
    _, v3, v4 = files
    count = rd._Dictionary
    before = (count.decoded, count.index_reads)
    with open_results(v3) as a, open_results(v4) as b:
        assert (count.decoded, count.index_reads) == before  # open_results: nothing
        for i, t in enumerate((517, 3, 517)):  # one trial: its row of the index only
            x = b.read("latency_ms", t, t + 1).to_numpy()
            assert x.tobytes() == a.read("latency_ms", t, t + 1).to_numpy().tobytes()
            assert (count.decoded, count.index_reads) == (before[0] + 1, before[1] + i + 1)
        x = b.read("latency_ms").to_numpy()  # every trial: the whole index, once, kept
        assert x.tobytes() == a.read("latency_ms").to_numpy().tobytes()
        assert (count.decoded, count.index_reads) == (before[0] + 1, before[1] + 4)
        for u, v in zip(a.iter_rows("latency_ms", rows=300), b.iter_rows("latency_ms", rows=300)):
            assert u.to_numpy().tobytes() == v.to_numpy().tobytes()
        assert b.read("latency_ms", 9, 10).to_numpy().tobytes() == \
            a.read("latency_ms", 9, 10).to_numpy().tobytes()
        assert (count.decoded, count.index_reads) == (before[0] + 1, before[1] + 4)
        b.read("served_tbps", 0, 2)  # another table: its own values and rows
        assert (count.decoded, count.index_reads) == (before[0] + 2, before[1] + 5)


def test_shards_merged_in_any_order(files):
    d, _, v4 = files
    parts = [run(d / f"part{i}.h5", "--shard", f"{i}/3") for i in range(3)]
    merged = d / "merged.h5"
    subprocess.run([cli_path(), "merge", "-o", str(merged), str(parts[2]), str(parts[0]),
                    str(parts[1])], capture_output=True, text=True, check=True)

    def contents(path):
        out = {}
        with h5py.File(path, "r") as f:
            def visit(name, obj):
                if name.startswith(("outcomes", "trials")):
                    attrs = {k: str(v) for k, v in obj.attrs.items()}
                    if isinstance(obj, h5py.Dataset):
                        out[name] = (obj[()].tobytes(), obj.dtype.str, obj.shape, obj.chunks,
                                     obj.compression_opts, obj.shuffle, attrs)
                    else:
                        out[name] = attrs
            f.visititems(visit)
        return out

    want = contents(v4)
    assert "outcomes/edge_flow_tbps/index" in want
    assert contents(merged) == want


def test_damaged_index_is_an_error(files, tmp_path):
    _, _, v4 = files
    bad = tmp_path / "bad.h5"
    shutil.copy(v4, bad)
    with h5py.File(bad, "r+") as f:
        g = f["outcomes/edge_flow_tbps"]
        n = int(g["value_offsets"][4] - g["value_offsets"][3])
        index = g["index"][()]
        index[2, 3] = n  # one past column 3's values
        g["index"][...] = index
    with open_results(bad) as r, pytest.raises(ResultsError,
                                               match=r"edge_flow_tbps/index: row 2, column 3"):
        r.read("edge_flow_tbps")
    proc = subprocess.run([cli_path(), "analyze", str(bad)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1].endswith(
        f"dataset /outcomes/edge_flow_tbps/index: row 2, column 3: expected an index below {n} "
        f"(the column's values), found {n}")
    assert str(bad) in proc.stderr
