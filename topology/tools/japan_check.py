"""The checks build_japan.py runs on what it wrote: ids, geometry, the demand and the max flow
of the network year CHECK_YEAR."""
import re
import sys
from collections import defaultdict

import networkx as nx

from japan_geo import hav, point_in_poly
from japan_capacity import SNAPSHOT_YEAR, lit_in_year
from japan_demand import D_TOTAL

CHECK_YEAR = 2025             # network year used for the demand/max-flow check

# ----------------------------------------------------------------------------
# checks
# ----------------------------------------------------------------------------
ID_RE = re.compile(r"^[A-Za-z0-9_.:-]+$")


def endpoints(geom):
    if geom["type"] == "LineString":
        return geom["coordinates"][0], geom["coordinates"][-1]
    return geom["coordinates"][0][0], geom["coordinates"][-1][-1]


def check(fc, demand):
    errs = []
    feats = fc["features"]
    ids = [f["properties"]["id"] for f in feats]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        errs.append(f"duplicate ids: {sorted(dup)[:10]}")
    for i in ids:
        if not ID_RE.match(i):
            errs.append(f"bad id {i}")
    nodes = {f["properties"]["id"]: f for f in feats if f["geometry"]["type"] == "Point"}
    edges = [f for f in feats if f["geometry"]["type"] != "Point"]

    def allcoords(g):
        if g["type"] == "Point":
            return [g["coordinates"]]
        if g["type"] == "LineString":
            return g["coordinates"]
        return [c for p in g["coordinates"] for c in p]

    for f in feats:
        for lon, lat in allcoords(f["geometry"]):
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                errs.append(f"coordinate out of range in {f['properties']['id']}")
                break
    for n in nodes.values():
        p = n["properties"]
        if p["kind"] not in ("landing_station", "branching_unit", "city"):
            errs.append(f"bad kind {p['id']}")
        if not re.match(r"^[A-Z]{2}$", p["country"]):
            errs.append(f"bad country {p['id']}")
        if p["country"] == "XX" and p["kind"] != "branching_unit":
            errs.append(f"XX country on non-BU {p['id']}")
        if p["kind"] == "city" and not p.get("region"):
            errs.append(f"city without region {p['id']}")
        if not p.get("source"):
            errs.append(f"no source {p['id']}")
    for e in edges:
        p = e["properties"]
        if p["from"] not in nodes or p["to"] not in nodes:
            errs.append(f"{p['id']}: unknown endpoint")
            continue
        if p["from"] == p["to"]:
            errs.append(f"{p['id']}: self loop")
        if p["kind"] == "segment" and not p.get("cable"):
            errs.append(f"{p['id']}: no cable")
        if p["kind"] == "link" and "cable" in p:
            errs.append(f"{p['id']}: link with cable")
        if e["geometry"]["type"] == "MultiLineString":
            # parts must meet at the antimeridian
            for a, b in zip(e["geometry"]["coordinates"][:-1], e["geometry"]["coordinates"][1:]):
                if abs(abs(a[-1][0]) - 180) > 1e-6 or abs(abs(b[0][0]) - 180) > 1e-6:
                    errs.append(f"{p['id']}: MultiLineString not split at 180")
        a, b = endpoints(e["geometry"])
        na = nodes[p["from"]]["geometry"]["coordinates"]
        nb = nodes[p["to"]]["geometry"]["coordinates"]
        if not ((hav(a, na) <= 25 and hav(b, nb) <= 25) or (hav(a, nb) <= 25 and hav(b, na) <= 25)):
            errs.append(f"{p['id']}: endpoints not within 25 km of nodes ({hav(a, na):.1f}, {hav(b, nb):.1f})")
        if not (p["capacity_tbps"] > 0):
            errs.append(f"{p['id']}: capacity <= 0")
        if not (0 <= p["lit_tbps"] <= p["capacity_tbps"]):
            errs.append(f"{p['id']}: lit > capacity")
        ser = p.get("lit_tbps_by_year")
        if ser is not None:
            ys = [int(y) for y in ser]
            if ys != sorted(set(ys)) or ys[0] < p["rfs"] or not all(0 <= v <= p["capacity_tbps"] for v in ser.values()):
                errs.append(f"{p['id']}: lit_tbps_by_year not increasing years >= rfs with values in [0, capacity]")
            if p["lit_tbps"] != lit_in_year(ser, SNAPSHOT_YEAR):
                errs.append(f"{p['id']}: lit_tbps is not the series' value of {SNAPSHOT_YEAR}")
        if p.get("transit") is False and (p["kind"] != "link" or
                                          nodes[p["from"]]["properties"]["country"] != nodes[p["to"]]["properties"]["country"]):
            errs.append(f"{p['id']}: transit: false on a segment or a cross-border link")
        if not isinstance(p["rfs"], int):
            errs.append(f"{p['id']}: rfs not int")
        if p["retired"] is not None and not (isinstance(p["retired"], int) and p["retired"] > p["rfs"]):
            errs.append(f"{p['id']}: retired <= rfs")
        if p["shallow_share"] is not None and not (0 <= p["shallow_share"] <= 1):
            errs.append(f"{p['id']}: shallow_share")
        if p["depth_m"] is not None and not p["depth_m"] > 0:
            errs.append(f"{p['id']}: depth")
        if not p.get("source"):
            errs.append(f"{p['id']}: no source")
        if "length_km" in p and not p["length_km"] > 0:
            errs.append(f"{p['id']}: length")

    def graph(year=None, lit=False, drop_nodes=(), drop_edges=(), region_cc=None):
        """the network of year (lit of that year), without the dropped nodes and edges;
        with region_cc, without the transit: false links of other countries than Japan
        and region_cc (what demands from Japan to that region may use)"""
        G = nx.Graph()
        for nid in nodes:
            if nid not in drop_nodes:
                G.add_node(nid)
        for e in edges:
            p = e["properties"]
            if year is not None and not (p["rfs"] <= year and (p["retired"] is None or year < p["retired"])):
                continue
            if p["from"] in drop_nodes or p["to"] in drop_nodes or p["id"] in drop_edges:
                continue
            if region_cc is not None and p.get("transit") is False and \
                    nodes[p["from"]]["properties"]["country"] not in ("JP", region_cc):
                continue
            c = p["capacity_tbps"]
            if lit:
                c = lit_in_year(p["lit_tbps_by_year"], year) if year and "lit_tbps_by_year" in p else p["lit_tbps"]
            if G.has_edge(p["from"], p["to"]):
                G[p["from"]][p["to"]]["capacity"] += c
            else:
                G.add_edge(p["from"], p["to"], capacity=c)
        return G

    cities = [n for n, f in nodes.items() if f["properties"]["kind"] == "city"]
    for label, yr in (("full", None), (str(CHECK_YEAR), CHECK_YEAR), ("2011", 2011)):
        G = graph(yr)
        comp = nx.node_connected_component(G, "city-tokyo")
        miss = [c for c in cities if c not in comp]
        if miss and label != "2011":
            errs.append(f"cities not connected in {label} network: {miss}")
        elif miss:
            print(f"note: cities not connected to Tokyo in 2011: {miss}")
    for a, b, d in demand:
        for c in (a, b):
            if c not in nodes or nodes[c]["properties"]["kind"] != "city":
                errs.append(f"demand endpoint {c} is not a city")
    if errs:
        print("CHECK FAILED:")
        for e in errs:
            print("  ", e)
        sys.exit(1)

    # ---------------- counts
    seg = [e for e in edges if e["properties"]["kind"] == "segment"]
    lnk = [e for e in edges if e["properties"]["kind"] == "link"]
    kinds = defaultdict(int)
    for f in nodes.values():
        p = f["properties"]
        if p["kind"] == "landing_station":
            kinds["landing_station_JP" if p["country"] == "JP" else "landing_station_foreign"] += 1
        else:
            kinds[p["kind"]] += 1
    systems = sorted({e["properties"]["cable"] for e in seg})
    print(f"systems: {len(systems)}")
    print(f"Japanese landing stations: {kinds['landing_station_JP']}, foreign landing stations: {kinds['landing_station_foreign']}")
    print(f"branching units: {kinds['branching_unit']}, cities: {kinds['city']}, segments: {len(seg)}, links: {len(lnk)}")
    yrs = {}
    for e in seg:
        p = e["properties"]
        r = yrs.setdefault(p["cable"], [p["rfs"], p["retired"]])
        r[0] = min(r[0], p["rfs"])
    print("systems (rfs-retired): " + ", ".join(f"{c} {v[0]}-{v[1] or ''}" for c, v in sorted(yrs.items(), key=lambda x: (x[1][0], x[0]))))
    in2011 = [c for c, v in yrs.items() if v[0] <= 2011 and (v[1] is None or v[1] > 2011)]
    print(f"systems in service in 2011: {len(in2011)}: {', '.join(sorted(in2011))}")

    # ---------------- demand vs lit max-flow per region
    region_of = {n: f["properties"]["region"] for n, f in nodes.items() if f["properties"]["kind"] == "city"}
    by_region = defaultdict(float)
    for a, b, d in demand:
        r = region_of[b] if region_of[b] != "Japan" else "Japan (domestic)"
        by_region[r] += d
    boso = [n for n in nodes if n in ("jp-chikura", "jp-maruyama", "jp-minamiboso", "jp-wada")]
    luzon_edges = set()
    luzon_box = [(119.5, 18.5), (123.0, 18.5), (123.0, 22.3), (119.5, 22.3)]
    for e in seg:
        pts = allcoords(e["geometry"])
        if any(point_in_poly(tuple(c), luzon_box) for c in densify_pts(pts)):
            luzon_edges.add(e["properties"]["id"])
    scen = {"intact": {}, "no Boso": dict(drop_nodes=boso), "no Luzon Strait": dict(drop_edges=luzon_edges)}
    cc_of_region = {f["properties"]["region"]: f["properties"]["country"] for f in nodes.values()
                    if f["properties"]["kind"] == "city"}

    def region_cut(year, region, transit=True, **kw):
        """max-flow from all Japanese metros to the region's metros (sources and sinks unlimited)"""
        D = graph(year, lit=True, region_cc=cc_of_region[region] if transit else None, **kw).to_directed()
        for c in cities:
            if region_of[c] == "Japan":
                D.add_edge("SRC", c, capacity=1e9)
            elif region_of[c] == region:
                D.add_edge(c, "SNK", capacity=1e9)
        return nx.maximum_flow_value(D, "SRC", "SNK")

    print(f"\ninternational demand total D = {D_TOTAL} Tbps; per region (demand / lit max-flow {CHECK_YEAR},"
          " transit rules applied):")
    res = {}
    for sname, kw in scen.items():
        G = graph(CHECK_YEAR, lit=True, **kw)
        D = G.to_directed()
        for r in by_region:
            H = D.copy()
            srcs = defaultdict(float)
            dsts = set()
            for a, b, d in demand:
                rb = region_of[b] if region_of[b] != "Japan" else "Japan (domestic)"
                if rb != r:
                    continue
                srcs[a] += d
                dsts.add(b)
            for a, d in srcs.items():
                H.add_edge("SRC", a, capacity=d * 10)
            for b in dsts:
                H.add_edge(b, "SNK", capacity=1e9)
            if r == "Japan (domestic)":
                # domestic: pair-wise check against Naha / Sapporo
                H = D.copy()
                for a, b, d in demand:
                    if region_of[b] == "Japan":
                        H.add_edge("SRC", a, capacity=1e9)
                H.add_edge("city-naha", "SNK", capacity=1e9)
                dd = sum(d for a, b, d in demand if b == "city-naha")
                f = nx.maximum_flow_value(H, "SRC", "SNK") if "city-naha" in H else 0.0
                res.setdefault(("Naha", sname), (dd, f))
                continue
            res[(r, sname)] = (by_region[r], region_cut(CHECK_YEAR, r, **kw))
    regions = sorted({r for r, _ in res}, key=lambda r: -res[(r, "intact")][0])
    print(f"{'region':16s} {'demand':>8s} {'intact':>9s} {'no Boso':>9s} {'no Luzon':>9s}")
    bad = []
    for r in regions:
        d = res[(r, "intact")][0]
        row = [res[(r, s)][1] for s in scen]
        print(f"{r:16s} {d:8.2f} {row[0]:9.2f} {row[1]:9.2f} {row[2]:9.2f}")
        if not d < 0.8 * row[0]:
            bad.append(r)
    if bad:
        print(f"CHECK FAILED: demand not below 80 % of lit max-flow for {bad}")
        sys.exit(1)
    tot_dem = sum(res[(r, 'intact')][0] for r in regions)
    print(f"total demand {tot_dem:.1f} Tbps")
    # joint check: one commodity from all Japanese metros to all foreign metros, each
    # foreign metro's sink arc limited to its demand -> share of demand that can be served
    print("joint served share of international demand (single-commodity relaxation, transit: false links kept,"
          " so an upper bound):")
    fdem = defaultdict(float)
    jdem = defaultdict(float)
    for a, b, d in demand:
        if region_of[b] != "Japan":
            fdem[b] += d
            jdem[a] += d
    tot = sum(fdem.values())
    for sname, kw in scen.items():
        D = graph(CHECK_YEAR, lit=True, **kw).to_directed()
        for a, d in jdem.items():
            D.add_edge("SRC", a, capacity=1e9)
        for b, d in fdem.items():
            D.add_edge(b, "SNK", capacity=d)
        f = nx.maximum_flow_value(D, "SRC", "SNK")
        print(f"  {sname:16s} {f:8.1f} / {tot:.1f} Tbps = {100*f/tot:5.1f} %")
    # ---------------- history: the network and lit capacity of past years
    print("\nlit max-flow Japan -> region by year, intact and without the Luzon Strait segments "
          "(with transit through China / transit rules applied):")
    print(f"{'region':12s} {'year':>4s} {'intact':>15s} {'no Luzon':>15s} {'kept %':>13s}")
    for year in (2006, 2009, 2011, CHECK_YEAR):
        for r in ("Hong Kong", "Singapore", "Philippines", "Taiwan", "US West Coast"):
            row = []
            for kw in ({}, dict(drop_edges=luzon_edges)):
                row.append((region_cut(year, r, transit=False, **kw), region_cut(year, r, **kw)))
            kept = [100 * row[1][k] / row[0][k] if row[0][k] > 0 else 0.0 for k in (0, 1)]
            print(f"{r:12s} {year:4d} {row[0][0]:7.2f}/{row[0][1]:7.2f} {row[1][0]:7.2f}/{row[1][1]:7.2f}"
                  f" {kept[0]:5.1f}/{kept[1]:5.1f} %")
    print("all checks passed")


def densify_pts(pts, step=0.25):
    out = []
    for a, b in zip(pts[:-1], pts[1:]):
        if abs(a[0] - b[0]) > 180:
            out.append(a)
            continue
        n = max(1, int(max(abs(a[0] - b[0]), abs(a[1] - b[1])) / step))
        for i in range(n):
            out.append((a[0] + (b[0] - a[0]) * i / n, a[1] + (b[1] - a[1]) * i / n))
    out.append(pts[-1])
    return out
