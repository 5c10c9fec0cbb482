#!/usr/bin/python3
"""Generate topology/japan.geojson and topology/japan-demand.csv for cablesim.

Run with Debian's python (needs networkx):  /usr/bin/python3 topology/tools/build_japan.py

Reads only topology/sources/ (copies of the reference tables, TeleGeography data
CC BY-NC-SA 3.0, plus cablesim's supplementary table).  See topology/README.md.
"""
import csv
import json
import math
import os
import re
import sys
import unicodedata
from collections import defaultdict

import networkx as nx

HERE = os.path.dirname(os.path.abspath(__file__))
TOPO = os.path.dirname(HERE)
SRC = os.path.join(TOPO, "sources")
OUT_GEOJSON = os.path.join(TOPO, "japan.geojson")
OUT_DEMAND = os.path.join(TOPO, "japan-demand.csv")

SNAPSHOT_YEAR = 2026          # year the lit estimates refer to
CHECK_YEAR = 2025             # network year used for the demand/max-flow check
TG_CREDIT = ("TeleGeography Submarine Cable Map data (submarinecablemap.com, CC BY-NC-SA 3.0)")

# ----------------------------------------------------------------------------
# geometry helpers
# ----------------------------------------------------------------------------
R_EARTH = 6371.0088


def hav(a, b):
    lon1, lat1 = map(math.radians, a)
    lon2, lat2 = map(math.radians, b)
    dlat = lat2 - lat1
    dlon = lon2 - lon1
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * R_EARTH * math.asin(min(1.0, math.sqrt(h)))


def path_len(coords):
    return sum(hav(coords[i], coords[i + 1]) for i in range(len(coords) - 1))


def to_xyz(p):
    lon, lat = map(math.radians, p)
    return (math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat))


def from_xyz(v):
    x, y, z = v
    n = math.sqrt(x * x + y * y + z * z)
    x, y, z = x / n, y / n, z / n
    return (math.degrees(math.atan2(y, x)), math.degrees(math.asin(max(-1, min(1, z)))))


def gc_interp(a, b, f):
    """point at fraction f on the great circle a->b"""
    va, vb = to_xyz(a), to_xyz(b)
    dot = max(-1.0, min(1.0, sum(i * j for i, j in zip(va, vb))))
    om = math.acos(dot)
    if om < 1e-9:
        return a
    s = math.sin(om)
    k1 = math.sin((1 - f) * om) / s
    k2 = math.sin(f * om) / s
    return from_xyz(tuple(k1 * i + k2 * j for i, j in zip(va, vb)))


def densify_gc(points, step_km=250.0):
    out = [tuple(points[0])]
    for a, b in zip(points[:-1], points[1:]):
        d = hav(a, b)
        n = max(1, int(math.ceil(d / step_km)))
        for i in range(1, n + 1):
            out.append(gc_interp(tuple(a), tuple(b), i / n))
    return out


def nearest_on_segment(p, a, b):
    """approximate nearest point of p on segment a-b (local equirectangular), returns (point, dist_km)"""
    lat0 = math.radians(p[1])
    kx = math.cos(lat0)

    def unwrap(lon):
        d = lon - p[0]
        while d > 180:
            d -= 360
        while d < -180:
            d += 360
        return d

    ax, ay = unwrap(a[0]) * kx, a[1] - p[1]
    bx, by = unwrap(b[0]) * kx, b[1] - p[1]
    dx, dy = bx - ax, by - ay
    L2 = dx * dx + dy * dy
    t = 0.0 if L2 == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / L2))
    lon = p[0] + (ax + t * dx) / kx
    if lon > 180:
        lon -= 360
    if lon < -180:
        lon += 360
    q = (lon, p[1] + ay + t * dy)
    return q, hav(p, q), t


def split_antimeridian(coords):
    """coords in [-180,180]; return list of parts, split where the path crosses 180."""
    # unwrap
    un = [list(coords[0])]
    for c in coords[1:]:
        lon = c[0]
        prev = un[-1][0]
        while lon - prev > 180:
            lon -= 360
        while lon - prev < -180:
            lon += 360
        un.append([lon, c[1]])
    parts = [[un[0]]]
    for a, b in zip(un[:-1], un[1:]):
        # find crossings of odd multiples of 180 between a and b
        lo, hi = sorted((a[0], b[0]))
        k_lo = math.ceil((lo - 180) / 360)
        k_hi = math.floor((hi - 180) / 360)
        crossings = []
        for k in range(k_lo, k_hi + 1):
            x = 180 + 360 * k
            if lo < x < hi or (x == b[0] and a[0] != b[0]) or (x == a[0] and a[0] != b[0]):
                crossings.append(x)
        crossings.sort(reverse=(b[0] < a[0]))
        for x in crossings:
            if x == a[0]:
                continue  # already on the line; handled when it was b
            t = (x - a[0]) / (b[0] - a[0])
            lat = a[1] + t * (b[1] - a[1])
            parts[-1].append([x, lat])
            parts.append([[x, lat]])
        if parts[-1][-1] != b:
            parts[-1].append(b)
    out = []
    for part in parts:
        if len(part) < 2:
            continue
        # normalise: choose shift so that the part lies in [-180,180]
        mid = sum(p[0] for p in part) / len(part)
        shift = -360 * round(mid / 360)
        q = [[round(max(-180.0, min(180.0, p[0] + shift)), 5), round(p[1], 5)] for p in part]
        # drop consecutive duplicates
        qq = [q[0]]
        for p in q[1:]:
            if p != qq[-1]:
                qq.append(p)
        if len(qq) >= 2:
            out.append(qq)
    return out


def point_in_poly(p, poly):
    x, y = p
    inside = False
    n = len(poly)
    for i in range(n):
        x1, y1 = poly[i]
        x2, y2 = poly[(i + 1) % n]
        if (y1 > y) != (y2 > y):
            xin = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < xin:
                inside = not inside
    return inside


def simplify_dp(coords, tol_deg):
    """Douglas-Peucker in lon/lat degrees (coords already unwrapped or not crossing 180)."""
    if len(coords) < 3:
        return coords
    a, b = coords[0], coords[-1]
    dmax, idx = -1, 0
    for i in range(1, len(coords) - 1):
        p = coords[i]
        dx, dy = b[0] - a[0], b[1] - a[1]
        L2 = dx * dx + dy * dy
        if L2 == 0:
            d = math.hypot(p[0] - a[0], p[1] - a[1])
        else:
            t = max(0, min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / L2))
            d = math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy)
        if d > dmax:
            dmax, idx = d, i
    if dmax <= tol_deg:
        return [a, b]
    return simplify_dp(coords[: idx + 1], tol_deg)[:-1] + simplify_dp(coords[idx:], tol_deg)


# Continental-shelf polygons (lon, lat), drawn by hand from the 200 m isobath at a
# coarse scale (GEBCO-style general charts).  Used ONLY for the shallow_share estimate.
SHELF_POLYS = {
    "yellow-east-china-sea-korea-strait": [
        (119.5, 25.4), (122.2, 25.3), (124.0, 26.6), (126.0, 28.6), (128.2, 30.8),
        (129.6, 32.3), (129.9, 33.6), (130.6, 34.3), (129.6, 35.6), (126.3, 37.6),
        (126.5, 41.0), (117.5, 40.5), (117.5, 30.0)],
    "taiwan-strait-south-china-coast": [
        (112.5, 21.3), (116.0, 21.6), (118.5, 22.4), (120.2, 22.3), (120.2, 23.2),
        (121.1, 25.3), (119.5, 25.6), (117.0, 24.2), (114.0, 22.9), (112.5, 22.3)],
    "sunda-shelf-gulf-of-thailand-java-sea": [
        (99.5, 14.0), (101.5, 14.0), (105.5, 10.6), (108.0, 9.6), (109.6, 6.5),
        (112.5, 3.6), (114.6, 4.9), (116.2, 4.6), (114.5, -3.0), (117.5, -4.0),
        (117.0, -8.5), (105.0, -7.5), (98.0, 0.5), (98.0, 8.0)],
}
SHORE_KM = 25.0   # length at each landed end assumed to lie on the (narrow) shelf


def shallow_share(coords, from_is_station, to_is_station):
    pts = []
    for a, b in zip(coords[:-1], coords[1:]):
        d = hav(a, b)
        n = max(1, int(d // 5))
        for i in range(n):
            pts.append((gc_interp(tuple(a), tuple(b), (i + 0.5) / n), d / n))
    total = sum(w for _, w in pts)
    if total <= 0:
        return 1.0
    acc = 0.0
    s = 0.0
    for p, w in pts:
        near = (from_is_station and acc < SHORE_KM) or (to_is_station and total - acc < SHORE_KM)
        inside = any(point_in_poly(p, poly) for poly in SHELF_POLYS.values())
        if near or inside:
            s += w
        acc += w
    return round(min(1.0, s / total), 3)


# ----------------------------------------------------------------------------
# names, ids, countries
# ----------------------------------------------------------------------------
COUNTRY = {
    "Japan": "JP", "China": "CN", "United States": "US", "Guam": "GU", "Taiwan": "TW",
    "South Korea": "KR", "Philippines": "PH", "Singapore": "SG", "Malaysia": "MY",
    "Thailand": "TH", "Vietnam": "VN", "Indonesia": "ID", "Brunei": "BN", "Russia": "RU",
    "Australia": "AU", "Canada": "CA", "Northern Mariana Islands": "MP",
}
HK_STATIONS = {"Chung Hom Kok", "Deep Water Bay", "Lantau Island", "Tong Fuk", "Tseung Kwan O"}


def slug(s):
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    s = re.sub(r"\(.*?\)", "", s)
    s = re.sub(r"[^A-Za-z0-9]+", "-", s).strip("-").lower()
    return s


def cc_of(name, country):
    if name in HK_STATIONS:
        return "HK"
    return COUNTRY.get(country)


# ----------------------------------------------------------------------------
# cities (metros).  Coordinates: city centres (rounded), from general gazetteers.
# pop = metro population in millions (rounded; national statistics, c. 2020-2023)
# ----------------------------------------------------------------------------
CITIES = {
    # id: (name, cc, region, lon, lat, pop_m)
    "city-tokyo": ("Tokyo", "JP", "Japan", 139.767, 35.681, 37.0),
    "city-osaka": ("Osaka", "JP", "Japan", 135.502, 34.694, 19.0),
    "city-nagoya": ("Nagoya", "JP", "Japan", 136.906, 35.181, 9.0),
    "city-fukuoka": ("Fukuoka", "JP", "Japan", 130.402, 33.590, 5.5),
    "city-sapporo": ("Sapporo", "JP", "Japan", 141.354, 43.062, 2.6),
    "city-sendai": ("Sendai", "JP", "Japan", 140.872, 38.268, 2.3),
    "city-naha": ("Naha", "JP", "Japan", 127.681, 26.212, 1.5),
    "city-los-angeles": ("Los Angeles", "US", "US West Coast", -118.244, 34.052, 0),
    "city-san-jose": ("San Jose / Silicon Valley", "US", "US West Coast", -121.886, 37.338, 0),
    "city-portland": ("Portland / Hillsboro", "US", "US West Coast", -122.676, 45.523, 0),
    "city-seattle": ("Seattle", "US", "US West Coast", -122.332, 47.606, 0),
    "city-honolulu": ("Honolulu", "US", "Hawaii", -157.858, 21.307, 0),
    "city-hagatna": ("Hagatna", "GU", "Guam", 144.752, 13.476, 0),
    "city-vancouver": ("Vancouver", "CA", "Canada", -123.121, 49.283, 0),
    "city-hong-kong": ("Hong Kong", "HK", "Hong Kong", 114.169, 22.319, 0),
    "city-singapore": ("Singapore", "SG", "Singapore", 103.820, 1.352, 0),
    "city-taipei": ("Taipei", "TW", "Taiwan", 121.565, 25.033, 0),
    "city-seoul": ("Seoul", "KR", "Korea", 126.978, 37.567, 0),
    "city-shanghai": ("Shanghai", "CN", "China", 121.474, 31.230, 0),
    "city-guangzhou": ("Guangzhou", "CN", "China", 113.264, 23.129, 0),
    "city-manila": ("Manila", "PH", "Philippines", 120.984, 14.600, 0),
    "city-vladivostok": ("Vladivostok", "RU", "Russia", 131.886, 43.116, 0),
    "city-sydney": ("Sydney", "AU", "Australia", 151.209, -33.869, 0),
    "city-kuala-lumpur": ("Kuala Lumpur", "MY", "Malaysia", 101.687, 3.139, 0),
    "city-bangkok": ("Bangkok", "TH", "Thailand", 100.502, 13.756, 0),
    "city-ho-chi-minh": ("Ho Chi Minh City", "VN", "Vietnam", 106.660, 10.762, 0),
    "city-jakarta": ("Jakarta", "ID", "Indonesia", 106.845, -6.208, 0),
    "city-bandar-seri-begawan": ("Bandar Seri Begawan", "BN", "Brunei", 114.939, 4.903, 0),
}
CITY_SOURCE = "city centre coordinate (rounded, general gazetteer); metro point of presence chosen by cablesim"

# foreign landing station -> metro(s)
FOREIGN_METRO = {
    "US": None,  # handled by explicit table below
}
US_METRO = {
    "Hermosa Beach (CA)": ["city-los-angeles"], "Redondo Beach (CA)": ["city-los-angeles"],
    "Los Angeles (CA)": ["city-los-angeles"],
    "Grover Beach (CA)": ["city-los-angeles", "city-san-jose"],
    "Morro Bay (CA)": ["city-los-angeles", "city-san-jose"],
    "San Luis Obispo (CA)": ["city-los-angeles", "city-san-jose"],
    "Manchester (CA)": ["city-san-jose"],
    "Bandon (OR)": ["city-portland"], "Pacific City (OR)": ["city-portland"],
    "Cloverdale (OR)": ["city-portland"], "Nedonna Beach (OR)": ["city-portland"],
    "Hillsboro (OR)": ["city-portland"], "Harbour Pointe (WA)": ["city-seattle"],
    "Kapolei (HI)": ["city-honolulu"], "Makaha (HI)": ["city-honolulu"],
    "Keawaula (HI)": ["city-honolulu"],
}
CC_METRO = {
    "GU": ["city-hagatna"], "CA": ["city-vancouver"], "HK": ["city-hong-kong"],
    "SG": ["city-singapore"], "TW": ["city-taipei"], "KR": ["city-seoul"],
    "PH": ["city-manila"], "RU": ["city-vladivostok"], "AU": ["city-sydney"],
    "MY": ["city-kuala-lumpur"], "TH": ["city-bangkok"], "VN": ["city-ho-chi-minh"],
    "ID": ["city-jakarta"], "BN": ["city-bandar-seri-begawan"],
}
CN_METRO = {"Shantou": ["city-guangzhou"]}  # other Chinese stations -> Shanghai

# Japanese mainland stations -> metro(s).  Island stations (Izu, Ogasawara, Okinawa
# outer islands, Daito, Mishima, Rebun/Rishiri, Awashima, Tobishima) get no
# terrestrial link: they are reached only through their cables.
JP_METRO = {
    "Chikura": ["city-tokyo"], "Maruyama": ["city-tokyo"], "Minamiboso": ["city-tokyo"],
    "Wada": ["city-tokyo"], "Emi": ["city-tokyo"], "Ajigaura": ["city-tokyo"],
    "Kitaibaraki": ["city-tokyo"], "Takahagi": ["city-tokyo"], "Ibaraki": ["city-tokyo"],
    "Ninomiya": ["city-tokyo"], "Miura": ["city-tokyo"], "Itō": ["city-tokyo"],
    "Joetsu": ["city-tokyo"],
    "Shima": ["city-nagoya", "city-osaka"], "Toyohashi": ["city-nagoya"],
    "Fukuoka": ["city-fukuoka"], "Kitakyushu": ["city-fukuoka"], "Itoshima": ["city-fukuoka"],
    "Miyazaki": ["city-fukuoka"], "Kagoshima": ["city-fukuoka"], "Makurazaki": ["city-fukuoka"],
    "Akita": ["city-sendai"], "Sendai": ["city-sendai"], "Hachinohe": ["city-sendai"],
    "Yuza": ["city-sendai"], "Murakami": ["city-sendai"],
    "Ishikari": ["city-sapporo"], "Sapporo": ["city-sapporo"], "Muroran": ["city-sapporo"],
    "Tomakomai": ["city-sapporo"], "Wakkanai": ["city-sapporo"],
    "Naha": ["city-naha"], "Nago": ["city-naha"], "Yaese": ["city-naha"],
    "Itoman": ["city-naha"], "Komesu": ["city-naha"], "Yomitan": ["city-naha"],
}
# domestic backbone (terrestrial, incl. the Seikan tunnel to Hokkaido) and foreign
# intra-region backhaul
BACKBONE = [
    ("city-tokyo", "city-nagoya"), ("city-nagoya", "city-osaka"),
    ("city-tokyo", "city-osaka"),      # second, Hokuriku-side route
    ("city-osaka", "city-fukuoka"), ("city-tokyo", "city-sendai"),
    ("city-sendai", "city-sapporo"),   # via Aomori and the Seikan tunnel
    ("city-los-angeles", "city-san-jose"), ("city-san-jose", "city-portland"),
    ("city-portland", "city-seattle"), ("city-shanghai", "city-guangzhou"),
]
# links standing in for third-party submarine systems that do not land in Japan, so
# that every metro stays reachable in every year (Hawaii and Jakarta have no
# Japan-landing cable in service in 2025).
THIRD_PARTY = [
    ("city-honolulu", "city-los-angeles", 40.0,
     "not terrestrial: stands in for third-party Hawaii-US mainland submarine cables that do not land in Japan"),
    ("city-jakarta", "city-singapore", 40.0,
     "not terrestrial: stands in for third-party Indonesia-Singapore submarine cables that do not land in Japan"),
    ("city-hagatna", "city-sydney", 20.0,
     "not terrestrial: stands in for JGA-S (Piti-Sydney, 2020) and other Guam-Australia cables that do not land in Japan"),
    # real cross-border terrestrial fibre, so that a region without a Japan cable in
    # some year (Canada before Topaz, Thailand before APG) is still reached overland
    ("city-seattle", "city-vancouver", 100.0,
     "terrestrial cross-border fibre along the I-5/Highway 99 corridor; capacity a large estimate"),
    ("city-bangkok", "city-kuala-lumpur", 50.0,
     "terrestrial cross-border fibre through the Thai-Malaysian border (Sadao-Bukit Kayu Hitam); capacity an estimate"),
    ("city-kuala-lumpur", "city-singapore", 100.0,
     "terrestrial fibre across the Johor-Singapore causeway; capacity a large estimate"),
]
LINK_ROUTE_FACTOR = 1.3
# Countries whose terrestrial links carry only traffic that starts or ends there
# (transit: false), with the reason.  Other links stay open to transit: the US West
# Coast backbone carries Japan's traffic to Canada and Hawaii as it does in reality,
# and the hubs (Hong Kong, Singapore, Seoul, Taipei) sell cable-to-cable transit.
NO_TRANSIT_CC = {
    "CN": ("mainland China's international traffic passes only through the authorised international gateways "
           "(Beijing, Shanghai, Guangzhou) of its state backbones, for traffic to or from China (CNNIC statistics, as "
           "summarised at adomaintools.com/sr-Latn/technology/international-export-bandwidth); China is no transit route "
           "between Japan and South-East Asia: after the 2006 Hengchun cuts KDDI detoured over satellite and other "
           "undersea cables (https://www.kddi.com/english/corporate/news_release/2007/0213a/) and Chinese ISPs themselves "
           "lost capacity (AP 2006-12-27, en.trend.az/iran/869755.html)"),
}
LINK_CAP_TBPS = 1000.0       # terrestrial capacity: deliberately large (rarely binds)
BACKBONE_CAP_TBPS = 2000.0

# extra landing points not in the reference table
EXTRA_POINTS = {
    # name: (country, lat, lon, source)
    "Keawaula (HI)": ("United States", 21.5480, -158.2430,
                      "approximate position of the Keawaula landing (Oahu west shore), placed by cablesim from the name given at https://www.submarinenetworks.com/en/north-america; not a TeleGeography pin"),
}

# ----------------------------------------------------------------------------
# per-cable configuration
# ----------------------------------------------------------------------------
# code: short name used by scenarios.  fp: fibre pairs (None = unknown).
# drop: landings left out (with reason in note).  tbd: countries of t.b.d. landings.
CFG = {
    "APCN-2": dict(code="APCN-2", fp=4),
    "Asia Pacific Gateway (APG)": dict(code="APG", fp=4),
    "Asia Submarine-cable Express (ASE)/Cahaya Malaysia": dict(code="ASE", fp=6),
    "Australia-Japan Cable (AJC)": dict(code="AJC", fp=2),
    "EAC-C2C": dict(code="EAC-C2C", fp=8, cap=17.92,
        cap_src="https://www.submarinenetworks.com/en/systems/intra-asia/wac/pacnet-to-launch-india-us-cable-network (Pacnet, 2011-04-07: EAC-C2C design capacity 17.92 Tbps to 30.72 Tbps to and from each landing country; 36,800 km, 18 stations)"),
    "FASTER": dict(code="FASTER", fp=6),
    "FLAG North Asia Loop/REACH North Asia Loop": dict(code="FNAL", fp=4),
    "Guam Okinawa Kyushu Incheon (GOKI)": dict(code="GOKI", fp=2),
    "Hokkaido-Sakhalin Cable System (HSCS)": dict(code="HSCS", fp=2),
    "Japan-Guam-Australia North (JGA-N)": dict(code="JGA-N", fp=2),
    "Japan Information Highway (JIH)": dict(code="JIH", fp=4),
    "JUPITER": dict(code="JUPITER", fp=4),
    "Korea-Japan Cable Network (KJCN)": dict(code="KJCN", fp=4),
    "Miyazaki-Okinawa Cable (MOC)": dict(code="MOC", fp=2),
    "New Cross Pacific (NCP) Cable System": dict(code="NCP", fp=6,
        drop={"Lingang": "S2.1/S2.2 Chongming-Lingang-Nanhui are land segments (FCC filing); not modelled as submarine"},
        drop_pairs={("Chongming", "Nanhui")}),
    "Okinawa Cellular Cable": dict(code="OCC", fp=None, cap=80.0,
        cap_src="https://www.capacitymedia.com/articles/3823179/nec-to-build-cable-system-linking-okinawa-to-mainland-japan (NEC: max design capacity 80 Tbps, 760 km, Nago-Hioki)"),
    "Pacific Crossing-1 (PC-1)": dict(code="PC-1", fp=4),
    "Russia-Japan Cable Network (RJCN)": dict(code="RJCN", fp=2),
    "Southeast Asia-Japan Cable (SJC)": dict(code="SJC", fp=6),
    "Southeast Asia-Japan Cable 2 (SJC2)": dict(code="SJC2", fp=8),
    "Tata TGN-Pacific": dict(code="TGN-P", fp=8),
    "Trans-Pacific Express (TPE) Cable System": dict(code="TPE", fp=4),
    "Unity": dict(code="UNITY", fp=8),
    "YUI": dict(code="YUI", fp=None),
    "Yuza-Tobishima": dict(code="YUZA-TOBISHIMA", fp=None),
    "Hokkaido-Akita Cable": dict(code="HOKKAIDO-AKITA", fp=None),
    "Topaz": dict(code="TOPAZ", fp=16),
    "Asia Direct Cable (ADC)": dict(code="ADC", fp=8),
    "JUNO": dict(code="JUNO", fp=20),
    "Apricot": dict(code="APRICOT", fp=None),
    "5 Villages 6 Islands": dict(code="5V6I", fp=None),
    "Izu Islands Cable System": dict(code="IZU", fp=None),
    "Hachijojima-Mainland": dict(code="HACHIJO", fp=None),
    "Ogasawara Cable Network": dict(code="OGASAWARA", fp=None),
    "Awashima-Murakami": dict(code="AWASHIMA", fp=None),
    "Okinawa-Miyakojima-Ishigaki": dict(code="OKINAWA-MIYAKO-ISHIGAKI", fp=None),
    "Mishima Village": dict(code="MISHIMA", fp=None),
    "Hokkaido-Rebun-Rishiri": dict(code="REBUN-RISHIRI", fp=None),
    "Okinawa Remote Islands": dict(code="OKINAWA-REMOTE", fp=None),
    "Minamidaito Island": dict(code="MINAMIDAITO", fp=None),
    "Kitadaito Island": dict(code="KITADAITO", fp=None),
    "Daito Loop": dict(code="DAITO-LOOP", fp=None),
    "Muroran-Hachinohe": dict(code="MURORAN-HACHINOHE", fp=None),
    "Proa": dict(code="PROA", fp=None),
    "Taihei": dict(code="TAIHEI", fp=None),
    "E2A": dict(code="E2A", fp=12),
    "Candle": dict(code="CANDLE", fp=24),
    "JAKO": dict(code="JAKO", fp=None),
    "Asia United Gateway East (AUG East)": dict(code="AUG-EAST", fp=None),
    "Intra-Asia Marine (I-AM) Cable": dict(code="I-AM", fp=None, tbd=["SG", "MY", "KR"]),
    "Bridge One": dict(code="BRIDGE-ONE", fp=None),
    "Japan-U.S. Cable Network (JUS)": dict(code="JUS", fp=4, cap=0.64,
        cap_src="http://www.submarinenetworks.com/systems/trans-pacific/japan-us-cn/cama-juscn (C&MA 1998-07-31: initial equipped capacity 80 Gbit/s, expandable to 640 Gbit/s) | https://www.lightwaveonline.com/business/market-research/article/16655516/consortium-inks-japan-us-undersea-cable-construction-deal (4 fibre pairs, 20 Gbit/s per pair initially, 160 Gbit/s per pair ultimately; two of the four pairs activated first)"),
    "China-U.S. Cable Network (CHUS)": dict(code="CHUS", fp=2, cap=0.08,
        cap_src="http://en.people.cn/english/200001/11/print20000111T122.html (2000-01-11: designed capacity 80 Gbit/s for its south and north routes respectively) | http://www2.computerworld.com.au/article/89747/china-us_optical_fiber_cable_enters_service/ (northern arc in service 2000-01-10, total 80 Gbit/s)"),
    "SeaMeWe-3": dict(code="SMW3", fp=2, keep_cc={"JP", "KR", "CN", "TW", "HK", "PH", "VN", "BN", "SG", "MY", "ID"},
                      keep_min_lon=103.5),
    "FLAG Europe-Asia (FEA) - Japan segment": dict(code="FEA", fp=2, keep_cc={"JP", "KR", "CN", "HK"}),
    "TPC-5CN": dict(code="TPC-5CN", fp=2),
    "China-Japan FOCS": dict(code="CJFOCS", fp=2),
    "APCN": dict(code="APCN", fp=None),
    "R-J-K": dict(code="RJK", fp=None),
}
# domestic festoon systems: unrepeatered/short; smaller default fibre count
DOMESTIC_SMALL = {"5V6I", "IZU", "HACHIJO", "OGASAWARA", "AWASHIMA", "OKINAWA-MIYAKO-ISHIGAKI",
                  "MISHIMA", "REBUN-RISHIRI", "OKINAWA-REMOTE", "MINAMIDAITO", "KITADAITO",
                  "DAITO-LOOP", "YUZA-TOBISHIMA", "YUI", "MURORAN-HACHINOHE"}


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


# ----------------------------------------------------------------------------
# manual routes for systems without a drawn route (plausible, not surveyed)
# segments: (from landing name, to landing name or BU label, [waypoints lon,lat])
# ----------------------------------------------------------------------------
MANUAL = {
    "China-U.S. Cable Network (CHUS)": {
        "bus": {"BU-LUZON": (121.3, 20.6), "BU-KYUSHU": (130.2, 30.3)},
        "segments": [
            ("Bandon (OR)", "Chikura", [(-125.5, 43.0), (-150.0, 45.5), (180.0, 45.0), (160.0, 40.5), (145.0, 35.0), (140.3, 34.7)]),
            ("San Luis Obispo (CA)", "Tanguisson Point", [(-121.5, 35.0), (-140.0, 28.0), (-160.0, 20.0), (180.0, 16.0), (160.0, 14.0), (145.2, 13.7)]),
            ("Tanguisson Point", "BU-LUZON", [(144.5, 14.0), (135.0, 18.0), (125.0, 20.0)]),
            ("BU-LUZON", "Fangshan", [(120.9, 21.6), (120.6, 22.1)]),
            ("BU-LUZON", "Shantou", [(119.5, 21.5), (117.5, 22.7), (116.9, 23.2)]),
            ("Shantou", "Chongming", [(117.5, 23.2), (119.8, 24.8), (121.5, 27.0), (122.8, 30.5), (122.0, 31.4)]),
            ("Chongming", "Busan", [(122.5, 31.7), (125.5, 33.0), (128.3, 34.3), (128.9, 35.0)]),
            ("Busan", "BU-KYUSHU", [(129.2, 34.8), (129.3, 33.8), (129.0, 32.0)]),
            ("BU-KYUSHU", "Chikura", [(131.5, 30.6), (134.5, 32.6), (138.0, 33.8), (139.7, 34.75)]),
            ("BU-KYUSHU", "Naha", [(128.5, 27.8), (127.7, 26.4)]),
        ],
        "note": "no drawn route in the sources: route drawn by cablesim as great circles through plausible waypoints (Luzon Strait, Taiwan Strait, Korea Strait, south of Kyushu); segment and BU layout not sourced",
    },
    "TPC-5CN": {
        "bus": {},
        "segments": [
            ("Ninomiya", "Bandon (OR)", [(139.3, 34.9), (142.0, 34.0), (160.0, 40.0), (180.0, 44.0), (-150.0, 45.5), (-126.0, 43.2)]),
            ("Bandon (OR)", "San Luis Obispo (CA)", [(-124.9, 42.0), (-124.8, 40.0), (-123.5, 37.5), (-121.5, 35.3)]),
            ("San Luis Obispo (CA)", "Keawaula (HI)", [(-121.5, 35.0), (-140.0, 28.0), (-158.5, 21.7)]),
            ("Keawaula (HI)", "Tumon Bay", [(-158.5, 21.4), (-170.0, 19.0), (180.0, 17.5), (160.0, 15.0), (145.0, 13.7)]),
            ("Tumon Bay", "Miyazaki", [(144.5, 14.0), (138.0, 22.0), (133.0, 29.0), (131.8, 31.6)]),
            ("Miyazaki", "Ninomiya", [(131.8, 31.8), (134.5, 32.8), (137.5, 33.7), (139.3, 34.8)]),
        ],
        "note": "no drawn route in the sources: loop drawn by cablesim as great circles through plausible waypoints; layout follows the 1995 consortium description (southern route Japan-Guam-Hawaii-US mainland, northern direct Japan-US mainland link)",
    },
    "China-Japan FOCS": {
        "bus": {},
        "segments": [
            ("Nanhui", "Miyazaki", [(122.6, 30.8), (126.0, 30.8), (129.5, 30.6), (131.0, 30.9), (131.6, 31.6)]),
        ],
        "note": "no drawn route in the sources: drawn by cablesim across the East China Sea and south of Kyushu",
    },
    "APCN": {
        "bus": {},
        "segments": [
            ("Busan", "Miyazaki", [(129.3, 34.5), (129.4, 33.0), (130.0, 31.0), (131.0, 30.8), (131.6, 31.6)]),
            ("Miyazaki", "Toucheng", [(131.5, 31.7), (130.3, 30.3), (127.5, 27.5), (124.0, 25.6), (122.2, 25.0)]),
            ("Toucheng", "Deep Water Bay", [(122.3, 24.5), (122.0, 22.5), (121.0, 20.8), (118.5, 20.8), (115.5, 21.6)]),
            ("Deep Water Bay", "Batangas", [(114.5, 21.5), (117.0, 17.5), (119.5, 14.5), (120.6, 13.8)]),
            ("Batangas", "Tuas", [(120.3, 13.5), (117.0, 10.0), (110.0, 5.0), (105.5, 2.0), (104.4, 1.25), (103.9, 1.2)]),
            ("Tuas", "Mersing", [(103.9, 1.2), (104.4, 1.4), (104.3, 2.0)]),
            ("Tuas", "Ancol", [(104.0, 0.5), (105.8, -3.5), (106.8, -5.8)]),
            ("Mersing", "Songkhla", [(104.3, 3.5), (103.0, 6.0), (101.0, 7.3)]),
        ],
        "note": "no drawn route in the sources: chain drawn by cablesim through the three segments of the 1994 contract "
                "(northern Japan-Korea-Taiwan-Hong Kong, middle to the Philippines, Singapore and Malaysia, southern to "
                "Indonesia and Thailand); stations and layout not sourced",
    },
    "R-J-K": {
        "bus": {"BU-DOKDO": (131.86, 37.33)},
        "segments": [
            ("Busan", "BU-DOKDO", [(129.6, 35.6), (130.8, 36.5)]),
            ("Joetsu", "BU-DOKDO", [(137.5, 37.6), (135.0, 37.8), (133.0, 37.5)]),
            ("Nahodka", "BU-DOKDO", [(132.8, 42.0), (132.3, 40.0), (132.0, 38.0)]),
        ],
        "note": "no drawn route in the sources: three legs drawn by cablesim to the submarine branching point 10 km north "
                "of Dokdo (Seoul Shinmun 1995-02-13)",
    },
}

# FCC / press sourced structure: capacities per segment class
# (applied after segments are built; matched by the landing at the segment end)
SEGMENT_CAPACITY_RULES = {
    # FASTER: trunk 6 fp 60 Tbps; segments 5-6 2 fp 20 Tbps; Tanshui branch 26 Tbps (2016)
    "FASTER": [("Shima", 20.0, 2, "Shima branch: 2 fibre pairs, 20 Tbps (FASTER segments 5-6)"),
               ("Tanshui", 26.0, None, "Tanshui branch added Sept 2016, 26 Tbps"),
               ("Chikura", 40.0, 4, "estimated: 4 of the 6 trunk pairs continue to Chikura (6 = 4 + 2 to Shima)")],
    # JUNO: trunk 20 fp 350 Tbps; Shima branch 14 fp -> 350*14/20
    "JUNO": [("Shima", 245.0, 14, "Shima branch 904 km, 14 fibre pairs (FCC); capacity scaled 350 x 14/20")],
}

# segments of partly built systems (planned legs get their own rfs)
SEGMENT_RFS_RULES = {
    # Apricot: Japan-Taiwan-Guam live in 2025; SE Asia legs pending
    "APRICOT": ({"PH", "ID", "SG"}, 2027,
                "South-East Asia legs still pending in 2026 (reference notes); rfs 2027 is an estimate"),
}
# segments that opened later than their system, matched by the names of their landing
# stations (a branch to a BU has one): code -> [(station names, rfs, estimated, why)]
SEGMENT_RFS_BY_ENDS = {
    "TPE": [({"Maruyama"}, 2009, False,
             "Japan branch (phase 2, NTT Com joined 2008-03): northern Japan transit operational Q1 2009, Japan-US section early 2010 "
             "(https://www.commsupdate.com/articles/2008/03/25/ntt-com-signs-agreement-to-join-tpe-cable-consortium/; "
             "FCC SCL-MOD-20080714-00012 adds the Shinmaruyama landing, https://fcc.report/IBFS/SCL-MOD-20080714-00012/653973); "
             "phase 1 (2008) had no Japanese landing")],
    "EAC-C2C": [({"Batangas", "Chikura"}, 2008, True,
                 "direct Philippines-Japan link announced in January 2007 as part of EAC Pacific, to close EAC's ring, target July 2008 "
                 "(http://www.scmp.com/article/578781/asia-netcom-build-us636m-cable-link): not in service in 2006; completion year not "
                 "found, 2008 (the target) is an estimate")],
}


# ----------------------------------------------------------------------------
def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        lines = [l for l in f if not l.startswith("#")]
    return list(csv.DictReader(lines))


def main():
    cables = read_csv(os.path.join(SRC, "japan-cables.csv"))
    for r in cables:
        r["retired_estimated"] = "1" if r["cable"].startswith("China-U.S.") else "0"
    supp = read_csv(os.path.join(SRC, "supplementary-cables.csv"))
    cables += supp
    lps = read_csv(os.path.join(SRC, "japan-landing-points.csv"))
    with open(os.path.join(SRC, "japan-cable-routes.geojson"), encoding="utf-8") as f:
        routes = {ft["properties"]["cable"]: ft for ft in json.load(f)["features"]}

    # ---------------- landing points
    LP = {}   # name -> dict
    for r in lps:
        LP[r["landing_point"]] = dict(name=r["landing_point"], country=r["country"],
                                      lat=float(r["lat"]), lon=float(r["lon"]), source=r["source"])
    for n, (c, lat, lon, s) in EXTRA_POINTS.items():
        LP[n] = dict(name=n, country=c, lat=lat, lon=lon, source=s)

    def lp_id(name):
        p = LP[name]
        cc = cc_of(name, p["country"])
        return f"{cc.lower()}-{slug(name)}"

    nodes = {}      # id -> feature
    edges = []      # features
    used_lp = set()

    def add_station(name):
        p = LP[name]
        cc = cc_of(name, p["country"])
        if cc is None:
            raise SystemExit(f"no country code for {name} ({p['country']})")
        nid = lp_id(name)
        if nid not in nodes:
            nodes[nid] = dict(type="Feature", geometry=dict(type="Point", coordinates=[round(p["lon"], 5), round(p["lat"], 5)]),
                              properties=dict(kind="landing_station", id=nid, name=name, country=cc,
                                              source=f"{TG_CREDIT}; " + p["source"] if "TeleGeography" in p["source"] else p["source"]))
        used_lp.add(name)
        return nid

    def add_bu(nid, lonlat, code, cc="XX"):
        nodes[nid] = dict(type="Feature", geometry=dict(type="Point", coordinates=[round(lonlat[0], 5), round(lonlat[1], 5)]),
                          properties=dict(kind="branching_unit", id=nid, name=f"{code} branching unit {nid.rsplit('-', 1)[-1]}",
                                          country=cc, source="position inferred by cablesim from the drawn route (vertex where route branches)"))
        return nid

    def bu_country(lonlat):
        # nearest landing point within 60 km gives the coast's country; else international waters
        best, bd = None, 60.0
        for n, p in LP.items():
            d = hav(lonlat, (p["lon"], p["lat"]))
            if d < bd:
                best, bd = cc_of(n, p["country"]), d
        return best or "XX"

    report_notes = []

    # ---------------- per cable
    seg_counter = defaultdict(int)
    for row in cables:
        name = row["cable"]
        cfg = CFG[name]
        code = cfg["code"]
        rfs = int(row["rfs_year"])
        retired = int(row["retired_year"]) if row["retired_year"] else None
        status = row["status"]
        notes = []
        if name == "FLAG Europe-Asia (FEA) - Japan segment" and retired is None:
            retired = 2025
            notes.append("retirement year estimated: Japan landings dropped from TeleGeography between 2024-03 and 2026, date unknown")
        if row.get("retired_estimated") == "1":
            notes.append("retirement year not independently sourced (estimate)")
        if name == "Bridge One":
            notes.append("planned 2026 in 2024 data but absent from the 2026 TeleGeography data: probably withdrawn")
        if name == "Japan-U.S. Cable Network (JUS)":
            notes.append("retired July 2023 (TeleGeography note on CHI); its Makaha-Morro Bay segment lives on as CHI and is not modelled separately")
        owners = [o.strip() for o in re.sub(r"^\(\d{4}\)\s*", "", row["owners"]).split(";") if o.strip()]
        src = row["source"]
        if "TeleGeography" in src or "telegeography" in src:
            src = f"{TG_CREDIT}; " + src

        # landings
        landings = []
        for lp in [s.strip() for s in row["landing_points"].split(";")]:
            nm, _, country = lp.rpartition(",")
            nm, country = nm.strip(), country.strip()
            if nm == "t.b.d.":
                continue
            if nm == "Taipa":
                notes.append("SeaMeWe-3 Taipa (Macau) landing left out")
                continue
            if nm not in LP:
                raise SystemExit(f"{name}: landing {nm} not in points table")
            cc = cc_of(nm, LP[nm]["country"])
            if "keep_cc" in cfg and (cc is None or cc not in cfg["keep_cc"]):
                continue
            if "keep_min_lon" in cfg and LP[nm]["lon"] < cfg["keep_min_lon"]:
                continue
            if nm in cfg.get("drop", {}):
                notes.append(f"{nm} left out: {cfg['drop'][nm]}")
                continue
            landings.append(nm)
        if "keep_cc" in cfg:
            notes.append("only the East/South-East Asian part is modelled (landings west of Singapore left out)")

        # capacity
        cap_pub = float(row["design_capacity_tbps"]) if row["design_capacity_tbps"] else None
        if cfg.get("cap"):
            cap_pub = cfg["cap"]
            src += " | " + cfg["cap_src"]
        fp = cfg.get("fp")
        if cap_pub is not None:
            cap, cap_est = cap_pub, False
        else:
            fpe = fp if fp else (4 if code in DOMESTIC_SMALL else 6)
            cap = round(fpe * per_pair_tbps(rfs), 3)
            cap_est = True
            notes.append(f"design capacity estimated: {fpe} fibre pairs x {per_pair_tbps(rfs)} Tbps/pair ({rfs} technology)")

        # ---------------- build segments
        segs = []   # list of dict(from,to,coords,from_station,to_station)
        if name in MANUAL:
            man = MANUAL[name]
            bu_ids = {}
            for lab, ll in man["bus"].items():
                k = len(bu_ids) + 1
                bu_ids[lab] = add_bu(f"bu-{slug(code)}-{k}", ll, code, bu_country(ll))
            for a, b, wps in man["segments"]:
                ends = []
                for e in (a, b):
                    if e in bu_ids:
                        ends.append((bu_ids[e], tuple(nodes[bu_ids[e]]["geometry"]["coordinates"]), False))
                    else:
                        sid = add_station(e)
                        ends.append((sid, (LP[e]["lon"], LP[e]["lat"]), True))
                pts = [ends[0][1]] + [tuple(w) for w in wps] + [ends[1][1]]
                segs.append(dict(frm=ends[0][0], to=ends[1][0], coords=densify_gc(pts, 300.0),
                                 fs=ends[0][2], ts=ends[1][2]))
            notes.append(man["note"])
        else:
            feat = routes[name]
            parts = [[tuple(c) for c in part] for part in feat["geometry"]["coordinates"]]
            if "note" in feat["properties"]:
                notes.append("drawn route: " + feat["properties"]["note"])
            segs, bnotes = build_from_route(name, code, parts, landings, LP, lp_id, add_station, add_bu, bu_country, cfg)
            notes += bnotes

        # ---------------- emit
        total_geo = sum(path_len(s["coords"]) for s in segs)
        pub_len = float(row["length_km"]) if row["length_km"] else None
        factor = 1.0
        if pub_len and total_geo > 0 and "keep_cc" not in cfg:
            f = pub_len / total_geo
            if 0.7 <= f <= 1.6:
                factor = f
        if cfg.get("drop_pairs"):
            keep = []
            for s in segs:
                pair = (nodes[s["frm"]]["properties"]["name"], nodes[s["to"]]["properties"]["name"])
                if pair in cfg["drop_pairs"] or pair[::-1] in cfg["drop_pairs"]:
                    notes.append(f"drawn {pair[0]}-{pair[1]} line not modelled (land segment per FCC filing)")
                    continue
                keep.append(s)
            segs = keep
        rules = SEGMENT_CAPACITY_RULES.get(code, [])
        for s in segs:
            seg_counter[code] += 1
            k = seg_counter[code]
            scap, sfp, snote, scap_est = cap, fp, [], cap_est
            end_names = {nodes[s["frm"]]["properties"]["name"], nodes[s["to"]]["properties"]["name"]}
            for lname, c, f2, why in rules:
                if lname in end_names:
                    scap, sfp = c, f2
                    snote.append(why)
                    scap_est = why.startswith("estimated")
                    break
            srfs = rfs
            if code in SEGMENT_RFS_RULES:
                ccs, yr, why = SEGMENT_RFS_RULES[code]
                if {nodes[s["frm"]]["properties"]["country"], nodes[s["to"]]["properties"]["country"]} & ccs:
                    srfs = yr
                    snote.append(why)
            station_names = {nodes[x]["properties"]["name"] for x in (s["frm"], s["to"])
                             if nodes[x]["properties"]["kind"] == "landing_station"}
            for names, yr, est, why in SEGMENT_RFS_BY_ENDS.get(code, []):
                if station_names == names:
                    srfs = yr
                    snote.append(("rfs estimated: " if est else "") + why)
            series, lit_srcs = lit_series(code, rfs, retired, scap)
            if srfs != rfs:
                series = from_year(series, srfs)
            lit = lit_in_year(series, SNAPSHOT_YEAR)
            if srfs > SNAPSHOT_YEAR or status == "planned":
                lit_note = "planned: lit value is the expected initial lighting"
                snote.append(lit_note)
            geo_len = path_len(s["coords"])
            parts = split_antimeridian(s["coords"])
            parts = [simplify_dp(p, 0.05) if len(p) > 2 else p for p in parts]
            geom = (dict(type="LineString", coordinates=parts[0]) if len(parts) == 1
                    else dict(type="MultiLineString", coordinates=parts))
            props = dict(kind="segment", id=f"{slug(code)}:{k}", **{"from": s["frm"], "to": s["to"]},
                         cable=code, cable_name=name,
                         capacity_tbps=round(scap, 6), capacity_estimated=bool(scap_est),
                         lit_tbps=lit, lit_tbps_by_year=series, lit_estimated=True,
                         lit_source=("; ".join(lit_srcs) + "; later years: " if lit_srcs else "") + LIT_RULE_TEXT,
                         depth_m=None,
                         shallow_share=shallow_share(s["coords"], s["fs"], s["ts"]),
                         shallow_share_estimated=True,
                         length_km=round(geo_len * factor, 1),
                         rfs=srfs, retired=retired, owners=owners, source=src)
            if sfp:
                props["fibre_pairs"] = sfp
            allnotes = notes + snote
            if factor != 1.0:
                allnotes.append(f"length_km = drawn length x {factor:.3f} (scaled to the published system length)")
            if allnotes:
                props["note"] = "; ".join(dict.fromkeys(allnotes))
            edges.append(dict(type="Feature", geometry=geom, properties=props))

    # ---------------- cities and links
    for cid, (nm, cc, region, lon, lat, pop) in CITIES.items():
        nodes[cid] = dict(type="Feature", geometry=dict(type="Point", coordinates=[lon, lat]),
                          properties=dict(kind="city", id=cid, name=nm, country=cc, region=region, source=CITY_SOURCE))

    def add_link(a, b, cap, why):
        pa = nodes[a]["geometry"]["coordinates"]
        pb = nodes[b]["geometry"]["coordinates"]
        d = hav(pa, pb)
        lid = f"link:{a}-{b}"
        props = {"kind": "link", "id": lid, "from": a, "to": b,
                 "capacity_tbps": cap, "capacity_estimated": True,
                 "lit_tbps": cap, "lit_estimated": True,
                 "depth_m": None, "shallow_share": None,
                 "length_km": round(max(1.0, d * LINK_ROUTE_FACTOR), 1),
                 "rfs": 1990, "retired": None, "owners": [],
                 "source": "cablesim estimate: terrestrial backhaul, capacity deliberately large so it rarely binds; length = straight line x 1.3",
                 "note": why}
        cc = {nodes[a]["properties"]["country"], nodes[b]["properties"]["country"]}
        if len(cc) == 1 and next(iter(cc)) in NO_TRANSIT_CC:
            props["transit"] = False
            props["source"] += "; transit: false -- " + NO_TRANSIT_CC[next(iter(cc))]
        edges.append(dict(type="Feature", geometry=dict(type="LineString", coordinates=[pa, pb]),
                          properties=props))

    for name in sorted(used_lp):
        p = LP[name]
        cc = cc_of(name, p["country"])
        sid = lp_id(name)
        if cc == "JP":
            metros = JP_METRO.get(name, [])
        elif cc == "US":
            metros = US_METRO[name]
        elif cc == "CN":
            metros = CN_METRO.get(name, ["city-shanghai"])
        elif cc == "MP":
            metros = []
        else:
            metros = CC_METRO[cc]
        for m in metros:
            why = "landing station backhaul"
            if name == "Nevelsk":
                why = "backhaul Sakhalin-mainland (TTK route incl. the Tatar Strait crossing), simplified as one link"
            if name == "Batam":
                why = "backhaul to Jakarta (partly submarine domestic routes, not modelled)"
            add_link(sid, m, LINK_CAP_TBPS, why)
    for a, b in BACKBONE:
        add_link(a, b, BACKBONE_CAP_TBPS, "terrestrial backbone between metros")
    for a, b, c, why in THIRD_PARTY:
        add_link(a, b, c, why)

    features = list(nodes.values()) + edges
    fc = {"type": "FeatureCollection", "name": "japan", "cablesim_format": "topology", "format_version": 1,
          "licence": "CC BY-NC-SA 3.0 (derived from TeleGeography Submarine Cable Map data, CC BY-NC-SA 3.0; share alike, non-commercial)",
          "attribution": ("Cable systems, landing points and drawn routes: TeleGeography Submarine Cable Map "
                          "(www.submarinecablemap.com), CC BY-NC-SA 3.0, via public copies listed in topology/README.md; "
                          "operator press releases and FCC filings as cited per feature; topology, estimates and "
                          "terrestrial links by the cablesim project"),
          "features": features}

    demand = build_demand()
    check(fc, demand)
    txt = json.dumps(fc, ensure_ascii=False, separators=(",", ":"))
    # one feature per line for readable diffs
    txt = txt.replace(',{"type":"Feature"', ',\n{"type":"Feature"')
    with open(OUT_GEOJSON, "w", encoding="utf-8") as f:
        f.write(txt + "\n")
    write_demand(demand)
    print(f"wrote {OUT_GEOJSON} ({os.path.getsize(OUT_GEOJSON)/1e6:.2f} MB) and {OUT_DEMAND}")


# ----------------------------------------------------------------------------
def build_from_route(name, code, parts, landings, LP, lp_id, add_station, add_bu, bu_country, cfg):
    notes = []
    # cluster vertices (3 km)
    verts = []   # rep coords
    def vid(p):
        for i, q in enumerate(verts):
            if hav(p, q) < 3.0:
                return i
        verts.append(p)
        return len(verts) - 1
    G = nx.Graph()
    part_ids = []
    for part in parts:
        ids = [vid(p) for p in part]
        part_ids.append(ids)
        for a, b in zip(ids[:-1], ids[1:]):
            if a != b:
                G.add_edge(a, b, w=hav(verts[a], verts[b]))
    lpos = {n: (LP[n]["lon"], LP[n]["lat"]) for n in landings}
    # T-junctions: part endpoints that are dangling and not at a landing -> snap onto nearest edge
    for ids in part_ids:
        for e in (ids[0], ids[-1]):
            if G.degree(e) != 1:
                continue
            if any(hav(verts[e], p) < 15.0 for p in lpos.values()):
                continue
            best = None
            for a, b in list(G.edges()):
                if e in (a, b):
                    continue
                q, d, t = nearest_on_segment(verts[e], verts[a], verts[b])
                if best is None or d < best[1]:
                    best = (q, d, a, b, t)
            if best and best[1] < 30.0:
                q, d, a, b, t = best
                if t <= 0.0 or hav(q, verts[a]) < 3.0:
                    G.add_edge(e, a, w=hav(verts[e], verts[a]))
                elif t >= 1.0 or hav(q, verts[b]) < 3.0:
                    G.add_edge(e, b, w=hav(verts[e], verts[b]))
                else:
                    verts.append(q)
                    n = len(verts) - 1
                    G.remove_edge(a, b)
                    G.add_edge(a, n, w=hav(verts[a], q))
                    G.add_edge(n, b, w=hav(q, verts[b]))
                    G.add_edge(e, n, w=hav(verts[e], q))
    # t.b.d. landings: dangling endpoints far from listed landings -> nearest station of a tbd country
    if cfg.get("tbd"):
        for v in [v for v in G.nodes if G.degree(v) == 1]:
            if any(hav(verts[v], p) < 50.0 for p in lpos.values()):
                continue
            best = None
            for n, p in LP.items():
                cc = cc_of(n, p["country"])
                if cc in cfg["tbd"]:
                    d = hav(verts[v], (p["lon"], p["lat"]))
                    if best is None or d < best[1]:
                        best = (n, d)
            if best and best[1] < 150.0:
                landings.append(best[0])
                lpos[best[0]] = (LP[best[0]]["lon"], LP[best[0]]["lat"])
                notes.append(f"t.b.d. landing represented by {best[0]} (nearest known station to the drawn route end, {best[1]:.0f} km)")
    # connect components
    comps = list(nx.connected_components(G))
    while len(comps) > 1:
        c0 = comps[0]
        best = None
        for c in comps[1:]:
            for a in c0:
                for b in c:
                    d = hav(verts[a], verts[b])
                    if best is None or d < best[0]:
                        best = (d, a, b)
        d, a, b = best
        G.add_edge(a, b, w=d)
        notes.append(f"drawn route disconnected: gap of {d:.0f} km bridged with a straight line")
        comps = list(nx.connected_components(G))
    # snap landings
    snap = {}
    for n in landings:
        best = min(G.nodes, key=lambda v: hav(verts[v], lpos[n]))
        d = hav(verts[best], lpos[n])
        if d > 60:
            notes.append(f"{n} is {d:.0f} km from the drawn route")
        snap[n] = best
    # union of shortest paths
    H = nx.Graph()
    lv = sorted(set(snap.values()))
    if len(lv) == 1 and len(landings) > 1:
        # all landings snap to one vertex: use the route as is
        pass
    for i in range(len(lv)):
        for j in range(i + 1, len(lv)):
            p = nx.shortest_path(G, lv[i], lv[j], weight="w")
            nx.add_path(H, p)
    for v in lv:
        H.add_node(v)
    at_vertex = defaultdict(list)
    for n, v in snap.items():
        at_vertex[v].append(n)
    # key vertices and their node ids
    key = {}
    bu_xy = {}
    stubs = []   # (bu id, station name)
    bu_k = 0
    for v in H.nodes:
        st = at_vertex.get(v, [])
        deg = H.degree(v)
        if st:
            far = [n for n in st if hav(verts[v], lpos[n]) > 5.0]
            if len(st) == 1 and not (deg >= 3 and far):
                key[v] = ("station", st[0])
            else:
                bu_k += 1
                bid = add_bu(f"bu-{slug(code)}-{bu_k}", verts[v], code, bu_country(verts[v]))
                key[v] = ("bu", bid)
                bu_xy[bid] = verts[v]
                for n in st:
                    stubs.append((bid, n))
        elif deg >= 3:
            bu_k += 1
            bid = add_bu(f"bu-{slug(code)}-{bu_k}", verts[v], code, bu_country(verts[v]))
            key[v] = ("bu", bid)
    segs = []

    def node_of(v):
        kind, x = key[v]
        if kind == "station":
            return add_station(x), lpos[x], True
        return x, verts[v], False

    seen = set()
    for v in key:
        for nb in H.neighbors(v):
            if (v, nb) in seen:
                continue
            path = [v, nb]
            prev, cur = v, nb
            while cur not in key:
                nxt = [u for u in H.neighbors(cur) if u != prev]
                if not nxt:
                    break
                prev, cur = cur, nxt[0]
                path.append(cur)
            seen.add((path[0], path[1]))
            seen.add((path[-1], path[-2]))
            if cur not in key:
                continue
            a_id, a_pt, a_st = node_of(path[0])
            b_id, b_pt, b_st = node_of(path[-1])
            coords = [verts[x] for x in path]
            if a_st and hav(coords[0], a_pt) > 0.05:
                coords = [a_pt] + coords
            else:
                coords[0] = a_pt
            if b_st and hav(coords[-1], b_pt) > 0.05:
                coords = coords + [b_pt]
            else:
                coords[-1] = b_pt
            if a_id == b_id:
                continue
            segs.append(dict(frm=a_id, to=b_id, coords=coords, fs=a_st, ts=b_st))
    for bid, n in stubs:
        sid = add_station(n)
        # reuse the bu coordinate
        segs.append(dict(frm=bid, to=sid, coords=[bu_xy[bid], lpos[n]], fs=False, ts=True))
    return segs, notes


# ----------------------------------------------------------------------------
# demand
# ----------------------------------------------------------------------------
# D_TOTAL: Japan's international peak load (one direction), Tbps, for 2025.
#   Japan international internet bandwidth >2 Tbps at end-2011 (Terabit Consulting for
#   UN ESCAP) out of ~77 Tbps global internet bandwidth (TeleGeography via GigaOM,
#   2011) -> Japan share s_JP = 2/77 = 2.6 %.
#   Global used international bandwidth 2023 (all networks incl. content providers):
#   ~5 Pbps (TeleGeography blog 2024-05), growing ~35 %/yr -> 2025: 5000 x 1.35^2.
#   Japan used international bandwidth 2025 ~ 0.026 x 9113 = 237 Tbps.
#   Peak load / used (provisioned) bandwidth: PEAK_FACTOR.
JP_SHARE_2011 = 2.0 / 77.0
GLOBAL_USED_2023_TBPS = 5000.0
GROWTH = 1.35
PEAK_FACTOR = 0.5
D_TOTAL = round(JP_SHARE_2011 * GLOBAL_USED_2023_TBPS * GROWTH ** 2 * PEAK_FACTOR, 1)

# group shares: trans-Pacific vs Asia-Pacific
#   TeleGeography (2013): ~40 % of Asia's international internet bandwidth connected to
#   US/Canada, Europe 28 %; Japan is a trans-Pacific hub and its Europe-bound traffic
#   largely rides via the US or via Singapore, so: trans-Pacific 0.50, Asia-Pacific 0.50.
GROUPS = {
    "transpacific": (0.50, ["US West Coast", "Canada", "Hawaii"]),
    "asiapacific": (0.50, ["Hong Kong", "Singapore", "Taiwan", "Korea", "China", "Philippines",
                            "Russia", "Australia", "Malaysia", "Thailand", "Vietnam", "Indonesia",
                            "Brunei", "Guam"]),
}
# gravity term inside a group: w = U^0.5 x H / d  (U internet users, millions, c. 2023,
# rounded from ITU/World Bank; H hub factor for content/interconnection hubs;
# d great-circle distance Tokyo - metro, 1000 km)
REGION_USERS = {
    "US West Coast": 60, "Canada": 35, "Hawaii": 1.3,
    "Hong Kong": 7, "Singapore": 5.5, "Taiwan": 21, "Korea": 50, "China": 1050,
    "Philippines": 80, "Russia": 8, "Australia": 25, "Malaysia": 32, "Thailand": 60,
    "Vietnam": 78, "Indonesia": 215, "Brunei": 0.45, "Guam": 0.17,
}
HUB = {"US West Coast": 6.0, "Hong Kong": 4.0, "Singapore": 4.0, "China": 0.15, "Russia": 0.1, "Australia": 0.3}
# split of a foreign region between its metros
REGION_CITY_SPLIT = {
    "US West Coast": {"city-san-jose": 0.35, "city-los-angeles": 0.30, "city-seattle": 0.20, "city-portland": 0.15},
    "China": {"city-shanghai": 0.7, "city-guangzhou": 0.3},
}
# Japanese side: metro population x concentration factor (Tokyo and Osaka host the
# major IXs and data-centre clusters)
JP_CONC = {"city-tokyo": 2.5, "city-osaka": 1.5}
# domestic pairs that ride submarine cables (Okinawa).  Japan broadband download
# traffic ~12.7 Tbps (MIC, Nov 2019) x 1.2/yr -> ~38 Tbps average 2025; peak x1.5;
# Okinawa ~1.2 % of population -> ~0.7 Tbps peak, mostly served from Tokyo/Osaka.
DOMESTIC = [("city-tokyo", "city-naha", 0.45), ("city-osaka", "city-naha", 0.15),
            ("city-fukuoka", "city-naha", 0.05), ("city-nagoya", "city-naha", 0.03),
            ("city-tokyo", "city-sapporo", 1.2)]


def build_demand():
    tokyo = (CITIES["city-tokyo"][3], CITIES["city-tokyo"][4])
    jp = {c: v[5] * JP_CONC.get(c, 1.0) for c, v in CITIES.items() if v[2] == "Japan"}
    s = sum(jp.values())
    jp = {c: w / s for c, w in jp.items()}
    region_cities = defaultdict(list)
    for c, v in CITIES.items():
        if v[2] != "Japan":
            region_cities[v[2]].append(c)
    rows = []
    region_tot = {}
    for g, (gshare, regions) in GROUPS.items():
        w = {}
        for r in regions:
            cs = region_cities[r]
            lon = sum(CITIES[c][3] for c in cs) / len(cs)
            lat = sum(CITIES[c][4] for c in cs) / len(cs)
            d = hav(tokyo, (lon, lat)) / 1000.0
            w[r] = math.sqrt(REGION_USERS[r]) * HUB.get(r, 1.0) / d
        ws = sum(w.values())
        for r in regions:
            region_tot[r] = D_TOTAL * gshare * w[r] / ws
    for r, tot in region_tot.items():
        split = REGION_CITY_SPLIT.get(r, {c: 1.0 / len(region_cities[r]) for c in region_cities[r]})
        for fc, fs in split.items():
            for jc, js in jp.items():
                dmd = round(tot * fs * js, 3)
                if dmd >= 0.001:
                    rows.append((jc, fc, dmd))
    for a, b, d in DOMESTIC:
        rows.append((a, b, d))
    return rows


def write_demand(rows):
    head = [
        "# cablesim traffic demand for the japan topology (generated by topology/tools/build_japan.py)",
        "# demand_tbps = one direction's peak load between the two metros, 2025, routed in both directions",
        f"# international total D = s_JP x G_2023 x g^2 x p = {JP_SHARE_2011:.4f} x {GLOBAL_USED_2023_TBPS:.0f} x {GROWTH}^2 x {PEAK_FACTOR} = {D_TOTAL} Tbps",
        "# s_JP: Japan >2 Tbps intl internet bandwidth end-2011 (Terabit Consulting / UN ESCAP, docslib.org/download/6644851) over 77 Tbps global (TeleGeography via old.gigaom.com)",
        "# G_2023: 5 Pbps used international bandwidth 2023, ~35-40 %/yr CAGR (blog.telegeography.com/used-international-bandwidth-reaches-new-heights)",
        "# split: trans-Pacific 50 % / Asia-Pacific 50 % (cf. TeleGeography 2013: ~40 % of Asia's bandwidth to US/Canada, commsupdate.com 2013-10-17),",
        "# gravity inside each group w = sqrt(users) x hub / distance; Japanese side by metro population x IX concentration (see topology/README.md)",
        "# domestic Okinawa pairs: MIC broadband traffic 12.7 Tbps (Nov 2019, soumu.go.jp 01kiban04_02000160) extrapolated; see README",
        "# data derived from TeleGeography Submarine Cable Map (CC BY-NC-SA 3.0); this file: CC BY-NC-SA 3.0",
    ]
    with open(OUT_DEMAND, "w", encoding="utf-8") as f:
        f.write("\n".join(head) + "\n")
        f.write("origin,destination,demand_tbps\n")
        for a, b, d in rows:
            f.write(f"{a},{b},{d}\n")


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


if __name__ == "__main__":
    main()
