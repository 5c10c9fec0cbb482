"""Figures of a results file (matplotlib, PNG).

Every function builds a matplotlib Figure directly (no pyplot, so no global state and no
display is needed: PNGs are rendered by Agg), saves it to ``out`` when given, and returns it.
"""

import math

import numpy as np
import matplotlib
from matplotlib import colors as mcolors
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from . import stats
from .topology import continuous_parts, effective_routes, shift_lon

DPI = 100


def _title(r, what):
    name = scenario_name(r)
    return f"{what}\n{name}, network of {r.attrs.get('as_of')}, {r.n_trials:,} trials"


def scenario_name(r):
    """The scenario's name (the results file's `name`), or the file name."""
    return r.name or r.path


def _save(fig, out, dpi):
    if out is not None:
        fig.savefig(out, dpi=dpi)
    return fig


# --------------------------------------------------------------------- ccdf


def plot_ccdf(r, out=None, use_loss=False, title=None, dpi=DPI):
    """CCDF P(X >= x) of the unserved traffic per trial (or, with use_loss, of the loss beyond
    the intact network's unserved), log y, with the intact network's level and the mean."""
    values = stats.loss(r) if use_loss else r.unserved
    c = stats.ccdf(values.to_numpy())
    fig = Figure(figsize=(7, 4.5), layout="constrained")
    ax = fig.add_subplot()
    if len(c):
        x = np.concatenate([[min(0.0, c["x"].iloc[0])], c["x"].to_numpy()])
        y = np.concatenate([[1.0], c["ccdf"].to_numpy()])
        ax.plot(x, y, drawstyle="steps-pre", color="C0", lw=1.6, label="P(X \u2265 x)")
        ax.plot(c["x"], c["ccdf"], ".", color="C0", ms=2)
        mean = float(values.mean())
        ax.axvline(mean, color="C3", ls=":", lw=1.2, label=f"mean {mean:.2f} Tbps")
        if not use_loss:
            ax.axvline(r.baseline_unserved, color="0.4", ls="--", lw=1,
                       label=f"intact network {r.baseline_unserved:.2f} Tbps")
        ax.set_ylim(0.5 / max(1, r.n_trials), 1.6)
    ax.set_yscale("log")
    what = "loss beyond the intact network" if use_loss else "unserved traffic"
    ax.set_xlabel(f"{what}, x (Tbps)")
    ax.set_ylabel("share of trials with X \u2265 x")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="upper right", fontsize=8)
    ax.set_title(title or _title(r, f"Distribution of the {what} (CCDF)"), fontsize=10)
    return _save(fig, out, dpi)


# ------------------------------------------------------------------ regions


def plot_regions(r, out=None, summary=None, title=None, dpi=DPI):
    """Mean served fraction per region with its 95% CI, worst first; ticks mark the intact
    network's fraction; the labels give the mean and, for foreign regions, the probability
    that no Japanese city reaches the region."""
    s = summary if summary is not None else stats.region_summary(r)
    s = s.sort_values("mean", ascending=False)
    fig = Figure(figsize=(7.5, 0.32 * len(s) + 1.6), layout="constrained")
    ax = fig.add_subplot()
    y = np.arange(len(s))
    # The whisker: the 95% CI, or down to the Clopper-Pearson bound (few trials with a loss),
    # none for one outcome (docs/analysis-cli.md, "How each figure is stated").
    lo = s["lo"].where(s["lo"].notna(), s["bound"]).fillna(s["mean"])
    err = np.vstack([s["mean"] - lo, (s["hi"] - s["mean"]).fillna(0.0)])
    ax.barh(y, s["mean"], xerr=err, color="C0", alpha=0.8, height=0.7,
            error_kw=dict(ecolor="k", capsize=2, lw=0.8))
    ax.plot(s["baseline_fraction"], y, "|", color="C3", ms=12, mew=1.5)
    for yi, (_, row) in zip(y, s.iterrows()):
        text = f"{100 * row['mean']:.2f}%"
        if not math.isnan(row["p_cut"]) and row["p_cut"] > 0:
            text += f"  cut off {100 * row['p_cut']:.2g}%"
        ax.text(1.02, yi, text, va="center", fontsize=7)
    ax.set_yticks(y, [f"{g} ({row.demand_tbps:.3g} Tbps)" for g, row in s.iterrows()],
                  fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.2)
    ax.set_xticks(np.linspace(0, 1, 6))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{100 * v:.0f}%"))
    ax.set_xlabel("share of the region's demand served: mean over trials with its 95% CI (down "
                  "to a bound with fewer than 30 lossy trials);\n"
                  "red tick: the intact network; right: the mean, and how often no Japanese "
                  "city reaches the region", fontsize=8)
    ax.grid(True, axis="x", alpha=0.3)
    ax.set_title(title or _title(r, "Served fraction per region"), fontsize=10)
    return _save(fig, out, dpi)


# ---------------------------------------------------------------------- map


def _lon_label(v, _pos=None):
    v = v % 360
    if abs(v) < 1e-9 or abs(v - 180) < 1e-9:
        return f"{v:.0f}\u00b0"
    return f"{v:.0f}\u00b0E" if v < 180 else f"{360 - v:.0f}\u00b0W"


def map_values(r, color="criticality", level="cable", metric="share"):
    """Per edge row, the value the map colours it by (NaN when undefined), and its label."""
    cables = stats.cable_of_edge(r)
    if color == "criticality":
        crit = stats.criticality(r, level)
        col = {"share": "loss_share", "loss": "loss_given_failed_tbps"}[metric]
        label = {"share": "share of the total loss in trials where it failed",
                 "loss": "expected loss when it fails (Tbps)"}[metric]
        # Never failed: no value (drawn grey), rather than a share of 0.
        per = crit[col].where(crit["n_failed"] > 0)
    elif color == "rerouted":
        rr = stats.rerouted_load(r, level)
        per = rr["rerouted_tbps"]
        label = "rerouted load: mean flow when up - intact flow (Tbps)"
    else:
        raise ValueError(f'color: expected "criticality" or "rerouted", found {color!r}')
    if level == "cable":
        values = np.array([per.get(c, np.nan) if c is not None else np.nan for c in cables])
    else:
        values = per.to_numpy(dtype=float)
    return values, label


def _extent(parts, lon, lat, given):
    """(west, east, south, north) of the map: given (west/east taken modulo 360), or the
    bounds of the routes and nodes with a margin."""
    if given is not None:
        w, e, s, n = given
        w, e = w % 360, e % 360
        return (w, e if e > w else e + 360, s, n)
    pts = np.vstack(list(parts) + [np.c_[lon, lat]])
    w, e = pts[:, 0].min(), pts[:, 0].max()
    s, n = pts[:, 1].min(), pts[:, 1].max()
    pad = 0.04 * max(e - w, n - s, 1.0)
    return (w - pad, e + pad, max(-90, s - pad), min(90, n + pad))


def plot_map(r, out=None, topology=None, color="criticality", level="cable", metric="share",
             extent=None, title=None, dpi=DPI):
    """Lon/lat map of the network as run: segments from their GeoJSON routes, coloured by
    criticality or rerouted load (colorbar), links in grey, landing stations and cities.
    Longitudes are shifted to [0, 360) so trans-Pacific routes draw in one piece.
    extent: (west, east, south, north) in degrees, west/east in [0, 360) or negative."""
    routes = effective_routes(r, topology, required=True)
    values, label = map_values(r, color, level, metric)
    diverging = color == "rerouted"
    grey_label = "never up" if diverging else "never failed"
    finite = values[np.isfinite(values)]
    if diverging:
        lim = max(1e-9, float(np.abs(finite).max()) if finite.size else 1.0)
        # Symmetric log scale, linear within 1% of the largest change: rises of a few Tbps
        # stay visible beside a cable that gains or loses tens.
        norm = mcolors.SymLogNorm(linthresh=lim / 100, vmin=-lim, vmax=lim, base=10)
        cmap = matplotlib.colormaps["RdBu_r"]
    else:
        top = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
        norm = mcolors.Normalize(vmin=0.0, vmax=top)
        # YlOrRd without its palest quarter, so that low values stay visible.
        base = matplotlib.colormaps["YlOrRd"]
        cmap = mcolors.ListedColormap(base(np.linspace(0.25, 1.0, 192)), name="YlOrRd_cut")
    kinds = r.edges["kind"].to_numpy()
    links, grey, coloured, cvals = [], [], [], []
    for j, eid in enumerate(r.edge_ids):
        parts = continuous_parts(routes[eid][0])
        if kinds[j] == "link":
            links += parts
        elif np.isfinite(values[j]):
            coloured += parts
            cvals += [values[j]] * len(parts)
        else:
            grey += parts
    nodes = r.nodes
    lon = shift_lon(nodes["lon_deg"].to_numpy())
    lat = nodes["lat_deg"].to_numpy()
    extent = _extent(links + grey + coloured, lon, lat, extent)
    mid = math.radians(0.5 * (extent[2] + extent[3]))
    stretch = 1.0 / max(0.2, math.cos(mid))
    ratio = (extent[3] - extent[2]) * stretch / (extent[1] - extent[0])
    fig = Figure(figsize=(10, min(9.0, max(3.5, 8.2 * ratio + 1.4))), layout="constrained")
    ax = fig.add_subplot()
    ax.set_facecolor("#eef4f8")
    ax.add_collection(LineCollection(links, colors="0.55", lw=0.6, zorder=1))
    ax.add_collection(LineCollection(grey, colors="0.72", lw=1.0, zorder=2,
                                     label=grey_label if grey else None))
    # A dark outline under the coloured routes keeps pale colours visible.
    ax.add_collection(LineCollection(coloured, colors="0.35", lw=2.6, zorder=2.5))
    order = np.argsort(np.abs(cvals)) if cvals else []
    lc = LineCollection([coloured[i] for i in order], cmap=cmap, norm=norm, lw=1.8, zorder=3)
    lc.set_array(np.asarray(cvals, dtype=float)[order] if cvals else np.zeros(0))
    ax.add_collection(lc)
    st = (nodes["kind"] == "landing_station").to_numpy()
    ax.plot(lon[st], lat[st], "o", ms=2.5, color="k", zorder=4, label="landing station")
    failed_nodes = np.unique(r.failed_csr("nodes")[1])
    if failed_nodes.size:
        ax.plot(lon[failed_nodes], lat[failed_nodes], "o", ms=6, mfc="none", mec="C3", mew=1.2,
                zorder=5, label="station lost in some trial")
    city = (nodes["kind"] == "city").to_numpy()
    ax.plot(lon[city], lat[city], "s", ms=3.5, color="C2", zorder=4, label="city")
    for i in np.flatnonzero(city):
        ax.annotate(nodes["name"].iloc[i], (lon[i], lat[i]), xytext=(3, 2),
                    textcoords="offset points", fontsize=6, color="0.2", zorder=6)
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_aspect(stretch)
    ax.xaxis.set_major_formatter(FuncFormatter(_lon_label))
    ax.yaxis.set_major_formatter(FuncFormatter(
        lambda v, _: f"{abs(v):.0f}\u00b0{'N' if v >= 0 else 'S'}"))
    ax.grid(True, color="white", lw=0.8, zorder=0)
    cb = fig.colorbar(lc, ax=ax, shrink=0.8, pad=0.01)
    what = "its cable's" if level == "cable" else "the segment's"
    cb.set_label(f"{label}\n(each segment coloured by {what} value)", fontsize=8)
    ax.legend(loc="best", fontsize=7, framealpha=0.9)
    heading = {"criticality": "Criticality", "rerouted": "Rerouted load"}[color]
    noun = "cables" if level == "cable" else "segments"
    ax.set_title(title or _title(r, f"{heading} of the {noun}"), fontsize=10)
    return _save(fig, out, dpi)


# ---------------------------------------------------------------- evolution


def plot_evolution(table, out=None, title=None, dpi=DPI):
    """Year-by-year evolution from a table with columns year and expected_unserved_tbps, and
    optionally expected_unserved_tbps_lo/_hi, baseline_unserved_tbps, p_any_region_cut (with
    p_any_region_cut_lo/_hi) and systems. Panels: the expected unserved traffic with its 95%
    CI band (and the intact network's); with a baseline, the loss the hazards add beyond it;
    with p_any_region_cut, the probability that some region is cut off, beside the number of
    cable systems."""
    t = table.sort_values("year")
    cols = set(t.columns)
    has_ci = {"expected_unserved_tbps_lo", "expected_unserved_tbps_hi"} <= cols
    has_base = "baseline_unserved_tbps" in cols
    has_cut = "p_any_region_cut" in cols
    n = 1 + has_base + has_cut
    fig = Figure(figsize=(7.5, 1.2 + 2.6 * n), layout="constrained")
    panels = list(fig.subplots(n, 1, sharex=True, squeeze=False)[:, 0])
    axes = list(panels)  # taken in turn below
    year = t["year"].to_numpy()
    mean = t["expected_unserved_tbps"].to_numpy(dtype=float)

    ax = axes.pop(0)
    ax.plot(year, mean, "o-", color="C0", ms=3, label="expected unserved (Monte Carlo mean)")
    if has_ci:
        ax.fill_between(year, t["expected_unserved_tbps_lo"], t["expected_unserved_tbps_hi"], color="C0", alpha=0.25, lw=0,
                        label="95% confidence interval")
    if has_base:
        ax.plot(year, t["baseline_unserved_tbps"], "--", color="0.3", lw=1,
                label="unserved by the intact network")
    ax.set_ylabel("unserved traffic (Tbps)")
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7, loc="best")
    ax.set_title(title or "Evolution of the network's resilience", fontsize=10)

    if has_base:
        bx = axes.pop(0)
        base = t["baseline_unserved_tbps"].to_numpy(dtype=float)
        bx.plot(year, mean - base, "o-", color="C1", ms=3,
                label="expected loss beyond the intact network")
        if has_ci:
            bx.fill_between(year, t["expected_unserved_tbps_lo"] - base, t["expected_unserved_tbps_hi"] - base, color="C1",
                            alpha=0.25, lw=0, label="95% confidence interval")
        bx.set_ylabel("loss (Tbps)")
        bx.set_ylim(bottom=min(0.0, float(np.nanmin(mean - base))))
        bx.grid(True, alpha=0.3)
        bx.legend(fontsize=7, loc="best")

    if has_cut:
        cx = axes.pop(0)
        lines = cx.plot(year, t["p_any_region_cut"], "o-", color="C3", ms=3,
                        label="P(some region cut off from every Japanese city)")
        if {"p_any_region_cut_lo", "p_any_region_cut_hi"} <= cols:
            lines.append(cx.fill_between(year, t["p_any_region_cut_lo"],
                                         t["p_any_region_cut_hi"], color="C3", alpha=0.2,
                                         lw=0, label="95% Wilson interval"))
        cx.set_ylabel("probability")
        cx.set_ylim(-0.02, 1.05)
        cx.grid(True, alpha=0.3)
        if "systems" in cols:
            sx = cx.twinx()
            lines += sx.step(year, t["systems"], where="mid", color="C2", lw=1.2,
                             label="cable systems in service (right)")
            sx.set_ylabel("cable systems", color="C2")
            sx.tick_params(axis="y", colors="C2")
            sx.set_ylim(bottom=0)
        cx.legend(handles=lines, fontsize=7, loc="center right")
    elif "systems" in cols:
        sx = ax.twinx()
        sx.step(year, t["systems"], where="mid", color="C2", lw=1.2)
        sx.set_ylabel("cable systems in service", color="C2")
        sx.tick_params(axis="y", colors="C2")
        sx.set_ylim(bottom=0)
    last = panels[-1]
    last.set_xlabel("network year (as_of)")
    last.xaxis.get_major_locator().set_params(integer=True)
    return _save(fig, out, dpi)


# ----------------------------------------------------------------- recovery


def plot_recovery(results, out=None, labels=None, title=None, dpi=DPI):
    """Recovery over time of one results file, or two overlaid for a comparison (the same seed
    pairs their trials): left, the median served share of the intact network's traffic over
    time with the band between the 10% and 90% quantiles over trials; right, the CCDF of the
    times to restore 50%, 90% and 100% (share of trials still not restored at each time; the
    curve ends at the share never restored within the horizon)."""
    from . import recovery  # here: the rest of this module does not need it

    results = list(results)
    labels = labels or [scenario_name(r) if len(results) == 1 else r.path for r in results]
    fig = Figure(figsize=(11, 4.5), layout="constrained")
    ax, bx = fig.subplots(1, 2)
    horizon = 0.0
    for i, r in enumerate(results):
        c = recovery.curve(r)
        color = f"C{i}"
        t = c.index.to_numpy()
        horizon = max(horizon, recovery.horizon_days(r))
        ax.fill_between(t, c["p10"], c["p90"], step="post", color=color, alpha=0.18,
                        lw=0, label=f"{labels[i]}: 10-90% of trials")
        ax.plot(t, c["median"], drawstyle="steps-post", color=color, lw=1.8,
                label=f"{labels[i]}: median")
        ax.plot(t, c["mean"], drawstyle="steps-post", color=color, lw=1, ls=":",
                label=f"{labels[i]}: mean")
        for name, ls in zip(recovery.TIMES, (":", "-", "--")):
            x, p = recovery.ccdf_times(r, name)
            xs = np.concatenate([x, [recovery.horizon_days(r)]])
            ps = np.concatenate([p, p[-1:]])
            bx.plot(xs, ps, drawstyle="steps-post", color=color, ls=ls, lw=1.5,
                    label=f"{labels[i]}: {name[1:-5]}%")
    ax.set_xlim(0, horizon)
    ax.set_xlabel("days since the start of the trial")
    ax.set_ylabel("served / served by the intact network")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower right", fontsize=7)
    ax.set_title("Served share over time", fontsize=10)
    bx.set_xlim(0, horizon)
    bx.set_ylim(-0.02, 1.02)
    bx.set_xlabel("days, x")
    bx.set_ylabel("share of trials not yet restored at x")
    bx.grid(True, alpha=0.3)
    bx.legend(loc="upper right", fontsize=7)
    bx.set_title("Time to restore 50/90/100% of the intact traffic (CCDF)", fontsize=10)
    r0 = results[0]
    fig.suptitle(title or _title(r0, "Recovery over time" if len(results) == 1
                                 else "Recovery over time: comparison"), fontsize=10)
    return _save(fig, out, dpi)
