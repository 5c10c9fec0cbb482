/*
 * error.h: status codes and the caller-owned error context.
 *
 * Every fallible cablesim function returns a cs_status and, on failure, leaves
 * a one-line human-readable message in a cs_error owned by the caller. The
 * library never prints, exits or aborts; the CLI decides what to do.
 */
#ifndef CS_ERROR_H
#define CS_ERROR_H

#include <stdarg.h>
#include <stddef.h>

/** Status codes. CS_OK is 0 so that `if (rc)` reads as "failed". */
typedef enum {
    CS_OK = 0,
    CS_ENOMEM,  /**< allocation failed */
    CS_EINVAL,  /**< invalid argument or invalid input data */
    CS_EIO,     /**< file could not be opened, read or written */
    CS_EPARSE,  /**< syntax error in an input file */
    CS_EHDF5,   /**< an HDF5 call failed */
    CS_EMPI,    /**< an MPI call failed */
    CS_EIGRAPH, /**< an igraph call failed */
    CS_EINTR,   /**< interrupted by a signal; work so far is consistent */
    CS_EWRITE   /**< an output made could not be written (a full disk, a file size limit): not
                     the input's fault (the CLI exits with 1, where CS_EIO is 2) */
} cs_status;

#define CS_ERROR_MSG_MAX 1024

/**
 * Error context. Holds the first error's message (the root cause); later
 * errors are counted. When sink is set, every message is also passed to it,
 * which is how a validator reports all the problems of a file at once.
 */
typedef struct {
    cs_status code;
    size_t count;
    char msg[CS_ERROR_MSG_MAX];
    void (*sink)(void *ctx, const char *msg); /**< optional */
    void *sink_ctx;
} cs_error;

/** Static initialiser for a cs_error. */
#define CS_ERROR_INIT                                                                              \
    {                                                                                              \
        .code = CS_OK, .count = 0, .msg = {0}, .sink = NULL, .sink_ctx = NULL                      \
    }

/** Resets err to "no error", keeping its sink. err may be NULL. */
void cs_error_clear(cs_error *err);

/**
 * Records an error and returns its code, so that callers can write
 * `return cs_errorf(err, CS_EINVAL, "...", ...)`. Only the first message is
 * kept (the root cause); later ones increase err->count. err may be NULL.
 * The message is made one line (cs_escape_line): text quoted from an input
 * cannot break it.
 */
cs_status cs_errorf(cs_error *err, cs_status code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/**
 * Whether errno e, from making or writing an output, means that the disk is full or failed
 * (ENOSPC, EDQUOT, EFBIG: a file size limit, EIO): not the path's fault, where a missing
 * directory, EACCES or EROFS is.
 */
int cs_errno_full(int e);

/** CS_EWRITE when cs_errno_full(e), else fallback (the status of a path that cannot be made). */
cs_status cs_create_status(int e, cs_status fallback);

/**
 * Copies src into dst[n] as one printable line: newline, carriage return and tab become
 * "\\n", "\\r", "\\t", every other control character (and DEL) "\\xHH"; other bytes (UTF-8
 * included) are kept. Cut at n - 1 bytes, never inside an escape. Returns the length written.
 * The one place messages are escaped: cs_errorf and the CLI's messages use it.
 */
size_t cs_escape_line(char *dst, size_t n, const char *src);

/**
 * The name among names[0..n) to suggest for s in a "did you mean" hint, or SIZE_MAX: the nearest
 * by cs_edit_distance (Levenshtein, ASCII case ignored) when it is near by the one rule
 * (cs_name_is_near: within max(2, strlen(s) / 3) edits and closer than s is long;
 * "randm_faults" -> "random_faults"); else, for s of 3 bytes or more, the nearest name that
 * contains s, case ignored (a prefix or a part: "random" -> "random_faults", "quake" ->
 * "earthquake"); else SIZE_MAX.
 */
size_t cs_nearest_name(const char *s, const char *const *names, size_t n);

/** Short name of a status code ("invalid input", ...). */
const char *cs_status_name(cs_status code);

/**
 * Installs the GSL and igraph error handlers the library relies on (both
 * defaults abort the process) and turns off HDF5's close-at-exit handler
 * (which crashes on a file whose write failed). Call once, from the main
 * thread, before any other cablesim or HDF5 call. Idempotent.
 */
void cs_library_init(void);

/** Returns the message igraph reported last (set by the handler cs_library_init installs). */
const char *cs_igraph_last_reason(void);

#endif /* CS_ERROR_H */
