/*
 * report_impl.h: what the parts of the report share (report.c: the page, its opening and closing
 * sections, the entry points and the PDF; report_tables.c: the ranked tables, the maps, the
 * recovery and the comparison). Internal: not installed.
 */
#ifndef CS_REPORT_IMPL_H
#define CS_REPORT_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "cablesim/analysis.h"
#include "cablesim/coast.h"
#include "cablesim/report.h"
#include "cablesim/ydoc.h"
#include "report/html.h"

/* One input file and what the analysis made of it. */
typedef struct {
    const char *path;
    cs_resultsio_t *r;
    cs_analysis_t *a;
    cs_recovery_analysis_t *v; /* NULL without recovery data */
    cs_ydoc_t *doc;            /* the scenario as run (resolved when the file has it) */
} cs_rep_input;

/* The page being written and its inputs (in[0] is described in full). */
typedef struct {
    cs_html h;
    const cs_report_options *o;
    cs_rep_input *in;
    size_t n;
    cs_coast_t *coast_wide, *coast_japan;
} cs_rep_page;

/* A scalar of the file's scenario (key at the root), or dflt. */
const char *cs_rep_scen_str(const cs_rep_input *f, const char *key, const char *dflt);
/* The honest statement of the expected unserved demand (as analyze prints it). */
cs_loss_interval cs_rep_loss_interval(const cs_analysis_t *a);
/* The interval of an honestly stated figure whose JSON object is at key (docs/analysis-cli.md):
 * "lo to hi" (key.lo, key.hi) when normal, "at least" (served) or "at most" key.bound for a
 * bound, "one outcome" otherwise. */
void cs_rep_stated(cs_html *h, const char *key, const cs_loss_interval *s, int prec, double scale,
                   const char *suffix, bool served);

/* The sections of report_tables.c, in the order of the page; false when out of memory. */
bool cs_rep_regions(cs_rep_page *R);
bool cs_rep_cables(cs_rep_page *R);
void cs_rep_maps(cs_rep_page *R);
void cs_rep_recovery(cs_rep_page *R);
void cs_rep_comparison(cs_rep_page *R);

#endif /* CS_REPORT_IMPL_H */
