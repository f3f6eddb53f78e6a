/* cli_plot.c — `msksim plot`: figures, their scripts and data, and a report page. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gnuplot.h"
#include "outdir.h"
#include "plot.h"
#include "plot_sweep.h"
#include "report.h"
#include "resultdata.h"
#include "resultfile.h"
#include "signals.h"

const char cli_plot_help[] =
    "Usage: msksim plot RESULT.h5 [-o DIR] [--format png,svg,pdf] [--quiet]\n"
    "Make a figure set (with gnuplot) and a report page from a result of 'msksim run'.\n"
    "\n"
    "  -o, --output DIR      directory for the figures (default: RESULT without .h5, plus\n"
    "                        '-figures'); created if missing (its parent must exist)\n"
    "  -f, --format LIST     image formats, comma-separated: png, svg, pdf (default: png)\n"
    "  -q, --quiet           do not list what was written\n"
    "  -h, --help            show this help\n"
    "\n"
    "DIR receives, for every figure that applies to the run, NAME.png (or .svg, .pdf),\n"
    "NAME.gp (the gnuplot script: edit titles, colours or language and run 'gnuplot NAME.gp'\n"
    "in DIR) and NAME.tsv (the plotted numbers), plus index.html: one self-contained page\n"
    "with every figure, a plain-language caption and the summary table. The page embeds\n"
    "PNG images (SVG when only svg is asked for; with pdf alone, PNGs are made for it too).\n"
    "Files appear only when everything was made; a failure leaves DIR as it was.\n"
    "\n"
    "Exit status: 0 success, 2 bad usage, 65 not an msksim result or damaged, 66 cannot\n"
    "open RESULT, 70 gnuplot failed or warned, 74 cannot write DIR or run gnuplot,\n"
    "75 interrupted.\n";

static const char plot_usage_line[] =
    "Usage: msksim plot RESULT.h5 [-o DIR] [--format png,svg,pdf]\n"
    "Try 'msksim help plot'.\n";

/* "png,svg" -> GP_PNG | GP_SVG; 0 for anything else. */
static unsigned parse_formats(const char *list)
{
    unsigned set = 0;
    const char *p = list;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        unsigned f = 0;
        for (unsigned bit = GP_PNG; bit <= GP_PDF; bit <<= 1)
            if (len == 3 && strncmp(p, gp_format_name(bit), 3) == 0)
                f = bit;
        if (!f)
            return 0;
        set |= f;
        p += len + (comma != NULL);
        if (comma && !*p)
            return 0;
    }
    return set;
}

typedef struct {
    const char *output, *result;
    unsigned formats; /* GP_PNG | GP_SVG | GP_PDF */
    unsigned image;   /* the format the page embeds */
    int quiet;
} plot_args;

/* Fills *a; returns -1 to go on, or the exit status (help, bad usage). */
static int parse_args(int argc, char **argv, plot_args *a)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'}, {"format", required_argument, NULL, 'f'},
        {"quiet", no_argument, NULL, 'q'},        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    *a = (plot_args){NULL, NULL, GP_PNG, GP_PNG, 0};
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:f:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            a->output = optarg;
            break;
        case 'f':
            a->formats = parse_formats(optarg);
            if (!a->formats)
                return cli_usage_error("plot", plot_usage_line,
                                       "--format takes png, svg and pdf separated by commas, not '%s'", optarg);
            break;
        case 'q':
            a->quiet = 1;
            break;
        case 'h':
            fputs(cli_plot_help, stdout);
            return 0;
        default:
            return cli_usage_error("plot", plot_usage_line, "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("plot", plot_usage_line, "%s",
                               optind >= argc ? "missing RESULT file" : "more than one RESULT file given");
    a->result = argv[optind];
    if (a->output && !*a->output)
        return cli_usage_error("plot", plot_usage_line, "-o needs a directory name");
    a->image = a->formats & GP_PNG ? GP_PNG : a->formats & GP_SVG ? GP_SVG : GP_PNG;
    a->formats |= a->image;
    return -1;
}

/* A sweep result has its own figures (tornado, outcome vs parameter, heat map).
 * plot_sweep commits its directory itself: a stop that came before turns only its
 * failure into an interruption (its gnuplots die of the same Ctrl-C). */
static int plot_sweep_result(const plot_args *a, const char *dir)
{
    diag_list diags;
    diag_list_init(&diags);
    int n_figures = 0, code = 0;
    msk_status st = plot_sweep(a->result, dir, a->formats, &n_figures, &diags);
    if (st != MSK_OK) {
        code = cli_fail("plot", a->result, st, NULL, &diags);
    } else {
        diag_print(&diags, stderr);
        if (!a->quiet)
            printf("msksim plot: %d sweep figures in %s\n", n_figures, dir);
    }
    diag_list_fini(&diags);
    return code;
}

static msk_status load(const char *result, resultdata *d, diag_list *diags)
{
    resultfile rf;
    memset(&rf, 0, sizeof rf);
    msk_status st = resultdata_probe(result, diags);
    if (st == MSK_OK)
        st = resultfile_open(&rf, result, diags);
    if (st == MSK_OK)
        st = resultdata_load(d, &rf);
    resultfile_close(&rf);
    return st;
}

/* The figures and the page into a temporary directory in dir, moved into place only
 * when all were made and no stop signal came; figures of an earlier run that no longer
 * apply are then removed. */
static msk_status write_figures(const resultdata *d, const plot_args *a, const char *dir, plot_set *set,
                                diag_list *diags)
{
    outdir o;
    msk_status st = outdir_begin(&o, dir, diags);
    if (st != MSK_OK)
        return st;
    st = plot_all(d, a->result, o.tmp, a->formats, set, diags);
    if (st == MSK_OK)
        st = report_write(d, set, a->result, o.tmp, a->image, diags);
    st = msk_signals_status(st);
    if (st != MSK_OK) {
        outdir_abort(&o);
        return st;
    }
    static const char *const ext[] = {"png", "svg", "pdf", "gp", "tsv"};
    enum { N_EXT = sizeof ext / sizeof ext[0] };
    char names[PLOT_MAX_FIGURES * N_EXT][64];
    const char *stale[PLOT_MAX_FIGURES * N_EXT + 1];
    size_t n = 0;
    for (size_t i = 0; plot_figure_names[i]; i++)
        for (size_t j = 0; j < N_EXT; j++) {
            snprintf(names[n], sizeof names[n], "%s.%s", plot_figure_names[i], ext[j]);
            stale[n] = names[n];
            n++;
        }
    stale[n] = NULL;
    return outdir_commit(&o, stale, diags);
}

static void report_made(const plot_set *set, const char *dir)
{
    size_t made = 0;
    for (size_t i = 0; i < set->n; i++) {
        if (set->fig[i].skipped)
            printf("skipped figure %s: %s\n", set->fig[i].number, set->fig[i].skipped);
        else
            made++;
    }
    printf("msksim: wrote %zu figures and %s/index.html\n", made, dir);
}

static int plot_run_result(const plot_args *a, const char *dir)
{
    diag_list diags;
    diag_list_init(&diags);
    resultdata d;
    msk_status st = load(a->result, &d, &diags);
    if (st != MSK_OK) {
        int code = cli_fail("plot", a->result, st, st == MSK_EDATA ? "not a usable msksim result" : NULL, &diags);
        diag_list_fini(&diags);
        return code;
    }
    plot_set set;
    memset(&set, 0, sizeof set);
    st = write_figures(&d, a, dir, &set, &diags);
    int code = 0;
    if (st != MSK_OK) {
        code = cli_fail("plot", NULL, st, NULL, &diags);
    } else {
        diag_print(&diags, stderr);
        if (!a->quiet)
            report_made(&set, dir);
    }
    diag_list_fini(&diags);
    plot_set_fini(&set);
    resultdata_fini(&d);
    return code;
}

int cli_plot(int argc, char **argv)
{
    plot_args a;
    int code = parse_args(argc, argv, &a);
    if (code >= 0)
        return code;
    char *dir = a.output ? strdup(a.output) : cli_default_dir(a.result, "-figures");
    if (!dir)
        return cli_fail("plot", a.result, MSK_ENOMEM, NULL, NULL);
    code = plot_sweep_detect(a.result) == 1 ? plot_sweep_result(&a, dir) : plot_run_result(&a, dir);
    free(dir);
    return code;
}
