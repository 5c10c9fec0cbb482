"""Capacity for build_japan.py: the design capacity per fibre pair of the RFS year and the lit
capacity by year (the growth curve and its published anchors)."""

SNAPSHOT_YEAR = 2026          # year the lit estimates refer to


def per_pair_tbps(year):
    """design capacity per fibre pair for the technology of the RFS year (Tbps).
    Anchors: TPC-5 1996 5 Gbit/s/pair; APCN-2 2001 640 Gbit/s/pair; TPE 2008 5.12/4;
    SJC 2013 17/6; FASTER 2016 10/pair; JUNO 2025 350/20 = 17.5; SJC2 2025 126/8."""
    if year <= 1996:
        return 0.005
    if year <= 1998:
        return 0.02
    if year <= 2000:
        return 0.16
    if year <= 2005:
        return 0.64
    if year <= 2010:
        return 1.28
    if year <= 2014:
        return 2.8
    if year <= 2018:
        return 10.0
    if year <= 2022:
        return 15.0
    return 16.0


# Lit capacity by year (see topology/README.md, "Lit capacity by year").
# Without a published figure a system is lit to LIT_START of its design capacity in its
# rfs year and gains LIT_STEP of it a year up to LIT_CAP; a design below 1 Tbps (one
# generation of terminal equipment) is lit to LIT_CAP from its rfs year.  A published
# lighting or upgrade (LIT_ANCHORS) replaces the curve from its year; after the last
# anchor the same step applies, from the anchor's value, up to LIT_CAP (an anchor
# above LIT_CAP stays).  No projection past SNAPSHOT_YEAR.
LIT_START, LIT_STEP, LIT_CAP = 0.15, 0.05, 0.8
LIT_RULE_TEXT = ("cablesim growth curve: lit from the last published figure (else 15 % of design in the rfs year; "
                 "80 % for a design below 1 Tbps) plus 5 % of design a year, up to 80 % (topology/README.md)")
# code: [(year, lit Tbps, source)] -- published lightings and upgrades
LIT_ANCHORS = {
    "JUS": [(2001, 0.08, "initial equipped capacity 80 Gbit/s (C&MA 1998, submarinenetworks.com/systems/trans-pacific/japan-us-cn/cama-juscn)")],
    "CHUS": [(2000, 0.08, "80 Gbit/s per route, fully equipped: 'a lone undersea link ... can carry 80 gigabits' (International Herald Tribune 2006-12, quoted at daveporter.typepad.com/dave_porter_weblog/2006/12/nedonna_cable_t.html)")],
    "TPE": [(2008, 1.28, "initial capacity 1.28 Tbps, design 5.12 Tbps (Verizon Business 2006-12, dailywireless.org/2006/12/18/new-china-transpacific-cable)")],
    "UNITY": [(2010, 4.8, "4.8 Tbps at launch, service from spring 2010 (KDDI, old.k-unet.org/kddi/magazine/magazine0912; PC World via indien.iamitmm.com/2009/11/google-backed-unity-cable-lands-in.html)")],
    "EAC-C2C": [(2009, 2.25, "9.0 / 4: Pacnet's April 2010 upgrade replaced 2.5G waves by 10G (Xtera SLTE; same source as 2010), taken as every lit wave, so ~2.25 Tbps before it; earlier years are not published and keep this value"),
                (2010, 9.0, "Pacnet upgrade of 3.6 Tbps (360 x 10G) = 40 % boost of lit capacity announced 2010, so ~9.0 Tbps lit before it (telecomasia.net/amp/content/pacnet-upgrades-again-price-cuts-mobile-data-drive-demand); system figure applied to every segment"),
                (2011, 12.6, "after the 3.6 Tbps upgrade, completed early 2011 (same source)")],
}


def lit_series(code, rfs, retired, cap):
    """{year: lit Tbps} from rfs to the last year in service up to SNAPSHOT_YEAR, one entry
    per change (the loader applies it as a step function), and the sources used."""
    last = SNAPSHOT_YEAR if retired is None else min(SNAPSHOT_YEAR, retired - 1)
    last = max(last, rfs)
    anchors = LIT_ANCHORS.get(code, [])
    before = [a for a in anchors if a[0] <= rfs]
    pts = ([(rfs, before[-1][1])] if before else []) + [(y, v) for y, v, _ in anchors if y > rfs]
    srcs = ([before[-1][2]] if before else []) + [a[2] for a in anchors if a[0] > rfs]
    start = (LIT_CAP if cap < 1.0 else LIT_START) * cap

    def grow(v0, n):  # n years of LIT_STEP growth from v0, up to LIT_CAP (never down)
        return max(v0, min(LIT_CAP * cap, v0 + LIT_STEP * cap * n))

    series, prev = {}, None
    for y in range(rfs, last + 1):
        done = [p for p in pts if p[0] <= y]
        if not done:  # before the first published figure: the curve, up to that figure
            v = min(grow(start, y - rfs), pts[0][1]) if pts else grow(start, y - rfs)
        elif len(done) < len(pts):
            v = done[-1][1]
        else:
            v = grow(done[-1][1], y - done[-1][0])
        v = round(min(v, cap), 6)
        if v != prev:
            series[str(y)] = v
            prev = v
    return series, srcs


def from_year(series, year):
    """the series of a segment that opened in year, later than its system"""
    out = {str(year): lit_in_year(series, year)}
    out.update({y: v for y, v in series.items() if int(y) > year})
    return out


def lit_in_year(series, year):
    """the loader's rule (cs_edge_lit_in_year): latest entry <= year, else the first"""
    ys = sorted(int(y) for y in series)
    best = ys[0]
    for y in ys:
        if y <= year:
            best = y
    return series[str(best)]
