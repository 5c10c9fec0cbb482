/* cli_util.c: option parsing and CSV output shared by the subcommands. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

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

const char *cli_option_value(int argc, char **argv, int *i, const char *name)
{
    const char *s = argv[*i];
    const size_t n = strlen(name);
    if (strncmp(s, name, n) == 0 && s[n] == '=') return s + n + 1;
    return *i + 1 < argc ? argv[++*i] : NULL;
}

bool cli_is_option(const char *s, const char *name)
{
    const size_t n = strlen(name);
    return strncmp(s, name, n) == 0 && (s[n] == '\0' || s[n] == '=');
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
