/* cli_util.c: option parsing and CSV output shared by the subcommands. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cablesim/outfile.h"
#include "cablesim/scenario.h"
#include "cli.h"

int cli_scenario_file(const char *arg, char *buf, size_t n)
{
    struct stat st;
    if (stat(arg, &st) == 0 || errno != ENOENT) { /* a file (or one the loader will explain) */
        snprintf(buf, n, "%s", arg);
        return CLI_OK;
    }
    cs_error err = CS_ERROR_INIT;
    return cs_scenario_find(arg, buf, n, &err) == CS_OK ? CLI_OK : cli_report(&err);
}

int cli_refuse_existing(const char *cmd, const char *path, bool force, const char *const *inputs,
                        size_t n_inputs)
{
    struct stat st;
    cs_error err = CS_ERROR_INIT;
    if (path == NULL) return CLI_OK;
    if (cs_outfile_check_replace(path, inputs, n_inputs, &err) != CS_OK) return cli_report(&err);
    if (force || lstat(path, &st) != 0) return CLI_OK;
    return cli_usage_error("%s: %s exists; --force replaces it", cmd, path);
}

void cli_csv_str(const char *s, bool last)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, stdout);
    } else {
        putchar('"');
        for (; *s; s++) {
            if (*s == '"') putchar('"');
            putchar(*s);
        }
        putchar('"');
    }
    putchar(last ? '\n' : ',');
}

bool cli_getopt_init(cli_getopt *g, const char *cmd, const struct option *opt,
                     const char *shortopts, int argc, char **argv)
{
    memset(g, 0, sizeof *g);
    g->cmd = cmd;
    g->opt = opt;
    /* ':' first: a missing value comes back as the option (arg NULL), not as '?'. */
    snprintf(g->shortopts, sizeof g->shortopts, ":%s", shortopts);
    g->argc = argc + 1;
    g->argv = calloc((size_t)argc + 2, sizeof *g->argv);
    g->pos = calloc((size_t)argc + 1, sizeof *g->pos);
    if (g->argv == NULL || g->pos == NULL) {
        cli_getopt_destroy(g);
        cli_message("%s: out of memory", cmd);
        return false;
    }
    g->argv[0] = (char *)cmd;
    for (int i = 0; i < argc; i++)
        g->argv[i + 1] = argv[i];
    optind = 0; /* glibc: start a new scan */
    opterr = 0;
    return true;
}

/* The unknown option in argv[optind - 1] ("--formt=x" as "--formt"), with a did-you-mean. */
static void unknown_option(const cli_getopt *g, const char *arg)
{
    char name[256];
    snprintf(name, sizeof name, "%s", arg);
    name[strcspn(name, "=")] = '\0';
    size_t n = 0;
    while (g->opt[n].name != NULL)
        n++;
    const char **names = calloc(n + 1, sizeof *names);
    char hint[300] = "";
    if (names != NULL && strncmp(name, "--", 2) == 0) {
        for (size_t i = 0; i < n; i++)
            names[i] = g->opt[i].name;
        const size_t k = cs_nearest_name(name + 2, names, n);
        if (k != SIZE_MAX) snprintf(hint, sizeof hint, " (did you mean \"--%s\"?)", names[k]);
    }
    free(names);
    cli_message("%s: unknown option \"%s\"%s (see 'cablesim %s --help')", g->cmd, name, hint,
                g->cmd);
}

int cli_getopt_next(cli_getopt *g)
{
    for (;;) {
        const int prev = optind == 0 ? 1 : optind;
        const int c = getopt_long(g->argc, g->argv, g->shortopts, g->opt, NULL);
        g->arg = optarg;
        if (c == -1) {
            for (int i = optind; i < g->argc; i++)
                g->pos[g->npos++] = g->argv[i];
            return -1;
        }
        if (c == ':') { /* a value missing: the caller says what it expected */
            g->arg = NULL;
            return optopt;
        }
        if (c != '?') {
            /* An empty value (-o '', --top=) is no value: the caller says what it expected. */
            if (g->arg != NULL && g->arg[0] == '\0') g->arg = NULL;
            return c;
        }
        const char *bad = optind - 1 >= prev && optind - 1 < g->argc ? g->argv[optind - 1] : "";
        if (optopt != 0 && strncmp(bad, "--", 2) != 0) { /* an unknown short option */
            char s[3] = {'-', (char)optopt, '\0'};
            unknown_option(g, s);
        } else if (strchr(bad, '=') != NULL) { /* --flag=value for a flag that takes none */
            char name[256];
            snprintf(name, sizeof name, "%s", bad);
            name[strcspn(name, "=")] = '\0';
            bool known = false;
            for (size_t i = 0; g->opt[i].name != NULL; i++)
                known |= strcmp(g->opt[i].name, name + 2) == 0;
            if (known)
                cli_message("%s: %s takes no value, found \"%s\"", g->cmd, name,
                            strchr(bad, '=') + 1);
            else
                unknown_option(g, bad);
        } else {
            unknown_option(g, bad);
        }
        return '?';
    }
}

void cli_getopt_destroy(cli_getopt *g)
{
    free(g->argv);
    free(g->pos);
    g->argv = NULL;
    g->pos = NULL;
}

void cli_json_put(json_t *obj, const char *key, json_t *v, bool *ok)
{
    if (v == NULL || json_object_set_new(obj, key, v) != 0) *ok = false;
}

void cli_json_push(json_t *arr, json_t *v, bool *ok)
{
    if (v == NULL || json_array_append_new(arr, v) != 0) *ok = false;
}

int cli_json_print(json_t *root, bool ok, const char *cmd)
{
    const size_t flags = JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12);
    if (ok && json_dumpf(root, stdout, flags) == 0)
        putchar('\n');
    else
        ok = false;
    json_decref(root);
    if (ok) return CLI_OK;
    /* Not the input's fault: out of memory or a failed write. */
    fprintf(stderr, "cablesim: %s: cannot build or write the JSON output\n", cmd);
    return CLI_FAIL;
}

double cli_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
