"""Statistics derived from a results file: per-region served fraction, the loss CCDF,
criticality of cables, segments and stations, rerouted load, and the year-by-year evolution.

Definitions follow those of the C analysis (sim/include/cablesim/analysis.h), so the two agree:

- loss of a trial = unserved_tbps - the intact network's unserved (baseline_unserved);
- an edge *failed* in a trial when it is listed in /trials/failed_edges; a cable failed when
  any of its segments did; a node when it is listed in /trials/failed_nodes;
- an edge is *up* in a trial when it did not fail and neither of its end nodes failed; a cable
  is up when all its segments are, and its flow is the largest of its segments' flows;
- 95% confidence intervals of means are mean +- 1.96 sd / sqrt(n) (sample sd), those of
  proportions are Wilson score intervals; expected unserved demand is stated as cablesim
  states it (``unserved_statement``: one value when every trial has the same failures, a
  Clopper-Pearson bound when fewer than 30 trials lose anything, else the normal interval
  clipped to [0, demand]; docs/model.md, "Honest statistics in the summary").

Whatever reads /trials matrices streams them a slice of trials at a time
(Results.iter_rows), so memory stays bounded by the slice size, not the run length.
"""

import json
import math
import os

import numpy as np
import pandas as pd

from .reader import ResultsError, open_results

Z95 = 1.959963984540054
LOSS_EPS = 1e-9  # Tbps: a mean loss below this is rounding noise
# Fewer trials with a loss than this: no normal interval for expected unserved (cablesim's
# CS_ANALYSIS_MIN_LOSS_TRIALS).
MIN_LOSS_TRIALS = 30
DOMESTIC = "Japan"


def _estimate(values):
    """n, mean, sd, se and the 95% CI of the mean of a 1-D array (NaN when empty)."""
    v = np.asarray(values, dtype=float)
    n = v.size
    if n == 0:
        return dict(n=0, mean=np.nan, sd=np.nan, se=np.nan, lo=np.nan, hi=np.nan)
    mean = float(v.mean())
    sd = float(v.std(ddof=1)) if n > 1 else 0.0
    se = sd / math.sqrt(n)
    return dict(n=n, mean=mean, sd=sd, se=se, lo=mean - Z95 * se, hi=mean + Z95 * se)


def weighted_estimate(values, weights):
    """The importance-sampling estimate of E[X] from per-trial values x_t and weights w_t
    (docs/rare-events.md): mean = (1/n) sum w x, se = sd(w x) / sqrt(n) (sample sd), the 95%
    normal interval, the relative standard error se / |mean| (NaN when the mean is 0) and the
    effective sample size ess = (sum w)^2 / sum w^2. Weights of 1 give the plain estimate."""
    x = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    if x.shape != w.shape:
        raise ValueError(f"values and weights differ in shape: {x.shape} and {w.shape}")
    e = _estimate(w * x)
    e["rel"] = e["se"] / abs(e["mean"]) if e["n"] and e["mean"] != 0 else np.nan
    s2 = float(np.sum(w * w))
    e["ess"] = float(np.sum(w)) ** 2 / s2 if s2 > 0 else 0.0
    e.update(weight_reliability(x, w))
    if not e["reliable"]:  # no interval the weights cannot support
        e["lo"] = e["hi"] = np.nan
    return e


# The reliability checks of cablesim's cs_rare_reliability (docs/rare-events.md, "When the
# interval is withheld"): CS_RARE_WEIGHT_Z and CS_RARE_HIT_ESS_SHARE.
RARE_WEIGHT_Z = 4.0
RARE_HIT_ESS_SHARE = 0.1


def weight_reliability(values, weights):
    """Whether importance-sampling weights can support an interval of the weighted mean of
    values (docs/rare-events.md): ``reliable``, ``reason`` ("" or "unreliable: ...; rerun
    with a larger pilot_trials"), ``mean_weight`` and ``mean_weight_se``, and for an indicator
    (values 0 or 1) ``ess_hits`` = (sum_hits w)^2 / sum_hits w^2. Unreliable when the weights'
    mean is more than RARE_WEIGHT_Z standard errors from 1 (E_q[w] = 1 for every tilt), or, for
    an indicator, when ess_hits is below RARE_HIT_ESS_SHARE of the hits. Weights all 1 (a plain
    run) are reliable. Neither check sees an outcome the tilt never draws when its absence
    leaves the weights' mean intact."""
    x = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    out = dict(reliable=True, reason="", mean_weight=np.nan, mean_weight_se=np.nan,
               ess_hits=np.nan)
    n = w.size
    if n < 2:
        return out
    mw = float(w.mean())
    se = float(w.std(ddof=1)) / math.sqrt(n)
    out.update(mean_weight=mw, mean_weight_se=se)
    indicator = bool(np.all((x == 0) | (x == 1)))
    hits = int((x == 1).sum()) if indicator else 0
    if indicator:
        wh = w[x == 1]
        s2 = float(np.sum(wh * wh))
        out["ess_hits"] = float(np.sum(wh)) ** 2 / s2 if s2 > 0 else 0.0
    if abs(mw - 1.0) > RARE_WEIGHT_Z * se:
        out.update(reliable=False, reason=(
            f"unreliable: the weights average {mw:.3g} (standard error {se:.2g}), not 1 (more "
            f"than {RARE_WEIGHT_Z:.0f} standard errors off): the tilt leaves part of the "
            "model's law unsampled; rerun with a larger pilot_trials"))
    elif indicator and hits > 0 and out["ess_hits"] < RARE_HIT_ESS_SHARE * hits:
        out.update(reliable=False, reason=(
            f"unreliable: the hits' effective sample size {out['ess_hits']:.0f} is below "
            f"{100 * RARE_HIT_ESS_SHARE:.0f}% of the {hits} hits: a few hits carry the estimate "
            "and its standard error; rerun with a larger pilot_trials"))
    return out


def wilson(k, n):
    """The 95% Wilson score interval (p, lo, hi) of k successes in n trials (NaN when n = 0)."""
    if n == 0:
        return np.nan, np.nan, np.nan
    p = k / n
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    lo = 0.0 if k == 0 else max(0.0, centre - half)
    hi = 1.0 if k == n else min(1.0, centre + half)
    return p, lo, hi


def clopper_pearson_hi(k, n):
    """The upper end of the exact (Clopper-Pearson) two-sided 95% interval of k successes in n
    trials: the p at which P(X <= k) = 0.025 for X ~ Binomial(n, p), i.e. the 97.5% quantile of
    Beta(k + 1, n - k); 1 at k = n, NaN at n = 0. Found by bisection on the binomial CDF
    (summed in logs: k is small where it is used)."""
    if n == 0:
        return np.nan
    if k >= n:
        return 1.0
    logc = [math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) for i in range(k + 1)]

    def cdf(p):
        lp, lq = math.log(p), math.log1p(-p)
        return sum(math.exp(c + i * lp + (n - i) * lq) for i, c in enumerate(logc))

    lo, hi = k / n if k else 0.0, 1.0
    for _ in range(200):  # the CDF falls as p rises; 200 halvings reach the double's limit
        mid = 0.5 * (lo + hi)
        if mid <= lo or mid >= hi:
            break
        if mid == 0.0 or cdf(mid) > 0.025:
            lo = mid
        else:
            hi = mid
    return hi


def _failures_vary(r):
    """Whether some trial has another set of edges down (failed, or at a failed node) than
    trial 0, as ``cablesim analyze`` decides "one outcome"."""
    first = None
    for down in r.iter_down():
        if first is None:
            first = down.copy()
        elif not np.array_equal(down, first):
            return True
    return False


def unserved_statement(r):
    """Expected unserved demand stated honestly, as ``cablesim run`` and ``cablesim analyze``
    state it (docs/model.md, "Honest statistics in the summary"; JSON ``unserved_statement``
    of analyze): a dict with ``kind`` "one_outcome" (every trial has the same edges down: one
    value, lo = hi = mean), "clopper_pearson_bound" (fewer than MIN_LOSS_TRIALS trials leave
    more unserved than the intact network: lo = mean, hi = the intact unserved plus the served
    demand x ``p_loss_hi``, the Clopper-Pearson upper bound of P(loss > 0)) or "normal" (the
    normal 95% interval clipped to [0, demand]); ``mean``, ``lo``, ``hi``, ``p_loss_hi`` (NaN
    unless a bound) and ``loss_trials``. Plain (unweighted) files only."""
    u = _estimate(r.unserved.to_numpy())
    base = r.baseline_unserved
    demand = float(r.counted_demand.sum())
    n_loss = int((r.unserved.to_numpy() > base + LOSS_EPS).sum())
    st = dict(kind="normal", mean=u["mean"], lo=float(np.clip(u["lo"], 0.0, demand)),
              hi=float(np.clip(u["hi"], 0.0, demand)), p_loss_hi=np.nan, loss_trials=n_loss)
    if r.n_trials == 0:
        return st
    if not _failures_vary(r):
        st.update(kind="one_outcome", lo=u["mean"], hi=u["mean"])
    elif n_loss < MIN_LOSS_TRIALS:
        p_hi = clopper_pearson_hi(n_loss, r.n_trials)
        st.update(kind="clopper_pearson_bound", lo=u["mean"], p_loss_hi=p_hi,
                  hi=min(demand, base + (demand - base) * p_hi))
    return st


# ------------------------------------------------------------------ regions


def demand_regions(r):
    """Region of each demand (Series indexed like r.demands): the region of the end outside
    Japan; "Japan" for a domestic demand; the destination's region when neither end is in Japan.
    A city without a region is labelled by its country code in parentheses."""
    nodes = r.nodes
    label = nodes["region"].where(nodes["region"] != "", "(" + nodes["country"] + ")")
    o = label.to_numpy()[r.demands["origin"].to_numpy()]
    d = label.to_numpy()[r.demands["destination"].to_numpy()]
    out = np.where(o == DOMESTIC, d, o)
    out = np.where((o != DOMESTIC) & (d != DOMESTIC), d, out)
    return pd.Series(out, index=r.demands.index, name="region", dtype=object)


def _region_matrix(r):
    """(regions in order of first appearance, demands x regions indicator matrix)."""
    reg = demand_regions(r)
    names = list(dict.fromkeys(reg.tolist()))
    m = np.zeros((len(reg), len(names)))
    m[np.arange(len(reg)), [names.index(x) for x in reg]] = 1.0
    return names, m


def region_served_fraction(r):
    """Per trial and region, served / demand (sums over the region's demands of served_tbps
    and of the demand counted, ``r.counted_demand``: demand the intact network serves none of
    is left out, as in the run summary; NaN for a region with none left). DataFrame trials x
    regions; regions in order of first appearance in the demand table."""
    names, m = _region_matrix(r)
    demand = r.counted_demand.to_numpy() @ m
    parts = []
    for chunk in r.iter_rows("served_tbps"):
        frac = (chunk.to_numpy() @ m) / np.where(demand > 0, demand, np.nan)
        parts.append(pd.DataFrame(frac, index=chunk.index, columns=names))
    cols = pd.Index(names, name="region")
    if not parts:
        return pd.DataFrame(np.zeros((0, len(names))), columns=cols)
    out = pd.concat(parts)
    out.columns = cols
    return out


def region_summary(r, fractions=None):
    """Per region: demands, demand_tbps (the demand counted, ``r.counted_demand``),
    baseline_fraction (intact network), and the mean served fraction over trials with sd and
    se, stated as ``cablesim analyze`` states it (docs/analysis-cli.md, "How each figure is
    stated"): ``statement`` "normal" (lo, hi: the normal 95% interval clipped to [0, 1]),
    "clopper_pearson_bound" (fewer than MIN_LOSS_TRIALS trials lose traffic to the region: lo
    and hi NaN, ``bound`` the lower bound S0 (1 - p_hi) / D, with S0 what the intact network
    serves of the region's demand D and p_hi the Clopper-Pearson upper bound of P(its loss >
    0)) or "one_outcome" (every trial has the same failures, the intact network serves none of
    the region, or every trial loses the same: lo and hi NaN); ``bound`` is NaN unless a bound;
    ``loss_trials`` counts the trials that leave the region more unserved than the intact
    network (by > 1e-9 Tbps). Also p_cut, the share of trials in which every Japanese city lost
    the region (all its pairs cut), with its Wilson interval (NaN for regions without pairs,
    e.g. domestic; lo and hi NaN when every trial has the same failures: one outcome)."""
    if fractions is None:
        fractions = region_served_fraction(r)
    names, m = _region_matrix(r)
    demand = r.counted_demand.to_numpy() @ m
    served0 = r.baseline["served_tbps"].to_numpy() @ m
    base = served0 / np.where(demand > 0, demand, np.nan)
    cut = region_cut(r)
    n = r.n_trials
    varied = n > 0 and _failures_vary(r)
    rows = []
    for i, name in enumerate(names):
        f = fractions[name].to_numpy()
        e = _estimate(f)
        # A fraction's mean lies in [0, 1]: clip the normal interval to it.
        e["lo"], e["hi"] = np.clip([e["lo"], e["hi"]], 0.0, 1.0)
        unserved = demand[i] * (1.0 - f)
        k = int(np.sum(unserved > demand[i] - served0[i] + LOSS_EPS))
        statement, bound = "normal", np.nan
        if n > 0 and (not varied or not served0[i] > 0):
            statement = "one_outcome"
        elif n > 0 and k < MIN_LOSS_TRIALS:
            statement = "clopper_pearson_bound"
            p_hi = clopper_pearson_hi(k, n)
            bound = min(e["mean"], max(0.0, served0[i] * (1.0 - p_hi) / demand[i]))
        elif n > 0 and not demand[i] * e["sd"] > LOSS_EPS:
            statement = "one_outcome"  # every trial loses the same: no zero-width interval
        if statement != "normal":
            e["lo"] = e["hi"] = np.nan
        row = dict(region=name, demands=int(m[:, i].sum()), demand_tbps=demand[i],
                   baseline_fraction=base[i], mean=e["mean"], sd=e["sd"], se=e["se"],
                   lo=e["lo"], hi=e["hi"], statement=statement, bound=bound, loss_trials=k,
                   trials=e["n"])
        if name in cut.columns:
            row["p_cut"], row["p_cut_lo"], row["p_cut_hi"] = wilson(int(cut[name].sum()), len(cut))
            if not varied:
                row["p_cut_lo"] = row["p_cut_hi"] = np.nan
        else:
            row["p_cut"] = row["p_cut_lo"] = row["p_cut_hi"] = np.nan
        rows.append(row)
    return pd.DataFrame(rows).set_index("region")


def region_cut(r):
    """Per trial and foreign region (bool DataFrame): every tracked (Japanese city, region)
    pair of that region was cut, i.e. no Japanese city reached it."""
    regions = list(dict.fromkeys(r.pairs["region"].tolist()))
    parts = []
    for chunk in r.iter_rows("pair_cut"):
        cut = chunk.to_numpy()
        cols = {g: cut[:, (r.pairs["region"] == g).to_numpy()].all(axis=1) for g in regions}
        parts.append(pd.DataFrame(cols, index=chunk.index, columns=regions))
    if not parts:
        return pd.DataFrame(np.zeros((0, len(regions)), dtype=bool), columns=regions)
    return pd.concat(parts)


# --------------------------------------------------------------------- loss


def loss(r):
    """Per trial, unserved_tbps minus the intact network's unserved (Series)."""
    return (r.unserved - r.baseline_unserved).rename("loss_tbps")


def ccdf(values):
    """The empirical complementary CDF P(X >= x) at each distinct value x, ascending.
    DataFrame with columns x and ccdf: ccdf starts at 1 and is non-increasing, its last value
    is the share of trials at the maximum (never 0, so it plots on a log axis)."""
    v = np.sort(np.asarray(values, dtype=float))
    v = v[~np.isnan(v)]
    if v.size == 0:
        return pd.DataFrame({"x": [], "ccdf": []})
    x, first = np.unique(v, return_index=True)
    return pd.DataFrame({"x": x, "ccdf": (v.size - first) / v.size})


# -------------------------------------------------------------- criticality


def cable_of_edge(r):
    """Per edge, the cable name of a segment, None for a terrestrial link (Series by edge row)."""
    e = r.edges
    return e["cable"].where((e["kind"] == "segment") & (e["cable"] != ""), None)


def _failed_keys(r, level):
    """(trial, key) of every distinct failure at the level, and the key labels."""
    kind = "nodes" if level == "station" else "edges"
    off, vals = r.failed_csr(kind)
    trial = np.repeat(np.arange(r.n_trials), np.diff(off))
    if level == "cable":
        cables = cable_of_edge(r)
        names = list(dict.fromkeys(c for c in cables if c is not None))
        code = np.array([names.index(c) if c is not None else -1 for c in cables], dtype=np.int64)
        key = code[vals] if vals.size else np.zeros(0, dtype=np.int64)
        keep = key >= 0
        trial, key = trial[keep], key[keep]
    else:
        names = r.nodes["id"].tolist() if level == "station" else r.edge_ids
        key = vals.astype(np.int64)
    # One count per trial even when a cable fails at several segments.
    pairs = np.unique(trial * max(1, len(names)) + key)
    return pairs // max(1, len(names)), pairs % max(1, len(names)), names


def criticality(r, level="cable"):
    """What each cable ("cable"), edge ("segment") or node ("station") costs when it fails.

    Columns: n_failed (trials in which it failed), p_failed and its Wilson interval
    (p_failed_lo, p_failed_hi), unserved_given_failed_tbps (mean unserved over those trials),
    loss_given_failed_tbps (mean loss over them; NaN when it never failed) and loss_share (its
    trials' total loss over all trials' total loss; NaN unless the mean loss exceeds 1e-9 Tbps;
    shares do not add up to 1, since several elements fail in one trial). Index: cable names,
    edge ids, or node ids (landing stations, then any other node that failed).
    """
    if level not in ("cable", "segment", "station"):
        raise ValueError(f'level: expected "cable", "segment" or "station", found {level!r}')
    trial, key, names = _failed_keys(r, level)
    unserved = r.unserved.to_numpy()
    lost = unserved - r.baseline_unserved
    k = len(names)
    n_failed = np.bincount(key, minlength=k)
    sum_unserved = np.bincount(key, weights=unserved[trial], minlength=k)
    sum_loss = np.bincount(key, weights=lost[trial], minlength=k)
    total = lost.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        df = pd.DataFrame({
            "n_failed": n_failed,
            "unserved_given_failed_tbps": np.where(n_failed > 0, sum_unserved / n_failed, np.nan),
            "loss_given_failed_tbps": np.where(n_failed > 0, sum_loss / n_failed, np.nan),
            # As cablesim analyze: undefined unless the mean loss exceeds 1e-9 Tbps, so that
            # rounding noise in the unserved sums is not shared out.
            "loss_share": (sum_loss / total if r.n_trials and total / r.n_trials > LOSS_EPS
                           else np.full(k, np.nan)),
        }, index=pd.Index(names, name={"cable": "cable", "segment": "edge",
                                       "station": "node"}[level]))
    ci = [wilson(int(c), r.n_trials) for c in n_failed]
    df.insert(1, "p_failed", [c[0] for c in ci])
    df.insert(2, "p_failed_lo", [c[1] for c in ci])
    df.insert(3, "p_failed_hi", [c[2] for c in ci])
    if level == "segment":
        df.insert(0, "cable", cable_of_edge(r).to_numpy())
        df.insert(1, "kind", r.edges["kind"].to_numpy())
    if level == "station":
        stations = (r.nodes["kind"] == "landing_station").to_numpy()
        df = df[stations | (n_failed > 0)]
    return df


# ---------------------------------------------------------------- rerouting


def _down_matrix(r, start, stop):
    """Bool matrix (trials start..stop-1) x edges: the edge failed or lost an end node."""
    down = np.zeros((stop - start, len(r.edges)), dtype=bool)
    off, vals = r.failed_csr("edges")
    rows = np.repeat(np.arange(start, stop), np.diff(off[start:stop + 1])) - start
    down[rows, vals[off[start]:off[stop]]] = True
    noff, nvals = r.failed_csr("nodes")
    if noff[stop] > noff[start]:
        node_down = np.zeros((stop - start, len(r.nodes)), dtype=bool)
        nrows = np.repeat(np.arange(start, stop), np.diff(noff[start:stop + 1])) - start
        node_down[nrows, nvals[noff[start]:noff[stop]]] = True
        down |= node_down[:, r.edges["from"].to_numpy()] | node_down[:, r.edges["to"].to_numpy()]
    return down


def rerouted_load(r, level="cable"):
    """How the failures move traffic onto each cable ("cable") or edge ("segment").

    Needs /trials/edge_flow_tbps (raises ResultsError without it). Columns: baseline_flow_tbps
    (intact network), trials_up, flow_up_tbps (mean flow over the trials in which it is up),
    rerouted_tbps = flow_up_tbps - baseline_flow_tbps (the expected extra load it carries,
    counting undisturbed trials as 0), trials_disturbed_up (up, in trials with some failure),
    rise_disturbed_tbps (mean flow over those minus the baseline: the extra load when
    something else broke). A cable's flow is its largest segment flow, and it is up when every
    segment is.
    """
    if level not in ("cable", "segment"):
        raise ValueError(f'level: expected "cable" or "segment", found {level!r}')
    if not r.has("edge_flow_tbps"):
        raise ResultsError(f"{r.path}: no /trials/edge_flow_tbps (the run had "
                           "output.edge_flow: false); rerouted load needs the edge flows")
    if level == "cable":
        cables = cable_of_edge(r)
        names = list(dict.fromkeys(c for c in cables if c is not None))
        groups = [np.flatnonzero((cables == c).to_numpy()) for c in names]
        order = np.concatenate(groups) if groups else np.zeros(0, dtype=np.int64)
        starts = np.cumsum([0] + [len(g) for g in groups[:-1]]).astype(np.int64)
        base_edge = r.baseline_edge_flow.to_numpy()
        base = np.maximum.reduceat(base_edge[order], starts) if names else np.zeros(0)
    else:
        names, base = r.edge_ids, r.baseline_edge_flow.to_numpy()
    k = len(names)
    n_up = np.zeros(k)
    s_up = np.zeros(k)
    n_dist = np.zeros(k)
    s_dist = np.zeros(k)
    e_off, _ = r.failed_csr("edges")
    n_off, _ = r.failed_csr("nodes")
    disturbed_all = (np.diff(e_off) > 0) | (np.diff(n_off) > 0)
    for chunk in r.iter_rows("edge_flow_tbps"):
        start, stop = chunk.index[0], chunk.index[-1] + 1
        flow = chunk.to_numpy()
        up = ~_down_matrix(r, start, stop)
        if level == "cable" and k:
            flow = np.maximum.reduceat(flow[:, order], starts, axis=1)
            up = np.logical_and.reduceat(up[:, order], starts, axis=1)
        dist = disturbed_all[start:stop, None] & up
        n_up += up.sum(axis=0)
        s_up += np.where(up, flow, 0.0).sum(axis=0)
        n_dist += dist.sum(axis=0)
        s_dist += np.where(dist, flow, 0.0).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        flow_up = np.where(n_up > 0, s_up / n_up, np.nan)
        flow_dist = np.where(n_dist > 0, s_dist / n_dist, np.nan)
    df = pd.DataFrame({
        "baseline_flow_tbps": base,
        "trials_up": n_up.astype(np.int64),
        "flow_up_tbps": flow_up,
        "rerouted_tbps": flow_up - base,
        "trials_disturbed_up": n_dist.astype(np.int64),
        "rise_disturbed_tbps": flow_dist - base,
    }, index=pd.Index(names, name="cable" if level == "cable" else "edge"))
    if level == "segment":
        df.insert(0, "cable", cable_of_edge(r).to_numpy())
        df.insert(1, "kind", r.edges["kind"].to_numpy())
    return df


# ---------------------------------------------------------------- summary


def cable_systems(r):
    """Number of distinct cable systems among the segments of the network as run."""
    return int(cable_of_edge(r).dropna().nunique())


def run_summary(r):
    """The headline figures of a run (dict): year, systems, trials, demand (``demand_tbps``:
    the demand the intact network serves some of, as the run summary counts it; the rest is
    ``unreachable_demand_tbps``), the intact network's unserved, ``unserved_share`` (expected
    unserved / demand, the summary's "% of demand"), expected unserved stated honestly
    (``unserved_statement``, ``loss_trials``, ``p_loss_hi`` and the bounds
    ``expected_unserved_tbps_lo``/``_hi`` of :func:`unserved_statement`: no normal interval on a
    certainty or on fewer than 30 trials with a loss), the expected loss, and the probability
    that some foreign region is cut off from every Japanese city, with its Wilson interval; for
    an importance-sampled file (``weighted``) weighted estimates with normal intervals
    (statement "normal"), and the effective sample size ``ess`` (the trial count for plain
    files)."""
    w = r.weights
    u = weighted_estimate(r.unserved.to_numpy(), w)
    demand = float(r.counted_demand.sum())
    cut = region_cut(r)
    any_cut = cut.any(axis=1).to_numpy() if cut.shape[1] else np.zeros(r.n_trials, dtype=bool)
    if r.weighted:  # importance sampling: the weighted estimate and its normal interval
        e = weighted_estimate(any_cut.astype(float), w)
        p, lo, hi = e["mean"], max(0.0, e["lo"]), min(1.0, e["hi"])
        if not e["reliable"]:  # max(0.0, nan) is 0.0: no interval, both NaN
            lo = hi = np.nan
        # Clipped to the valid range, like every interval (issue 10): unserved is within
        # [0, demand]; the normal interval of a mean of few losses reaches below 0.
        st = dict(kind="normal", lo=float(np.clip(u["lo"], 0.0, demand)),
                  hi=float(np.clip(u["hi"], 0.0, demand)), p_loss_hi=np.nan,
                  loss_trials=int((r.unserved.to_numpy() > r.baseline_unserved + LOSS_EPS).sum()))
    else:
        p, lo, hi = wilson(int(any_cut.sum()), r.n_trials)
        st = unserved_statement(r)
    return {
        "year": r.attrs.get("as_of"),
        "systems": cable_systems(r),
        "trials": r.n_trials,
        "demand_tbps": demand,
        "unreachable_demand_tbps": float((r.demands["demand_scaled_tbps"]
                                          - r.counted_demand).sum()),
        "unserved_share": u["mean"] / demand if demand > 0 else np.nan,
        "baseline_unserved_tbps": r.baseline_unserved,
        "expected_unserved_tbps": u["mean"],
        "expected_unserved_tbps_lo": st["lo"],
        "expected_unserved_tbps_hi": st["hi"],
        "unserved_statement": st["kind"],
        "loss_trials": st["loss_trials"],
        "p_loss_hi": st["p_loss_hi"],
        "expected_loss_tbps": u["mean"] - r.baseline_unserved,
        "p_any_region_cut": p,
        "p_any_region_cut_lo": lo,
        "p_any_region_cut_hi": hi,
        "weighted": r.weighted,
        "ess": u["ess"],
        # why the weights cannot support the intervals above (NaN then); "" when they can
        "reliability": (e["reason"] if r.weighted else ""),
    }


# ---------------------------------------------------------------- evolution

EVOLUTION_REQUIRED = ("year", "expected_unserved_tbps")


def evolution_from_results(paths, allow_incomplete=False):
    """One row of run_summary() per results file (one per network year, given by its as_of
    attribute), sorted by year, with the file in column "file". Two files of the same year
    are refused."""
    rows = []
    for p in paths:
        with open_results(p, allow_incomplete=allow_incomplete) as r:
            row = run_summary(r)
        row["file"] = os.fspath(p)
        rows.append(row)
    df = pd.DataFrame(rows)
    if df.empty:
        raise ResultsError("evolution: expected at least one results file, found none")
    dup = df[df["year"].duplicated(keep=False)]
    if not dup.empty:
        y = dup["year"].iloc[0]
        files = ", ".join(dup[dup["year"] == y]["file"])
        raise ResultsError(f"evolution: two results files for the year {y}: {files}")
    return df.sort_values("year").reset_index(drop=True)


def read_evolution_table(path):
    """The table written by `cablesim evolution` (CSV, or JSON: a list of records or an object
    holding one such list), sorted by year. It must have the columns year and
    expected_unserved_tbps; expected_unserved_tbps_lo, _hi, systems and p_any_region_cut are used when
    present."""
    path = os.fspath(path)
    try:
        if path.lower().endswith(".json"):
            with open(path, encoding="utf-8") as fh:
                data = json.load(fh)
            if isinstance(data, dict):
                lists = [v for v in data.values() if isinstance(v, list)]
                if len(lists) != 1:
                    raise ResultsError(f"{path}: expected a list of yearly records, or an object "
                                       f"with one such list, found keys {sorted(data)}")
                data = lists[0]
            if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
                raise ResultsError(f"{path}: expected a list of yearly records (objects)")
            df = pd.DataFrame(data)
        else:
            df = pd.read_csv(path, comment="#")
    except (OSError, ValueError) as e:
        raise ResultsError(f"{path}: cannot read the evolution table ({e})") from None
    missing = [c for c in EVOLUTION_REQUIRED if c not in df.columns]
    if missing:
        found = ", ".join(map(str, df.columns))
        raise ResultsError(f"{path}: expected columns {', '.join(EVOLUTION_REQUIRED)}, "
                           f"missing {', '.join(missing)} (found {found})")
    if df.empty:
        raise ResultsError(f"{path}: the evolution table has no rows")
    return df.sort_values("year").reset_index(drop=True)
