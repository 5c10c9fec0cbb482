/*
 * rare.h: the rare-event part of `cablesim analyze` and `cablesim compare` (cmd_rare.c;
 * docs/rare-events.md): files of runs with a scenario `estimator:`.
 */
#ifndef CS_CLI_RARE_H
#define CS_CLI_RARE_H

#include <stdbool.h>
#include <stddef.h>

/** Output formats, in the order of cmd_analyze.c's out_format (which is cast to this). */
typedef enum { CLI_RARE_TEXT, CLI_RARE_JSON, CLI_RARE_CSV } cli_rare_format;

/**
 * `analyze` of an importance-sampled file (one with /trials/weight): the target's probability,
 * the weighted means and the effective sample size, and nothing of the tilted draws' plain
 * statistics. *handled is false (and nothing printed) for any other file. Returns an exit
 * status.
 */
int cli_rare_analyze(const char *path, cli_rare_format f, bool *handled);
/** The rare-event section appended to the text of `analyze` for a plain file with an
 * `estimator:` (nothing for a file without). Returns an exit status. */
int cli_rare_section(const char *path);
/**
 * `compare` when some file is importance-sampled: the targets' probabilities and the weighted
 * means, B - A as two independent estimates (normal interval of the difference). *handled false
 * when no file is. Returns an exit status.
 */
int cli_rare_compare(const char *const *paths, size_t n, cli_rare_format f, bool *handled);

#endif /* CS_CLI_RARE_H */
