/* cli_evidence.c — `msksim evidence`: run the virtual trials, print target vs simulation. */
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <omp.h>

#include "atomicfile.h"
#include "cli.h"
#include "datadir.h"
#include "evidence.h"
#include "outpath.h"
#include "reference.h"
#include "signals.h"
#include "version.h"

/* --quick divides every cohort by this: the trials' sizes are set for tight CIs, and an
 * eighth still measures every target, fast enough for the test suite. */
enum { QUICK_DIVISOR = 8 };

const char cli_evidence_help[] =
    "Usage: msksim evidence [PATH]... [--quick] [--tsv FILE] [--markdown FILE]\n"
    "                       [--parameters FILE] [--set KEY=VALUE]... [--threads N]\n"
    "Run the virtual trials (scenario files with a 'targets:' list) and compare each\n"
    "simulated result with the published one. PATH is a trial file or a directory of them\n"
    "(default: scenarios/evidence).\n"
    "\n"
    "  --quick               cohorts of one eighth of the size (the test suite's variant)\n"
    "  --tsv FILE            also write the table as tab-separated values (header row;\n"
    "                        column 'pass' holds pass or fail)\n"
    "  --markdown FILE       also write the table as Markdown (docs/evidence.md)\n"
    "  -p, --parameters FILE model parameters (a 'model:' mapping, e.g. the output of\n"
    "                        'msksim calibrate') applied to every trial\n"
    "  -s, --set KEY=VALUE   override a key in every trial, e.g. model.muscle.turnover_rate=0.02\n"
    "  -t, --threads N       OpenMP threads (results are identical for any N)\n"
    "  -q, --quiet           print only the summary line\n"
    "  -h, --help            show this help\n"
    "\n"
    "Exit status: 0 every target passed, 1 some target failed, 2 bad usage, 65 invalid\n"
    "trial file, 66 unreadable file, 74 cannot write a table, 75 interrupted.\n";

static const char usage_line[] =
    "Usage: msksim evidence [PATH]... [--quick] [--tsv FILE] [--markdown FILE]\n"
    "Try 'msksim help evidence'.\n";

/* Three significant digits, no exponent for the magnitudes in the table. */
static const char *num(double x, char *buf, size_t size)
{
    if (isnan(x))
        snprintf(buf, size, "n/a");
    else if (fabs(x) >= 100 || x == 0)
        snprintf(buf, size, "%.0f", x);
    else if (fabs(x) >= 10)
        snprintf(buf, size, "%.1f", x);
    else if (fabs(x) >= 1)
        snprintf(buf, size, "%.2f", x);
    else
        snprintf(buf, size, "%.3g", x);
    return buf;
}

static void print_table(const evidence_set *set, FILE *out)
{
    char a[32], b[32], c[32], d[32], e[32];
    fprintf(out, "%-36s %-15s %9s  %-22s %-20s %s\n", "target", "units", "published",
            "simulated [95% CI]", "accepted", "result");
    for (size_t i = 0; i < set->n_rows; i++) {
        const evidence_row *r = &set->rows[i];
        char sim[64], acc[48];
        snprintf(sim, sizeof sim, "%s [%s, %s]", num(r->m.value, a, sizeof a),
                 num(r->m.lo, b, sizeof b), num(r->m.hi, c, sizeof c));
        snprintf(acc, sizeof acc, "[%s, %s]", num(r->t->accept_lo, d, sizeof d),
                 num(r->t->accept_hi, e, sizeof e));
        fprintf(out, "%-36s %-15s %9s  %-22s %-20s %s%s\n", r->t->id, target_units(r->t),
                num(r->t->published, a, sizeof a), sim, acc, r->pass ? "pass" : "FAIL",
                r->t->calibrate ? "" : "  (held out)");
    }
}

/* Tabs and newlines inside free text would break a TSV row. */
static void tsv_text(FILE *f, const char *s)
{
    for (; s && *s; s++)
        fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
}

static void write_tsv(const evidence_set *set, FILE *f)
{
    fputs("id\tfile\tscenario\twhat\tsource\tmeasure\tunits\tpublished\taccept_lo\taccept_hi\t"
          "simulated\tci_lo\tci_hi\tn\tcalibrated\ttolerance\tpass\n", f);
    for (size_t i = 0; i < set->n_rows; i++) {
        const evidence_row *r = &set->rows[i];
        const target *t = r->t;
        tsv_text(f, t->id);
        fputc('\t', f);
        tsv_text(f, t->file);
        fputc('\t', f);
        tsv_text(f, r->sc->name);
        fputc('\t', f);
        tsv_text(f, t->what);
        fputc('\t', f);
        tsv_text(f, t->source);
        fprintf(f, "\t%s\t", target_measure_names[t->measure]);
        tsv_text(f, target_units(t));
        fprintf(f, "\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g\t%s\t", t->published,
                t->accept_lo, t->accept_hi, r->m.value, r->m.lo, r->m.hi, r->m.n,
                t->calibrate ? "yes" : "no");
        tsv_text(f, t->tolerance);
        fprintf(f, "\t%s\n", r->pass ? "pass" : "fail");
    }
}

static void md_text(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '|')
            fputs("\\|", f);
        else
            fputc(*s == '\n' ? ' ' : *s, f);
    }
}

static void write_markdown(const evidence_set *set, int quick, FILE *f)
{
    char a[32], b[32], c[32], d[32], e[32], g[32];
    fprintf(f, "# Evidence: msksim against published results\n\n"
               "<!-- Generated by `./build/msksim evidence --markdown docs/evidence.md`; do not "
               "edit by hand. -->\n\n"
               "Each row is a published figure (`scenarios/evidence/`, one file per protocol), the "
               "same quantity measured in a virtual trial of the same design, its 95%% Monte Carlo "
               "CI, and the interval the simulated value must fall in, with the reason for that "
               "tolerance. Rows marked *held out* were not used by `msksim calibrate`: they test "
               "whether the calibrated mechanisms generalise.\n\n"
               "msksim %s; %zu trials%s; %zu of %zu targets pass.\n\n",
            MSK_VERSION, set->n_trials, quick ? " (--quick cohorts)" : "", set->n_pass,
            set->n_rows);
    fputs("| Target | Published figure | Source | Published | Simulated [95% CI] | Accepted | "
          "Tolerance | Result |\n|---|---|---|---|---|---|---|---|\n", f);
    for (size_t i = 0; i < set->n_rows; i++) {
        const evidence_row *r = &set->rows[i];
        fprintf(f, "| `%s`%s | ", r->t->id, r->t->calibrate ? "" : " (held out)");
        md_text(f, r->t->what);
        fputs(" | ", f);
        md_text(f, r->t->source);
        /* A dimensionless "1" says nothing next to a number. */
        const char *units = strcmp(target_units(r->t), "1") == 0 ? "" : target_units(r->t);
        fprintf(f, " | %s %s | %s [%s, %s] | [%s, %s] | ", num(r->t->published, a, sizeof a),
                units, num(r->m.value, b, sizeof b), num(r->m.lo, c, sizeof c),
                num(r->m.hi, d, sizeof d), num(r->t->accept_lo, e, sizeof e),
                num(r->t->accept_hi, g, sizeof g));
        md_text(f, r->t->tolerance);
        fprintf(f, " | %s |\n", r->pass ? "pass" : "**FAIL**");
    }
    evidence_write_reference(f);
}

static msk_status write_file(const char *path, const evidence_set *set, int quick, int markdown,
                             diag_list *diags)
{
    atomicfile af;
    msk_status st = atomicfile_open(&af, path, diags);
    if (st != MSK_OK)
        return st == MSK_EUSAGE ? MSK_EIO : st;
    if (markdown)
        write_markdown(set, quick, af.f);
    else
        write_tsv(set, af.f);
    return atomicfile_commit(&af, diags);
}

/* The shipped trials: in the checkout, the build tree's checkout or the installed data
 * (sim/core/datadir.h). NULL after a diagnostic when none is there. */
static const char *default_dir(diag_list *diags)
{
    static char buf[8192];
    const char *dir = msk_data_find("scenarios/evidence", buf, sizeof buf);
    if (!dir)
        diag_add(diags, DIAG_ERROR, "scenarios/evidence", 0, 0, "",
                 "the shipped trials are not found (looked in %s); give PATH, or set MSKSIM_DATA_DIR "
                 "to the directory that holds scenarios/",
                 buf);
    return dir;
}

typedef struct {
    int quick, quiet, threads;
    const char *tsv, *markdown, *parameters;
    const char **sets; /* --set, in order */
    size_t n_sets;
    char **paths;      /* the PATH arguments (argv + optind) */
    size_t n_paths;
} evidence_args;

/* Fills *a (a->sets is malloc'ed, also when it returns an exit status); returns -1 to
 * go on, or the exit status (help, bad usage). */
static int parse_args(int argc, char **argv, evidence_args *a)
{
    static const struct option longopts[] = {
        {"quick", no_argument, NULL, 'Q'},     {"tsv", required_argument, NULL, 'T'},
        {"markdown", required_argument, NULL, 'M'}, {"parameters", required_argument, NULL, 'p'},
        {"set", required_argument, NULL, 's'}, {"threads", required_argument, NULL, 't'},
        {"quiet", no_argument, NULL, 'q'},     {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    memset(a, 0, sizeof *a);
    a->sets = calloc((size_t)argc + 1, sizeof *a->sets);
    if (!a->sets)
        return msk_status_exit_code(MSK_ENOMEM);
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":p:s:t:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'Q': a->quick = 1; break;
        case 'T': a->tsv = optarg; break;
        case 'M': a->markdown = optarg; break;
        case 'p': a->parameters = optarg; break;
        case 's': a->sets[a->n_sets++] = optarg; break;
        case 'q': a->quiet = 1; break;
        case 't':
            if (cli_parse_threads(optarg, &a->threads) != 0)
                return cli_usage_error("evidence", usage_line,
                                       "--threads expects a whole number from 1 to 4096, not '%s'", optarg);
            break;
        case 'h':
            fputs(cli_evidence_help, stdout);
            return 0;
        case ':':
            return cli_usage_error("evidence", usage_line, "option '%s' needs a value", argv[optind - 1]);
        default:
            return cli_usage_error("evidence", usage_line, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (a->threads == 0)
        a->threads = omp_get_max_threads();
    int rc;
    if ((rc = cli_check_output_name("evidence", usage_line, "--tsv", a->tsv)) >= 0 ||
        (rc = cli_check_output_name("evidence", usage_line, "--markdown", a->markdown)) >= 0 ||
        (rc = cli_check_threads("evidence", usage_line, a->threads)) >= 0)
        return rc;
    a->paths = argv + optind;
    a->n_paths = (size_t)(argc - optind);
    return -1;
}

/* The overrides of every trial: the parameter file's first, --set after, so that the
 * later one wins. *param_sets (n_param) holds the parameter file's, to free. */
static msk_status collect_overrides(const evidence_args *a, char ***param_sets, size_t *n_param,
                                    const char ***overrides, diag_list *diags)
{
    *param_sets = NULL;
    *n_param = 0;
    msk_status st = MSK_OK;
    if (a->parameters)
        st = evidence_parameter_overrides(a->parameters, param_sets, n_param, diags);
    *overrides = calloc(*n_param + a->n_sets + 1, sizeof **overrides);
    if (!*overrides)
        return MSK_ENOMEM;
    for (size_t i = 0; i < *n_param; i++)
        (*overrides)[i] = (*param_sets)[i];
    for (size_t i = 0; i < a->n_sets; i++)
        (*overrides)[*n_param + i] = a->sets[i];
    return st;
}

/* Every trial file under the PATH arguments (default_dir when none), in order. */
static msk_status find_trials(const evidence_args *a, char ***paths, size_t *n_paths, diag_list *diags)
{
    *paths = NULL;
    *n_paths = 0;
    for (size_t i = 0; i <= a->n_paths; i++) {
        if (i == a->n_paths && *n_paths > 0)
            break;
        const char *arg = i < a->n_paths ? a->paths[i] : default_dir(diags);
        if (!arg)
            return MSK_ENOINPUT;
        char **found;
        size_t n_found;
        msk_status st = evidence_find(arg, &found, &n_found, diags);
        if (st != MSK_OK)
            return st;
        char **grown = realloc(*paths, (*n_paths + n_found) * sizeof *grown);
        if (!grown) {
            for (size_t k = 0; k < n_found; k++)
                free(found[k]);
            free(found);
            return MSK_ENOMEM;
        }
        *paths = grown;
        memcpy(*paths + *n_paths, found, n_found * sizeof *found);
        *n_paths += n_found;
        free(found);
    }
    return MSK_OK;
}

/* Refuse a hopeless output before the trials (outpath.h): the trial files are inputs. */
static msk_status check_outputs(const evidence_args *a, char **paths, size_t n_paths, diag_list *diags)
{
    for (size_t i = 0; i < n_paths; i++)
        outpath_note_input(paths[i]);
    msk_status st = MSK_OK;
    if (a->tsv)
        st = outpath_check(a->tsv, diags);
    if (st == MSK_OK && a->markdown)
        st = outpath_check(a->markdown, diags);
    return st;
}

/* Run the trials and write the tables asked for; MSK_EINTERRUPTED after a stop signal. */
static msk_status run_and_write(const evidence_args *a, char **paths, size_t n_paths, const char **overrides,
                                size_t n_overrides, evidence_set *set, diag_list *diags)
{
    evidence_options opt = {a->quick ? QUICK_DIVISOR : 1, a->threads, overrides, n_overrides,
                            msk_signals_stop_flag(), !a->quiet};
    if (!a->quiet)
        fprintf(stderr, "msksim evidence: %zu trial%s%s, %d thread%s\n", n_paths, n_paths == 1 ? "" : "s",
                a->quick ? " (--quick cohorts)" : "", a->threads, a->threads == 1 ? "" : "s");
    msk_status st = msk_signals_status(evidence_run(set, paths, n_paths, &opt, diags));
    if (st == MSK_OK && a->tsv)
        st = write_file(a->tsv, set, a->quick, 0, diags);
    if (st == MSK_OK && a->markdown)
        st = write_file(a->markdown, set, a->quick, 1, diags);
    return st;
}

int cli_evidence(int argc, char **argv)
{
    evidence_args a;
    int exit_code = parse_args(argc, argv, &a);
    if (exit_code >= 0) {
        free(a.sets);
        return exit_code;
    }
    diag_list diags;
    diag_list_init(&diags);
    char **param_sets, **paths = NULL;
    const char **overrides;
    size_t n_param, n_paths = 0;
    evidence_set set;
    memset(&set, 0, sizeof set);
    msk_status st = collect_overrides(&a, &param_sets, &n_param, &overrides, &diags);
    if (st == MSK_OK)
        st = find_trials(&a, &paths, &n_paths, &diags);
    if (st == MSK_OK)
        st = check_outputs(&a, paths, n_paths, &diags);
    if (st == MSK_OK)
        st = run_and_write(&a, paths, n_paths, overrides, n_param + a.n_sets, &set, &diags);
    else
        st = msk_signals_status(st);

    if (st == MSK_OK) {
        if (!a.quiet)
            print_table(&set, stdout);
        diag_print(&diags, stderr); /* measures that could not be taken */
        printf("%zu of %zu targets pass (%zu trials, %.1f s simulated)\n", set.n_pass, set.n_rows,
               set.n_trials, set.seconds);
        exit_code = set.n_pass == set.n_rows ? 0 : 1;
    } else {
        diag_print(&diags, stderr);
        fprintf(stderr, "msksim evidence: %s\n", msk_status_message(st));
        exit_code = msk_status_exit_code(st);
    }
    evidence_set_fini(&set);
    for (size_t i = 0; i < n_paths; i++)
        free(paths[i]);
    free(paths);
    for (size_t i = 0; i < n_param; i++)
        free(param_sets[i]);
    free(param_sets);
    free(overrides);
    free(a.sets);
    diag_list_fini(&diags);
    return exit_code;
}
