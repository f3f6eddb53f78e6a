/* cli_export.c — `msksim export`: the options, the default directory and the messages
 * around the exporter (export.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "export.h"
#include "signals.h"

const char cli_export_help[] =
    "Usage: msksim export RESULT.h5 [--csv | --tsv] [-o DIR] [--quiet]\n"
    "Write the summaries of a result of 'msksim run' as tables for spreadsheets and R.\n"
    "\n"
    "  --csv                 comma-separated values (the default)\n"
    "  --tsv                 tab-separated values\n"
    "  -o, --output DIR      directory for the tables (default: RESULT without .h5, plus\n"
    "                        '-tables'); created if missing (its parent must exist)\n"
    "  -q, --quiet           do not list what was written\n"
    "  -h, --help            show this help\n"
    "\n"
    "Tables (one row per observation; missing values are NA):\n"
    "  summary          one row per arm: % change to the end with 95% CI, event rates per\n"
    "                   1000 person-years with 95% CI, person-years (/summary)\n"
    "  comparison       one row per arm but the reference: paired differences against the\n"
    "                   reference arm (/comparison); only with two arms or more\n"
    "  timeseries       one row per arm and observation time: every variable over time\n"
    "                   (means, SDs, quantiles, prevalences, cumulative incidences)\n"
    "  comparison_timeseries  one row per compared arm and time: paired differences\n"
    "  timeseries_long  the time series in long (tidy) form: one row per arm, week,\n"
    "                   variable, statistic (mean, sd, quantile, value) and quantile, with\n"
    "                   the value and its units\n"
    "  units            every column of timeseries with its units and long name\n"
    "  events           the event log: arm, replicate, individual, week, kind (by name),\n"
    "                   detail (docs/output-format.md); as many people as record.event_log\n"
    "  trajectories     the sampled people (record.sample_size): arm, individual, week,\n"
    "                   variable, value, units\n"
    "  strata_summary   one row per arm and stratum (record.strata): people enrolled,\n"
    "                   % change to the end, event rates, paired differences (/strata)\n"    "  strata_timeseries_long  every series of /strata over time in long form: arm,\n"
    "                   stratum, week, variable, statistic, quantile, value, units\n"
    "  draws_summary    with parameter draws (run --draws): one row per arm, every\n"
    "                   summary across the draws (mean, 95% uncertainty interval, the\n"
    "                   central run and its Monte Carlo interval, P(better), R^2; /draws)\n"
    "In R: read.csv(\"DIR/summary.csv\"); the column names are the file's variable names\n"
    "(docs/output-format.md).\n"
    "\n"
    "Exit status: 0 success, 2 bad usage, 65 not an msksim result or damaged, 66 cannot\n"
    "open RESULT, 74 cannot write DIR, 75 interrupted.\n";

static const char export_usage_line[] = "Usage: msksim export RESULT.h5 [--csv | --tsv] [-o DIR]\n"
                                        "Try 'msksim help export'.\n";

typedef struct {
    const char *output, *ext, *result;
    int quiet;
} export_args;

/* Fills *a; returns -1 to go on, or the exit status (help, bad usage). */
static int parse_args(int argc, char **argv, export_args *a)
{
    static const struct option longopts[] = {
        {"csv", no_argument, NULL, 'c'},   {"tsv", no_argument, NULL, 't'},
        {"output", required_argument, NULL, 'o'}, {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},  {NULL, 0, NULL, 0}};
    *a = (export_args){NULL, "csv", NULL, 0};
    int c, formats_given = 0;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'c':
        case 't':
            if (formats_given++ && strcmp(a->ext, c == 'c' ? "csv" : "tsv") != 0)
                return cli_usage_error("export", export_usage_line, "give --csv or --tsv, not both");
            a->ext = c == 'c' ? "csv" : "tsv";
            break;
        case 'o':
            a->output = optarg;
            break;
        case 'q':
            a->quiet = 1;
            break;
        case 'h':
            fputs(cli_export_help, stdout);
            return 0;
        default:
            return cli_usage_error("export", export_usage_line, "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("export", export_usage_line, "%s",
                               optind >= argc ? "missing RESULT file" : "more than one RESULT file given");
    if (a->output && !*a->output)
        return cli_usage_error("export", export_usage_line, "-o needs a directory name");
    a->result = argv[optind];
    return -1;
}

int cli_export(int argc, char **argv)
{
    export_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0)
        return rc;
    char *dir = a.output ? strdup(a.output) : cli_default_dir(a.result, "-tables");
    if (!dir)
        return cli_fail("export", a.result, MSK_ENOMEM, NULL, NULL);
    diag_list diags;
    diag_list_init(&diags);
    size_t n_arms = 0;
    msk_status st = export_tables(a.result, dir, a.ext, msk_signals_stop_flag(), &n_arms, &diags);
    if (st != MSK_OK) {
        rc = cli_fail("export", a.result, st, st == MSK_EDATA ? "not a usable msksim result" : NULL, &diags);
    } else {
        rc = 0;
        diag_print(&diags, stderr);
        const char *x = a.ext;
        char strata[4200];
        snprintf(strata, sizeof strata, "%s/strata_summary.%s", dir, x);
        const int has_strata = access(strata, F_OK) == 0;
        snprintf(strata, sizeof strata, "%s/draws_summary.%s", dir, x);
        const int has_draws = access(strata, F_OK) == 0;
        if (!a.quiet)
            printf("msksim: wrote summary, timeseries, timeseries_long, units, events, trajectories%s%s%s (.%s) in %s\n",
                   n_arms > 1 ? ", comparison, comparison_timeseries" : "",
                   has_strata ? ", strata_summary, strata_timeseries_long" : "", has_draws ? ", draws_summary" : "", x,
                   dir);
    }
    diag_list_fini(&diags);
    free(dir);
    return rc;
}
