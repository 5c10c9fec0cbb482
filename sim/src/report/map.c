/*
 * map.c: the report's SVG maps and recovery chart (map.h).
 *
 * Projection: equidistant cylindrical with the frame's middle latitude as standard parallel,
 * x = (lon - west) cos(phi0) k, y = (north - lat) k. Edges are drawn as great circles between
 * their end nodes (the results file keeps nodes, not routes): interpolated every 2 degrees of
 * arc so that long trans-Pacific segments bend as they do on a globe. Coastline points closer
 * than half a pixel to the last one drawn are skipped.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "report/map.h"

#define DEG (3.14159265358979323846 / 180.0)

typedef struct {
    const cs_map_view *v;
    double k, kx, height;
} proj;

static proj proj_of(const cs_map_view *v)
{
    const double phi0 = 0.5 * (v->south + v->north) * DEG;
    proj p = {.v = v, .kx = v->width / (v->east - v->west)};
    p.k = p.kx / cos(phi0);
    p.height = (v->north - v->south) * p.k;
    return p;
}

static double px(const proj *p, double lon)
{
    return (lon - p->v->west) * p->kx;
}

static double py(const proj *p, double lat)
{
    return (p->v->north - lat) * p->k;
}

/* lon in [0, 360). */
static double east_lon(double lon)
{
    double x = fmod(lon, 360.0);
    return x < 0 ? x + 360.0 : x;
}

cs_map_view cs_map_view_of(const cs_results_info *in, const char *id, const char *title,
                           double width)
{
    double w = 360, e = 0, s = 90, n = -90;
    for (size_t i = 0; i < in->n_nodes; i++) {
        const double lon = east_lon(in->nodes[i].lon_deg), lat = in->nodes[i].lat_deg;
        if (!isfinite(lon) || !isfinite(lat)) continue;
        w = fmin(w, lon);
        e = fmax(e, lon);
        s = fmin(s, lat);
        n = fmax(n, lat);
    }
    if (w >= e || s >= n) w = 100, e = 200, s = -10, n = 55;
    cs_map_view v = {.id = id, .title = title, .width = width};
    v.west = fmax(0.0, floor((w - 6) / 5) * 5);
    v.east = fmin(360.0, ceil((e + 6) / 5) * 5);
    v.south = fmax(-85.0, floor((s - 5) / 5) * 5);
    v.north = fmin(85.0, ceil((n + 5) / 5) * 5);
    return v;
}

/* ------------------------------------------------------------------ coastline */

static void draw_coast(cs_html *h, const proj *p, const cs_coast_t *c)
{
    cs_html_raw(h, "<g class=\"coast\" fill=\"none\" stroke=\"#6f7f64\" stroke-width=\"0.8\" "
                   "stroke-linejoin=\"round\">\n");
    const cs_map_view *v = p->v;
    for (size_t i = 0; i < c->n_lines; i++) {
        const size_t a = c->off[i], b = c->off[i + 1];
        bool inside = false;
        for (size_t k = a; k < b && !inside; k++)
            inside = c->lon[k] >= v->west - 1 && c->lon[k] <= v->east + 1 &&
                     c->lat[k] >= v->south - 1 && c->lat[k] <= v->north + 1;
        if (!inside) continue;
        double lx = NAN, ly = NAN;
        cs_html_raw(h, "<path d=\"");
        for (size_t k = a; k < b; k++) {
            const double x = px(p, c->lon[k]), y = py(p, c->lat[k]);
            if (k > a && k + 1 < b && hypot(x - lx, y - ly) < 0.5) continue;
            cs_html_printf(h, "%c%.1f %.1f", k == a ? 'M' : 'L', x, y);
            lx = x;
            ly = y;
        }
        cs_html_raw(h, "\"/>\n");
    }
    cs_html_raw(h, "</g>\n");
}

static void draw_graticule(cs_html *h, const proj *p)
{
    const cs_map_view *v = p->v;
    const double step = v->east - v->west > 60 ? 20 : 5;
    cs_html_raw(h, "<g class=\"graticule\" stroke=\"#d5dee8\" stroke-width=\"0.5\" "
                   "font-size=\"9\" fill=\"#7a8794\">\n");
    for (double lon = ceil(v->west / step) * step; lon <= v->east; lon += step) {
        const double x = px(p, lon), l = lon > 180 ? 360 - lon : lon;
        cs_html_printf(h, "<line x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%.1f\"/>", x, x, p->height);
        cs_html_printf(h, "<text x=\"%.1f\" y=\"%.1f\" stroke=\"none\">%g\xC2\xB0%s</text>\n",
                       x + 2, p->height - 3, l,
                       lon > 180 ? "W" : (lon < 180 && lon > 0 ? "E" : ""));
    }
    for (double lat = ceil(v->south / step) * step; lat <= v->north; lat += step) {
        const double y = py(p, lat);
        cs_html_printf(h, "<line x1=\"0\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", y, v->width, y);
        cs_html_printf(h, "<text x=\"2\" y=\"%.1f\" stroke=\"none\">%g\xC2\xB0%s</text>\n", y - 2,
                       fabs(lat), lat > 0 ? "N" : (lat < 0 ? "S" : ""));
    }
    cs_html_raw(h, "</g>\n");
}

/* ---------------------------------------------------------------------- edges */

/* The great circle from node a to node b as an SVG path "M x y L ...". */
static void great_circle(cs_html *h, const proj *p, const cs_rnode *a, const cs_rnode *b)
{
    const double la1 = a->lat_deg * DEG, lo1 = a->lon_deg * DEG;
    const double la2 = b->lat_deg * DEG, lo2 = b->lon_deg * DEG;
    const double u[3] = {cos(la1) * cos(lo1), cos(la1) * sin(lo1), sin(la1)};
    const double w[3] = {cos(la2) * cos(lo2), cos(la2) * sin(lo2), sin(la2)};
    const double dot = fmax(-1.0, fmin(1.0, u[0] * w[0] + u[1] * w[1] + u[2] * w[2]));
    const double omega = acos(dot);
    const size_t n = omega > 0 ? (size_t)ceil(omega / DEG / 2.0) + 1 : 2;
    double prev = east_lon(a->lon_deg);
    for (size_t i = 0; i < n; i++) {
        const double t = (double)i / (double)(n - 1);
        double q[3];
        if (omega < 1e-9) {
            memcpy(q, u, sizeof q);
        } else {
            const double sa = sin((1 - t) * omega) / sin(omega), sb = sin(t * omega) / sin(omega);
            for (int c = 0; c < 3; c++)
                q[c] = sa * u[c] + sb * w[c];
        }
        const double lat = atan2(q[2], hypot(q[0], q[1])) / DEG;
        double lon = east_lon(atan2(q[1], q[0]) / DEG);
        while (lon - prev > 180)
            lon -= 360;
        while (prev - lon > 180)
            lon += 360;
        prev = lon;
        cs_html_printf(h, "%c%.1f %.1f", i == 0 ? 'M' : 'L', px(p, lon), py(p, lat));
    }
}

/* Red from light (p small) to dark (p = 1). */
static void fail_colour(double pr, char *buf, size_t n)
{
    const double t = fmax(0.0, fmin(1.0, pr));
    snprintf(buf, n, "#%02x%02x%02x", (int)(250 - 70 * t), (int)(140 - 130 * t),
             (int)(60 - 50 * t));
}

static void edge_title(cs_html *h, const cs_results_info *in, const cs_analysis_t *a, size_t j)
{
    const cs_redge *e = &in->edges[j];
    cs_html_raw(h, "<title>");
    cs_html_text(h, e->id);
    if (e->cable[0]) {
        cs_html_raw(h, " (");
        cs_html_text(h, e->cable_name[0] ? e->cable_name : e->cable);
        cs_html_raw(h, ")");
    }
    cs_html_printf(h, ": %.4g Tbps; down in %.4g%% of trials", e->lit_tbps,
                   100.0 * a->edges[j].crit.failed.p);
    if (a->has_flow && isfinite(a->edges[j].flow.rise))
        cs_html_printf(h, "; flow change when others fail %+.3g Tbps", a->edges[j].flow.rise);
    cs_html_raw(h, "</title>");
}

/* Edge j drawn over the network: class (markup after it allowed), colour, width, its id. */
static void overlay(cs_html *h, const proj *p, const cs_analysis_t *a, size_t j, const char *cls,
                    const char *colour, double width)
{
    const cs_results_info *in = a->info;
    cs_html_printf(h, "<path class=\"%s\" stroke=\"%s\" stroke-width=\"%.2f\" data-edge=\"", cls,
                   colour, width);
    cs_html_text(h, in->edges[j].id);
    cs_html_raw(h, "\" d=\"");
    great_circle(h, p, &in->nodes[in->edges[j].from], &in->nodes[in->edges[j].to]);
    cs_html_raw(h, "\">");
    edge_title(h, in, a, j);
    cs_html_raw(h, "</path>\n");
}

static void draw_edges(cs_html *h, const proj *p, const cs_analysis_t *a)
{
    const cs_results_info *in = a->info;
    double max_rise = 0;
    for (size_t j = 0; a->has_flow && j < in->n_edges; j++)
        if (isfinite(a->edges[j].flow.rise)) max_rise = fmax(max_rise, a->edges[j].flow.rise);
    /* 1: the network; 2: where traffic went (flow rise); 3: what was down. */
    cs_html_raw(h, "<g class=\"edges\" fill=\"none\" stroke-linecap=\"round\">\n");
    for (size_t j = 0; j < in->n_edges; j++) {
        const bool link = strcmp(in->edges[j].kind, "link") == 0;
        cs_html_printf(h, "<path class=\"edge\" stroke=\"#8796a8\" stroke-width=\"%s\"%s d=\"",
                       link ? "0.6" : "1", link ? " stroke-dasharray=\"2 2\"" : "");
        great_circle(h, p, &in->nodes[in->edges[j].from], &in->nodes[in->edges[j].to]);
        cs_html_raw(h, "\">");
        edge_title(h, in, a, j);
        cs_html_raw(h, "</path>\n");
    }
    for (size_t j = 0; max_rise > 0 && j < in->n_edges; j++) {
        const double r = a->edges[j].flow.rise;
        if (r > 0.01 * max_rise)
            overlay(h, p, a, j, "rerouted\" stroke-opacity=\"0.75", "#1f6fd1",
                    1.5 + 6.0 * r / max_rise);
    }
    for (size_t j = 0; j < in->n_edges; j++) {
        const double pr = a->edges[j].crit.failed.p;
        if (!(a->edges[j].crit.failed.k > 0)) continue;
        char col[16];
        fail_colour(pr, col, sizeof col);
        overlay(h, p, a, j, "failed", col, 1.5 + 2.5 * pr);
    }
    cs_html_raw(h, "</g>\n");
}

static void draw_nodes(cs_html *h, const proj *p, const cs_analysis_t *a)
{
    const cs_results_info *in = a->info;
    cs_html_raw(h, "<g class=\"nodes\">\n");
    for (size_t i = 0; i < in->n_nodes; i++) {
        const cs_rnode *v = &in->nodes[i];
        if (strcmp(v->kind, "landing_station") != 0 && strcmp(v->kind, "city") != 0) continue;
        const bool city = strcmp(v->kind, "city") == 0;
        cs_html_printf(h, "<circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\">",
                       city ? "city" : "station", px(p, east_lon(v->lon_deg)), py(p, v->lat_deg),
                       city ? "2.2" : "1.6",
                       city ? "#2b3440"
                            : "#ffffff\" stroke=\"#2b3440\" "
                              "stroke-width=\"0.6");
        cs_html_raw(h, "<title>");
        cs_html_text(h, v->name);
        cs_html_raw(h, "</title></circle>\n");
    }
    for (size_t s = 0; s < a->n_stations; s++) {
        const cs_criticality *c = &a->stations[s].crit;
        if (c->failed.k == 0) continue;
        const cs_rnode *v = &in->nodes[a->stations[s].node];
        cs_html_printf(h,
                       "<circle class=\"lost\" cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" "
                       "fill=\"#b0120a\" fill-opacity=\"0.8\" data-node=\"",
                       px(p, east_lon(v->lon_deg)), py(p, v->lat_deg), 3.0 + 3.0 * c->failed.p);
        cs_html_text(h, v->id);
        cs_html_printf(h, "\"><title>");
        cs_html_text(h, v->name);
        cs_html_printf(h, ": lost in %.4g%% of trials</title></circle>\n", 100.0 * c->failed.p);
    }
    cs_html_raw(h, "</g>\n");
}

void cs_map_draw(cs_html *h, const cs_map_view *v, const cs_analysis_t *a, const cs_coast_t *coast)
{
    const proj p = proj_of(v);
    cs_html_printf(h,
                   "<svg id=\"%s\" class=\"map\" xmlns=\"http://www.w3.org/2000/svg\" "
                   "viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" role=\"img\" "
                   "aria-label=\"",
                   v->id, v->width, p.height, v->width, p.height);
    cs_html_text(h, v->title);
    cs_html_printf(h, "\"><rect class=\"sea\" width=\"%.0f\" height=\"%.0f\" fill=\"#eef4fa\"/>\n",
                   v->width, p.height);
    draw_graticule(h, &p);
    if (coast != NULL) draw_coast(h, &p, coast);
    draw_edges(h, &p, a);
    draw_nodes(h, &p, a);
    cs_html_raw(h, "</svg>\n");
}

/* ---------------------------------------------------------------- recovery chart */

void cs_chart_recovery(cs_html *h, const cs_recovery_analysis_t *v)
{
    const double W = 640, H = 300, l = 56, r = 16, t = 14, b = 40;
    double lo = 1.0;
    for (size_t j = 0; j < v->n_points; j++) {
        const cs_recovery_point *q = &v->points[j];
        if (isfinite(q->q10)) lo = fmin(lo, q->q10);
        if (isfinite(q->share.mean)) lo = fmin(lo, q->share.mean);
    }
    /* whole percent below the lowest value, at least 1% of range */
    lo = fmin(0.99, fmax(0.0, floor(100.0 * lo - 0.5) / 100.0));
    const double x1 = v->n_points ? v->points[v->n_points - 1].time_days : 1.0;
    const double xs = (W - l - r) / (x1 > 0 ? x1 : 1.0), ys = (H - t - b) / (1.0 - lo);
#define CX(d) (l + (d)*xs)
#define CY(s) (t + (1.0 - (s)) * ys)
    cs_html_printf(
        h,
        "<svg id=\"recovery-chart\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
        "viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" role=\"img\" "
        "aria-label=\"served share over time\" font-size=\"10\">\n",
        W, H, W, H);
    cs_html_printf(h,
                   "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"#fafbfc\" "
                   "stroke=\"#c8d0d8\"/>\n",
                   l, t, W - l - r, H - t - b);
    for (int i = 0; i <= 5; i++) {
        const double s = lo + (1.0 - lo) * i / 5.0;
        cs_html_printf(h,
                       "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e1e6eb\"/>"
                       "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.*f%%</text>\n",
                       l, W - r, CY(s), CY(s), l - 4, CY(s) + 3, 1.0 - lo < 0.05 ? 1 : 0, 100 * s);
    }
    double last_x = -1e9; /* labels closer than 16 px to the last one are left out */
    for (size_t j = 0; j < v->n_points; j++) {
        const double d = v->points[j].time_days;
        if (CX(d) - last_x < 16) continue;
        last_x = CX(d);
        cs_html_printf(h, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%g</text>\n", CX(d),
                       H - b + 14, d);
    }
    cs_html_printf(h,
                   "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">days after the first "
                   "failure</text>\n",
                   l + (W - l - r) / 2, H - 6);
    /* the 10-90% band, then the median and the mean */
    cs_html_raw(h, "<path class=\"band\" fill=\"#9cc3ec\" fill-opacity=\"0.6\" d=\"");
    size_t drawn = 0;
    for (size_t j = 0; j < v->n_points; j++)
        if (isfinite(v->points[j].q90))
            cs_html_printf(h, "%c%.1f %.1f", drawn++ ? 'L' : 'M', CX(v->points[j].time_days),
                           CY(v->points[j].q90));
    for (size_t j = v->n_points; j-- > 0;)
        if (isfinite(v->points[j].q10))
            cs_html_printf(h, "L%.1f %.1f", CX(v->points[j].time_days), CY(v->points[j].q10));
    cs_html_raw(h, drawn ? "Z\"/>\n" : "\"/>\n");
    static const char *const names[2] = {"median", "mean"};
    static const char *const colours[2] = {"#0b4f9c", "#c0392b"};
    for (int m = 0; m < 2; m++) {
        cs_html_printf(h,
                       "<polyline class=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s "
                       "points=\"",
                       names[m], colours[m], m ? " stroke-dasharray=\"5 3\"" : "");
        for (size_t j = 0; j < v->n_points; j++) {
            const double s = m ? v->points[j].share.mean : v->points[j].median;
            if (isfinite(s)) cs_html_printf(h, "%.1f,%.1f ", CX(v->points[j].time_days), CY(s));
        }
        cs_html_raw(h, "\"/>\n");
    }
    cs_html_printf(
        h,
        "<g transform=\"translate(%.0f,%.0f)\"><rect width=\"150\" height=\"46\" "
        "fill=\"#ffffff\" stroke=\"#c8d0d8\"/>"
        "<rect x=\"8\" y=\"7\" width=\"18\" height=\"8\" fill=\"#9cc3ec\"/>"
        "<text x=\"32\" y=\"15\">10-90%% of trials</text>"
        "<line x1=\"8\" x2=\"26\" y1=\"25\" y2=\"25\" stroke=\"#0b4f9c\" "
        "stroke-width=\"2\"/><text x=\"32\" y=\"28\">median</text>"
        "<line x1=\"8\" x2=\"26\" y1=\"37\" y2=\"37\" stroke=\"#c0392b\" "
        "stroke-width=\"2\" stroke-dasharray=\"5 3\"/><text x=\"32\" y=\"40\">mean</text>"
        "</g>\n</svg>\n",
        W - r - 158, H - b - 54);
#undef CX
#undef CY
}
