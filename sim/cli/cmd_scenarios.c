/*
 * cmd_scenarios.c: `cablesim scenarios`: the bundled scenarios, each with its one-line
 * description; any of them runs by name from any directory (`cablesim run nankai-m9`).
 */
#include <stdio.h>
#include <string.h>

#include "cablesim/scenario.h"
#include "cli.h"

static const char usage[] =
    "Usage: cablesim scenarios [--paths]\n"
    "\n"
    "Lists the bundled scenarios (the data directory's scenarios/, share/cablesim/scenarios\n"
    "when installed; CABLESIM_DATADIR overrides), each with its description. Any of them runs\n"
    "by name from any directory: cablesim run nankai-m9, cablesim run replays/tohoku-2011.\n"
    "\n"
    "  --paths   also print each scenario's file\n";

int cmd_scenarios(int argc, char **argv)
{
    bool paths = false;
    for (int i = 0; i < argc; i++)
        if (cli_is_help(argv[i])) {
            fputs(usage, stdout);
            return CLI_OK;
        }
    static const struct option opts[] = {{"paths", no_argument, NULL, 'p'}, {NULL, 0, NULL, 0}};
    cli_getopt g;
    if (!cli_getopt_init(&g, "scenarios", opts, "", argc, argv)) return CLI_FAIL;
    int st = CLI_OK, opt;
    while (st == CLI_OK && (opt = cli_getopt_next(&g)) != -1)
        if (opt == 'p')
            paths = true;
        else
            st = CLI_USAGE;
    if (st == CLI_OK && g.npos > 0)
        st = cli_usage_error("scenarios: unexpected argument \"%s\" (see 'cablesim scenarios "
                             "--help')",
                             g.pos[0]);
    cli_getopt_destroy(&g);
    if (st != CLI_OK) return st;
    cs_error err = CS_ERROR_INIT;
    cs_scenario_catalog c;
    if (cs_scenario_catalog_init(&c, &err) != CS_OK) return cli_report(&err);
    int w = 4;
    for (size_t i = 0; i < c.n; i++)
        if ((int)strlen(c.entries[i].name) > w) w = (int)strlen(c.entries[i].name);
    printf("Bundled scenarios (%s); run one with 'cablesim run NAME'\n\n", c.dir);
    printf("  %-*s  %s\n", w, "NAME", "DESCRIPTION");
    for (size_t i = 0; i < c.n; i++) {
        printf("  %-*s  %s\n", w, c.entries[i].name, c.entries[i].description);
        if (paths) printf("  %-*s  %s\n", w, "", c.entries[i].path);
    }
    cs_scenario_catalog_destroy(&c);
    if (fflush(stdout) != 0) {
        cli_message("scenarios: cannot write the output");
        return CLI_FAIL;
    }
    return CLI_OK;
}
