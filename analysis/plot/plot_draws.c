/* plot_draws.c — figure 9, what drives the uncertainty of the key comparisons: the
 * standardized regression coefficients of the drawn parameters (/draws). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"
#include "plotfig.h"

/* Parameters shown per panel: the most influential, by their largest |SRC| over the
 * compared arms. */
enum { DRIVERS_SHOWN = 8 };

static const char *const panel_title[2] = {"Leg lean mass: difference in % change", "Fractures per 1000 py: difference"};

typedef struct {
    size_t n_shown[2];
    size_t shown[2][DRIVERS_SHOWN]; /* parameter indices, most influential first */
    double lim[2];                  /* x range: -lim .. lim */
    int has[2];
} drivers_fig;

static double src_of(const resultdata *d, int panel, size_t a, size_t p)
{
    return d->importance[panel][a * d->n_params + p];
}

/* The largest |SRC| of parameter p over the compared arms (0 where none is defined). */
static double weight(const resultdata *d, int panel, size_t p)
{
    double w = 0;
    for (size_t a = 0; a < d->n_arms; a++)
        if (a != d->reference && isfinite(src_of(d, panel, a, p)))
            w = fmax(w, fabs(src_of(d, panel, a, p)));
    return w;
}

static void drivers_data(const resultdata *d, drivers_fig *x)
{
    for (int panel = 0; panel < 2; panel++) {
        size_t n = 0;
        double lim = 0;
        int used[10000] = {0};
        while (n < DRIVERS_SHOWN && n < d->n_params) {
            size_t best = d->n_params;
            for (size_t p = 0; p < d->n_params; p++)
                if (!used[p] && (best == d->n_params || weight(d, panel, p) > weight(d, panel, best)))
                    best = p;
            if (!(weight(d, panel, best) > 0))
                break;
            used[best] = 1;
            lim = fmax(lim, weight(d, panel, best));
            x->shown[panel][n++] = best;
        }
        x->n_shown[panel] = n;
        x->has[panel] = n > 0;
        x->lim[panel] = lim > 0 ? fmin(1.2, 1.1 * lim) : 1;
    }
}

/* Block per panel: rank (0 the most influential), then for each arm its SRC (NaN for
 * the reference), then the parameter's name. */
static void drivers_table(const plot_ctx *c, FILE *tsv, const void *fig)
{
    const drivers_fig *x = fig;
    const resultdata *d = c->d;
    fprintf(tsv, "# %zu parameter draws; block 0: leg lean mass, block 1: fractures (paired differences vs the\n"
                 "#   reference arm). One row per parameter shown: rank, then each arm's standardized\n"
                 "#   regression coefficient (/draws/VAR_importance; NaN for the reference arm), then its name\n",
            d->n_draws);
    for (int panel = 0; panel < 2; panel++) {
        fprintf(tsv, "%s# block %d: %s; R^2 per arm:", panel ? "\n\n" : "", panel, panel_title[panel]);
        for (size_t a = 0; a < d->n_arms; a++)
            fprintf(tsv, " %.3g", d->importance_r2[panel][a]);
        fputc('\n', tsv);
        for (size_t r = 0; r < x->n_shown[panel]; r++) {
            size_t p = x->shown[panel][r];
            fprintf(tsv, "%zu", r);
            for (size_t a = 0; a < d->n_arms; a++)
                pf_num(tsv, a == d->reference ? NAN : src_of(d, panel, a, p));
            fputc('\t', tsv);
            gp_cell(tsv, d->param[p]);
            fputc('\n', tsv);
        }
    }
}

static void drivers_panel(const plot_ctx *c, FILE *gp, const char *tsv, const drivers_fig *x, int panel)
{
    const resultdata *d = c->d;
    const int both = x->has[0] && x->has[1];
    const size_t n = x->n_shown[panel], nc = d->n_arms - 1;
    fprintf(gp, "\n# ---- %s ----\n", panel_title[panel]);
    fprintf(gp, "set lmargin at screen %.3f; set rmargin at screen %.3f; set bmargin at screen 0.22; "
                "set tmargin at screen 0.84\n",
            panel == 0 || !both ? 0.25 : 0.74, panel == 1 || !both ? 0.98 : 0.49);
    fputs("set title ", gp);
    gp_string(gp, panel_title[panel]);
    fprintf(gp, " font \",15\"\nset xrange [%.4g:%.4g]\nset yrange [%.1f:-0.6]\n", -x->lim[panel], x->lim[panel],
            (double)n - 0.4);
    fprintf(gp, "set xtics %g font \",13\"\n", x->lim[panel] > 0.6 ? 0.5 : x->lim[panel] > 0.25 ? 0.2 : 0.05);
    fputs("set xlabel \"Standardized regression coefficient\" font \",14\"\nset ytics nomirror font \",12\" (", gp);
    for (size_t r = 0; r < n; r++) {
        fputs(r ? ", " : "", gp);
        gp_string(gp, d->param[x->shown[panel][r]]);
        fprintf(gp, " %zu", r);
    }
    fputs(")\nset grid xtics noytics\nset xzeroaxis\nset yzeroaxis lt -1 lw 1.5\nplot ", gp);
    const double h = 0.8 / (double)(nc ? nc : 1);
    size_t i = 0;
    const char *sep = "";
    for (size_t a = 0; a < d->n_arms; a++) {
        if (a == d->reference)
            continue;
        const double off = -0.4 + h * ((double)i + 0.5);
        fprintf(gp, "%s'%s' index %d using ($%zu/2):($1%+.3f):(0):($%zu):($1%+.3f):($1%+.3f) with boxxyerror "
                    "fs solid 0.9 lc rgb \"%s\" notitle",
                sep, tsv, panel, a + 2, off, a + 2, off - h / 2, off + h / 2, pf_colour(c, a));
        sep = ", \\\n     ";
        i++;
    }
    fputc('\n', gp);
    fputs("unset title; unset xlabel; unset xzeroaxis; unset yzeroaxis; set xtics autofreq\n", gp);
}

static void drivers_script(const plot_ctx *c, FILE *gp, const char *tsv, const char *title, const void *fig)
{
    const drivers_fig *x = fig;
    pf_multiplot_begin(gp, title);
    for (int panel = 0; panel < 2; panel++)
        if (x->has[panel])
            drivers_panel(c, gp, tsv, x, panel);
    pf_legend_arms(c, gp, "boxes fs solid 0.9");
    fputs("unset multiplot\n", gp);
}

static void drivers_words(const plot_ctx *c, FILE *m, const void *fig)
{
    const drivers_fig *x = fig;
    const resultdata *d = c->d;
    fprintf(m, "Each bar says how strongly one model parameter moved an arm's advantage over ‘%s’ across the %zu "
               "parameter draws: the change in the difference, in its standard deviations, per standard deviation "
               "of the parameter, the other parameters held. Bars to the right: the larger the parameter, the "
               "larger the difference.",
            d->arms[d->reference].name, d->n_draws);
    for (int panel = 0; panel < 2; panel++) {
        if (!x->has[panel])
            continue;
        size_t p = x->shown[panel][0];
        fprintf(m, " For %s, the strongest driver is %s", panel ? "fractures" : "leg lean mass", d->param[p]);
        const char *sep = " (";
        for (size_t a = 0; a < d->n_arms; a++)
            if (a != d->reference && isfinite(src_of(d, panel, a, p))) {
                fprintf(m, "%s%s %+.2f, R² %.2f", sep, d->arms[a].name, src_of(d, panel, a, p),
                        d->importance_r2[panel][a]);
                sep = "; ";
            }
        fputs(sep[0] == ';' ? ")." : ".", m);
    }
}

void pf_drivers(plot_ctx *c, plot_figure *F)
{
    const resultdata *d = c->d;
    if (d->n_draws == 0) {
        F->skipped = pf_format("The run has no parameter draws (`msksim run --draws N`), so there is no "
                               "uncertainty about the parameters to break down.");
        return;
    }
    if (d->n_arms < 2 || d->n_params == 0) {
        F->skipped = pf_format("%s", d->n_arms < 2 ? "There is one arm, so no comparison to break down."
                                                    : "No parameter was drawn (every SD is 0).");
        return;
    }
    drivers_fig x;
    drivers_data(d, &x);
    if (!x.has[0] && !x.has[1]) {
        F->skipped = pf_format("The coefficients are undefined: %zu draws are too few for %zu drawn parameters "
                               "(it takes at least %zu), or the differences do not vary.",
                               d->n_draws, d->n_params, d->n_params + 3);
        return;
    }
    F->title = pf_format("What drives the uncertainty of each arm's advantage over ‘%s’", d->arms[d->reference].name);
    F->shows = pf_text(c, drivers_words, &x);
    F->how = pf_format("The longer a bar, the more of the uncertainty interval (figure 3, the report's table) "
                       "comes from that parameter: measuring it better is what would narrow the interval most. "
                       "With R² near 1 the squared coefficients add up to the share of the spread each "
                       "parameter explains; with R² well below 1 (fracture counts respond to parameters in "
                       "steps) the order is indicative only.");
    F->assumed = pf_format("A linear regression of the difference on the drawn parameters across the draws "
                           "(least squares, GSL). Correlated parameters share their influence. Parameters that "
                           "are not drawn (not calibrated, or held) do not appear.");
    pf_write_files(c, F->name, F->title, drivers_table, drivers_script, &x);
}
