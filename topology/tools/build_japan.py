#!/usr/bin/python3
"""Generate topology/japan.geojson and topology/japan-demand.csv for cablesim.

Run with Debian's python (needs networkx):  /usr/bin/python3 topology/tools/build_japan.py

Reads only topology/sources/ (copies of the reference tables, TeleGeography data
CC BY-NC-SA 3.0, plus cablesim's supplementary table).  See topology/README.md.
"""
import csv
import json
import os
import re
import unicodedata
from collections import defaultdict

import networkx as nx

from japan_geo import (densify_gc, hav, nearest_on_segment, path_len, shallow_share, simplify_dp,
                       split_antimeridian)
from japan_capacity import LIT_RULE_TEXT, SNAPSHOT_YEAR, from_year, lit_in_year, lit_series, per_pair_tbps
from japan_demand import CITIES, OUT_DEMAND, build_demand, write_demand
from japan_check import check

HERE = os.path.dirname(os.path.abspath(__file__))
TOPO = os.path.dirname(HERE)
SRC = os.path.join(TOPO, "sources")
OUT_GEOJSON = os.path.join(TOPO, "japan.geojson")

TG_CREDIT = ("TeleGeography Submarine Cable Map data (submarinecablemap.com, CC BY-NC-SA 3.0)")

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
# International bandwidth grows about 40 %/yr (TeleGeography's used international bandwidth,
# the demand's growth source); a capacity known in some years is carried to the others by it.
BW_GROWTH = 1.40


def growth_series(anchors, first=1990, last=2026):
    """lit Tbps by year from the anchors {year: Tbps}: log-linear between anchors, BW_GROWTH a year
    before the first and after the last (up to `last`, then held); one entry per year, 3 significant
    figures."""
    ys = sorted(anchors)
    out = {}
    for y in range(first, 2027):
        if y <= ys[0]:
            v = anchors[ys[0]] / BW_GROWTH ** (ys[0] - y)
        elif y >= ys[-1]:
            v = anchors[ys[-1]] * BW_GROWTH ** (min(y, last) - ys[-1])
        else:
            a = max(k for k in ys if k <= y)
            b = min(k for k in ys if k > y)
            v = anchors[a] * (anchors[b] / anchors[a]) ** ((y - a) / (b - a))
        out[str(y)] = float(f"{v:.3g}")
    return out


THIRD_PARTY = [
    # (a, b, capacity_tbps, note, source, lit_tbps_by_year or None, rfs)
    ("city-honolulu", "city-los-angeles", 40.0,
     "not terrestrial: stands in for third-party Hawaii-US mainland submarine cables that do not land in Japan",
     "cablesim estimate of the third-party Hawaii-US mainland capacity, lit by year from the systems' published "
     "figures: Southern Cross (Hawaii to Morro Bay and Hillsboro, 2000) 0.12 Tbps at launch, 0.86 at the end of 2008, "
     "1.2 in May 2010, 2.6 in July 2013, 3.6 in 2014 (Southern Cross Cable article, Wikipedia, as mirrored at "
     "vuink.com/post/ra-d-djvxvcrqvn-d-dbet/wiki/Southern_Cross_Cable); SEA-US (Makaha to Hermosa Beach, in service "
     "August 2017, about 20 Tbps: telecomasia.net/content/sea-us-cable-project-takes-two-steps-forward, "
     "staradvertiser.com 2017-08-08); Hawaiki (Kapolei to Pacific City, 2018, 43 Tbps of new capacity: wiredInUSA "
     "August 2018, intras-library.cld.bz/wiredInUSA-august-2018/33/). 2017: 3.6 + 20; from 2018 40, below the sum of "
     "those figures (a conservative estimate; Hawaiian Telcom 2017: the remaining older cables were near retirement or "
     "full). Before 2000 Southern Cross's launch figure stands in for the older systems (not sourced). "
     "Length = straight line x 1.3",
     {"1990": 0.12, "2008": 0.86, "2010": 1.2, "2013": 2.6, "2014": 3.6, "2017": 23.6, "2018": 40.0}, 1990),
    ("city-jakarta", "city-singapore", 36.0,
     "not terrestrial: stands in for third-party Indonesia-Singapore submarine cables that do not land in Japan",
     "cablesim estimate of the Indonesia-Singapore capacity, lit by year: INDIGO's Singapore-Jakarta branch alone has "
     "two fibre pairs of at least 18 Tbps each, 36 Tbps, in service mid-2019 (capacitymedia.com/articles/3689036, "
     "telecomasia.net/content/indigo-subsea-cable-installation-complete), used from 2019 (the other systems, such as "
     "Batam-Singapore with 2 of its 6 pairs lit (Oxford Business Group, 'Network news: improving international "
     "connectivity'), are not counted); before 2019 the 36 Tbps shrinks by the 40 %/yr growth of used international "
     "bandwidth that the demand uses (TeleGeography, blog.telegeography.com/used-international-bandwidth-reaches-new-heights): "
     "0.45 Tbps in 2006, 2.4 in 2011. Length = straight line x 1.3",
     growth_series({2019: 36.0}, last=2019), 1990),
    ("city-hagatna", "city-sydney", 42.0,
     "not terrestrial: stands in for PPC-1 (Sydney-Piti, 2009) and JGA-S (Piti-Sydney, 2020), Guam-Australia cables that do not land in Japan",
     "PPC-1 and JGA-S by year: PPC-1 first traffic August 2009 with 140 Gbit/s lit of a 1.92 Tbps design (FCC filing via "
     "subtelforum.com/90pipe-international-files-with-fcc-to-land-ppc-1-in-guam), upgraded past its 2.56 Tbps design to about "
     "3 Tbps in September 2012 (Pipe Pacific Cable article, Wikipedia, as mirrored at gateway.ipfs.io), 8 Tbps in 2021 and 12 "
     "after that year's upgrade (TPG Telecom via itnews.com.au, 2021-07-29); JGA-S in service since March 2020 (commsupdate.com "
     "2020-07-10) with two fibre pairs (computerworld.com.au, JGA construction 2018) and no published capacity of its own, so "
     "the dataset's rule for such a system (topology/README.md): 2 pairs x 15 Tbps = 30 Tbps design, lit 15 % of design in its "
     "first year, +5 % of design a year. Lit 0.14 from 2009, 3 from 2012, 12.5 from 2020 (8 + 4.5), 16.5 from 2021, then JGA-S's "
     "growth; design 12 + 30. No Guam-Australia cable but AJC (modelled, it lands in Japan) before 2009. "
     "Length = straight line x 1.3",
     {"2009": 0.14, "2012": 3.0, "2020": 12.5, "2021": 16.5, "2022": 18.0, "2023": 19.5, "2024": 21.0,
      "2025": 22.5, "2026": 24.0}, 2009),
    # real cross-border terrestrial fibre, so that a region without a Japan cable in
    # some year (Canada before Topaz, Thailand before APG) is still reached overland
    ("city-seattle", "city-vancouver", 24 * per_pair_tbps(2023),
     "terrestrial cross-border fibre along the BNSF rail corridor; capacity an upper bound from its fibre count",
     "cablesim estimate, an upper bound: the existing Vancouver-Seattle route is a 24-pair (48-strand) fibre cable on the BNSF "
     "rail right of way with no dark fibre left (Cascadia FiberNet via GeekWire, reported at urbanova.org 2019-12-01; "
     "biv.com 2019-10: 'the existing fibre between Vancouver and Seattle is full', infrastructure from the 1990s); every pair "
     "taken lit with the year's per-pair capacity of the dataset's design rule (topology/README.md: 0.005 Tbps up to 1996 ... "
     "16 from 2023), so 24 x that. Topaz (Port Alberni, 2023) reaches the US through it (35 Tbps of Japan's traffic in the "
     "intact network of 2026); topology/README.md gives how the results move with it. Length = straight line x 1.3",
     {str(y): round(24 * per_pair_tbps(y), 3) for y in (1990, 1997, 1999, 2001, 2006, 2011, 2015, 2019, 2023)}, 1990),
    ("city-bangkok", "city-kuala-lumpur", 81.0,
     "terrestrial cross-border fibre through the Thai-Malaysian border (Sadao-Bukit Kayu Hitam); capacity bounded by Thailand's international bandwidth",
     "cablesim estimate, an upper bound: the link carries no more than all of Thailand's international bandwidth of the year: "
     "2.4 Gbit/s in 2004 and 11 Gbit/s in 2007 (thailandinternet.com, 'Thailand bandwidth & connections'), 1,030 Gbit/s at the "
     "end of 2014 (Huawei Marine, MCT case study, huaweimarine.com/en/Solutions/Case-Story/MCT_Case_Study), about 2 Tbit/s in "
     "2015 (CAT Telecom via commsupdate.com 2015-10-22; Bangkok Post 2015: 'two terabits a second in August'); log-linear "
     "between these, and outside them the 40 %/yr growth of used international bandwidth that the demand uses (TeleGeography). "
     "Japan's traffic on it is 0 in the intact network of 2026 and at most 0.5 Tbps after a Luzon Strait cut "
     "(topology/README.md). Length = straight line x 1.3",
     growth_series({2004: 0.0024, 2007: 0.011, 2014: 1.03, 2015: 2.0}), 1990),
    ("city-kuala-lumpur", "city-singapore", 80.0,
     "terrestrial fibre across the Johor-Singapore causeway; capacity bounded by Malaysia's international bandwidth",
     "cablesim estimate, an upper bound: the link carries no more than all of Malaysia's international bandwidth of the year, "
     "1,408 Gbit/s at the end of 2014 (Huawei Marine, MCT case study, huaweimarine.com/en/Solutions/Case-Story/MCT_Case_Study), "
     "other years by the 40 %/yr growth of used international bandwidth that the demand uses (TeleGeography): 0.095 Tbps in "
     "2006, 0.37 in 2010, 80 in 2026. Japan's traffic on it is 0 in the intact network of 2026 and at most 2.4 Tbps after a "
     "Luzon Strait cut (topology/README.md). Length = straight line x 1.3",
     growth_series({2014: 1.408}), 1990),
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

    def add_link(a, b, cap, why, source=None, series=None, rfs=1990):
        pa = nodes[a]["geometry"]["coordinates"]
        pb = nodes[b]["geometry"]["coordinates"]
        d = hav(pa, pb)
        lid = f"link:{a}-{b}"
        props = {"kind": "link", "id": lid, "from": a, "to": b,
                 "capacity_tbps": cap, "capacity_estimated": True,
                 "lit_tbps": cap, "lit_estimated": True,
                 "depth_m": None, "shallow_share": None,
                 "length_km": round(max(1.0, d * LINK_ROUTE_FACTOR), 1),
                 "rfs": rfs, "retired": None, "owners": [],
                 "source": source or "cablesim estimate: terrestrial backhaul, capacity deliberately large so it rarely binds; length = straight line x 1.3",
                 "note": why}
        if series:
            props["lit_tbps_by_year"] = series
            props["lit_tbps"] = series[max(series, key=int)]
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
    for a, b, c, why, source, series, rfs in THIRD_PARTY:
        add_link(a, b, c, why, source, series, rfs)

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


if __name__ == "__main__":
    main()
