/* error.c: the error context and the library-wide error handlers. */
#include "cablesim/error.h"

#include <gsl/gsl_errno.h>
#include <hdf5.h>
#include <igraph.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

void cs_error_clear(cs_error *err)
{
    if (err == NULL) return;
    err->code = CS_OK;
    err->count = 0;
    err->msg[0] = '\0';
}

int cs_errno_full(int e)
{
    return e == ENOSPC || e == EDQUOT || e == EFBIG || e == EIO;
}

cs_status cs_create_status(int e, cs_status fallback)
{
    return cs_errno_full(e) ? CS_EWRITE : fallback;
}

size_t cs_escape_line(char *dst, size_t n, const char *src)
{
    static const char hex[] = "0123456789abcdef";
    if (n == 0) return 0;
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)src; *p != '\0'; p++) {
        char esc[5] = {0};
        const char *named = *p == '\n' ? "\\n" : *p == '\r' ? "\\r" : *p == '\t' ? "\\t" : NULL;
        if (named != NULL)
            memcpy(esc, named, 2);
        else if (*p < 0x20 || *p == 0x7f)
            esc[0] = '\\', esc[1] = 'x', esc[2] = hex[*p >> 4], esc[3] = hex[*p & 15];
        else
            esc[0] = (char)*p;
        const size_t k = strlen(esc);
        if (o + k >= n) break; /* never half an escape */
        memcpy(dst + o, esc, k);
        o += k;
    }
    dst[o] = '\0';
    return o;
}

cs_status cs_errorf(cs_error *err, cs_status code, const char *fmt, ...)
{
    if (err == NULL) return code;
    char raw[2 * CS_ERROR_MSG_MAX], line[CS_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    cs_escape_line(line, sizeof line, raw); /* one line, whatever the input held */
    err->count++;
    if (err->count == 1) {
        memcpy(err->msg, line, sizeof line);
        err->code = code;
    }
    if (err->sink != NULL) err->sink(err->sink_ctx, line);
    return code;
}

const char *cs_status_name(cs_status code)
{
    switch (code) {
    case CS_OK:
        return "ok";
    case CS_ENOMEM:
        return "out of memory";
    case CS_EINVAL:
        return "invalid input";
    case CS_EIO:
        return "input/output error";
    case CS_EPARSE:
        return "parse error";
    case CS_EHDF5:
        return "HDF5 error";
    case CS_EMPI:
        return "MPI error";
    case CS_EIGRAPH:
        return "igraph error";
    case CS_EINTR:
        return "interrupted";
    case CS_EWRITE:
        return "could not write the output";
    }
    return "unknown error";
}

/*
 * igraph keeps its handler in process-wide state (Debian builds it without
 * thread-local storage), so the message buffer below is the one piece of
 * mutable static state the library has. It is written only from igraph's
 * error path on the main thread and read right after the failing call.
 */
static char igraph_reason[256];

static void cs_igraph_handler(const char *reason, const char *file, int line,
                              igraph_error_t igraph_errno)
{
    (void)file;
    (void)line;
    snprintf(igraph_reason, sizeof igraph_reason, "%s (%s)", reason ? reason : "",
             igraph_strerror(igraph_errno));
    IGRAPH_FINALLY_FREE();
}

const char *cs_igraph_last_reason(void)
{
    return igraph_reason;
}

void cs_library_init(void)
{
    /* HDF5 closes what is still open from an atexit handler; after a failed write (a full disk,
     * the file size limit) its close of that file crashes there (SIGSEGV). Every file is closed
     * explicitly, so the handler is not needed: before any other HDF5 call, turn it off. */
    H5dont_atexit();
    gsl_set_error_handler_off();
    igraph_set_error_handler(cs_igraph_handler);
    igraph_set_warning_handler(igraph_warning_handler_ignore);
    /* Process-wide too: lets graphs carry the attributes export.c writes. */
    igraph_set_attribute_table(&igraph_cattribute_table);
}
