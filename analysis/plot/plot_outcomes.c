/* plot_outcomes.c — end-of-study figures: change per arm and paired differences (3),
 * BFR dose against effect and adverse events (7). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"
#include "plotfig.h"

static const char *const key_label[RK_COUNT] = {"Leg lean mass", "Knee strength", "Grip strength",
                                                "Gait speed", "Femoral-neck BMD"};

/* ---- Figure 3: end of study ---------------------------------------------------------- */

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

void pf_end_of_study(plot_ctx *c, plot_figure *F)
{
    const resultdata *d = c->d;
    size_t na = d->n_arms;
    const char *ref = d->arms[d->reference].name;
    F->title = na > 1 ? pf_format("End of study: change from the start per arm, and each arm against ‘%s’ (95%% CI)", ref)
                      : pf_format("End of study: change from the start (95%% CI)");
    FILE *tsv = pf_open(c, F->name, "tsv");
    if (!tsv)
        return;
    pf_tsv_head(c, tsv, F->title);
    fputs("# block 0: mean % change from the start to the end among survivors; one row per outcome,\n"
          "#   then for each arm (in order): change_pct, ci_low, ci_high (/summary/VAR_change_pct*)\n",
          tsv);
    if (na > 1) {
        fputs("# block 1: paired difference in % change against the reference arm (percentage points);\n"
              "#   for each arm but the reference: difference, ci_low, ci_high\n"
              "#   (/comparison/VAR_change_pct_difference*)\n",
              tsv);
    }
    fputs("# arms:", tsv);
    for (size_t a = 0; a < na; a++) {
        fputc(' ', tsv);
        gp_cell(tsv, d->arms[a].name);
        fputs(a == d->reference ? " (reference);" : ";", tsv);
    }
    fputc('\n', tsv);
    gp_range r[2];
    gp_range_init(&r[0]);
    gp_range_init(&r[1]);
    for (int blk = 0; blk < (na > 1 ? 2 : 1); blk++) {
        if (blk)
            fputs("\n\n", tsv);
        fprintf(tsv, "# block %d: %s\n", blk, blk ? "paired differences" : "change per arm");
        for (int k = 0; k < RK_COUNT; k++) {
            fputs(key_label[k], tsv);
            for (size_t a = 0; a < na; a++) {
                if (blk && a == d->reference)
                    continue;
                const double *v = blk ? d->arms[a].diff_change_pct[k] : d->arms[a].change_pct[k];
                for (int j = 0; j < 3; j++) {
                    fputc('\t', tsv);
                    gp_num(tsv, v[j]);
                    gp_range_add(&r[blk], v[j]);
                }
            }
            fputc('\n', tsv);
        }
    }
    pf_close(c, tsv, F->name, "tsv");

    char tsvname[128];
    FILE *gp = pf_open_script(c, F->name, F->title, tsvname);
    if (!gp)
        return;
    histogram_style(gp);
    pf_multiplot_begin(gp, F->title);
    pf_layout L = pf_layout_default(1, na > 1 ? 2 : 1);
    for (int blk = 0; blk < (na > 1 ? 2 : 1); blk++) {
        gp_range_final(&r[blk], 0.1, 1);
        fprintf(gp, "\n# ---- %s ----\n", blk ? "Paired differences" : "Change per arm");
        pf_panel(gp, &L, 0, blk);
        if (blk) {
            fputs("set title ", gp);
            char *t = pf_format("Difference from ‘%s’ (same people)", ref);
            gp_string(gp, t ? t : "");
            free(t);
            fputs("\nset ylabel \"Difference in change (percentage points)\"\n", gp);
        } else {
            fputs("set title \"Change from the start to the end\"\nset ylabel \"Change (%)\"\n", gp);
        }
        fprintf(gp, "set yrange [%.6g:%.6g]\n", r[blk].lo, r[blk].hi);
        fputs("plot ", gp);
        int col = 2, first = 1;
        for (size_t a = 0; a < na; a++) {
            if (blk && a == d->reference)
                continue;
            fprintf(gp, "%s'%s' index %d using %d:%d:%d lc rgb \"%s\" title ", first ? "" : ", \\\n     ",
                    first ? tsvname : "", blk, col, col + 1, col + 2, pf_colour(c, a));
            gp_string(gp, d->arms[a].name);
            col += 3;
            first = 0;
        }
        fputc('\n', gp);
    }
    pf_legend_arms(c, gp, "boxes fs solid 0.9");
    fputs("unset multiplot\n", gp);
    pf_close(c, gp, F->name, "gp");

    size_t len;
    FILE *m = open_memstream(&F->shows, &len);
    if (m) {
        fputs("Left: how much each outcome changed from the start to the end of the study, on average, "
              "among the people still alive, in each arm. ",
              m);
        if (na > 1) {
            fprintf(m, "Right: each arm minus the reference arm ‘%s’, computed person by person (the same "
                       "virtual people are in every arm). For knee strength: ",
                    ref);
            int first = 1;
            for (size_t a = 0; a < na; a++) {
                if (a == d->reference)
                    continue;
                const double *v = d->arms[a].diff_change_pct[RK_KNEE];
                fprintf(m, "%s%s %+.1f (95%% CI %+.1f to %+.1f)", first ? "" : ", ", d->arms[a].name, v[0],
                        v[1], v[2]);
                first = 0;
            }
            fputs(" percentage points.", m);
        }
        fclose(m);
    }
    F->how = pf_format("Bars above zero are gains, below zero losses. The thin black bar on each bar is the "
                       "95%% confidence interval: if it crosses zero in the right panel, the arm is not "
                       "clearly different from the reference. The outcomes are in %% of their own starting "
                       "value, so a 2%% change in bone density is large while a 2%% change in strength is "
                       "small.");
    F->assumed = pf_format("Changes are per person, from the start to the end, among survivors (people who "
                           "died are left out). Confidence intervals use the Student t distribution; the "
                           "paired differences use the spread of the person-by-person differences.");
}

/* ---- Figure 7: BFR dose --------------------------------------------------------------- */

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

void pf_bfr_dose(plot_ctx *c, plot_figure *F)
{
    const resultdata *d = c->d;
    size_t na = d->n_arms;
    int recorded = 1, any_bfr = 0;
    for (size_t a = 0; a < na; a++) {
        recorded = recorded && d->arms[a].has_interventions;
        any_bfr = any_bfr || (a != d->reference && pf_arm_has_bfr(&d->arms[a]));
    }
    if (!recorded) {
        F->skipped = pf_format("This result file does not record the arms' prescriptions (it was written "
                               "by an older msksim); run the scenario again to get the dose figure.");
        return;
    }
    if (!any_bfr) {
        F->skipped = pf_format("No arm of this run uses blood-flow restriction (BFR) against a reference "
                               "arm, so there is no dose to plot.");
        return;
    }
    /* Per arm: load, cuff, effect x, cuff x, 3 label heights, 2 scratch. */
    double *v = calloc(na * 9, sizeof *v);
    if (!v) {
        c->st = MSK_ENOMEM;
        return;
    }
    double *load = v, *cuff = v + na, *ex = v + 2 * na, *cx = v + 3 * na, *ly[3] = {v + 4 * na, v + 5 * na, v + 6 * na};
    int use_mmhg = 1, by_load = 0;
    for (size_t a = 0; a < na; a++) {
        double l, cp, cm;
        arm_dose(&d->arms[a], &l, &cp, &cm);
        if (isfinite(cp))
            use_mmhg = 0;
    }
    for (size_t a = 0; a < na; a++) {
        double l, cp, cm;
        arm_dose(&d->arms[a], &l, &cp, &cm);
        load[a] = isfinite(l) ? l : 0;
        cuff[a] = use_mmhg ? (isfinite(cm) ? cm : 0) : (isfinite(cp) ? cp : 0);
        by_load = by_load || (a != d->reference && load[a] > 0);
    }
    /* The effect is plotted against load when some arm lifts a load, else against the
     * cuff pressure (passive BFR, BFR walking). */
    const double *dose = by_load ? load : cuff;
    const char *cuff_unit = use_mmhg ? "mmHg" : "% of the arterial occlusion pressure (AOP) of each person's thigh";
    const char *dose_label = by_load ? "Training load (% of 1-repetition max.)"
                             : use_mmhg ? "Cuff pressure (mmHg)" : "Cuff pressure (% AOP)";
    double dose_top = by_load ? 100 : use_mmhg ? 200 : 100;
    double *compared = ly[0]; /* scratch: the compared arms' doses */
    for (size_t a = 0; a < na; a++)
        compared[a] = a == d->reference ? NAN : dose[a];
    spread(compared, ex, na, 0.03 * dose_top);
    spread(cuff, cx, na, 0.03 * dose_top);
    gp_range rx, rc, re[2], ra;
    gp_range_init(&rx);
    gp_range_init(&rc);
    gp_range_init(&re[0]);
    gp_range_init(&re[1]);
    gp_range_init(&ra);
    gp_range_add(&rx, dose_top);
    gp_range_add(&rc, use_mmhg ? 200 : 100);
    for (size_t a = 0; a < na; a++) {
        gp_range_add(&rx, ex[a]);
        gp_range_add(&rc, cx[a]);
        for (int j = 0; j < 3; j++) {
            gp_range_add(&re[0], d->arms[a].diff_change_pct[RK_KNEE][j]);
            gp_range_add(&re[1], d->arms[a].diff_change_pct[RK_LEG_LEAN][j]);
            gp_range_add(&ra, d->arms[a].rate[RE_AE_MINOR][j]);
            gp_range_add(&ra, d->arms[a].rate[RE_AE_SERIOUS][j]);
        }
    }
    gp_range_final(&rx, 0.06, 1);
    gp_range_final(&rc, 0.06, 1);
    gp_range_final(&re[0], 0.15, 1);
    gp_range_final(&re[1], 0.15, 1);
    gp_range_final(&ra, 0.15, 1);
    {
        double *y[2] = {v + 7 * na, v + 8 * na};
        for (size_t a = 0; a < na; a++) {
            y[0][a] = d->arms[a].diff_change_pct[RK_KNEE][0];
            y[1][a] = d->arms[a].diff_change_pct[RK_LEG_LEAN][0];
        }
        place_labels(ex, y[0], ly[0], na, 0.15 * (rx.hi - rx.lo), 0.07 * (re[0].hi - re[0].lo));
        place_labels(ex, y[1], ly[1], na, 0.15 * (rx.hi - rx.lo), 0.07 * (re[1].hi - re[1].lo));
        for (size_t a = 0; a < na; a++)
            y[0][a] = d->arms[a].rate[RE_AE_MINOR][0];
        place_labels(cx, y[0], ly[2], na, 0.15 * (rc.hi - rc.lo), 0.07 * (ra.hi - ra.lo));
        for (int i = 0; i < 3; i++) { /* room for the labels above the points */
            gp_range *r = i == 0 ? &re[0] : i == 1 ? &re[1] : &ra;
            double top = r->hi;
            for (size_t a = 0; a < na; a++)
                if (isfinite(ly[i][a]) && ly[i][a] + 0.08 * (r->hi - r->lo) > top)
                    top = ly[i][a] + 0.08 * (r->hi - r->lo);
            r->hi = top;
        }
    }
    const char *ref = d->arms[d->reference].name;

    F->title = by_load ? pf_format("BFR: training load against effect, cuff pressure against adverse events (one point per arm)")
                       : pf_format("BFR: cuff pressure against effect and adverse events (one point per arm)");
    FILE *tsv = pf_open(c, F->name, "tsv");
    if (!tsv)
        goto out;
    pf_tsv_head(c, tsv, F->title);
    fprintf(tsv,
            "# one row per arm; columns: 1 arm, 2 uses_bfr (1/0), 3 load_pct_1rm (0 = no external load),\n"
            "# 4 cuff (%s; 0 = no cuff), 5-7 knee_strength_difference, ci_low, ci_high,\n"
            "# 8-10 leg_lean_mass_difference, ci_low, ci_high (paired, percentage points vs '",
            use_mmhg ? "mmHg" : "%AOP");
    gp_cell(tsv, ref);
    fputs("'),\n# 11-13 adverse_events_minor_per_1000py, ci_low, ci_high, 14-16\n"
          "# adverse_events_serious_per_1000py, ci_low, ci_high, then where they are drawn: 17 effect_x\n"
          "# (the dose, arms at the same dose set slightly apart), 18 cuff_x, 19-21 label heights\n",
          tsv);
    for (size_t a = 0; a < na; a++) {
        const rd_arm *A = &d->arms[a];
        gp_cell(tsv, A->name);
        fprintf(tsv, "\t%d\t", pf_arm_has_bfr(A));
        gp_num(tsv, load[a]);
        fputc('\t', tsv);
        gp_num(tsv, cuff[a]);
        const double *vals[4] = {A->diff_change_pct[RK_KNEE], A->diff_change_pct[RK_LEG_LEAN], A->rate[RE_AE_MINOR],
                                 A->rate[RE_AE_SERIOUS]};
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 3; j++) {
                fputc('\t', tsv);
                gp_num(tsv, vals[i][j]);
            }
        double pos[5] = {ex[a], cx[a], ly[0][a], ly[1][a], ly[2][a]};
        for (int i = 0; i < 5; i++) {
            fputc('\t', tsv);
            gp_num(tsv, pos[i]);
        }
        fputc('\n', tsv);
    }
    pf_close(c, tsv, F->name, "tsv");

    char tsvname[128];
    FILE *gp = pf_open_script(c, F->name, F->title, tsvname);
    if (!gp)
        goto out;
    int any_plain = 0, any_cuff = 0;
    for (size_t a = 0; a < na; a++) {
        if (a == d->reference)
            continue;
        any_plain = any_plain || !pf_arm_has_bfr(&d->arms[a]);
        any_cuff = any_cuff || pf_arm_has_bfr(&d->arms[a]);
    }
    fputs("# BFR arms are filled circles, the others open squares.\n"
          "bfr(y) = ($2 == 1 ? y : NaN)\n"
          "plain(y) = ($2 == 0 ? y : NaN)\n",
          gp);
    pf_multiplot_begin(gp, F->title);
    fputs("set xzeroaxis lt -1 lw 1\n", gp);
    pf_layout L = pf_layout_default(1, 3);
    static const char *const what[2] = {"Knee strength", "Leg lean mass"};
    for (int i = 0; i < 2; i++) {
        fprintf(gp, "\n# ---- Effect on %s against the dose ----\n", what[i]);
        pf_panel(gp, &L, 0, i);
        fprintf(gp, "set title \"%s: gain vs %s\"\n", what[i], by_load ? "load" : "cuff pressure");
        fprintf(gp, "set xlabel \"%s\"\nset ylabel ", dose_label);
        char *yl = pf_format("Difference from ‘%s’ (%% points)", ref);
        gp_string(gp, yl ? yl : "");
        free(yl);
        fprintf(gp, "\nset xrange [%.6g:%.6g]\nset yrange [%.6g:%.6g]\n", rx.lo, rx.hi, re[i].lo, re[i].hi);
        int col = 5 + 3 * i;
        fputs("plot ", gp);
        if (any_cuff)
            fprintf(gp, "'%s' using 17:(bfr($%d)):%d:%d with yerrorbars pt 7 ps 2.2*PS lw 2 lc rgb \"#D55E00\" notitle, \\\n     ",
                    tsvname, col, col + 1, col + 2);
        if (any_plain)
            fprintf(gp, "'%s' using 17:(plain($%d)):%d:%d with yerrorbars pt 4 ps 2.2*PS lw 2 lc rgb \"#0072B2\" notitle, \\\n     ",
                    tsvname, col, col + 1, col + 2);
        fprintf(gp, "'%s' using 17:%d:1 with labels offset char 1.2,0.6 left font \",15\" notitle\n", tsvname, 19 + i);
    }
    fputs("\n# ---- Adverse events against cuff pressure ----\n", gp);
    pf_panel(gp, &L, 0, 2);
    fputs("set title \"Adverse events vs cuff\"\n", gp);
    fprintf(gp, "set xlabel \"Cuff pressure (%s)\"\n", use_mmhg ? "mmHg" : "% AOP");
    fputs("set ylabel \"Adverse events per 1000 person-years\"\n", gp);
    fprintf(gp, "set xrange [%.6g:%.6g]\nset yrange [%.6g:%.6g]\n", rc.lo, rc.hi, ra.lo, ra.hi);
    fprintf(gp, "plot '%s' using 18:11:12:13 with yerrorbars pt 9 ps 2*PS lw 2 lc rgb \"#E69F00\" notitle, \\\n"
                "     '' using 18:14:15:16 with yerrorbars pt 5 ps 2*PS lw 2 lc rgb \"#882255\" notitle, \\\n"
                "     '' using 18:21:1 with labels offset char 1.2,0.6 left font \",15\" notitle\n",
            tsvname);
    pf_legend_begin(gp, 0.13, 2);
    if (any_cuff)
        pf_legend_entry(gp, "points pt 7 ps 2.2*PS", "#D55E00", "arm with a BFR cuff");
    if (any_plain)
        pf_legend_entry(gp, "points pt 4 ps 2.2*PS", "#0072B2", "arm without a cuff");
    pf_legend_entry(gp, "points pt 9 ps 2*PS", "#E69F00", "minor adverse events");
    pf_legend_entry(gp, "points pt 5 ps 2*PS", "#882255", "serious adverse events");
    pf_legend_end(gp);
    fputs("unset multiplot\n", gp);
    pf_close(c, gp, F->name, "gp");

    size_t len;
    FILE *m = open_memstream(&F->shows, &len);
    if (m) {
        fprintf(m, "Each point is one arm. Left and middle: how much more knee strength and leg lean mass "
                   "the arm gained than ‘%s’ (percentage points, paired on the same people), against %s. "
                   "Right: adverse events per 1000 person-years against cuff pressure (0 = no cuff). ",
                ref, by_load ? "the training load in % of the one-repetition maximum (0 = no external load: "
                               "walking, protein, passive cuff cycles)"
                             : "the cuff pressure");
        for (size_t a = 0; a < na; a++) {
            if (a == d->reference)
                continue;
            const rd_arm *A = &d->arms[a];
            fprintf(m, "%s: load %.3g%% 1RM, cuff %.3g %s, knee strength %+.1f points, minor adverse "
                       "events %.3g per 1000 person-years. ",
                    A->name, load[a], cuff[a], use_mmhg ? "mmHg" : "% AOP", A->diff_change_pct[RK_KNEE][0],
                    A->rate[RE_AE_MINOR][0]);
        }
        fclose(m);
    }
    F->how = pf_format("%s Error bars are 95%% confidence intervals. In the right panel, a higher cuff "
                       "pressure should bring more adverse events (numbness, bruising, rarely worse). Cuff "
                       "pressures are in %s.",
            by_load ? "Compare a BFR arm (filled circle) with a conventional arm (open square): if the "
                      "circle sits at a much lower load but a similar height, the cuff made the light load "
                      "work almost as well as a heavy one."
                    : "A filled circle is an arm with a cuff, an open square one without.",
            cuff_unit);
    F->assumed = pf_format("Under a cuff, a light load recruits fast muscle fibres through metabolic "
                           "stress, as heavy loads do (model.dose.*); the cuff pressure sets that stress "
                           "and the risk of adverse events. Loads and pressures are as prescribed in the "
                           "scenario; an arm with several interventions shows its highest load and "
                           "pressure.");
out:
    free(v);
}
