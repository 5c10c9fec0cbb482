"""The dataset list exists once: the C schema table (sim/src/results/schema.c), from which
docs/hdf5-schema.json, its copy in the package and the dataset table of docs/hdf5-schema.md are
generated. These tests compare the JSON, the docs table, the Python reader's view and the files
the built cablesim writes."""

import json
import os
import re

import h5py
import numpy as np

from cablesim_analysis import reader

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
DOCS_JSON = os.path.join(ROOT, "docs", "hdf5-schema.json")
DOCS_MD = os.path.join(ROOT, "docs", "hdf5-schema.md")


def docs_table_paths():
    with open(DOCS_MD, encoding="utf-8") as fh:
        text = fh.read()
    block = text.split("<!-- BEGIN GENERATED: dataset table")[1].split("<!-- END GENERATED")[0]
    return re.findall(r"^\| `(/[^`]+)` \|", block, flags=re.M)


def test_package_copy_is_the_docs_json():
    with open(DOCS_JSON, "rb") as a, open(reader._SCHEMA_FILE, "rb") as b:
        assert a.read() == b.read()


def test_docs_table_lists_the_json_datasets_in_order():
    with open(DOCS_JSON, encoding="utf-8") as fh:
        schema = json.load(fh)
    paths = [d["path"] for d in schema["datasets"]]
    assert len(paths) == len(set(paths)) > 20
    assert docs_table_paths() == paths


def test_reader_view_is_the_json():
    with open(DOCS_JSON, encoding="utf-8") as fh:
        schema = json.load(fh)
    assert list(reader.DATASETS) == [d["path"] for d in schema["datasets"]]
    trial = {d["path"].rsplit("/", 1)[1] for d in schema["datasets"]
             if (d["path"].startswith("/trials/") and d["rows"] == "trial")
             or d["rows"] == "outcome"}
    assert set(reader._PER_TRIAL) == trial
    assert sorted(reader._CSR) == [("cut_offsets", "cuts"),
                                   ("failed_node_offsets", "failed_nodes"),
                                   ("failed_offsets", "failed_edges"),
                                   ("hazard_event_offsets", "hazard_events")]
    for d in schema["datasets"]:
        if d["rows"] == "offsets":
            assert reader.DATASETS[d["values"]]["rows"] == "values"


def check_file_against_schema(path):
    """Every dataset of the file is in the schema, with its type class, rank, units, description
    and rows attribute; every per-trial dataset the file has is listed by the reader."""
    kinds = {"uint8": "u", "uint32": "u", "uint64": "u", "int32": "i", "float64": "f",
             "compound": "V"}
    seen = []
    with h5py.File(path, "r") as f:
        # a dictionary table of format 4 (a group, docs/hdf5-schema.md) stands for its table
        f.visititems(lambda name, o: seen.append("/" + name)
                     if isinstance(o, h5py.Dataset) and not reader.is_dictionary(o.parent)
                     or reader.is_dictionary(o) else None)
        for p in seen:
            d = reader.DATASETS[p]
            ds = f[p]
            if reader.is_dictionary(ds):
                assert ds.attrs["encoding"] == "dictionary", p
                assert d["type"] == "float64" and d["rows"] == "outcome", p
                assert ds["index"].dtype.kind == "u" and ds["index"].ndim == 2, p
                assert ds["value_offsets"].dtype == np.uint64, p
                assert ds["value_offsets"].shape == (ds["index"].shape[1] + 1,), p
                assert ds["values"].dtype == np.float64 and ds["values"].ndim == 1, p
                assert ds["values"].attrs["units"] == d["units"], p
                assert all("description" in ds[m].attrs for m in ds), p
                assert sorted(ds) == ["index", "value_offsets", "values"], p
                ds = ds["index"]  # the table's shape
            else:
                assert ds.dtype.kind == kinds[d["type"]], p
            assert f[p].attrs["units"] == d["units"], p
            assert f[p].attrs["description"] == d["description"], p
            ds_attrs = f[p].attrs
            if d["rows"] == "static":
                assert "rows" not in ds_attrs, p
                assert ds.ndim == (0 if d["dim"] is None else 1), p
            else:
                assert ds_attrs["rows"] == d["rows"], p
                assert ds.ndim == (2 if d["rows"] in ("trial", "outcome") and d["dim"] else 1), p
                if d["rows"] == "offsets":
                    assert ds_attrs["values"] == d["values"], p
    with reader.open_results(path) as r:
        assert r.datasets() == [p for p in reader.DATASETS
                                if p in seen and reader.DATASETS[p]["rows"] != "static"]
    return set(seen)


def test_files_follow_the_schema(random_h5, noflow_h5):
    full = check_file_against_schema(random_h5)
    # Every cablesim run writes the impact datasets (written "impact": a writer given the
    # engine's regions) besides the "always" ones.
    always = {p for p, d in reader.DATASETS.items()
              if d["written"] in ("always", "impact", "format 2")}
    assert full == always | {"/outcomes/latency_ms", "/outcomes/edge_flow_tbps"}
    assert check_file_against_schema(noflow_h5) == always
