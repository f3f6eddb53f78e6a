/* gnuplot.h — write gnuplot scripts and their TSV data, and run gnuplot on them.
 *
 * A figure is a pair of files an educator can edit: NAME.gp (the script, commented,
 * with titles, labels and colours in plain view) and NAME.tsv (its data, tab-separated,
 * '#' comments, blocks separated by two blank lines for gnuplot's `index`). The script
 * reads the TSV by its bare name and writes NAME.png, NAME.svg or NAME.pdf into the
 * directory it runs in; `gnuplot NAME.gp` makes the PNG, `gnuplot -e "format='svg'"
 * NAME.gp` the others.
 *
 * Text from a result file (arm names, titles) reaches scripts only through
 * gp_string, which makes a gnuplot single-quoted string that cannot end early, span
 * lines or run a command, and TSV cells and comments only through gp_cell. gnuplot is started without a shell
 * (fork and execvp), with the script's file name as an argument, in the figure
 * directory; anything it prints, warnings included, makes the run fail with its text
 * in the diagnostic. */
#ifndef MSK_GNUPLOT_H
#define MSK_GNUPLOT_H

#include <stdio.h>

#include "status.h"

/* Output formats, a bit set. */
enum { GP_PNG = 1, GP_SVG = 2, GP_PDF = 4 };

/* The file extension of one format bit ("png", "svg", "pdf"). */
const char *gp_format_name(unsigned format);

/* Write s as a gnuplot single-quoted string, the only kind in which gnuplot runs no
 * `backquoted` shell command: ' becomes ’ (gnuplot misparses a doubled quote at the
 * start of a string), control characters '?'. */
void gp_string(FILE *f, const char *s);
/* Write s as one TSV cell: tabs, newlines and other control characters as ' '. */
void gp_cell(FILE *f, const char *s);
/* Write a number for gnuplot and spreadsheets: %.10g, or NaN when not finite. */
void gp_num(FILE *f, double x);

/* The common head of every script: a comment block naming the figure, the result file
 * and how to re-run it, then terminal (format variable, default png; slide size),
 * output NAME.format, UTF-8, tab-separated data with NaN as missing. */
void gp_preamble(FILE *f, const char *name, const char *title, const char *result_path);

/* A readable range [lo, hi] for values seen with gp_range_add. */
typedef struct {
    double lo, hi;
    int n;
} gp_range;
void gp_range_init(gp_range *r);
void gp_range_add(gp_range *r, double x); /* non-finite values are ignored */
/* Pad by frac of the span (at least a small absolute margin) and, with with_zero,
 * stretch to include 0. An empty range becomes [0, 1]; a flat one is widened. */
void gp_range_final(gp_range *r, double frac, int with_zero);

/* Run gnuplot on SCRIPT (a bare file name in DIR) for one format, in DIR.
 * MSK_OK when it exits 0 and prints nothing; otherwise MSK_ESOFTWARE with gnuplot's
 * output in a diagnostic, or MSK_EIO when gnuplot cannot be started. */
msk_status gp_run(const char *dir, const char *script, unsigned format, diag_list *diags);

/* Run every script of `scripts` (n bare file names in DIR) for every format in
 * `formats`, with up to `parallel` gnuplot processes at a time (gnuplot uses one core).
 * Every started process is waited for; the first failure is returned. */
msk_status gp_run_all(const char *dir, const char *const *scripts, size_t n, unsigned formats,
                      int parallel, diag_list *diags);

#endif
