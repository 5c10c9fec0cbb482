/*
 * html.h (internal to the report module): writing HTML text to a stream, escaped, with errors
 * remembered rather than checked at every call, and the figures of a report tagged with the
 * key of the same number in `cablesim analyze --format json` (docs/report.md, "Figures").
 */
#ifndef CS_REPORT_HTML_H
#define CS_REPORT_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct {
    FILE *out;
    bool failed;      /**< a write failed; the caller checks once at the end */
    int file;         /**< the input file the figures being written come from (data-file) */
    const char *base; /**< the JSON key prefix of the figures being written ("" at the root) */
} cs_html;

/** Writes s as is. */
void cs_html_raw(cs_html *h, const char *s);
/** printf-style, as is (for markup and numbers, never for input text). */
void cs_html_printf(cs_html *h, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/** Writes s escaped for text and attribute values (& < > " '). NULL writes nothing. */
void cs_html_text(cs_html *h, const char *s);
/** "<tag>escaped text</tag>". */
void cs_html_elem(cs_html *h, const char *tag, const char *text);
/** Markup around text: parts[0] as is, parts[1] escaped, parts[2] as is, ... (n parts; a NULL
 * text writes nothing). */
void cs_html_mix(cs_html *h, const char *const *parts, size_t n);

/**
 * A figure: `<span class="fig" data-file="F" data-key="BASE.KEY" data-value="%.17g">` with the
 * value shown as scale x value in prec decimals, then suffix (unit), `</span>`. A value that is
 * not finite shows "–" and data-value "null" (JSON has no NaN). key is a dotted path into the
 * JSON of `analyze --format json` (array members by index).
 */
void cs_html_fig(cs_html *h, const char *key, double value, int prec, double scale,
                 const char *suffix);
/** A count (an integer figure). */
void cs_html_count(cs_html *h, const char *key, unsigned long long value);
/** The figures lo and hi as "lo to hi", under key.lo and key.hi (an estimate or a proportion of
 * the JSON: {"mean", "lo", "hi", ...}). */
void cs_html_interval(cs_html *h, const char *key, double lo, double hi, int prec, double scale,
                      const char *suffix);
/** The next cell of a table row (`</td><td>`) holding a figure (cs_html_fig) whose key is
 * printf-formatted from keyfmt. */
void cs_html_td_fig(cs_html *h, double value, int prec, double scale, const char *suffix,
                    const char *keyfmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;
/** The same with an interval (cs_html_interval). */
void cs_html_td_interval(cs_html *h, double lo, double hi, int prec, double scale,
                         const char *suffix, const char *keyfmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 7, 8)))
#endif
    ;

#endif
