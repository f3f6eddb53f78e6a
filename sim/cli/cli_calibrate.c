/* cli_calibrate.c — `msksim calibrate`: fit free parameters to the evidence targets. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "calibrate.h"
#include "cli.h"
#include "outpath.h"
#include "signals.h"

const char cli_calibrate_help[] =
    "Usage: msksim calibrate FILE -o PARAMS.yaml [--threads N] [--quiet]\n"
    "Fit the free model parameters declared in the calibration FILE (e.g.\n"
    "scenarios/calibration.yaml) to the published targets of its trials by weighted\n"
    "nonlinear least squares, and write them as a parameter file (a 'model:' mapping).\n"
    "The same FILE and trials always give the same numbers (common random numbers).\n"
    "\n"
    "  -o, --output FILE   where to write the fitted parameters (written whole or not at all)\n"
    "  -t, --threads N     OpenMP threads (the fit is identical for any N)\n"
    "  -q, --quiet         do not print progress\n"
    "  -h, --help          show this help\n"
    "\n"
    "Check the fit with: msksim evidence --parameters PARAMS.yaml\n"
    "Exit status: 0 success, 2 bad usage, 65 invalid file, 66 unreadable file,\n"
    "74 cannot write, 75 interrupted (nothing written).\n";

static const char usage_line[] =
    "Usage: msksim calibrate FILE -o PARAMS.yaml [--threads N]\n"
    "Try 'msksim help calibrate'.\n";

int cli_calibrate(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'}, {"threads", required_argument, NULL, 't'},
        {"quiet", no_argument, NULL, 'q'},        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *output = NULL;
    int threads = 0, quiet = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:t:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': output = optarg; break;
        case 'q': quiet = 1; break;
        case 't':
            if (cli_parse_threads(optarg, &threads) != 0)
                return cli_usage_error("calibrate", usage_line,
                                       "--threads expects a whole number from 1 to 4096, not '%s'", optarg);
            break;
        case 'h': fputs(cli_calibrate_help, stdout); return 0;
        case ':': return cli_usage_error("calibrate", usage_line, "option '%s' needs a value", argv[optind - 1]);
        default: return cli_usage_error("calibrate", usage_line, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("calibrate", usage_line, optind >= argc ? "missing the calibration FILE"
                                                                       : "expected one calibration FILE");
    if (!output)
        return cli_usage_error("calibrate", usage_line, "missing -o PARAMS.yaml (where the fit goes)");
    if (threads == 0)
        threads = omp_get_max_threads();
    int rc;
    if ((rc = cli_check_output_name("calibrate", usage_line, "-o", output)) >= 0 ||
        (rc = cli_check_threads("calibrate", usage_line, threads)) >= 0)
        return rc;

    diag_list diags;
    diag_list_init(&diags);
    calibrate_spec spec;
    calibrate_report report;
    msk_status st = calibrate_load(&spec, argv[optind], &diags);
    if (st == MSK_OK) { /* refuse a hopeless output before the fit; the trials are inputs too */
        outpath_note_input(spec.evidence);
        st = outpath_check(output, &diags);
    }
    if (st == MSK_OK) {
        if (!quiet)
            fprintf(stderr, "msksim calibrate: %zu free parameters, trials in %s (cohorts 1/%zu), "
                            "%d thread%s\n",
                    spec.n_params, spec.evidence, spec.population_divisor, threads,
                    threads == 1 ? "" : "s");
        st = calibrate_run(&spec, threads, msk_signals_stop_flag(), quiet ? NULL : stderr, &report, &diags);
    }
    st = msk_signals_status(st);
    if (st == MSK_OK)
        st = calibrate_write(&spec, &report, output, &diags);
    diag_print(&diags, stderr);
    if (st == MSK_OK) {
        printf("objective %.6g -> %.6g over %zu targets; %d iterations, %d evaluations (%s)\n",
               report.objective_start, report.objective_end, report.n_targets, report.iterations,
               report.evaluations, report.stop_reason);
        printf("%-40s %12s %12s %10s\n", "parameter", "start", "fitted", "SE");
        for (size_t j = 0; j < spec.n_params; j++) {
            char name[80];
            snprintf(name, sizeof name, "%s.%s", spec.params[j].group, spec.params[j].name);
            printf("%-40s %12.5g %12.5g %10.2g%s\n", name, spec.params[j].start, spec.params[j].value,
                   spec.params[j].se,
                   isnan(spec.params[j].se) || spec.params[j].se > 0.25 * fabs(spec.params[j].value)
                       ? "  weakly identified"
                       : "");
        }
        printf("wrote %s\n", output);
    } else {
        fprintf(stderr, "msksim calibrate: %s\n", msk_status_message(st));
    }
    if (spec.file)
        calibrate_fini(&spec);
    diag_list_fini(&diags);
    return msk_status_exit_code(st);
}
