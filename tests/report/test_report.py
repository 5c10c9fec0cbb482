"""`cablesim report`: the HTML page opens offline, headless Chromium renders its figures and
maps, and every figure equals the number of `cablesim analyze --format json` it is tagged with
(data-key), on boso-attack and on recovery-sabotage (docs/report.md).

Needs the built cablesim ($CABLESIM_CLI), Debian's chromium and gmt-gshhg-low
(.ci/install-deps.sh installs both). recovery-sabotage runs with --set trials=24 to keep the
test at seconds; the page is the same whatever the trial count.
"""

import json
import math
import os
import re
import subprocess
from html.parser import HTMLParser

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLI = os.environ.get("CABLESIM_CLI", os.path.join(ROOT, "build", "debug", "sim", "cablesim"))
CHROMIUM = os.environ.get("CABLESIM_CHROMIUM", "chromium")


def cablesim(*args, ok=True):
    p = subprocess.run([CLI, *args], capture_output=True, text=True, cwd=ROOT, timeout=600)
    if ok:
        assert p.returncode == 0, f"cablesim {' '.join(args)}: {p.returncode}\n{p.stderr}"
    return p


def chromium(tmp, *args):
    cmd = [CHROMIUM, "--headless", "--disable-gpu", "--no-first-run",
           "--disable-background-networking", f"--user-data-dir={tmp / 'profile'}", *args]
    if os.geteuid() == 0:
        cmd.insert(1, "--no-sandbox")
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, f"chromium failed ({p.returncode}): {p.stderr[-2000:]}"
    return p.stdout


class Page(HTMLParser):
    """The figures (span.fig with their text), the SVG elements and every external reference."""

    def __init__(self):
        super().__init__()
        self.figs, self.stack, self.refs, self.tags = [], [], [], []
        self.svg = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a, self.svg))
        if tag == "svg":
            self.svg = a.get("id")
        for k in ("src", "href", "action", "data", "poster"):
            v = a.get(k)
            if v is not None and not v.startswith("#"):
                self.refs.append((tag, k, v))
        if tag == "span" and "fig" in a.get("class", "").split():
            self.stack.append([a, ""])

    def handle_endtag(self, tag):
        if tag == "svg":
            self.svg = None
        if tag == "span" and self.stack:
            self.figs.append(tuple(self.stack.pop()))

    def handle_data(self, data):
        for f in self.stack:
            f[1] += data


def parse(text):
    p = Page()
    p.feed(text)
    return p


def lookup(doc, key):
    """The value at a dotted key of the analyze JSON (list members by index); KeyError if absent."""
    x = doc
    for part in key.split("."):
        if x is None:
            return None
        x = x[int(part)] if isinstance(x, list) else x[part]
    return x


def check_figures(page, analyses):
    """Every figure equals its JSON value, and the text shown is that value rounded."""
    assert len(page.figs) > 40, f"only {len(page.figs)} figures on the page"
    for attrs, shown in page.figs:
        key, f = attrs["data-key"], int(attrs["data-file"])
        try:
            want = lookup(analyses[f], key)
        except (KeyError, IndexError, TypeError) as e:
            pytest.fail(f"figure {key} (file {f}) is not in analyze --format json: {e!r}")
        value = attrs["data-value"]
        if value == "null":
            assert want is None or want == "inf", f"{key}: page has no number, JSON {want}"
            continue
        got = float(value)
        assert want is not None, f"{key}: page {got}, JSON null"
        assert math.isclose(got, float(want), rel_tol=1e-9, abs_tol=1e-12), \
            f"{key}: page {got} != analyze --format json {want}"
        scale = float(attrs.get("data-scale", "1"))
        m = re.match(r"\s*([-+]?\d+(?:\.(\d+))?)", shown)
        assert m, f"{key}: shows {shown!r}, not a number"
        decimals = len(m.group(2) or "")
        assert abs(float(m.group(1)) - scale * got) <= 0.5 * 10 ** -decimals + 1e-9 * abs(scale * got), \
            f"{key}: shows {shown!r} for {scale} x {got}"


def analyze(path):
    return json.loads(cablesim("analyze", str(path), "--format", "json").stdout)


def offline(html):
    """Nothing outside the page: no scripts, stylesheets, images, frames or URLs to fetch."""
    page = parse(html)
    assert page.refs == [], f"external references: {page.refs[:5]}"
    for tag, _, _ in page.tags:
        assert tag not in ("script", "link", "img", "iframe", "object", "embed"), tag
    assert "url(" not in html and "@import" not in html


def pixels(png):
    import numpy as np
    import matplotlib.image as mpimg
    im = (mpimg.imread(png)[:, :, :3] * 255).round().astype(int)
    def count(rgb, tol=6):
        return int((np.abs(im - np.array(rgb)).max(axis=2) <= tol).sum())
    return count


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report")
    boso, rec = tmp / "boso.h5", tmp / "rec.h5"
    cablesim("run", "scenarios/boso-attack.yaml", "-o", str(boso))
    cablesim("run", "scenarios/recovery-sabotage.yaml", "--set", "trials=24", "-o", str(rec))
    return tmp, boso, rec


def test_boso_attack(runs):
    tmp, boso, _ = runs
    out = tmp / "boso.html"
    p = cablesim("report", str(boso), "-o", str(out))
    assert p.stdout.strip() == f"report: {out}"
    html = out.read_text()
    offline(html)
    # The DOM Chromium builds from the page, offline.
    dom = chromium(tmp, "--dump-dom", out.as_uri())
    page = parse(dom)
    j = analyze(boso)
    check_figures(page, [j])
    text = re.sub(r"<[^>]+>", " ", dom)
    for words in ("The question", "Headline figures", "Loss of landing stations",
                  "jp-chikura", "Assumptions and sources", "Versions", "GSHHG 2.3.7"):
        assert words in text, words
    # The maps: coastlines, every segment down in some trial drawn as failed, the lost stations.
    svgs = {a.get("id") for t, a, _ in page.tags if t == "svg"}
    assert {"map-japan", "map-network"} <= svgs
    coast = [a for t, a, s in page.tags if t == "path" and s == "map-japan" and "d" in a
             and a.get("class") is None]
    assert len(coast) > 100, f"{len(coast)} coastline paths on the Japan map"
    down = {s["id"] for s in j["segments"] if s["criticality"]["failed"]["k"] > 0}
    drawn = {a["data-edge"] for t, a, s in page.tags if t == "path" and s == "map-network"
             and a.get("class") == "failed"}
    assert drawn == down and len(down) > 10
    lost = {a["data-node"] for t, a, s in page.tags if t == "circle" and a.get("class") == "lost"
            and s == "map-japan"}
    assert lost == {"jp-chikura", "jp-maruyama", "jp-minamiboso", "jp-wada"}
    moved = {a["data-edge"] for t, a, s in page.tags if t == "path" and s == "map-network"
             and a.get("class") == "rerouted"}
    assert moved and not moved & down  # traffic goes to cables that are up
    # Rendered: the sea, the coastlines and the failed cables are on screen.
    png = tmp / "boso.png"
    chromium(tmp, f"--screenshot={png}", "--window-size=1200,4200", "--hide-scrollbars",
             out.as_uri())
    count = pixels(png)
    assert count((0xEE, 0xF4, 0xFA)) > 200_000, "no map background rendered"
    assert count((0x6F, 0x7F, 0x64), tol=40) > 2_000, "no coastline rendered"
    assert count((0xB4, 0x0A, 0x0A), tol=40) > 2_000, "no failed cable rendered"


def test_recovery_sabotage_and_comparison(runs):
    tmp, boso, rec = runs
    out = tmp / "rec.html"
    cablesim("report", str(rec), str(boso), "-o", str(out))
    html = out.read_text()
    offline(html)
    dom = chromium(tmp, "--dump-dom", out.as_uri())
    page = parse(dom)
    check_figures(page, [analyze(rec), analyze(boso)])
    keys = {a["data-key"] for a, _ in page.figs}
    assert "recovery.t100_days.mean_capped_at_horizon.mean" in keys
    assert any(a["data-file"] == "1" for a, _ in page.figs)  # the comparison column of B
    svgs = {a.get("id") for t, a, _ in page.tags if t == "svg"}
    assert "recovery-chart" in svgs
    median = [a for t, a, s in page.tags if t == "polyline" and s == "recovery-chart"
              and a.get("class") == "median"]
    assert len(median) == 1 and len(median[0]["points"].split()) >= 5
    # Different seeds do not pair: compared unpaired (Welch), stated as such.
    kinds = re.findall(r'<td class="kind">(\w+)<br>', dom)
    assert kinds == ["unpaired"], kinds


def test_pdf(runs):
    tmp, boso, _ = runs
    out, pdf = tmp / "p.html", tmp / "p.pdf"
    cablesim("report", str(boso), "-o", str(out), "--pdf", str(pdf))
    data = pdf.read_bytes()
    assert data[:4] == b"%PDF" and len(data) > 20_000


def test_refusals(runs):
    tmp, boso, _ = runs
    out = tmp / "r.html"
    out.write_text("keep")
    p = cablesim("report", str(boso), "-o", str(out), ok=False)
    assert p.returncode == 2 and "--force" in p.stderr and out.read_text() == "keep"
    cablesim("report", str(boso), "-o", str(out), "--force", "--coastline", "none")
    assert "No coastline drawn" in out.read_text()
    bad = tmp / "bad.html"
    p = cablesim("report", str(tmp / "missing.h5"), "-o", str(bad), ok=False)
    assert p.returncode == 2 and "missing.h5" in p.stderr and not bad.exists()
    p = cablesim("report", str(boso), "-o", str(bad), "--coastline", str(tmp / "no.nc"), ok=False)
    assert p.returncode == 2 and "gmt-gshhg-low" in p.stderr and not bad.exists()
    assert not list(tmp.glob("bad.html*"))
    p = cablesim("report", str(boso), ok=False)
    assert p.returncode == 2 and "-o" in p.stderr
