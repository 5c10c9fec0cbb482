"""Reader of cablesim results files (HDF5, docs/hdf5-schema.md, format versions 1 to 3).

``open_results(path)`` checks the file's identity and completeness and returns a
:class:`Results`. The small parts of the file (root attributes, the
``/topology`` tables and ``/baseline``) are read when the file is opened; the
``/trials`` datasets are read on first access to the matching attribute and then
kept, so a notebook pays only for what it uses. For files too large to hold a
``/trials`` matrix in memory, :meth:`Results.iter_rows` reads any of them a
slice of trials at a time, and the statistics of :mod:`cablesim_analysis.stats`
are computed that way.

Labels: the columns of ``served``, ``latency`` are demand labels
``"<origin_id>-><destination_id>"``; those of ``edge_flow`` are edge ids; those of
``pair_cut`` are ``"<city_id> / <region>"``. Rows are trial numbers.
"""

import json
import os
import re
import warnings

import h5py
import numpy as np
import pandas as pd

from .heapcheck import heap_damage

FORMAT = "cablesim-results"
#: The newest format version read; format 1 (every per-trial row in /trials) is read too.
#: Format 2 stores each distinct routed outcome once in /outcomes and per trial its row
#: (/trials/outcome); this reader hides that: served_tbps of trial t reads as in format 1.
#: Format 3 is format 2 with the places, depths and times of the cut and event records in
#: float32; this reader gives them as float64 (the memory layout of the schema's members).
#: Format 4 is format 3 whose complete files store each float64 /outcomes table as a dictionary
#: table (a group: each column's distinct values once, and per outcome and column an index into
#: them; outcome_table() decodes one); this reader decodes them.
FORMAT_VERSION = 4
FORMAT_VERSIONS = (1, 2, 3, 4)
#: A slice of trials whose rows of an /outcomes table span at most this many distinct outcomes
#: reads just those rows (r.read("served_tbps", t, t + 1) is fast whatever the run's size);
#: a larger one reads the whole table once and keeps it (it is small: one row per outcome; of a
#: dictionary table, the index only, and the slice's distinct rows are decoded as read).
FEW_OUTCOMES = 64

def is_dictionary(obj):
    """Whether h5py object obj is a dictionary table of format 4 (a group with ``encoding``)."""
    return isinstance(obj, h5py.Group) and "encoding" in obj.attrs


class _Dictionary:
    """A dictionary table of format 4 (docs/hdf5-schema.md, "Dictionary tables") read lazily:
    its distinct values and offsets at the first read of rows, checked; its index as rows are
    read (the rows asked for, or the whole index once, kept: 2 or 4 bytes a cell, a quarter of
    the dense table or less). ``decoded`` counts the tables whose values were loaded and
    ``index_reads`` the reads of the index (tests check that a reader reads only what it is
    asked for)."""

    decoded = 0
    index_reads = 0

    def __init__(self, f, path):
        self.f, self.path, self.group = f, path, f[path]
        self.shape = self.group["index"].shape
        self.values = self.off = self.count = self.index = None

    def _load(self):
        if self.values is not None:
            return
        g, f, path = self.group, self.f, self.path
        off = g["value_offsets"][()].astype(np.int64)
        values = g["values"][()]
        count = np.diff(off)
        if len(off) != self.shape[1] + 1 or (len(off) and off[0] != 0) or np.any(count < 0) \
                or (len(off) and off[-1] != len(values)):
            raise ResultsError(f"{f.filename}: dataset {path}/value_offsets: expected "
                               f"{self.shape[1] + 1} non-decreasing offsets from 0 to "
                               f"{len(values)}")
        self.off, self.values, self.count = off, values, count
        _Dictionary.decoded += 1

    def _checked(self, index, rows):
        """index (rows of the index: rows, increasing, or all when None), checked."""
        bad = np.argwhere(index >= self.count[None, :])
        if len(bad):
            i, c = (int(x) for x in bad[0])
            o = i if rows is None else int(rows[i])
            raise ResultsError(f"{self.f.filename}: dataset {self.path}/index: row {o}, column "
                               f"{c}: expected an index below {int(self.count[c])}, found "
                               f"{int(index[i, c])}")
        return index

    def keep_index(self):
        """Reads the whole index once and keeps it (checked)."""
        self._load()
        if self.index is None:
            _Dictionary.index_reads += 1
            self.index = self._checked(self.group["index"][()], None)

    def rows(self, rows=None):
        """Rows rows (increasing outcome numbers; all when None) decoded, as float64: a block
        of rows at a time, so that the temporaries stay small."""
        self._load()
        if self.index is not None:
            index = self.index
        else:
            _Dictionary.index_reads += 1
            index = self._checked(self.group["index"][()] if rows is None
                                  else self.group["index"][list(rows)], rows)
            rows = None
        n = len(index) if rows is None else len(rows)
        out = np.empty((n, self.shape[1]), dtype=self.values.dtype)
        base = self.off[:-1][None, :]
        for i in range(0, n, 4096):
            k = index[i:i + 4096] if rows is None else index[rows[i:i + 4096]]
            np.take(self.values, base + k, out=out[i:i + 4096])
        return out


def outcome_table(f, path, rows=None):
    """The /outcomes table at path of the open h5py file f as a dense numpy array: the dataset's
    values, or a dictionary table of format 4 decoded (row o, column c is
    ``values[value_offsets[c] + index[o, c]]``, docs/hdf5-schema.md "Dictionary tables").
    rows: increasing outcome numbers to read (all when None)."""
    obj = f[path]
    if not is_dictionary(obj):
        return obj[()] if rows is None else obj[list(rows)]
    return _Dictionary(f, path).rows(rows)


def outcome_shape(f, path):
    """(shape, dtype) of the /outcomes table at path, dense or a dictionary table."""
    obj = f[path]
    if is_dictionary(obj):
        return obj["index"].shape, obj["values"].dtype
    return obj.shape, obj.dtype


# The dataset table of the results file: hdf5-schema.json, generated from the C schema table
# (sim/src/results/schema.c) and kept identical to docs/hdf5-schema.json by a test.
_SCHEMA_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "hdf5-schema.json")
with open(_SCHEMA_FILE, encoding="utf-8") as _f:
    SCHEMA = json.load(_f)

#: Every dataset of the format, by absolute path: type, rows ("static", "trial", "offsets",
#: "values"), shape, units, description, written (the feature that makes a run write it).
DATASETS = {d["path"]: d for d in SCHEMA["datasets"]}


_NUMPY = {"uint8": "<u1", "uint32": "<u4", "int32": "<i4", "uint64": "<u8", "float64": "<f8",
          "float32": "<f4"}


def _widen(records, d):
    """Records of a values list as the schema's members have them in memory (format 3 files
    store some float64 members as float32): the members' types of the schema, others as stored."""
    if records.dtype.names is None or "members" not in d:
        return records
    types = {m["name"]: _NUMPY[m["type"]] for m in d["members"]}
    want = np.dtype([(n, types.get(n, records.dtype[n])) for n in records.dtype.names])
    if want == records.dtype:
        return records
    out = np.empty(records.shape, dtype=want)
    for n in records.dtype.names:
        out[n] = records[n]
    return out


def _short(name):
    """The attribute name of a /trials dataset: its name without the unit suffix."""
    for suffix in ("_tbps", "_ms"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


# Datasets with one row per trial as read (/trials ones, and the /outcomes tables, per trial in
# format 1 and read per trial through /trials/outcome in format 2), and the attribute name of
# each.
_PER_TRIAL = {
    p.rsplit("/", 1)[1]: _short(p.rsplit("/", 1)[1])
    for p, d in DATASETS.items()
    if (p.startswith("/trials/") and d["rows"] == "trial") or d["rows"] == "outcome"
}
# Their absolute paths (format 2), by name.
_PATH = {p.rsplit("/", 1)[1]: p for p, d in DATASETS.items()
         if (p.startswith("/trials/") and d["rows"] == "trial") or d["rows"] == "outcome"}
# The CSR lists of /trials: (offsets, values) names.
_CSR = [
    (p.rsplit("/", 1)[1], d["values"].rsplit("/", 1)[1])
    for p, d in DATASETS.items()
    if p.startswith("/trials/") and d["rows"] == "offsets"
]


# The values a file written by cablesim always holds (docs/hdf5-schema.md, "Values"; the C
# readers' sim/src/results/values.c): checked as each dataset is read.
SLACK = 1e-6  # Tbps of rounding allowed below 0 and above the demand
_RULES = {
    "/baseline/served_tbps": "served", "/outcomes/served_tbps": "served",
    "/baseline/latency_ms": "latency", "/outcomes/latency_ms": "latency",
    "/outcomes/region_served_fraction": "fraction",
    "/outcomes/region_latency_added_ms": "added",
    "/outcomes/region_headroom_tbps": "headroom",
    "/trials/weight": "weight",
    "/recovery/t50_days": "time", "/recovery/t90_days": "time", "/recovery/t100_days": "time",
}
for _p in ("/baseline/edge_flow_tbps", "/baseline/unserved_tbps", "/baseline/held_tbps",
           "/trials/unserved_tbps", "/outcomes/edge_flow_tbps", "/trials/capacity_lost_tbps",
           "/trials/intl_capacity_lost_tbps", "/timeseries/served_tbps",
           "/recovery/capacity_tbps_days", "/recovery/unserved_tbps_days",
           "/recovery/ship_busy_days", "/timeseries/time_days"):
    _RULES[_p] = "amount"
for _p, _d in DATASETS.items():  # format 1: the /outcomes tables were in /trials
    if _d.get("v1_path") and _p in _RULES:
        _RULES[_d["v1_path"]] = _RULES[_p]


def _bad_values(rule, v, demand):
    """Boolean mask of the values of v (rows x columns, or 1-D) that break rule."""
    with np.errstate(invalid="ignore"):
        finite = np.isfinite(v)
        if rule == "amount":
            return ~(finite & (v >= -SLACK))
        if rule == "served":
            cap = np.inf if demand is None else demand * (1 + 1e-9) + SLACK
            return ~(finite & (v >= -SLACK) & (v <= cap))
        if rule == "latency":
            return ~(np.isnan(v) | (finite & (v >= 0)))
        if rule == "added":
            return np.isinf(v)
        if rule == "fraction":
            return ~(np.isnan(v) | ((v >= -1e-9) & (v <= 1 + 1e-9)))
        if rule == "headroom":
            return ~(np.isnan(v) | (finite & (v >= -SLACK)))
        if rule == "weight":
            return ~(finite & (v > 0))
        if rule == "time":
            return np.isnan(v) | (v < 0)
    return np.zeros(np.shape(v), dtype=bool)


def _surely_good(rule, a, demand):
    """A fast check by reductions (no temporary arrays): True when every value of a obeys rule;
    False only means _bad_values must look (NaN fails every comparison)."""
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices
        if rule in ("amount", "served", "weight"):
            lo, hi = a.min(), a.max()
            if rule == "weight":
                return bool(lo > 0 and hi < np.inf)
            if rule == "served" and demand is not None and a.ndim >= 1 and a.shape[-1] == len(demand):
                top = a.max(axis=tuple(range(a.ndim - 1))) if a.ndim > 1 else a
                return bool(lo >= -SLACK and (top <= demand * (1 + 1e-9) + SLACK).all())
            return bool(lo >= -SLACK and hi < np.inf)
        if rule in ("latency", "headroom", "fraction"):
            lo, hi = np.nanmin(a), np.nanmax(a)
            if np.isnan(lo):  # all NaN
                return True
            if rule == "fraction":
                return bool(lo >= -1e-9 and hi <= 1 + 1e-9)
            return bool(lo >= (0 if rule == "latency" else -SLACK) and hi < np.inf)
    return False


def _why(rule, x):
    if np.isnan(x):
        return "not a time (>= 0, or +inf)" if rule == "time" else "not a finite amount"
    if rule in ("amount", "headroom"):
        return "a negative amount" if np.isfinite(x) else "not a finite amount"
    if rule == "served":
        return ("not a finite amount" if not np.isfinite(x) else
                "a negative amount" if x < 0 else "more served than the demand")
    return {"latency": "not a latency (finite and >= 0, or NaN when nothing is served)",
            "added": "not a finite latency", "fraction": "not a fraction in [0, 1]",
            "weight": "not a weight (finite and > 0)", "time": "a negative time"}.get(rule, "")


def check_values(file, path, v, first=0, rows=None, demand=None):
    """Raises ResultsError "FILE: PATH[ROW, COL]: VALUE, what is wrong" for the first value of v
    (rows first.. of dataset path; rows: each row's number instead, e.g. its outcome) that a file
    written by cablesim never holds. v is returned unchanged."""
    rule = _RULES.get(path)
    if rule is None or not np.issubdtype(np.asarray(v).dtype, np.floating) or np.size(v) == 0:
        return v
    a = np.asarray(v)
    if a.ndim > 0 and _surely_good(rule, a, demand if rule == "served" else None):
        return v
    bad = _bad_values(rule, a if a.ndim > 0 else a.reshape(1),
                      demand if rule == "served" else None)
    if not bad.any():
        return v
    at = np.argwhere(bad)[0]
    x = float((a if a.ndim > 0 else a.reshape(1))[tuple(at)])
    row = int(at[0]) + first if rows is None else int(rows[at[0]])
    place = f"[{row}, {int(at[1])}]" if len(at) > 1 else f"[{row}]"
    num = "NaN" if np.isnan(x) else ("+inf" if x > 0 else "-inf") if np.isinf(x) else f"{x:.17g}"
    raise ResultsError(f"{file}: {path}{place}: {num}, {_why(rule, x)}")


# The members of the records of the values lists (docs/hdf5-schema.md, "Values"; values.c's
# cs_values_records_check): (member, rule) in the order they are checked. A cut's place and
# depth may be NaN: the library's writer keeps a cut given to it unplaced so (runs place all).
_RECORD_RULES = {
    "/trials/cuts": [("lon_deg", "lon_nan"), ("lat_deg", "lat_nan"), ("depth_m", "nonneg_nan"),
                     ("waters", "waters"), ("hazard", "hazard"), ("time_days", "nonneg")],
    "/trials/hazard_events": [("hazard", "hazard_ev"), ("magnitude", "magnitude"),
                              ("lon0_deg", "lon_nan"), ("lat0_deg", "lat_nan"),
                              ("lon1_deg", "lon_nan"), ("lat1_deg", "lat_nan"),
                              ("length_km", "nonneg_nan"), ("target", "target")],
}
_WATERS_WHY = "not 0, 1 or 2 (domestic, foreign, contested)"


def _member_bad(rule, x):
    """Boolean mask of the values x (float64) of a record member that break rule."""
    with np.errstate(invalid="ignore"):
        nan = np.isnan(x)
        if rule in ("lon", "lon_nan", "lat", "lat_nan"):
            b = 180.0 if rule.startswith("lon") else 90.0
            ok = (x >= -b) & (x <= b)
            return ~(ok | nan) if rule.endswith("_nan") else ~ok
        if rule == "nonneg":
            return ~(np.isfinite(x) & (x >= 0))
        if rule == "nonneg_nan":
            return ~(nan | (np.isfinite(x) & (x >= 0)))
        if rule == "waters":
            return x > 2
        if rule in ("hazard", "target"):
            return x < -1
        if rule == "hazard_ev":
            return x < 0
        if rule == "magnitude":
            return np.isinf(x)
    return np.zeros(x.shape, dtype=bool)


def _member_why(rule, x):
    if rule in ("lon", "lon_nan"):
        return "not a longitude in [-180, 180]" if np.isnan(x) else "outside [-180, 180]"
    if rule in ("lat", "lat_nan"):
        return "not a latitude in [-90, 90]" if np.isnan(x) else "outside [-90, 90]"
    if rule in ("nonneg", "nonneg_nan"):
        return "negative" if np.isfinite(x) else "not a finite value >= 0"
    return {"waters": _WATERS_WHY, "hazard": "not a hazard index (>= 0, or -1 for none)",
            "hazard_ev": "not a hazard index (>= 0)",
            "magnitude": "not a finite magnitude (or NaN: not applicable)",
            "target": "not an index (>= 0, or -1 for none)"}.get(rule, "not allowed")


def _num(x):
    x = float(x)
    return "NaN" if np.isnan(x) else ("+inf" if x > 0 else "-inf") if np.isinf(x) else f"{x:.17g}"


def _not_after(a, b):
    """a <= b within rounding (1e-9 relative; b = +inf: always), as values.c."""
    with np.errstate(invalid="ignore"):
        return a <= b + 1e-9 * np.maximum(1.0, np.abs(b))


def _fault_why(rec):
    """(member, value, what is wrong) of the first rule fault record rec breaks, or None."""
    fail = float(rec["fail_days"])
    names = ("dispatch_days", "start_days", "end_days")
    t = [float(rec[n]) for n in names]
    if not (np.isfinite(fail) and fail >= 0):
        return "fail_days", fail, "not a time (finite and >= 0)"
    for n, x in zip(names, t):
        if np.isnan(x) or x < 0:
            return n, x, "not a time (>= 0, or +inf: not within the horizon)"
    ship = int(rec["ship"])
    if ship < 0:
        for n, x in zip(names, t):
            if not np.isinf(x):
                return n, x, "expected +inf with ship -1 (no ship within the horizon)"
    else:
        if not np.isfinite(t[0]):
            return names[0], t[0], f"expected a finite time: ship {ship} was dispatched"
        prev, prev_name = fail, "fail_days"
        for n, x in zip(names, t):
            if not _not_after(prev, x):
                return n, x, f"before {prev_name} ({_num(prev)})"
            prev, prev_name = x, n
    if int(rec["waters"]) > 2:
        return "waters", int(rec["waters"]), _WATERS_WHY
    return None


def _faults_bad(recs):
    """Boolean mask of the fault records that break a rule of _fault_why (vectorised)."""
    f64 = lambda n: np.asarray(recs[n], dtype=float)  # noqa: E731
    fail, d, s, e = f64("fail_days"), f64("dispatch_days"), f64("start_days"), f64("end_days")
    ship = np.asarray(recs["ship"])
    with np.errstate(invalid="ignore"):
        bad = ~(np.isfinite(fail) & (fail >= 0))
        for x in (d, s, e):
            bad |= np.isnan(x) | (x < 0)
        none = ship < 0
        bad |= none & ~(np.isinf(d) & np.isinf(s) & np.isinf(e))
        bad |= ~none & ~(np.isfinite(d) & _not_after(fail, d) & _not_after(d, s) & _not_after(s, e))
        bad |= np.asarray(recs["waters"]) > 2
    return bad


def check_records(file, path, recs, first=0):
    """Raises ResultsError "FILE: PATH[INDEX].MEMBER: VALUE, what is wrong" for the first record
    of recs (records first.. of values list path: /trials/cuts, /trials/hazard_events,
    /recovery/faults) that a file written by cablesim never holds. recs is returned unchanged."""
    names = recs.dtype.names or ()
    if len(recs) == 0:
        return recs
    if path == "/recovery/faults":
        need = ("fail_days", "dispatch_days", "start_days", "end_days", "ship", "waters")
        if not all(n in names for n in need):
            return recs
        bad = _faults_bad(recs)
        if bad.any():
            i = int(np.argmax(bad))
            member, x, why = _fault_why(recs[i])
            raise ResultsError(f"{file}: {path}[{first + i}].{member}: {_num(x)}, {why}")
        return recs
    rules = [(m, r) for m, r in _RECORD_RULES.get(path, ()) if m in names]
    masks = [_member_bad(r, np.asarray(recs[m], dtype=float)) for m, r in rules]
    if not masks:
        return recs
    anybad = np.logical_or.reduce(masks)
    if not anybad.any():
        return recs
    i = int(np.argmax(anybad))
    for (m, r), mask in zip(rules, masks):
        if mask[i]:
            x = float(recs[m][i])
            raise ResultsError(f"{file}: {path}[{first + i}].{m}: {_num(x)}, "
                               f"{_member_why(r, x)}")
    return recs


class ResultsError(Exception):
    """A results file that cannot be used: missing, not HDF5, not cablesim's, or malformed."""


class IncompleteResultsError(ResultsError):
    """A results file whose run did not finish (root attribute ``complete`` is 0)."""


def _decode(value):
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.generic):
        return value.item()
    return value


def _table(f, name, path):
    """A compound dataset as a DataFrame with its fixed-length byte strings decoded to str."""
    if name not in f:
        raise ResultsError(f"{path}: expected the dataset /{name}, found none")
    data = f[name][()]
    df = pd.DataFrame(data) if len(data) else pd.DataFrame(np.zeros(0, dtype=data.dtype))
    for col in df.columns:
        if data.dtype[col].kind == "S":
            df[col] = df[col].map(lambda b: b.decode("utf-8")).astype(object)
    return df


def _unique_labels(labels):
    """Makes labels unique by suffixing "#k" to repeats (the demand loader refuses duplicates,
    so this only guards against files written by other tools)."""
    seen = {}
    out = []
    for label in labels:
        k = seen.get(label, 0)
        seen[label] = k + 1
        out.append(label if k == 0 else f"{label}#{k}")
    return out


class Results:
    """An open results file. Use as a context manager, or call :meth:`close`.

    Attributes read at open:
      ``path``, ``attrs`` (dict of root attributes, strings as str, numbers as
      Python ints), ``nodes``, ``edges``, ``demands``, ``pairs`` (DataFrames,
      one row per table row, index = row index, byte strings decoded),
      ``baseline`` (DataFrame per demand: ``served_tbps``, ``latency_ms``,
      index = demand label), ``baseline_edge_flow`` (Series per edge id),
      ``baseline_unserved`` (float), ``n_trials`` (trials usable: all of them
      in a complete file), ``complete`` (bool), ``counted_demand`` (Series per demand: the
      demand damage figures count, 0 for a demand the intact network serves none of).

    Read on first access (then cached):
      ``served``, ``latency`` (DataFrames trials x demand labels; ``latency`` is
      None when the run did not write it), ``unserved`` (Series per trial),
      ``edge_flow`` (trials x edge ids; None when not written), ``pair_cut``
      (bool DataFrame trials x pair labels), ``failed_edges``, ``failed_nodes``
      (Series per trial of uint32 arrays of edge / node indices, decoded from
      the CSR lists), ``capacity_lost`` (Series per trial: the routing capacity of
      every edge down, failed or at a failed node; ``routing_capacity`` gives it
      per edge), ``japan_systems_capacity_lost`` (of it, on the cable systems landing in
      Japan, ``japan_systems``; their whole capacity ``japan_systems_capacity``).
    """

    def __init__(self, path, allow_incomplete=False):
        self.path = os.fspath(path)
        damage = heap_damage(self.path)  # HDF5 would never return from reading such a file
        if damage is not None:
            raise ResultsError(f"{self.path}: {damage}")
        try:
            self._f = h5py.File(self.path, "r")
        except FileNotFoundError:
            raise ResultsError(f"{self.path}: no such file") from None
        except OSError as e:
            raise ResultsError(f"{self.path}: cannot open as HDF5 ({e})") from None
        try:
            self._check_and_load(allow_incomplete)
        except (RuntimeError, OSError) as e:  # h5py: a damaged object HDF5 cannot read
            self._f.close()
            raise ResultsError(f"{self.path}: damaged: HDF5 could not read it ({e})") from None
        except BaseException:
            self._f.close()
            raise
        self._cache = {}

    # ------------------------------------------------------------- opening

    def _check_and_load(self, allow_incomplete):
        f, path = self._f, self.path
        self.attrs = {k: _decode(v) for k, v in f.attrs.items()}
        fmt = self.attrs.get("format")
        if fmt != FORMAT:
            raise ResultsError(f'{path}: expected root attribute format "{FORMAT}", found {fmt!r}')
        version = self.attrs.get("format_version")
        if version not in FORMAT_VERSIONS:
            raise ResultsError(
                f"{path}: expected format_version 1 to {FORMAT_VERSION}, found {version!r} "
                "(read it with the software that wrote it)"
            )
        self.format_version = int(version)
        if "part_trials" in self.attrs:
            first, n = self.attrs.get("part_first_trial"), self.attrs.get("part_trials")
            raise ResultsError(
                f"{path}: a part of a sharded run (trials {first}..{first + n - 1} of "
                f"{self.attrs.get('trials')}), not a run's results: join the parts with "
                "cablesim merge -o RESULTS.h5 PART.h5... first"
            )
        self.nodes = _table(f, "topology/nodes", path)
        self.edges = _table(f, "topology/edges", path)
        self.demands = _table(f, "topology/demands", path)
        self.pairs = _table(f, "topology/pairs", path)
        # /topology/regions: the columns of the per-region /trials datasets (None in older files)
        self.regions = (_table(f, "topology/regions", path).set_index("name")
                        if "topology/regions" in f else None)
        self.demand_labels = _unique_labels(
            (self.demands["origin_id"] + "->" + self.demands["destination_id"]).tolist()
        )
        self.pair_labels = (self.pairs["city_id"] + " / " + self.pairs["region"]).tolist()
        self.edge_ids = self.edges["id"].tolist()
        self.demand_scaled = np.asarray(self.demands["demand_scaled_tbps"], dtype=float)
        bad = ~(np.isfinite(self.demand_scaled) & (self.demand_scaled > 0))
        if bad.any():
            k = int(np.nonzero(bad)[0][0])
            raise ResultsError(f"{path}: dataset /topology/demands: row {k}: expected a finite "
                               f"demand_scaled_tbps > 0, found {self.demand_scaled[k]}")
        base = {}
        for name, n in (("served_tbps", len(self.demands)), ("latency_ms", len(self.demands)),
                        ("edge_flow_tbps", len(self.edges)), ("unserved_tbps", None),
                        ("held_tbps", len(self.edges))):
            p = "/baseline/" + name
            if name == "held_tbps" and "baseline/held_tbps" not in f:
                continue
            d = f[p]
            want = () if n is None else (n,)
            if d.shape != want or not np.issubdtype(d.dtype, np.floating):
                raise ResultsError(f"{path}: dataset {p}: expected float64 of shape {want}, found "
                                   f"{d.dtype} of shape {d.shape}")
            base[name] = check_values(path, p, d[()], demand=self.demand_scaled)
        self.baseline = pd.DataFrame(
            {
                "served_tbps": base["served_tbps"],
                "latency_ms": base["latency_ms"],
            },
            index=pd.Index(self.demand_labels, name="demand"),
        )
        self.baseline_edge_flow = pd.Series(
            base["edge_flow_tbps"], index=pd.Index(self.edge_ids, name="edge"),
            name="edge_flow_tbps",
        )
        self.baseline_unserved = float(base["unserved_tbps"])
        self.complete = self.attrs.get("complete") == 1
        self.n_trials = self._usable_trials()
        if not self.complete:
            asked = self.attrs.get("trials")
            msg = (
                f"{path}: incomplete results (complete = 0: the run failed, was interrupted or "
                f"is still running); {self.n_trials} of {asked} trials are usable"
            )
            if not allow_incomplete:
                raise IncompleteResultsError(msg + "; pass allow_incomplete=True "
                                             "(--allow-incomplete) to analyse them")
            warnings.warn(msg, stacklevel=3)

    def _usable_trials(self):
        """Trials present in every /trials dataset (all of them in a complete file)."""
        t = self._f["trials"]
        # (lists added later, such as cuts, may be absent from files of older versions)
        lengths = [t[off].shape[0] - 1 for off, _ in _CSR if off in t]
        lengths += [t[name].shape[0] for name in _PER_TRIAL if name in t]
        if "outcome" in t and not self.complete:
            # format 2: the outcome of every trial is a row of /outcomes; an interrupted run may
            # have ids past the outcomes written. A complete file's ids are checked as read
            # (_outcome_ids), so that opening it reads none of them.
            ids = t["outcome"][: max(0, min(lengths))]
            bad = np.nonzero(ids >= self._n_outcomes())[0]
            if len(bad):
                lengths.append(int(bad[0]))
        n = max(0, min(lengths))
        # A run cut short mid-batch may have offsets past the end of the value lists.
        for off, vals in _CSR:
            if off not in t:
                continue
            offsets = t[off]
            while n > 0 and int(offsets[n]) > t[vals].shape[0]:
                n -= 1
        if self.complete and n != self.attrs.get("trials"):
            raise ResultsError(
                f"{self.path}: complete = 1 but the /trials datasets hold {n} trials, "
                f"not the {self.attrs.get('trials')} the scenario asked for"
            )
        return n

    @property
    def counted_demand(self):
        """Per demand (Series indexed like ``demands``): the demand every damage figure counts,
        ``demand_scaled_tbps`` where the intact network serves some of it, else 0. The router
        never routes a demand the intact network of the year serves none of (Russia before
        its first lit cable: docs/model.md, "Demand the intact network cannot serve"), and
        /trials/unserved_tbps, the run summary and ``cablesim analyze`` leave it out."""
        d = self.demands["demand_scaled_tbps"].to_numpy(dtype=float)
        return pd.Series(np.where(self.baseline["served_tbps"].to_numpy() > 0.0, d, 0.0),
                         index=self.demands.index, name="counted_demand_tbps")

    # --------------------------------------------------------------- basics

    def close(self):
        self._f.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return (f"<Results {self.path!r}: {self.n_trials} trials, {len(self.nodes)} nodes, "
                f"{len(self.edges)} edges, {len(self.demands)} demands>")

    def _setting(self, attr, key, default):
        """Root attribute attr; in files written before it, key of the scenario text (YAML)."""
        if attr in self.attrs:
            return self.attrs[attr]
        import yaml

        try:
            doc = yaml.safe_load(self.scenario_text) or {}
        except yaml.YAMLError:
            doc = {}
        value = doc.get(key, default) if isinstance(doc, dict) else default
        if key == "routing":
            value = (value or {}).get("policy", default) if isinstance(value, dict) else default
        return value if value is not None else default

    @property
    def name(self):
        """The scenario's name (root attribute `name`)."""
        return str(self._setting("name", "name", ""))

    @property
    def capacity_basis(self):
        """"lit" or "design": the capacity the run routed on (root attribute `capacity_basis`)."""
        return self._setting("capacity_basis", "capacity", "lit")

    @property
    def routing_policy(self):
        """"latency-first" or "maxflow" (root attribute `routing_policy`)."""
        return self._setting("routing_policy", "routing", "latency-first")

    @property
    def scenario_resolved(self):
        """The scenario with every top-level default filled in (YAML text); "" in files written
        before the attribute existed."""
        return self.attrs.get("scenario_resolved", "")

    @property
    def scenario_text(self):
        """The scenario as run (YAML text)."""
        return self.attrs.get("scenario", "")

    @property
    def file(self):
        """The underlying open h5py.File, for anything this reader does not wrap."""
        return self._f

    def stored_path(self, path):
        """Where dataset path (of the format, as in DATASETS) is in this file: an /outcomes
        table of format 2 is at its ``v1_path`` in /trials in a format-1 file."""
        d = DATASETS.get(path, {})
        return d["v1_path"] if self.format_version < 2 and "v1_path" in d else path

    def has(self, name):
        """Whether the per-trial dataset NAME (served_tbps, latency_ms, ...) was written
        (latency_ms and edge_flow_tbps are optional)."""
        path = _PATH.get(name, "/trials/" + name)
        return self.stored_path(path) in self._f

    def _n_outcomes(self):
        """Rows of /outcomes (format 2 and later; 0 when the file has none)."""
        if "outcomes/served_tbps" not in self._f:
            return 0
        return outcome_shape(self._f, "outcomes/served_tbps")[0][0]

    def _outcome_table(self, path):
        """A whole plain /outcomes table (format 2 and 3), cached: each distinct outcome once."""
        return self._cached(("outcomes", path), lambda: outcome_table(self._f, path))

    def _dictionary(self, path):
        """The dictionary table at path (format 4), kept: decoded lazily (_Dictionary)."""
        return self._cached(("dictionary", path), lambda: _Dictionary(self._f, path))

    def _outcome_rows(self, path, ids):
        """Rows ids (outcome numbers) of /outcomes table path. Lazy: a slice that needs at most
        FEW_OUTCOMES distinct outcomes reads only their rows (the chunks holding them) while the
        table is not kept; a larger one keeps the table: a plain one whole, of a dictionary table
        the index (a quarter of the dense table or less), the slice's distinct rows then decoded
        once each."""
        if is_dictionary(self._f[path]):
            table = self._dictionary(path)
            uniq, inverse = np.unique(ids, return_inverse=True)
            if len(uniq) == 0:
                return np.empty((0,) + table.shape[1:], dtype=np.float64)
            if len(uniq) > FEW_OUTCOMES:
                table.keep_index()
            return table.rows(uniq)[inverse.reshape(-1)]
        if ("outcomes", path) not in self._cache:
            uniq, inverse = np.unique(ids, return_inverse=True)
            if len(uniq) <= FEW_OUTCOMES:
                shape, dtype = outcome_shape(self._f, path)
                if len(uniq) == 0:
                    return np.empty((0,) + shape[1:], dtype=dtype)
                return outcome_table(self._f, path, uniq.tolist())[inverse.reshape(-1)]
        return self._outcome_table(path)[ids]

    def _outcome_ids(self, start, stop):
        """/trials/outcome of trials [start, stop): read as needed (never the whole dataset at
        open), each checked against the rows of /outcomes."""
        ids = self._f["trials/outcome"][start:stop]
        bad = np.nonzero(ids >= self._n_outcomes())[0]
        if len(bad):
            raise ResultsError(
                f"{self.path}: dataset /trials/outcome: trial {start + int(bad[0])}: expected an "
                f"outcome below {self._n_outcomes()} (the rows of /outcomes), found "
                f"{int(ids[bad[0]])}")
        return ids

    def _trial_rows(self, path, start, stop):
        """Rows of trials [start, stop) of per-trial dataset path: an /outcomes table through
        /trials/outcome in format 2 and later."""
        d = DATASETS[path]
        if d["rows"] == "outcome" and self.format_version >= 2:
            ids = self._outcome_ids(start, stop)
            return check_values(self.path, path, self._outcome_rows(path, ids), rows=ids,
                                demand=self.demand_scaled)
        return check_values(self.path, self.stored_path(path),
                            self._f[self.stored_path(path)][start:stop], first=start,
                            demand=self.demand_scaled)

    def _columns(self, name):
        if name in ("served_tbps", "latency_ms"):
            return pd.Index(self.demand_labels, name="demand")
        if name == "edge_flow_tbps":
            return pd.Index(self.edge_ids, name="edge")
        if name == "pair_cut":
            return pd.Index(self.pair_labels, name="pair")
        if name.startswith("region_") and self.regions is not None:
            return pd.Index(self.regions.index, name="region")
        return None

    def _frame(self, name, rows, start):
        """Rows of a /trials dataset as a DataFrame (or Series for unserved_tbps)."""
        index = pd.RangeIndex(start, start + len(rows), name="trial")
        if name == "unserved_tbps":
            return pd.Series(rows, index=index, name="unserved_tbps")
        if name == "pair_cut":
            rows = rows.astype(bool)
        return pd.DataFrame(rows, index=index, columns=self._columns(name))

    def read(self, name, start=0, stop=None):
        """Trials [start, stop) of /trials/NAME (served_tbps, latency_ms, unserved_tbps,
        edge_flow_tbps, pair_cut) as a DataFrame (a Series for unserved_tbps), without caching."""
        if name not in _PER_TRIAL:
            raise KeyError(f"{name!r} is not a per-trial dataset ({', '.join(_PER_TRIAL)})")
        if not self.has(name):
            raise ResultsError(f"{self.path}: {_PATH[name]} was not written by this run")
        stop = self.n_trials if stop is None else min(stop, self.n_trials)
        start = max(0, min(start, stop))
        return self._frame(name, self._trial_rows(_PATH[name], start, stop), start)

    def iter_rows(self, name, chunk_bytes=64 << 20, rows=None):
        """Yields /trials/NAME a slice of trials at a time, as DataFrames (Series for
        unserved_tbps) indexed by trial number: `rows` trials per slice, or by default as many
        whole HDF5 chunks as fit in about chunk_bytes (at least one chunk)."""
        path = _PATH[name]
        outcome = DATASETS[path]["rows"] == "outcome" and self.format_version >= 2
        ds = self._f["trials/outcome" if outcome else self.stored_path(path)]
        if rows is not None:
            step = max(1, int(rows))
        else:  # a slice of trials reads their rows of the cached table
            shape, dtype = outcome_shape(self._f, path) if outcome else (ds.shape, ds.dtype)
            itemsize = dtype.itemsize
            row_bytes = max(1, itemsize * int(np.prod(shape[1:], dtype=np.int64)))
            step = max(1, chunk_bytes // row_bytes)
            if ds.chunks:  # whole chunks per slice: no chunk is decompressed twice
                step = max(ds.chunks[0], step - step % ds.chunks[0])
        for start in range(0, self.n_trials, step):
            yield self.read(name, start, start + step)

    def datasets(self):
        """The per-trial datasets of the format this file has (absolute paths of the format,
        schema order; an /outcomes table of a format-1 file is at its v1_path)."""
        return [p for p, d in DATASETS.items()
                if d["rows"] != "static" and self.stored_path(p) in self._f]

    def read_dataset(self, path, start=0, stop=None):
        """Rows [start, stop) of any per-trial dataset of the format (absolute path, e.g.
        "/recovery/t90_days") as a numpy array, trials clipped to the usable ones; a values list
        ("values" rows) is read whole between the offsets of those trials."""
        d = DATASETS.get(path)
        if d is None:  # a format-1 name of an /outcomes table
            path = next((p for p, o in DATASETS.items() if o.get("v1_path") == path), path)
            d = DATASETS.get(path)
        if d is None or d["rows"] == "static":
            raise KeyError(f"{path!r} is not a per-trial dataset of the format")
        if self.stored_path(path) not in self._f:
            raise ResultsError(f"{self.path}: {path} was not written by this run")
        stop = self.n_trials if stop is None else min(stop, self.n_trials)
        start = max(0, min(start, stop))
        if d["rows"] == "offsets":
            return self._f[path][start : stop + 1]
        if d["rows"] == "values":
            off = [p for p, o in DATASETS.items() if o.get("values") == path][0]
            lo, hi = (int(x) for x in self._f[off][[start, stop]])
            return check_records(self.path, path, _widen(self._f[path][lo:hi], d), lo)
        return self._trial_rows(path, start, stop)

    def _cached(self, key, make):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    # ------------------------------------------------------- trial matrices

    @property
    def served(self):
        return self._cached("served", lambda: self.read("served_tbps"))

    @property
    def latency(self):
        return self._cached(
            "latency", lambda: self.read("latency_ms") if self.has("latency_ms") else None
        )

    @property
    def unserved(self):
        return self._cached("unserved", lambda: self.read("unserved_tbps"))

    @property
    def weighted(self):
        """Whether the trials carry importance-sampling weights (/trials/weight,
        docs/rare-events.md): the run's scenario has ``estimator: {method:
        importance_sampling}``. Then every expectation of the model is a weighted mean
        (:func:`cablesim_analysis.stats.weighted_estimate`), not a plain one."""
        return self.has("weight")

    @property
    def weights(self):
        """Per-trial likelihood ratios (numpy array of n_trials): /trials/weight, or ones for a
        file without it (plain runs write none; every weight is then 1)."""
        def make():
            if not self.weighted:
                return np.ones(self.n_trials)
            return check_values(self.path, "/trials/weight",
                                np.asarray(self._f["trials"]["weight"][: self.n_trials],
                                           dtype=float))

        return self._cached("weights", make)

    @property
    def edge_flow(self):
        return self._cached(
            "edge_flow",
            lambda: self.read("edge_flow_tbps") if self.has("edge_flow_tbps") else None,
        )

    @property
    def pair_cut(self):
        return self._cached("pair_cut", lambda: self.read("pair_cut"))

    # --------------------------------------------------------------- CSR

    def _csr(self, offsets_name, values_name):
        t = self._f["trials"]
        off = t[offsets_name][: self.n_trials + 1].astype(np.int64)
        vals = t[values_name][: off[-1] if len(off) else 0]
        return off, vals

    def failed_csr(self, kind="edges"):
        """(offsets, values) of the failed edges (kind "edges") or nodes ("nodes"): trial t's
        are values[offsets[t]:offsets[t+1]]. Cheaper than failed_edges for whole-run statistics."""
        if kind == "edges":
            return self._cached("csr_e", lambda: self._csr("failed_offsets", "failed_edges"))
        if kind == "nodes":
            return self._cached("csr_n", lambda: self._csr("failed_node_offsets", "failed_nodes"))
        raise ValueError(f'kind: expected "edges" or "nodes", found {kind!r}')

    def _per_trial_lists(self, kind):
        off, vals = self.failed_csr(kind)
        lists = np.split(vals, off[1:-1]) if len(off) > 1 else []
        return pd.Series(lists, index=pd.RangeIndex(len(lists), name="trial"), dtype=object,
                         name=f"failed_{kind}")

    @property
    def failed_edges(self):
        """Per trial, the array of edge indices (rows of ``edges``) that failed, in order."""
        return self._cached("failed_edges", lambda: self._per_trial_lists("edges"))

    @property
    def failed_nodes(self):
        """Per trial, the array of node indices (rows of ``nodes``) that failed, in order."""
        return self._cached("failed_nodes", lambda: self._per_trial_lists("nodes"))

    def _records(self, offsets_name, values_name):
        """A per-trial list of compound records as a DataFrame with a ``trial`` column (members
        by name; trials with none have no rows). Files written before the list existed give an
        empty frame."""
        t = self._f["trials"]
        if offsets_name not in t or values_name not in t:
            return pd.DataFrame({"trial": pd.Series([], dtype=np.int64)})
        off, vals = self._csr(offsets_name, values_name)
        vals = check_records(self.path, "/trials/" + values_name,
                             _widen(vals, DATASETS["/trials/" + values_name]))
        frame = pd.DataFrame({name: vals[name] for name in vals.dtype.names})
        frame.insert(0, "trial", np.repeat(np.arange(len(off) - 1), np.diff(off)))
        return frame

    @property
    def cuts(self):
        """Every cut (``/trials/cuts``): one row per place a hazard severed an edge, with
        ``trial``, ``edge`` (row of ``edges``), ``lon_deg``, ``lat_deg``, ``depth_m``, ``waters``
        (0 domestic, 1 foreign, 2 contested), ``hazard`` (index in the scenario's hazards list,
        -1 none) and ``time_days``. A segment cut twice in a trial has two rows."""
        return self._cached("cuts", lambda: self._records("cut_offsets", "cuts"))

    @property
    def hazard_events(self):
        """What the hazards sampled (``/trials/hazard_events``): one row per event with
        ``trial``, ``hazard``, ``magnitude``, ``lon0_deg``, ``lat0_deg`` (epicentre, track start,
        flow head, target place), ``lon1_deg``, ``lat1_deg`` (track end, where a flow stopped),
        ``length_km``, ``target`` (-1 none) and ``cuts``; NaN where not applicable. Join with
        ``unserved`` on ``trial`` to condition losses on the hazard (loss against magnitude)."""
        return self._cached("events",
                            lambda: self._records("hazard_event_offsets", "hazard_events"))

    @property
    def n_failed_edges(self):
        """Number of failed edges per trial (Series)."""
        off, _ = self.failed_csr("edges")
        return pd.Series(np.diff(off), index=pd.RangeIndex(self.n_trials, name="trial"),
                         name="n_failed_edges")


    # ------------------------------------------------------------- impact

    @property
    def region_headroom(self):
        """Per trial and region, the spare capacity from Japan to the region after routing
        (Tbps; /trials/region_headroom_tbps, written with ``output.headroom: true``): a
        DataFrame trials x regions (names of /topology/regions), or None when the run did not
        write it."""
        if not self.has("region_headroom_tbps"):
            return None
        return self._cached("region_headroom", lambda: self.read("region_headroom_tbps"))

    @property
    def routing_capacity(self):
        """Per edge, the capacity the run routed on: ``lit_tbps`` unless the scenario says
        ``capacity: design`` (Series per edge id)."""
        design = re.search(r"^capacity:\s*design\b", self.scenario_text or "", re.M) is not None
        col = "capacity_tbps" if design else "lit_tbps"
        return pd.Series(self.edges[col].to_numpy(dtype=float),
                         index=pd.Index(self.edge_ids, name="edge"), name=col)

    @property
    def capacity_lost(self):
        """Per trial, the capacity (routing basis) of every edge down: failed, or at a failed
        node (a lost station takes its segments with it). From /trials/capacity_lost_tbps when
        the file has it, else computed from /topology/edges and the failed lists (docs/model.md,
        "Impact metrics")."""
        def make():
            if self.has("capacity_lost_tbps"):
                x = np.asarray(self.read("capacity_lost_tbps"), dtype=float).reshape(-1)
                return pd.Series(x, index=pd.RangeIndex(len(x), name="trial"),
                                 name="capacity_lost_tbps")
            return self._capacity_down(self.routing_capacity.to_numpy(), "capacity_lost_tbps")

        return self._cached("capacity_lost", make)

    @property
    def japan_systems(self):
        """Per edge (bool Series by edge id): a segment of a cable system that lands in Japan,
        i.e. one of whose segments has an end in Japan (a city of region Japan, or another node
        of country JP). These systems carry Japan's traffic wherever they are cut."""
        def make():
            n = self.nodes
            japan = np.where(n["kind"] == "city", n["region"] == "Japan", n["country"] == "JP")
            e = self.edges
            lands = japan[e["from"].to_numpy()] | japan[e["to"].to_numpy()]
            cable = e["cable"].to_numpy()
            systems = set(cable[lands & (cable != "")])
            on = np.array([c != "" and c in systems for c in cable], dtype=bool)
            return pd.Series(on, index=pd.Index(self.edge_ids, name="edge"), name="japan_system")

        return self._cached("japan_systems", make)

    @property
    def japan_systems_capacity(self):
        """The capacity (routing basis) of all the segments of the systems landing in Japan
        (``japan_systems``), Tbps: what ``japan_systems_capacity_lost`` is a share of
        (``cablesim analyze`` JSON ``japan_systems_capacity_tbps``)."""
        cap = self.routing_capacity.to_numpy()
        return float(cap[self.japan_systems.to_numpy()].sum())

    @property
    def japan_systems_capacity_lost(self):
        """Per trial, the part of ``capacity_lost`` on the systems landing in Japan: the capacity
        (routing basis) of their segments that are down, failed or at a failed node (a Series
        per trial; docs/model.md, "Impact metrics"). No dataset records it: computed from
        /topology/edges, /topology/nodes and the failed lists, as ``cablesim analyze`` does (JSON
        ``japan_systems_capacity_lost_tbps``, whose mean it gives). The Hengchun 2006 cuts lie
        between Taiwan, Hong Kong, China and the Philippines, so no segment with an end in Japan
        is down, yet they take 15.7 Tbps of the systems serving Japan."""
        def make():
            cap = np.where(self.japan_systems.to_numpy(), self.routing_capacity.to_numpy(), 0.0)
            return self._capacity_down(cap, "japan_systems_capacity_lost_tbps")

        return self._cached("japan_systems_capacity_lost", make)

    def iter_down(self):
        """Per trial in order, a bool array over the edges: down (failed, or at a failed node).
        The same array is refilled for every trial: copy it to keep it."""
        ends = self.edges[["from", "to"]].to_numpy(dtype=np.int64)
        eoff, ev = self.failed_csr("edges")
        noff, nv = self.failed_csr("nodes")
        down = np.zeros(len(ends), dtype=bool)
        failed_node = np.zeros(len(self.nodes), dtype=bool)
        for t in range(self.n_trials):
            down[:] = False
            down[ev[eoff[t]:eoff[t + 1]]] = True
            nodes = nv[noff[t]:noff[t + 1]]
            if len(nodes):
                failed_node[:] = False
                failed_node[nodes] = True
                down |= failed_node[ends[:, 0]] | failed_node[ends[:, 1]]
            yield down

    def _capacity_down(self, cap, name):
        """Per trial, the sum of cap over the edges down (failed, or at a failed node)."""
        lost = np.array([cap[down].sum() for down in self.iter_down()], dtype=float)
        return pd.Series(lost, index=pd.RangeIndex(self.n_trials, name="trial"), name=name)


def open_results(path, allow_incomplete=False):
    """Opens a cablesim results file for reading.

    Raises ResultsError (message naming the file) when it is missing, not HDF5, not a
    cablesim results file or not format version 1 or 2, and IncompleteResultsError when its run
    did not finish, unless allow_incomplete is true: then the trials present in every
    dataset are used and a warning is issued.
    """
    return Results(path, allow_incomplete=allow_incomplete)
