/*
 * report.h: a self-contained HTML report of one or more results files (docs/report.md).
 *
 * One file a planner can hand over and open offline: CSS and SVG are inline, nothing is fetched.
 * It states the question (scenario, network year, demand, hazards in words), the headline
 * figures with their uncertainty, the regions and cables that matter, maps of the network (GSHHG
 * coastlines, what was down, where the traffic went), the recovery curve when the file has one,
 * a comparison table when given several files, the assumptions and sources, and the software
 * and data versions. Every number comes from cs_analysis_run(), cs_analysis_recovery() and
 * cs_analysis_compare(), the code behind `cablesim analyze` and `compare`; each figure carries
 * the key of the same number in `analyze --format json` (data-key) and its full value
 * (data-value), so a test can hold the page to the JSON.
 */
#ifndef CS_REPORT_H
#define CS_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "cablesim/analysis.h"
#include "cablesim/error.h"

typedef struct {
    size_t top;            /**< rows of each ranking (cables, stations, rerouting) */
    const char *coastline; /**< a GSHHG binned file (coast.h); NULL: maps without coastline */
    cs_analysis_options analysis;
} cs_report_options;

#define CS_REPORT_OPTIONS_INIT                                                                     \
    {                                                                                              \
        .top = 10, .coastline = NULL, .analysis = CS_ANALYSIS_OPTIONS_INIT                         \
    }

/**
 * Writes the report of the results files files[0..n_files) to out (name stands for it in
 * messages). The first file is described in full; with more than one, a comparison table gives
 * each file's headline figures and the paired differences from the first where they pair.
 * \return CS_OK; CS_EINVAL (no file, bad option, a file that is not a complete results file,
 * coastline data that is not GSHHG); CS_EIO (cannot read an input or write out); CS_ENOMEM.
 */
cs_status cs_report_write(FILE *out, const char *const *files, size_t n_files,
                          const cs_report_options *o, const char *name, cs_error *err);

/**
 * cs_report_write() into path: written as "<path>.tmp.<pid>" and renamed to path when complete,
 * so a failure leaves no page that looks finished. The caller decides whether path may be
 * replaced. \return as cs_report_write().
 */
cs_status cs_report_file(const char *path, const char *const *files, size_t n_files,
                         const cs_report_options *o, cs_error *err);

/**
 * Prints the HTML page html to the PDF file pdf with a headless Chromium (browser: its command,
 * "chromium" when NULL), run without a shell and without network access to anything but the
 * local file. The browser prints into a directory of its own, $TMPDIR (else /tmp)
 * /cablesim-pdf-HOST-PID-XXXXXX, removed when it ends; one that a killed report left (its PID no
 * longer runs on this host) is removed by the next. The PDF, once checked whole (a PDF cut short
 * by a full disk has no "%%EOF"), is copied to pdf as "<pdf>.tmp.<pid>" renamed when complete,
 * so a failure or a kill leaves nothing at pdf. \return CS_OK; CS_EIO
 * (the browser cannot be run or fails); CS_EWRITE (no whole PDF printed, or pdf cannot be
 * written: a full disk, a file size limit); CS_EINVAL (pdf cannot be made: the path).
 */
cs_status cs_report_pdf(const char *html, const char *pdf, const char *browser, cs_error *err);

#endif /* CS_REPORT_H */
