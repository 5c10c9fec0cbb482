"""Recovery over time: readers of /timeseries and /recovery (docs/hdf5-schema.md) and the
statistics `cablesim analyze` prints in its recovery section (docs/analysis-cli.md).

Only files of scenarios with a ``recovery:`` section have these datasets; every function here
raises ResultsError (naming the file) on others. Times are days since the trial's start; a time
to restore that did not happen within the horizon is +inf. The served share is the total served
demand over the total the intact network serves (the sum of /baseline/served_tbps), so 1 means
fully restored.

Quantiles are the order statistic x_(ceil(a n)) over trials, as the C analysis computes them
(numpy's "inverted_cdf" method), so the two agree exactly.

    from cablesim_analysis import open_results, recovery
    with open_results("rec.h5") as r:
        trials = recovery.trials(r)                 # t50/t90/t100, Tbps-days, faults per trial
        curve = recovery.curve(r)                   # median and 10-90% band over time
"""

import numpy as np
import pandas as pd

from .reader import ResultsError, check_records

LEVELS = (0.1, 0.5, 0.9, 0.99)
REPORT_DAYS = (0.0, 1.0, 3.0, 7.0, 14.0, 30.0, 60.0, 90.0)
WATERS = {0: "domestic", 1: "foreign", 2: "contested"}
TIMES = ("t50_days", "t90_days", "t100_days")


def has_recovery(r):
    """Whether the file holds recovery data (/timeseries and /recovery)."""
    f = r.file
    return "recovery" in f and "timeseries" in f


def _require(r):
    if not has_recovery(r):
        raise ResultsError(f"{r.path}: no recovery data (/timeseries, /recovery): the scenario "
                           "has no recovery section")


def horizon_days(r):
    _require(r)
    return float(r.file["recovery"].attrs["horizon_days"])


def step_hours(r):
    _require(r)
    return float(r.file["recovery"].attrs["step_hours"])


def time_days(r):
    """The grid: /timeseries/time_days, days (numpy array of S values)."""
    _require(r)
    return r.file["timeseries/time_days"][()]


def intact_served(r):
    """Tbps served by the intact network: the sum of /baseline/served_tbps."""
    return float(r.baseline["served_tbps"].sum())


def timeseries(r, name="served_tbps", start=0, stop=None):
    """Trials [start, stop) of /timeseries/NAME (served_tbps or queue_length) as a numpy array
    [trials x steps]; the columns are time_days(r)."""
    _require(r)
    if name not in ("served_tbps", "queue_length"):
        raise KeyError(f"{name!r}: expected served_tbps or queue_length")
    stop = r.n_trials if stop is None else min(stop, r.n_trials)
    return r.file["timeseries"][name][start:stop]


def served_share(r, start=0, stop=None):
    """Served share over time [trials x steps]: served_tbps / intact_served(r) (1 when the
    intact network serves nothing)."""
    served = timeseries(r, "served_tbps", start, stop)
    intact = intact_served(r)
    return served / intact if intact > 1e-9 else np.ones_like(served)


def ships(r):
    """The fleet (/recovery/ships) as a DataFrame indexed by ship number."""
    _require(r)
    data = r.file["recovery/ships"][()]
    df = pd.DataFrame(data)
    for col in df.columns:
        if data.dtype[col].kind in ("S", "O"):
            df[col] = df[col].map(lambda b: b.decode("utf-8") if isinstance(b, bytes) else b)
    df.index.name = "ship"
    return df


def trials(r):
    """One row per trial: t50_days, t90_days, t100_days (+inf: not within the horizon),
    capacity_tbps_days, unserved_tbps_days and n_faults."""
    _require(r)
    g, n = r.file["recovery"], r.n_trials
    df = pd.DataFrame({k: g[k][:n] for k in TIMES + ("capacity_tbps_days",
                                                     "unserved_tbps_days")},
                      index=pd.RangeIndex(n, name="trial"))
    df["n_faults"] = np.diff(g["fault_offsets"][: n + 1].astype(np.int64))
    return df


def ship_busy(r):
    """Busy days per trial (rows) and ship (columns named after the ships)."""
    _require(r)
    busy = r.file["recovery/ship_busy_days"][: r.n_trials]
    return pd.DataFrame(busy, index=pd.RangeIndex(len(busy), name="trial"),
                        columns=pd.Index(ships(r)["name"].tolist(), name="ship"))


def faults(r):
    """One row per cable fault and its repair: trial, edge (row of r.edges), edge_id, fail_days,
    ship (-1: none came within the horizon), ship_name, dispatch_days, start_days, end_days
    (+inf: not within the horizon), waters (domestic, foreign, contested), outage_days
    (end - fail) and wait_days (dispatch - fail)."""
    _require(r)
    g = r.file["recovery"]
    off = g["fault_offsets"][: r.n_trials + 1].astype(np.int64)
    rec = check_records(r.path, "/recovery/faults", g["faults"][: off[-1]])
    df = pd.DataFrame({name: rec[name] for name in rec.dtype.names})
    df.insert(0, "trial", np.repeat(np.arange(len(off) - 1), np.diff(off)))
    df.insert(2, "edge_id", np.asarray(r.edge_ids, dtype=object)[df["edge"].to_numpy()]
              if len(df) else pd.Series(dtype=object))
    names = np.asarray(ships(r)["name"].tolist() + [""], dtype=object)
    df.insert(df.columns.get_loc("ship") + 1, "ship_name", names[df["ship"].to_numpy()])
    df["waters"] = df["waters"].map(WATERS)
    df["outage_days"] = df["end_days"] - df["fail_days"]
    df["wait_days"] = df["dispatch_days"] - df["fail_days"]
    return df


def quantile(values, a):
    """x_(ceil(a n)) of the values (+inf allowed), as the C analysis."""
    return float(np.quantile(np.asarray(values, dtype=float), a, method="inverted_cdf"))


def report_steps(r):
    """The grid steps `cablesim analyze` reports: the last at or before each of REPORT_DAYS
    within the grid, and the last step."""
    t = time_days(r)
    steps = []
    for d in REPORT_DAYS:
        if d > t[-1] + 1e-9:
            break
        k = int(np.searchsorted(t, d + 1e-9, side="right")) - 1
        if not steps or steps[-1] != k:
            steps.append(k)
    if not steps or steps[-1] != len(t) - 1:
        steps.append(len(t) - 1)
    return steps


def curve(r, steps=None, levels=(0.1, 0.5, 0.9), columns=64):
    """Served share over time: per grid step (all of them by default), the quantiles at levels
    over trials (columns p10, median, p90 for the default levels) and the mean, with the mean
    and largest queue length. Reads `columns` steps at a time, only those steps (memory: trials x
    columns)."""
    t = time_days(r)
    steps = list(range(len(t))) if steps is None else list(steps)
    names = ["median" if a == 0.5 else f"p{100 * a:g}" for a in levels]
    rows = []
    ds_s, ds_q = r.file["timeseries/served_tbps"], r.file["timeseries/queue_length"]
    intact = intact_served(r)
    for i in range(0, len(steps), columns):
        block = steps[i:i + columns]
        cols = sorted(set(block))  # h5py reads a list of columns given in increasing order
        served, queue = ds_s[: r.n_trials, cols], ds_q[: r.n_trials, cols]
        for k in block:
            col = served[:, cols.index(k)]
            share = col / intact if intact > 1e-9 else np.ones_like(col)
            q = queue[:, cols.index(k)]
            row = {"step": k, "time_days": float(t[k])}
            row.update({nm: quantile(share, a) for nm, a in zip(names, levels)})
            row.update({"mean": float(share.mean()), "queue_mean": float(q.mean()),
                        "queue_max": int(q.max())})
            rows.append(row)
    return pd.DataFrame(rows).set_index("time_days")


def restore_summary(r):
    """Per time to restore (t50_days, t90_days, t100_days): mean of min(t, horizon) with its 95%
    CI, the quantiles at LEVELS (inf beyond the horizon) and the share not restored."""
    df = trials(r)
    h = horizon_days(r)
    out = {}
    for k in TIMES:
        t = df[k].to_numpy()
        capped = np.minimum(t, h)
        n = len(t)
        mean = float(capped.mean()) if n else np.nan
        se = float(capped.std(ddof=1) / np.sqrt(n)) if n > 1 else 0.0
        row = {"mean_capped": mean, "mean_capped_lo": mean - 1.959963984540054 * se,
               "mean_capped_hi": mean + 1.959963984540054 * se}
        row.update({f"p{100 * a:g}": quantile(t, a) for a in LEVELS})
        row["not_restored"] = float(np.isinf(t).mean()) if n else np.nan
        out[k] = row
    return pd.DataFrame(out).T


def ccdf_times(r, name="t90_days"):
    """(x, P(T > x)): the share of trials not yet restored at each time x, at x = 0 and at each
    distinct finite time to restore; it stays at the share never restored (T = +inf) from the
    last one to the horizon. A step function, right-continuous (draw with steps-post)."""
    t = trials(r)[name].to_numpy()
    if len(t) == 0:
        return np.zeros(0), np.zeros(0)
    x = np.unique(np.concatenate([[0.0], t[np.isfinite(t)]]))
    p = 1.0 - np.searchsorted(np.sort(t), x, side="right") / len(t)
    return x, p


def paired(a, b):
    """Per-trial differences B - A of two files run with the same seed and trials: times to
    restore capped at the horizon, and the Tbps-days. A DataFrame per trial."""
    if a.attrs.get("seed") != b.attrs.get("seed") or a.n_trials != b.n_trials:
        raise ResultsError(f"compare: {a.path} (seed {a.attrs.get('seed')}, {a.n_trials} trials) "
                           f"and {b.path} (seed {b.attrs.get('seed')}, {b.n_trials} trials): "
                           "paired differences need the same seed and trials")
    ta, tb = trials(a), trials(b)
    ha, hb = horizon_days(a), horizon_days(b)
    out = pd.DataFrame(index=ta.index)
    for k in TIMES:
        out[k] = np.minimum(tb[k], hb) - np.minimum(ta[k], ha)
    for k in ("capacity_tbps_days", "unserved_tbps_days"):
        out[k] = tb[k] - ta[k]
    return out
