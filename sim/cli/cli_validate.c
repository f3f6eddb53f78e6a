/* cli_validate.c — `msksim validate`: cross-validate the calibration, in and out of sample. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <omp.h>

#include "atomicfile.h"
#include "cli.h"
#include "signals.h"
#include "validate.h"

const char cli_validate_help[] =
    "Usage: msksim validate FILE -o REPORT.tsv [--folds K] [--markdown FILE]\n"
    "                       [--max-iterations N] [--threads N] [--quiet]\n"
    "Cross-validate the calibration FILE (e.g. scenarios/calibration.yaml): fit it to all\n"
    "its trials (in sample), then refit it without each fold of studies and measure the\n"
    "targets of the fold it left out at the parameters fitted without them (out of\n"
    "sample). A study is the part of a trial file's name before its first '-'. Reports,\n"
    "for each target, both values against its accepted interval, and the shares within\n"
    "tolerance. The same FILE always gives the same numbers, for any thread count.\n"
    "\n"
    "  -o, --output FILE     the report as tab-separated values (one row per target)\n"
    "  -k, --folds K         K folds of studies, dealt in order of name (default: one fold\n"
    "                        per study, i.e. leave one study out)\n"
    "  --markdown FILE       also write the report as Markdown\n"
    "  --max-iterations N    cap every fit at N solver iterations (default: the file's)\n"
    "  -t, --threads N       OpenMP threads (results are identical for any N)\n"
    "  -q, --quiet           do not print progress\n"
    "  -h, --help            show this help\n"
    "\n"
    "It costs one calibration per fold plus one: minutes to an hour.\n"
    "Exit status: 0 success, 2 bad usage, 65 invalid file, 66 unreadable file,\n"
    "74 cannot write, 75 interrupted (nothing written).\n";

static const char usage_line[] =
    "Usage: msksim validate FILE -o REPORT.tsv [--folds K] [--markdown FILE]\n"
    "Try 'msksim help validate'.\n";

/* A whole number from 1 to max. */
static int parse_count(const char *s, long max, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < 1 || v > max)
        return -1;
    *out = v;
    return 0;
}

/* An output that is the calibration file itself would destroy the input. */
static int same_file(const char *a, const char *b)
{
    struct stat x, y;
    return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

typedef struct {
    const char *output, *markdown;
    long folds, max_iterations;
    int threads, quiet;
} args;

/* Options into *A; returns -1 to go on, else the exit status. */
static int parse_args(int argc, char **argv, args *A)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},   {"folds", required_argument, NULL, 'k'},
        {"markdown", required_argument, NULL, 'M'}, {"max-iterations", required_argument, NULL, 'I'},
        {"threads", required_argument, NULL, 't'},  {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:k:t:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': A->output = optarg; break;
        case 'M': A->markdown = optarg; break;
        case 'q': A->quiet = 1; break;
        case 'k':
            if (parse_count(optarg, 100000, &A->folds) != 0)
                return cli_usage_error("validate", usage_line, "--folds expects a whole number of at least 1, not '%s'", optarg);
            break;
        case 'I':
            if (parse_count(optarg, 1000, &A->max_iterations) != 0)
                return cli_usage_error("validate", usage_line, "--max-iterations expects a whole number from 1 to 1000, not '%s'", optarg);
            break;
        case 't':
            if (cli_parse_threads(optarg, &A->threads) != 0)
                return cli_usage_error("validate", usage_line, "--threads expects a whole number from 1 to 4096, not '%s'", optarg);
            break;
        case 'h': fputs(cli_validate_help, stdout); return 0;
        case ':': return cli_usage_error("validate", usage_line, "option '%s' needs a value", argv[optind - 1]);
        default: return cli_usage_error("validate", usage_line, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("validate", usage_line, optind >= argc ? "missing the calibration FILE"
                                                                      : "expected one calibration FILE");
    if (!A->output)
        return cli_usage_error("validate", usage_line, "missing -o REPORT.tsv (where the report goes)");
    if (same_file(A->output, argv[optind]) || (A->markdown && same_file(A->markdown, argv[optind])))
        return cli_usage_error("validate", usage_line, "an output would overwrite the calibration FILE");
    if (A->markdown && strcmp(A->markdown, A->output) == 0)
        return cli_usage_error("validate", usage_line, "--markdown and -o name the same file");
    return -1;
}

static void print_summary(const validate_result *v, double seconds)
{
    printf("%-40s %10s %10s %-6s %10s %-6s\n", "target", "published", "in sample", "", "out", "");
    for (size_t r = 0; r < v->n_rows; r++) {
        const validate_row *x = &v->rows[r];
        printf("%-40s %10.4g %10.4g %-6s %10.4g %-6s%s\n", x->t->id, x->t->published, x->in_value,
               x->in_pass ? "pass" : "FAIL", x->out_value, x->out_pass ? "pass" : "FAIL",
               x->t->calibrate ? "" : "  (held out)");
    }
    printf("in sample: %zu of %zu targets within tolerance (%.0f%%); out of sample: %zu of %zu "
           "(%.0f%%); %zu folds, %.0f s\n",
           v->in_pass, v->n_rows, 100.0 * (double)v->in_pass / (double)v->n_rows, v->out_pass,
           v->n_rows, 100.0 * (double)v->out_pass / (double)v->n_rows, v->n_folds, seconds);
}

int cli_validate(int argc, char **argv)
{
    args A = {0};
    int rc = parse_args(argc, argv, &A);
    if (rc >= 0)
        return rc;
    const char *file = argv[optind];
    const int threads = A.threads ? A.threads : omp_get_max_threads();
    diag_list diags;
    diag_list_init(&diags);
    calibrate_spec spec;
    validate_result v;
    memset(&v, 0, sizeof v);
    atomicfile tsv, md;
    memset(&tsv, 0, sizeof tsv);
    memset(&md, 0, sizeof md);
    /* The outputs are opened first: a path that cannot be written fails now, not after
     * an hour of fitting. */
    msk_status st = calibrate_load(&spec, file, &diags);
    if (st == MSK_OK && (st = atomicfile_open(&tsv, A.output, &diags)) == MSK_OK && A.markdown)
        st = atomicfile_open(&md, A.markdown, &diags);
    if (st == MSK_EUSAGE)
        st = MSK_EIO;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (st == MSK_OK) {
        if (!A.quiet)
            fprintf(stderr, "msksim validate: %zu free parameters, trials in %s (cohorts 1/%zu), "
                            "%d thread%s\n", spec.n_params, spec.evidence, spec.population_divisor,
                    threads, threads == 1 ? "" : "s");
        validate_options opt = {(size_t)A.folds, (int)A.max_iterations, threads, msk_signals_stop_flag(),
                                A.quiet ? NULL : stderr};
        st = msk_signals_status(validate_run(&spec, &opt, &v, &diags));
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (st == MSK_OK) {
        char *cmd = cli_command_line(argc, argv);
        validate_write_tsv(&v, tsv.f);
        st = atomicfile_commit(&tsv, &diags);
        if (st == MSK_OK && A.markdown) {
            validate_write_markdown(&v, cmd ? cmd : "msksim validate", md.f);
            st = atomicfile_commit(&md, &diags);
        }
        free(cmd);
    }
    atomicfile_abort(&tsv);
    atomicfile_abort(&md);
    diag_print(&diags, stderr);
    if (st == MSK_OK)
        print_summary(&v, (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
    else
        fprintf(stderr, "msksim validate: %s\n", msk_status_message(st));
    validate_result_fini(&v);
    if (spec.file)
        calibrate_fini(&spec);
    diag_list_fini(&diags);
    return msk_status_exit_code(st);
}
