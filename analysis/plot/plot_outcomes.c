/* plot_outcomes.c — end-of-study figures: change per arm and paired differences (3),
 * BFR dose against effect and adverse events (7). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"
#include "plotfig.h"

/* ---- Figure 3: end of study ------------------------------------------------------- */

static void histogram_style(FILE *gp)
{
    fputs("set style data histograms\n"
          "set style histogram errorbars gap 1.5 lw 2\n"
          "set style fill solid 0.9 border lc rgb \"#333333\"\n"
          "set boxwidth 0.9\n"
          "set xtics nomirror font \",18\" (\"Leg\\nmuscle\" 0, \"Knee\\nstrength\" 1, \"Grip\\nstrength\" 2, \"Gait\\nspeed\" 3, \"Hip bone\\n(BMD)\" 4)\n"
          "set grid noxtics ytics\n"
          "set xzeroaxis lt -1 lw 1.5\n",
          gp);
}

/* What figure 3 plots: one panel of change per arm and, with several arms, one of
 * paired differences against the reference arm. */
typedef struct {
    int panels;
    gp_range r[2]; /* y range of each panel */
} end_of_study;

/* Panel blk's change (mean, lower, upper limit) of outcome k in arm a: with parameter
 * draws the mean and 95% uncertainty interval across them, else the run's mean and
 * Monte Carlo CI. NULL where the arm is not in the panel (the reference arm is not
 * compared with itself). */
static const double *eos_values(const resultdata *d, int blk, size_t a, int k)
{
    if (blk && a == d->reference)
        return NULL;
    if (d->n_draws)
        return blk ? d->arms[a].ui_diff_change_pct[k] : d->arms[a].ui_change_pct[k];
    return blk ? d->arms[a].diff_change_pct[k] : d->arms[a].change_pct[k];
}

/* Does column j (0 the change, 1 and 2 its limits) of arm a in panel blk hold a number
 * for any outcome? Not after everyone has died (no survivors, no change), nor the limits
 * with one survivor. */
static int eos_finite(const resultdata *d, int blk, size_t a, int j)
{
    for (int k = 0; k < RK_COUNT; k++) {
        const double *v = eos_values(d, blk, a, k);
        if (v && isfinite(v[j]))
            return 1;
    }
    return 0;
}

static void eos_data(const plot_ctx *c, end_of_study *x)
{
    const resultdata *d = c->d;
    x->panels = d->n_arms > 1 ? 2 : 1;
    for (int blk = 0; blk < x->panels; blk++) {
        gp_range_init(&x->r[blk]);
        for (int k = 0; k < RK_COUNT; k++)
            for (size_t a = 0; a < d->n_arms; a++) {
                const double *v = eos_values(d, blk, a, k);
                for (int j = 0; v && j < 3; j++)
                    gp_range_add(&x->r[blk], v[j]);
            }
        gp_range_final(&x->r[blk], 0.1, 1);
    }
}

static void eos_table(const plot_ctx *c, FILE *tsv, const void *fig)
{
    const end_of_study *x = fig;
    const resultdata *d = c->d;
    if (d->n_draws) {
        fprintf(tsv, "# %zu parameter draws: every value below is the mean across the draws and its limits the\n"
                     "#   95%% uncertainty interval (2.5%% and 97.5%% quantiles; /draws/VAR_*_mean, _ui_low, _ui_high)\n",
                d->n_draws);
    }
    fputs("# block 0: mean % change from the start to the end among survivors; one row per outcome,\n"
          "#   then for each arm (in order): change_pct, ci_low, ci_high (/summary/VAR_change_pct*)\n",
          tsv);
    if (x->panels > 1) {
        fputs("# block 1: paired difference in % change against the reference arm (percentage points);\n"
              "#   for each arm but the reference: difference, ci_low, ci_high\n"
              "#   (/comparison/VAR_change_pct_difference*)\n",
              tsv);
    }
    fputs("# arms:", tsv);
    for (size_t a = 0; a < d->n_arms; a++) {
        fputc(' ', tsv);
        gp_cell(tsv, d->arms[a].name);
        fputs(a == d->reference ? " (reference);" : ";", tsv);
    }
    fputc('\n', tsv);
    for (int blk = 0; blk < x->panels; blk++) {
        if (blk)
            fputs("\n\n", tsv);
        fprintf(tsv, "# block %d: %s\n", blk, blk ? "paired differences" : "change per arm");
        for (int k = 0; k < RK_COUNT; k++) {
            fputs(plot_key_label[k], tsv);
            for (size_t a = 0; a < d->n_arms; a++) {
                const double *v = eos_values(d, blk, a, k);
                for (int j = 0; v && j < 3; j++)
                    pf_num(tsv, v[j]);
            }
            fputc('\n', tsv);
        }
    }
}

/* Panel blk: the bars of every arm in it, three columns (value, ci_low, ci_high) each. */
static void eos_panel(const plot_ctx *c, FILE *gp, const char *tsv, const end_of_study *x, const pf_layout *L,
                      int blk)
{
    const resultdata *d = c->d;
    fprintf(gp, "\n# ---- %s ----\n", blk ? "Paired differences" : "Change per arm");
    pf_panel(gp, L, 0, blk);
    if (blk) {
        fputs("set title ", gp);
        char *t = pf_format("Difference from ‘%s’ (same people)", d->arms[d->reference].name);
        gp_string(gp, t ? t : "");
        free(t);
        fputs("\nset ylabel \"Difference in change (percentage points)\"\n", gp);
    } else {
        fputs("set title \"Change from the start to the end\"\nset ylabel \"Change (%)\"\n", gp);
    }
    fprintf(gp, "set yrange [%.6g:%.6g]\n", x->r[blk].lo, x->r[blk].hi);
    fputs("plot ", gp);
    int col = 2, first = 1;
    for (size_t a = 0; a < d->n_arms; a++) {
        if (!eos_values(d, blk, a, 0))
            continue;
        if (!eos_finite(d, blk, a, 0)) { /* no bar to draw: gnuplot would warn */
            col += 3;
            continue;
        }
        fprintf(gp, "%s'%s' index %d using %d:", first ? "" : ", \\\n     ", first ? tsv : "", blk, col);
        if (eos_finite(d, blk, a, 1) && eos_finite(d, blk, a, 2))
            fprintf(gp, "%d:%d", col + 1, col + 2);
        else /* an undefined interval (one survivor) is drawn as none */
            fprintf(gp, "(valid(%d) ? $%d : $%d):(valid(%d) ? $%d : $%d)", col + 1, col + 1, col, col + 2, col + 2,
                    col);
        fprintf(gp, " lc rgb \"%s\" title ", pf_colour(c, a));
        gp_string(gp, d->arms[a].name);
        col += 3;
        first = 0;
    }
    fputs(first ? "NaN notitle\n" : "\n", gp);
}

static void eos_script(const plot_ctx *c, FILE *gp, const char *tsv, const char *title, const void *fig)
{
    const end_of_study *x = fig;
    histogram_style(gp);
    pf_multiplot_begin(gp, title);
    pf_layout L = pf_layout_default(1, x->panels);
    for (int blk = 0; blk < x->panels; blk++)
        eos_panel(c, gp, tsv, x, &L, blk);
    pf_legend_arms(c, gp, "boxes fs solid 0.9");
    fputs("unset multiplot\n", gp);
}

static void eos_shows(const plot_ctx *c, FILE *m, const void *fig)
{
    const resultdata *d = c->d;
    (void)fig;
    fputs("Left: how much each outcome changed from the start to the end of the study, on average, "
          "among the people still alive, in each arm. ",
          m);
    if (d->n_arms < 2)
        return;
    fprintf(m, "Right: each arm minus the reference arm ‘%s’, computed person by person (the same "
               "virtual people are in every arm). For knee strength: ",
            d->arms[d->reference].name);
    int first = 1;
    for (size_t a = 0; a < d->n_arms; a++) {
        if (a == d->reference)
            continue;
        const double *v = d->arms[a].diff_change_pct[RK_KNEE];
        fprintf(m, "%s%s %+.1f (95%% CI %+.1f to %+.1f", first ? "" : ", ", d->arms[a].name, v[0], v[1], v[2]);
        if (d->n_draws) {
            const double *u = d->arms[a].ui_diff_change_pct[RK_KNEE];
            fprintf(m, "; across parameter draws %+.1f, 95%% uncertainty interval %+.1f to %+.1f, better than ‘%s’ in "
                       "%.0f%% of draws",
                    u[0], u[1], u[2], d->arms[d->reference].name, 100 * d->arms[a].p_better_change[RK_KNEE]);
        }
        fputc(')', m);
        first = 0;
    }
    fputs(" percentage points.", m);
}

static void eos_caption_draws(const plot_ctx *c, plot_figure *F, const end_of_study *x)
{
    const char *ref = c->d->arms[c->d->reference].name;
    F->title = x->panels > 1 ? pf_format("End of study: change per arm and against ‘%s’ (95%% uncertainty "
                                         "interval, %zu parameter draws)", ref, c->d->n_draws)
                             : pf_format("End of study: change from the start (95%% uncertainty interval over %zu "
                                         "parameter draws)", c->d->n_draws);
    F->shows = pf_text(c, eos_shows, x);
    F->how = pf_format("Bars above zero are gains, below zero losses. Each bar is the mean over %zu runs of the "
                       "same virtual people, each run with model parameters drawn from what the calibration "
                       "allows; the thin black bar spans the middle 95%% of those runs. That is the "
                       "uncertainty interval: how much the answer depends on what the published data leave "
                       "unknown about the model. It is usually much wider than the Monte Carlo interval, "
                       "which says only how precisely this finite population estimates the model's answer "
                       "(in the file: /draws/*_mc_low and _mc_high), but not for rare events in a small "
                       "population (the run's table notes where). An interval in the right panel that "
                       "crosses zero means the data behind the model cannot tell the arm from the reference. "
                       "The outcomes are in %% of their own starting value.",
                       c->d->n_draws);
    F->assumed = pf_format("Parameters are drawn from the calibration's Laplace approximation (jointly normal on "
                           "the logit scale of their bounds); parameters the calibration does not fit keep their "
                           "published values. Every draw uses the same seed, so arms and draws differ by their "
                           "parameters alone. Changes are among survivors.");
}

static void eos_caption(const plot_ctx *c, plot_figure *F, const end_of_study *x)
{
    if (c->d->n_draws) {
        eos_caption_draws(c, F, x);
        return;
    }
    const char *ref = c->d->arms[c->d->reference].name;
    F->title = x->panels > 1
                   ? pf_format("End of study: change from the start per arm, and each arm against ‘%s’ (95%% CI)", ref)
                   : pf_format("End of study: change from the start (95%% CI)");
    F->shows = pf_text(c, eos_shows, x);
    F->how = pf_format("Bars above zero are gains, below zero losses. The thin black bar on each bar is the "
                       "95%% confidence interval of the simulation: if it crosses zero in the right panel, "
                       "this virtual population is too small to tell the arm from the reference. The interval "
                       "measures Monte Carlo noise only, not how uncertain the model's parameters are: a "
                       "difference well outside it is the model's answer, not proof. The outcomes are in %% of "
                       "their own starting "
                       "value, so a 2%% change in bone density is large while a 2%% change in strength is "
                       "small.");
    F->assumed = pf_format("Changes are per person, from the start to the end, among survivors (people who "
                           "died are left out). Confidence intervals use the Student t distribution; the "
                           "paired differences use the spread of the person-by-person differences.");
}

void pf_end_of_study(plot_ctx *c, plot_figure *F)
{
    int any = 0;
    for (size_t a = 0; a < c->d->n_arms; a++)
        any |= eos_finite(c->d, 0, a, 0);
    if (!any) {
        F->skipped = pf_format("Nobody was alive at the end of the study in any arm, so there is no change "
                               "from the start to the end among survivors to show; figure 1 shows the "
                               "course until then.");
        return;
    }
    end_of_study x;
    eos_data(c, &x);
    eos_caption(c, F, &x);
    pf_write_files(c, F->name, F->title, eos_table, eos_script, &x);
}

/* ---- Figure 7: BFR dose ----------------------------------------------------------- */

/* The heaviest load (%1RM) and highest cuff pressure of an arm; NaN when none. */
static void arm_dose(const rd_arm *A, double *load, double *cuff_pct, double *cuff_mmhg)
{
    *load = *cuff_pct = *cuff_mmhg = NAN;
    for (size_t i = 0; i < A->n_iv; i++) {
        const rd_intervention *iv = &A->iv[i];
        if (isfinite(iv->load_pct_1rm) && !(iv->load_pct_1rm <= *load))
            *load = iv->load_pct_1rm;
        if (isfinite(iv->cuff_pct_aop) && !(iv->cuff_pct_aop <= *cuff_pct))
            *cuff_pct = iv->cuff_pct_aop;
        if (isfinite(iv->cuff_mmhg) && !(iv->cuff_mmhg <= *cuff_mmhg))
            *cuff_mmhg = iv->cuff_mmhg;
    }
}

/* Spread points that share an x value so they do not hide each other. */
static void spread(const double *x, double *out, size_t n, double step)
{
    for (size_t i = 0; i < n; i++) {
        size_t same = 0, rank = 0;
        for (size_t j = 0; j < n; j++)
            if (x[j] == x[i]) {
                if (j < i)
                    rank++;
                same++;
            }
        out[i] = x[i] + step * ((double)rank - 0.5 * (double)(same - 1));
    }
}

/* Heights for point labels: at the point, pushed up past labels of nearby points
 * (within xnear) that would overlap (closer than ygap). */
static void place_labels(const double *x, const double *y, double *ly, size_t n, double xnear, double ygap)
{
    for (size_t i = 0; i < n; i++)
        ly[i] = y[i];
    for (size_t pass = 0; pass < n; pass++)
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++) {
                if (j == i || !isfinite(ly[i]) || !isfinite(ly[j]) || fabs(x[i] - x[j]) > xnear)
                    continue;
                /* The lower (or, at a tie, the earlier) label keeps its place. */
                int i_above = ly[i] > ly[j] || (ly[i] == ly[j] && i > j);
                if (i_above && ly[i] - ly[j] < ygap)
                    ly[i] = ly[j] + ygap;
            }
}

/* What figure 7 plots: one point per arm in three panels, its dose against its gain in
 * knee strength and in leg lean mass, and its cuff pressure against its adverse events. */
typedef struct {
    double *load, *cuff; /* per arm: heaviest load (%1RM), highest cuff pressure; 0 = none */
    double *ex, *cx;     /* where each arm is drawn: at its dose in the effect panels, at its
                          * cuff pressure in the adverse-event panel (set apart where equal) */
    double *ly[3];       /* label heights in each panel */
    int use_mmhg;        /* cuffs in mmHg (no arm gives % of the arterial occlusion pressure) */
    int by_load;         /* effect against load (some compared arm lifts one), else cuff */
    int any_cuff, any_plain; /* compared arms with and without a cuff */
    gp_range rx, rc;     /* x ranges: dose (effect panels), cuff (adverse-event panel) */
    gp_range ry[3];      /* y range of each panel */
    double *mem;
} bfr_dose;

/* Does figure 7 apply? If not, *why says why. */
static int dose_applies(const resultdata *d, char **why)
{
    int recorded = 1, any_bfr = 0;
    for (size_t a = 0; a < d->n_arms; a++) {
        recorded = recorded && d->arms[a].has_interventions;
        any_bfr = any_bfr || (a != d->reference && pf_arm_has_bfr(&d->arms[a]));
    }
    if (!recorded)
        *why = pf_format("This result file does not record the arms' prescriptions (it was written "
                         "by an older msksim); run the scenario again to get the dose figure.");
    else if (!any_bfr)
        *why = pf_format("No arm of this run uses blood-flow restriction (BFR) against a reference "
                         "arm, so there is no dose to plot.");
    int any_effect = 0; /* survivors at the end, whose change can be compared */
    for (size_t a = 0; a < d->n_arms; a++)
        any_effect = any_effect || (a != d->reference && (isfinite(d->arms[a].diff_change_pct[RK_KNEE][0]) ||
                                                          isfinite(d->arms[a].diff_change_pct[RK_LEG_LEAN][0])));
    if (recorded && any_bfr && !any_effect)
        *why = pf_format("Nobody was alive at the end of the study, so no arm's gain over the reference "
                         "arm can be set against its dose.");
    return recorded && any_bfr && any_effect;
}

/* Arm A's value (mean, ci_low, ci_high) in panel i: knee strength or leg lean mass gained
 * over the reference arm (percentage points), minor adverse events per 1000 person-years. */
/* Arm A's gain in outcome k over the reference: with parameter draws the mean and 95%
 * uncertainty interval across them, else the run's paired difference and its CI. */
static const double *effect(const rd_arm *A, int k)
{
    return A->ui_key_mean[k][0] ? A->ui_diff_change_pct[k] : A->diff_change_pct[k];
}

static const double *dose_y(const rd_arm *A, int i)
{
    return i == 0 ? effect(A, RK_KNEE) : i == 1 ? effect(A, RK_LEG_LEAN) : A->rate[RE_ADVERSE_MINOR];
}

/* Each arm's load and cuff pressure, in the unit that every arm can give. */
static void dose_of_arms(const resultdata *d, bfr_dose *x)
{
    x->use_mmhg = 1;
    for (size_t a = 0; a < d->n_arms; a++) {
        double l, cp, cm;
        arm_dose(&d->arms[a], &l, &cp, &cm);
        if (isfinite(cp))
            x->use_mmhg = 0;
    }
    x->by_load = x->any_cuff = x->any_plain = 0;
    for (size_t a = 0; a < d->n_arms; a++) {
        double l, cp, cm;
        arm_dose(&d->arms[a], &l, &cp, &cm);
        x->load[a] = isfinite(l) ? l : 0;
        x->cuff[a] = x->use_mmhg ? (isfinite(cm) ? cm : 0) : (isfinite(cp) ? cp : 0);
        if (a == d->reference)
            continue;
        x->by_load = x->by_load || x->load[a] > 0;
        x->any_cuff = x->any_cuff || pf_arm_has_bfr(&d->arms[a]);
        x->any_plain = x->any_plain || !pf_arm_has_bfr(&d->arms[a]);
    }
}

/* The top of the cuff-pressure scale: the usual range of its unit. */
static double cuff_top(const bfr_dose *x)
{
    return x->use_mmhg ? 200 : 100;
}

/* Where the arms are drawn (the reference arm has no point in the effect panels), and
 * the ranges that hold them. */
static void dose_positions(const resultdata *d, bfr_dose *x, double *scratch)
{
    size_t na = d->n_arms;
    double dose_top = x->by_load ? 100 : cuff_top(x);
    for (size_t a = 0; a < na; a++)
        scratch[a] = a == d->reference ? NAN : x->by_load ? x->load[a] : x->cuff[a];
    spread(scratch, x->ex, na, 0.03 * dose_top);
    spread(x->cuff, x->cx, na, 0.03 * dose_top);
    gp_range_init(&x->rx);
    gp_range_init(&x->rc);
    gp_range_add(&x->rx, dose_top);
    gp_range_add(&x->rc, cuff_top(x));
    for (int i = 0; i < 3; i++)
        gp_range_init(&x->ry[i]);
    for (size_t a = 0; a < na; a++) {
        gp_range_add(&x->rx, x->ex[a]);
        gp_range_add(&x->rc, x->cx[a]);
        for (int j = 0; j < 3; j++) {
            for (int i = 0; i < 3; i++)
                gp_range_add(&x->ry[i], dose_y(&d->arms[a], i)[j]);
            gp_range_add(&x->ry[2], d->arms[a].rate[RE_ADVERSE_SERIOUS][j]);
        }
    }
    gp_range_final(&x->rx, 0.06, 1);
    gp_range_final(&x->rc, 0.06, 1);
    for (int i = 0; i < 3; i++)
        gp_range_final(&x->ry[i], 0.15, 1);
}

/* The label heights of panel i, and room for them at its top. */
static void dose_labels(const resultdata *d, bfr_dose *x, int i, double *scratch)
{
    size_t na = d->n_arms;
    const gp_range *rx = i < 2 ? &x->rx : &x->rc;
    gp_range *r = &x->ry[i];
    for (size_t a = 0; a < na; a++)
        scratch[a] = dose_y(&d->arms[a], i)[0];
    place_labels(i < 2 ? x->ex : x->cx, scratch, x->ly[i], na, 0.15 * (rx->hi - rx->lo), 0.07 * (r->hi - r->lo));
    double top = r->hi;
    for (size_t a = 0; a < na; a++)
        if (isfinite(x->ly[i][a]) && x->ly[i][a] + 0.08 * (r->hi - r->lo) > top)
            top = x->ly[i][a] + 0.08 * (r->hi - r->lo);
    r->hi = top;
}

/* Gather figure 7's points: MSK_OK, or MSK_ENOMEM. Free with dose_fini. */
static msk_status dose_data(const resultdata *d, bfr_dose *x)
{
    size_t na = d->n_arms;
    /* Per arm: load, cuff, effect x, cuff x, 3 label heights, one scratch. */
    double *v = x->mem = calloc(na * 8, sizeof *v);
    if (!v)
        return MSK_ENOMEM;
    x->load = v, x->cuff = v + na, x->ex = v + 2 * na, x->cx = v + 3 * na;
    for (size_t i = 0; i < 3; i++)
        x->ly[i] = v + (4 + i) * na;
    double *scratch = v + 7 * na;
    dose_of_arms(d, x);
    dose_positions(d, x, scratch);
    for (int i = 0; i < 3; i++)
        dose_labels(d, x, i, scratch);
    return MSK_OK;
}

static void dose_fini(bfr_dose *x)
{
    free(x->mem);
}

static void dose_table(const plot_ctx *c, FILE *tsv, const void *fig)
{
    const bfr_dose *x = fig;
    const resultdata *d = c->d;
    fprintf(tsv,
            "# one row per arm; columns: 1 arm, 2 uses_bfr (1/0), 3 load_pct_1rm (0 = no external load),\n"
            "# 4 cuff (%s; 0 = no cuff), 5-7 knee_strength_difference, ci_low, ci_high,\n"
            "# 8-10 leg_lean_mass_difference, ci_low, ci_high (paired, percentage points vs '",
            x->use_mmhg ? "mmHg" : "%AOP");
    gp_cell(tsv, d->arms[d->reference].name);
    fputs("'),\n# 11-13 adverse_events_minor_per_1000py, ci_low, ci_high, 14-16\n"
          "# adverse_events_serious_per_1000py, ci_low, ci_high, then where they are drawn: 17 effect_x\n"
          "# (the dose, arms at the same dose set slightly apart), 18 cuff_x, 19-21 label heights\n",
          tsv);
    for (size_t a = 0; a < d->n_arms; a++) {
        const rd_arm *A = &d->arms[a];
        gp_cell(tsv, A->name);
        fprintf(tsv, "\t%d", pf_arm_has_bfr(A));
        pf_num(tsv, x->load[a]);
        pf_num(tsv, x->cuff[a]);
        const double *vals[4] = {effect(A, RK_KNEE), effect(A, RK_LEG_LEAN), A->rate[RE_ADVERSE_MINOR],
                                 A->rate[RE_ADVERSE_SERIOUS]};
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 3; j++)
                pf_num(tsv, vals[i][j]);
        double pos[5] = {x->ex[a], x->cx[a], x->ly[0][a], x->ly[1][a], x->ly[2][a]};
        for (int i = 0; i < 5; i++)
            pf_num(tsv, pos[i]);
        fputc('\n', tsv);
    }
}

/* Effect panel i (0 knee strength, 1 leg lean mass) against the dose. */
static void dose_effect_panel(const plot_ctx *c, FILE *gp, const char *tsv, const bfr_dose *x, const pf_layout *L,
                              int i)
{
    static const char *const what[2] = {"Knee strength", "Leg lean mass"};
    fprintf(gp, "\n# ---- Effect on %s against the dose ----\n", what[i]);
    pf_panel(gp, L, 0, i);
    fprintf(gp, "set title \"%s: gain vs %s\"\n", what[i], x->by_load ? "load" : "cuff pressure");
    fprintf(gp, "set xlabel \"%s\"\nset ylabel ",
            x->by_load ? "Training load (% of 1-repetition max.)"
            : x->use_mmhg ? "Cuff pressure (mmHg)" : "Cuff pressure (% AOP)");
    pf_quoted(gp, "Difference from ‘%s’ (%% points)", c->d->arms[c->d->reference].name);
    fprintf(gp, "\nset xrange [%.6g:%.6g]\nset yrange [%.6g:%.6g]\n", x->rx.lo, x->rx.hi, x->ry[i].lo, x->ry[i].hi);
    int col = 5 + 3 * i;
    /* Points only where there are some (an arm without survivors has none: gnuplot would
     * warn); an undefined interval (one survivor) is drawn as none. */
    int pts[2] = {0, 0}, ci_ok = 1;
    for (size_t a = 0; a < c->d->n_arms; a++) {
        const double *y = dose_y(&c->d->arms[a], i);
        if (a == c->d->reference || !isfinite(y[0]))
            continue;
        pts[pf_arm_has_bfr(&c->d->arms[a])] = 1;
        ci_ok = ci_ok && isfinite(y[1]) && isfinite(y[2]);
    }
    char lims[128];
    if (ci_ok)
        snprintf(lims, sizeof lims, "%d:%d", col + 1, col + 2);
    else
        snprintf(lims, sizeof lims, "(valid(%d) ? $%d : $%d):(valid(%d) ? $%d : $%d)", col + 1, col + 1, col, col + 2,
                 col + 2, col);
    fputs("plot ", gp);
    if (x->any_cuff && pts[1])
        fprintf(gp, "'%s' using 17:(bfr($%d)):%s with yerrorbars pt 7 ps 2.2*PS lw 2 lc rgb \"#D55E00\" notitle, \\\n     ",
                tsv, col, lims);
    if (x->any_plain && pts[0])
        fprintf(gp, "'%s' using 17:(plain($%d)):%s with yerrorbars pt 4 ps 2.2*PS lw 2 lc rgb \"#0072B2\" notitle, \\\n     ",
                tsv, col, lims);
    fprintf(gp, "'%s' using 17:%d:1 with labels offset char 1.2,0.6 left font \",15\" notitle\n", tsv, 19 + i);
}

/* The adverse-event panel, against the cuff pressure. */
static void dose_events_panel(FILE *gp, const char *tsv, const bfr_dose *x, const pf_layout *L)
{
    fputs("\n# ---- Adverse events against cuff pressure ----\n", gp);
    pf_panel(gp, L, 0, 2);
    fputs("set title \"Adverse events vs cuff\"\n", gp);
    fprintf(gp, "set xlabel \"Cuff pressure (%s)\"\n", x->use_mmhg ? "mmHg" : "% AOP");
    fputs("set ylabel \"Adverse events per 1000 person-years\"\n", gp);
    fprintf(gp, "set xrange [%.6g:%.6g]\nset yrange [%.6g:%.6g]\n", x->rc.lo, x->rc.hi, x->ry[2].lo, x->ry[2].hi);
    fprintf(gp, "plot '%s' using 18:11:12:13 with yerrorbars pt 9 ps 2*PS lw 2 lc rgb \"#E69F00\" notitle, \\\n"
                "     '' using 18:14:15:16 with yerrorbars pt 5 ps 2*PS lw 2 lc rgb \"#882255\" notitle, \\\n"
                "     '' using 18:21:1 with labels offset char 1.2,0.6 left font \",15\" notitle\n",
            tsv);
}

static void dose_script(const plot_ctx *c, FILE *gp, const char *tsv, const char *title, const void *fig)
{
    const bfr_dose *x = fig;
    fputs("# BFR arms are filled circles, the others open squares.\n"
          "bfr(y) = ($2 == 1 ? y : NaN)\n"
          "plain(y) = ($2 == 0 ? y : NaN)\n",
          gp);
    pf_multiplot_begin(gp, title);
    fputs("set xzeroaxis lt -1 lw 1\n", gp);
    pf_layout L = pf_layout_default(1, 3);
    for (int i = 0; i < 2; i++)
        dose_effect_panel(c, gp, tsv, x, &L, i);
    dose_events_panel(gp, tsv, x, &L);
    pf_legend_begin(gp, 0.13, 2);
    if (x->any_cuff)
        pf_legend_entry(gp, "points pt 7 ps 2.2*PS", "#D55E00", "arm with a BFR cuff");
    if (x->any_plain)
        pf_legend_entry(gp, "points pt 4 ps 2.2*PS", "#0072B2", "arm without a cuff");
    pf_legend_entry(gp, "points pt 9 ps 2*PS", "#E69F00", "minor adverse events");
    pf_legend_entry(gp, "points pt 5 ps 2*PS", "#882255", "serious adverse events");
    pf_legend_end(gp);
    fputs("unset multiplot\n", gp);
}

static void dose_shows(const plot_ctx *c, FILE *m, const void *fig)
{
    const bfr_dose *x = fig;
    const resultdata *d = c->d;
    fprintf(m, "Each point is one arm. Left and middle: how much more knee strength and leg lean mass "
               "the arm gained than ‘%s’ (percentage points, paired on the same people), against %s. "
               "Right: adverse events per 1000 person-years against cuff pressure (0 = no cuff). ",
            d->arms[d->reference].name,
            x->by_load ? "the training load in % of the one-repetition maximum (0 = no external load: "
                         "walking, protein, passive cuff cycles)"
                       : "the cuff pressure");
    fprintf(m, "The effects are those at the end of follow-up, week %.4g. ", d->time[d->n_time - 1]);
    /* Passive cuff cycles act only while a limb is immobilized: by the end their effect
     * may have faded, which a reader of the figure must know. */
    for (size_t a = 0; a < d->n_arms; a++)
        for (size_t j = 0; j < d->arms[a].n_iv; j++)
            if (d->arms[a].iv[j].type == RI_PASSIVE_BFR) {
                const rd_intervention *I = &d->arms[a].iv[j];
                fprintf(m, "‘%s’ has passive cuff cycles (weeks %.3g to %.3g): they act only on an "
                           "immobilized limb, so its point here is what is left of their effect %.4g weeks "
                           "after they stopped; figure 2 shows it during the immobilization. ",
                        d->arms[a].name, I->start_week, I->start_week + I->duration_weeks,
                        d->time[d->n_time - 1] - (I->start_week + I->duration_weeks));
                break;
            }
    for (size_t a = 0; a < d->n_arms; a++) {
        if (a == d->reference)
            continue;
        const rd_arm *A = &d->arms[a];
        fprintf(m, "%s: load %.3g%% 1RM, cuff %.3g %s, knee strength %+.1f points, minor adverse "
                   "events %.3g per 1000 person-years. ",
                A->name, x->load[a], x->cuff[a], x->use_mmhg ? "mmHg" : "% AOP", effect(A, RK_KNEE)[0],
                A->rate[RE_ADVERSE_MINOR][0]);
    }
}

static void dose_caption(const plot_ctx *c, plot_figure *F, const bfr_dose *x)
{
    F->title = x->by_load ? pf_format("BFR: training load against effect, cuff pressure against adverse events (one point per arm)")
                          : pf_format("BFR: cuff pressure against effect and adverse events (one point per arm)");
    F->shows = pf_text(c, dose_shows, x);
    char *bars = c->d->n_draws ? pf_format("Error bars on the effects are 95%% uncertainty intervals over %zu "
                                           "parameter draws (the points their means); on the adverse events, "
                                           "95%% confidence intervals of the central run.", c->d->n_draws)
                               : pf_format("Error bars are 95%% confidence intervals.");
    F->how = pf_format("%s %s In the right panel, a higher cuff "
                       "pressure should bring more adverse events (numbness, bruising, rarely worse). Cuff "
                       "pressures are in %s.",
                       x->by_load ? "Compare a BFR arm (filled circle) with a conventional arm (open square): if "
                                    "the circle sits at a much lower load but a similar height, the cuff made "
                                    "the light load work almost as well as a heavy one."
                                  : "A filled circle is an arm with a cuff, an open square one without.",
                       bars ? bars : "", x->use_mmhg ? "mmHg" : "% of the arterial occlusion pressure (AOP) of each person's thigh");
    free(bars);
    F->assumed = pf_format("Under a cuff, a light load recruits fast muscle fibres through metabolic "
                           "stress, as heavy loads do (model.dose.*); the cuff pressure sets that stress "
                           "and the risk of adverse events. Loads and pressures are as prescribed in the "
                           "scenario; an arm with several interventions shows its highest load and "
                           "pressure.");
}

void pf_bfr_dose(plot_ctx *c, plot_figure *F)
{
    if (!dose_applies(c->d, &F->skipped))
        return;
    bfr_dose x;
    c->st = dose_data(c->d, &x);
    if (c->st != MSK_OK)
        return;
    dose_caption(c, F, &x);
    pf_write_files(c, F->name, F->title, dose_table, dose_script, &x);
    dose_fini(&x);
}
