/* html.c: escaped HTML output and tagged figures for the report (html.h). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "report/html.h"

void cs_html_raw(cs_html *h, const char *s)
{
    if (fputs(s, h->out) < 0) h->failed = true;
}

void cs_html_printf(cs_html *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (vfprintf(h->out, fmt, ap) < 0) h->failed = true;
    va_end(ap);
}

void cs_html_text(cs_html *h, const char *s)
{
    for (; s != NULL && *s; s++) {
        const char *e = NULL;
        switch (*s) {
        case '&':
            e = "&amp;";
            break;
        case '<':
            e = "&lt;";
            break;
        case '>':
            e = "&gt;";
            break;
        case '"':
            e = "&quot;";
            break;
        case '\'':
            e = "&#39;";
            break;
        default:
            break;
        }
        if (e != NULL ? fputs(e, h->out) < 0 : fputc(*s, h->out) == EOF) h->failed = true;
    }
}

void cs_html_elem(cs_html *h, const char *tag, const char *text)
{
    cs_html_printf(h, "<%s>", tag);
    cs_html_text(h, text);
    cs_html_printf(h, "</%s>", tag);
}

void cs_html_mix(cs_html *h, const char *const *parts, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (i % 2 == 0)
            cs_html_raw(h, parts[i]);
        else
            cs_html_text(h, parts[i]);
}

static void open_fig(cs_html *h, const char *key, double scale)
{
    cs_html_printf(h, "<span class=\"fig\" data-file=\"%d\"", h->file);
    if (scale != 1.0) cs_html_printf(h, " data-scale=\"%g\"", scale);
    cs_html_raw(h, " data-key=\"");
    if (h->base != NULL && h->base[0]) {
        cs_html_text(h, h->base);
        cs_html_raw(h, ".");
    }
    cs_html_text(h, key);
    cs_html_raw(h, "\" data-value=\"");
}

void cs_html_fig(cs_html *h, const char *key, double value, int prec, double scale,
                 const char *suffix)
{
    open_fig(h, key, scale);
    if (isfinite(value))
        cs_html_printf(h, "%.17g\">%.*f", value, prec, scale * value);
    else
        cs_html_raw(h, "null\">\xE2\x80\x93");
    if (suffix != NULL && isfinite(value)) cs_html_text(h, suffix);
    cs_html_raw(h, "</span>");
}

void cs_html_count(cs_html *h, const char *key, unsigned long long value)
{
    open_fig(h, key, 1.0);
    cs_html_printf(h, "%llu\">%llu</span>", value, value);
}

static void interval(cs_html *h, const char *key_lo, const char *key_hi, double lo, double hi,
                     int prec, double scale, const char *suffix)
{
    cs_html_fig(h, key_lo, lo, prec, scale, suffix);
    cs_html_raw(h, " to ");
    cs_html_fig(h, key_hi, hi, prec, scale, suffix);
}

void cs_html_interval(cs_html *h, const char *key, double lo, double hi, int prec, double scale,
                      const char *suffix)
{
    char a[256], b[256];
    snprintf(a, sizeof a, "%s.lo", key);
    snprintf(b, sizeof b, "%s.hi", key);
    interval(h, a, b, lo, hi, prec, scale, suffix);
}

/* Closes a cell, opens the next and formats its figure's key into k. */
static void next_cell(cs_html *h, char *k, size_t n, const char *keyfmt, va_list ap)
{
    vsnprintf(k, n, keyfmt, ap);
    cs_html_raw(h, "</td><td>");
}

void cs_html_td_fig(cs_html *h, double value, int prec, double scale, const char *suffix,
                    const char *keyfmt, ...)
{
    char k[240]; /* room for ".lo" in cs_html_interval's 256 */
    va_list ap;
    va_start(ap, keyfmt);
    next_cell(h, k, sizeof k, keyfmt, ap);
    va_end(ap);
    cs_html_fig(h, k, value, prec, scale, suffix);
}

void cs_html_td_interval(cs_html *h, double lo, double hi, int prec, double scale,
                         const char *suffix, const char *keyfmt, ...)
{
    char k[240]; /* room for ".lo" in cs_html_interval's 256 */
    va_list ap;
    va_start(ap, keyfmt);
    next_cell(h, k, sizeof k, keyfmt, ap);
    va_end(ap);
    cs_html_interval(h, k, lo, hi, prec, scale, suffix);
}
