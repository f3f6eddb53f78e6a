/* cli_evidence.c — `msksim evidence`: run the virtual trials, print target vs simulation. */
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <omp.h>

#include "atomicfile.h"
#include "cli.h"
#include "evidence.h"
#include "reference.h"
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

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

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

static const char *default_dir(void)
{
    struct stat st;
    if (stat("scenarios/evidence", &st) == 0 && S_ISDIR(st.st_mode))
        return "scenarios/evidence";
    return MSK_SOURCE_DIR "/scenarios/evidence";
}

int cli_evidence(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"quick", no_argument, NULL, 'Q'},     {"tsv", required_argument, NULL, 'T'},
        {"markdown", required_argument, NULL, 'M'}, {"parameters", required_argument, NULL, 'p'},
        {"set", required_argument, NULL, 's'}, {"threads", required_argument, NULL, 't'},
        {"quiet", no_argument, NULL, 'q'},     {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int quick = 0, quiet = 0, threads = 0;
    const char *tsv = NULL, *markdown = NULL, *parameters = NULL;
    char **sets = calloc((size_t)argc + 1, sizeof *sets);
    size_t n_sets = 0;
    if (!sets)
        return msk_status_exit_code(MSK_ENOMEM);
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":p:s:t:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'Q': quick = 1; break;
        case 'T': tsv = optarg; break;
        case 'M': markdown = optarg; break;
        case 'p': parameters = optarg; break;
        case 's': sets[n_sets++] = optarg; break;
        case 'q': quiet = 1; break;
        case 't':
            if (cli_parse_threads(optarg, &threads) != 0) {
                free(sets);
                return cli_usage_error("evidence", usage_line,
                                       "--threads expects a whole number from 1 to 4096, not '%s'", optarg);
            }
            break;
        case 'h':
            free(sets);
            fputs(cli_evidence_help, stdout);
            return 0;
        case ':':
            free(sets);
            return cli_usage_error("evidence", usage_line, "option '%s' needs a value", argv[optind - 1]);
        default:
            free(sets);
            return cli_usage_error("evidence", usage_line, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (threads == 0)
        threads = omp_get_max_threads();

    diag_list diags;
    diag_list_init(&diags);
    char **param_sets = NULL;
    size_t n_param = 0;
    msk_status st = MSK_OK;
    if (parameters)
        st = evidence_parameter_overrides(parameters, &param_sets, &n_param, &diags);

    /* Parameter file first, --set after: the later override wins. */
    const char **overrides = calloc(n_param + n_sets + 1, sizeof *overrides);
    if (!overrides)
        st = MSK_ENOMEM;
    for (size_t i = 0; overrides && i < n_param; i++)
        overrides[i] = param_sets[i];
    for (size_t i = 0; overrides && i < n_sets; i++)
        overrides[n_param + i] = sets[i];

    char **paths = NULL;
    size_t n_paths = 0;
    for (int i = optind; st == MSK_OK && i <= argc; i++) {
        if (i == argc && n_paths > 0)
            break;
        const char *arg = i < argc ? argv[i] : default_dir();
        char **found;
        size_t n_found;
        st = evidence_find(arg, &found, &n_found, &diags);
        if (st != MSK_OK)
            break;
        char **grown = realloc(paths, (n_paths + n_found) * sizeof *grown);
        if (!grown) {
            for (size_t k = 0; k < n_found; k++)
                free(found[k]);
            free(found);
            st = MSK_ENOMEM;
            break;
        }
        paths = grown;
        memcpy(paths + n_paths, found, n_found * sizeof *found);
        n_paths += n_found;
        free(found);
    }

    evidence_set set;
    memset(&set, 0, sizeof set);
    if (st == MSK_OK) {
        cli_catch_stop_signals(on_signal);
        evidence_options opt = {quick ? QUICK_DIVISOR : 1, threads, overrides, n_param + n_sets,
                                &stop_requested, !quiet};
        if (!quiet)
            fprintf(stderr, "msksim evidence: %zu trial%s%s, %d thread%s\n", n_paths,
                    n_paths == 1 ? "" : "s", quick ? " (--quick cohorts)" : "", threads,
                    threads == 1 ? "" : "s");
        st = evidence_run(&set, paths, n_paths, &opt, &diags);
    }
    if (st == MSK_OK && tsv)
        st = write_file(tsv, &set, quick, 0, &diags);
    if (st == MSK_OK && markdown)
        st = write_file(markdown, &set, quick, 1, &diags);

    int exit_code;
    if (st == MSK_OK) {
        if (!quiet)
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
    free(sets);
    diag_list_fini(&diags);
    return exit_code;
}
