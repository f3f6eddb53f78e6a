/* report.c — index.html: figures, captions and summary tables in one file (report.h). */
#include "report.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gnuplot.h"

/* Images larger than this are not embedded (a figure is about 100-300 KiB). */
#define MAX_IMAGE_BYTES (64L << 20)

void report_html_text(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            fputs("&#39;", f);
            break;
        default:
            if (*p >= 0x20 || *p == '\n')
                fputc(*p, f);
        }
    }
}

void report_base64(FILE *f, const unsigned char *data, size_t n)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        unsigned long v = (unsigned long)data[i] << 16 | (unsigned long)data[i + 1] << 8 | data[i + 2];
        fputc(alphabet[v >> 18 & 63], f);
        fputc(alphabet[v >> 12 & 63], f);
        fputc(alphabet[v >> 6 & 63], f);
        fputc(alphabet[v & 63], f);
    }
    if (n - i == 1) {
        unsigned long v = (unsigned long)data[i] << 16;
        fputc(alphabet[v >> 18 & 63], f);
        fputc(alphabet[v >> 12 & 63], f);
        fputs("==", f);
    } else if (n - i == 2) {
        unsigned long v = (unsigned long)data[i] << 16 | (unsigned long)data[i + 1] << 8;
        fputc(alphabet[v >> 18 & 63], f);
        fputc(alphabet[v >> 12 & 63], f);
        fputc(alphabet[v >> 6 & 63], f);
        fputc('=', f);
    }
}

/* Read a whole file; NULL with a diagnostic on failure. */
static unsigned char *slurp(const char *path, size_t *n, diag_list *diags)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        diag_add(diags, DIAG_ERROR, path, 0, 0, "", "cannot read the figure: %s", strerror(errno));
        return NULL;
    }
    unsigned char *buf = NULL;
    long size = -1;
    if (fseek(f, 0, SEEK_END) == 0)
        size = ftell(f);
    if (size >= 0 && size <= MAX_IMAGE_BYTES && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)size + 1)) != NULL && fread(buf, 1, (size_t)size, f) != (size_t)size) {
        free(buf);
        buf = NULL;
    }
    if (!buf)
        diag_add(diags, DIAG_ERROR, path, 0, 0, "", "cannot read the figure (%ld bytes)", size);
    fclose(f);
    *n = (size_t)(size > 0 ? size : 0);
    return buf;
}

static const char style[] =
    "body{font-family:'DejaVu Sans',Verdana,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;"
    "line-height:1.5;color:#222;background:#fff}\n"
    "h1{font-size:1.8em;margin-bottom:.2em}h2{font-size:1.35em;margin-top:2.2em;border-bottom:1px solid #ccc}\n"
    "figure{margin:1em 0}figure img{width:100%;height:auto;border:1px solid #ddd}\n"
    "figcaption p{margin:.5em 0}.files{font-size:.9em;color:#555}\n"
    ".note{background:#f5f5f5;border-left:4px solid #999;padding:.6em 1em}\n"
    ".meta{font-size:.9em;color:#555}\n"
    "table{border-collapse:collapse;font-size:.9em;margin:1em 0}\n"
    "th,td{border:1px solid #ccc;padding:.3em .5em;text-align:right;vertical-align:top}\n"
    "th:first-child,td:first-child{text-align:left}th{background:#f0f0f0}\n"
    "small{color:#666}\n";

/* One number per line with its 95% CI below; signed for changes and differences. */
static void fmt1(char *out, size_t size, double x, int sign)
{
    if (sign)
        snprintf(out, size, "%+.1f", x);
    else
        snprintf(out, size, "%.1f", x);
}

static void cell_ci(FILE *f, const double v[3], int sign)
{
    fputs("<td>", f);
    if (!isfinite(v[0])) {
        fputs("n/a</td>", f);
        return;
    }
    char a[32], b[32], c[32];
    fmt1(a, sizeof a, v[0], sign);
    fmt1(b, sizeof b, v[1], sign);
    fmt1(c, sizeof c, v[2], sign);
    fprintf(f, "%s", a);
    if (isfinite(v[1]) && isfinite(v[2]))
        fprintf(f, "<br><small>%s to %s</small>", b, c);
    fputs("</td>", f);
}

static const rd_count table_counts[] = {RE_FALL, RE_FRACTURE, RE_FRACTURE_HIP, RE_ADVERSE_SERIOUS, RE_DEATH};

/* The header cells of a summary table after "Arm": each outcome's change (in `unit`),
 * then each count per 1000 person-years. */
static void table_head(FILE *f, const char *unit)
{
    for (int k = 0; k < RK_COUNT; k++)
        fprintf(f, "<th>%s<br><small>%s</small></th>", plot_key_label[k], unit);
    for (size_t i = 0; i < sizeof table_counts / sizeof table_counts[0]; i++) {
        fputs("<th>", f);
        report_html_text(f, resultdata_counts[table_counts[i]].label);
        fputs("<br><small>per 1000 person-years</small></th>", f);
    }
}

/* A row's cells after the arm: each outcome's change, then each count's rate (signed
 * with rate_sign: differences). */
static void table_cells(FILE *f, const double change[RK_COUNT][3], const double rate[RE_COUNT][3], int rate_sign)
{
    for (int k = 0; k < RK_COUNT; k++)
        cell_ci(f, change[k], 1);
    for (size_t i = 0; i < sizeof table_counts / sizeof table_counts[0]; i++)
        cell_ci(f, rate[table_counts[i]], rate_sign);
}

/* Each arm at the end of the study. */
static void summary_table(FILE *f, const resultdata *d)
{
    fputs("<p>End of the study, per arm. Changes are the mean % change from the start among the "
          "people still alive; events are per 1000 person-years. Below each value: its 95% "
          "confidence interval.</p>\n<table>\n<thead><tr><th>Arm</th>",
          f);
    table_head(f, "change, %");
    fputs("<th>Person-years</th></tr></thead>\n<tbody>\n", f);
    for (size_t a = 0; a < d->n_arms; a++) {
        const rd_arm *A = &d->arms[a];
        fputs("<tr><td>", f);
        report_html_text(f, A->name);
        if (a == d->reference)
            fputs(" <small>(reference)</small>", f);
        fputs("</td>", f);
        table_cells(f, A->change_pct, A->rate, 0);
        fprintf(f, "<td>%.0f</td></tr>\n", A->person_years);
    }
    fputs("</tbody>\n</table>\n", f);
}

/* The rows of every arm but the reference: its differences (the run's, or with
 * uncertainty across the parameter draws, followed by how often it did better). */
static void difference_rows(FILE *f, const resultdata *d, int uncertainty)
{
    fputs("<table>\n<thead><tr><th>Arm</th>", f);
    table_head(f, "points");
    fputs("</tr></thead>\n<tbody>\n", f);
    for (size_t a = 0; a < d->n_arms; a++) {
        if (a == d->reference)
            continue;
        const rd_arm *A = &d->arms[a];
        fputs("<tr><td>", f);
        report_html_text(f, A->name);
        fputs("</td>", f);
        if (!uncertainty) {
            table_cells(f, A->diff_change_pct, A->diff_rate, 1);
            fputs("</tr>\n", f);
            continue;
        }
        table_cells(f, A->ui_diff_change_pct, A->ui_diff_rate, 1);
        fputs("</tr>\n<tr><td><small>better in</small></td>", f);
        for (int k = 0; k < RK_COUNT; k++)
            fprintf(f, "<td><small>%.0f%% of runs</small></td>", 100 * A->p_better_change[k]);
        for (size_t i = 0; i < sizeof table_counts / sizeof table_counts[0]; i++)
            fprintf(f, "<td><small>%.0f%% of runs</small></td>", 100 * A->p_better_rate[table_counts[i]]);
        fputs("</tr>\n", f);
    }
    fputs("</tbody>\n</table>\n", f);
}

/* Each arm against the reference arm, paired. */
static void difference_table(FILE *f, const resultdata *d)
{
    fputs("<p>Each arm against the reference arm <strong>", f);
    report_html_text(f, d->arms[d->reference].name);
    fputs("</strong>, person by person (the same virtual people in every arm): the difference in % "
          "change (percentage points) and in events per 1000 person-years.</p>\n",
          f);
    difference_rows(f, d, 0);
}

/* With parameter draws: each difference's mean and 95% uncertainty interval across the
 * draws, and how often the arm did better, after a plain account of both intervals. */
static void draws_table(FILE *f, const resultdata *d)
{
    fprintf(f, "<h3>What the model does not know</h3>\n<p>The tables above give 95%% <em>confidence</em> "
               "intervals: they say how precisely this finite virtual population estimates the model's "
               "answer (Monte Carlo precision). With thousands of people they shrink towards nothing, "
               "whatever the truth. The model's parameters are themselves uncertain: the published data they "
               "were fitted to leave a range of values open. This run was repeated %zu times on the same "
               "people with parameters drawn from that range. Below, for each arm against <strong>",
            d->n_draws);
    report_html_text(f, d->arms[d->reference].name);
    fputs("</strong>: the mean difference across those runs, its 95% <em>uncertainty</em> interval (the middle "
          "95% of the runs) and the share of runs in which the arm did better. An uncertainty interval that "
          "crosses zero means the evidence behind the model cannot tell the arm from the reference.</p>\n",
          f);
    difference_rows(f, d, 1);
}

static void summary_tables(FILE *f, const resultdata *d)
{
    fputs("<section id=\"summary\">\n<h2>Summary table</h2>\n", f);
    summary_table(f, d);
    if (d->n_arms > 1)
        difference_table(f, d);
    if (d->n_arms > 1 && d->n_draws)
        draws_table(f, d);
    fputs("</section>\n", f);
}

static void file_links(FILE *f, const plot_figure *F, const char *dir)
{
    static const char *const ext[] = {"gp", "tsv", "png", "svg", "pdf"};
    static const char *const what[] = {"gnuplot script", "the plotted numbers", "image", "image", "image"};
    fputs("<p class=\"files\">Files next to this page: ", f);
    int first = 1;
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.%s", dir, F->name, ext[i]);
        FILE *probe = fopen(path, "rb");
        if (!probe)
            continue;
        fclose(probe);
        fprintf(f, "%s<a href=\"%s.%s\">%s.%s</a> (%s)", first ? "" : ", ", F->name, ext[i], F->name, ext[i], what[i]);
        first = 0;
    }
    fprintf(f, ". To change titles, colours or language, edit %s.gp and run <code>gnuplot %s.gp</code> "
               "in this folder.</p>\n",
            F->name, F->name);
}

void report_page_head(FILE *f, const char *title)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
          f);
    report_html_text(f, title);
    fputs(" — msksim figures</title>\n<style>\n", f);
    fputs(style, f);
    fputs("</style>\n</head>\n<body>\n<h1>", f);
    report_html_text(f, title);
    fputs("</h1>\n", f);
}

msk_status report_embed_image(FILE *f, const char *dir, const char *name, unsigned image_format,
                              const char *alt, diag_list *diags)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.%s", dir, name, gp_format_name(image_format));
    size_t n;
    unsigned char *img = slurp(path, &n, diags);
    if (!img)
        return MSK_EIO;
    fprintf(f, "<img src=\"data:%s;base64,", image_format == GP_SVG ? "image/svg+xml" : "image/png");
    report_base64(f, img, n);
    free(img);
    fputs("\" alt=\"", f);
    report_html_text(f, alt);
    fputs("\" width=\"1600\" height=\"900\">\n", f);
    return MSK_OK;
}

static msk_status figure_section(FILE *f, const plot_figure *F, const char *dir, unsigned image_format,
                                 diag_list *diags)
{
    fprintf(f, "<section id=\"fig%s\">\n<h2>Figure %s. ", F->number, F->number);
    if (F->skipped) {
        fputs("Not made for this run</h2>\n<p class=\"note\">", f);
        report_html_text(f, F->skipped);
        fputs("</p>\n</section>\n", f);
        return MSK_OK;
    }
    report_html_text(f, F->title ? F->title : "");
    fputs("</h2>\n<figure>\n", f);
    if (report_embed_image(f, dir, F->name, image_format, F->title ? F->title : "", diags) != MSK_OK)
        return MSK_EIO;
    fputs("<figcaption>\n", f);
    const char *head[3] = {"What it shows.", "How to read it.", "What the simulation assumed."};
    const char *text[3] = {F->shows, F->how, F->assumed};
    for (int i = 0; i < 3; i++) {
        if (!text[i])
            continue;
        fprintf(f, "<p><strong>%s</strong> ", head[i]);
        report_html_text(f, text[i]);
        fputs("</p>\n", f);
    }
    file_links(f, F, dir);
    fputs("</figcaption>\n</figure>\n</section>\n", f);
    return MSK_OK;
}

msk_status report_write(const resultdata *d, const plot_set *set, const char *result_path,
                        const char *dir, unsigned image_format, diag_list *diags)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/index.html", dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        diag_add(diags, DIAG_ERROR, path, 0, 0, "", "cannot write: %s", strerror(errno));
        return MSK_EIO;
    }
    report_page_head(f, d->title);
    if (d->description && d->description[0]) {
        fputs("<p>", f);
        report_html_text(f, d->description);
        fputs("</p>\n", f);
    }
    if (set->study) {
        fputs("<p>", f);
        report_html_text(f, set->study);
        fputs("</p>\n", f);
    }
    fputs("<p class=\"meta\">These are results of a simulation, not of real people: a model of how "
          "muscle and bone respond to age, disuse, nutrition and training, with chance events drawn "
          "at random. Made by <code>msksim plot</code> from <code>",
          f);
    report_html_text(f, result_path);
    fputs("</code> (", f);
    report_html_text(f, d->source);
    fputs(").</p>\n<nav><p><strong>Contents:</strong> ", f);
    for (size_t i = 0; i < set->n; i++) {
        const plot_figure *F = &set->fig[i];
        fprintf(f, "<a href=\"#fig%s\">Figure %s</a>%s · ", F->number, F->number, F->skipped ? " (not made)" : "");
    }
    fputs("<a href=\"#summary\">Summary table</a></p></nav>\n", f);
    msk_status st = MSK_OK;
    for (size_t i = 0; i < set->n && st == MSK_OK; i++)
        st = figure_section(f, &set->fig[i], dir, image_format, diags);
    summary_tables(f, d);
    fputs("</body>\n</html>\n", f);
    int bad = ferror(f);
    if (fclose(f) != 0)
        bad = 1;
    if (bad && st == MSK_OK) {
        diag_add(diags, DIAG_ERROR, path, 0, 0, "", "cannot write: %s", strerror(errno));
        st = MSK_EIO;
    }
    return st;
}
