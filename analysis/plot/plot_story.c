/* plot_story.c — figure 6a, the vicious cycle in one sampled person's story. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"
#include "plotfig.h"

static const char *const site_name[] = {"", "hip", "wrist", "vertebra", "other bone"};

static const char *fracture_site(int detail)
{
    return detail >= 1 && detail <= 4 ? site_name[detail] : "bone";
}

size_t pf_eventful_person(const resultdata *d, int *score_out)
{
    const rd_arm *A = &d->arms[d->reference];
    int *score = calloc(d->n_sample, sizeof *score);
    size_t best = 0;
    *score_out = 0;
    if (!score)
        return 0;
    for (size_t i = 0; i < A->n_events; i++) {
        const rd_event *e = &A->events[i];
        int w = e->kind == RL_FRACTURE ? 4 : e->kind == RL_ADMISSION || e->kind == RL_IMMOBILIZATION_START ? 2
                : e->kind == RL_FALL                                                              ? 1
                                                                                                  : 0;
        score[e->individual] += w;
    }
    for (size_t p = 0; p < d->n_sample; p++)
        if (score[p] > score[best])
            best = p;
    *score_out = score[best];
    free(score);
    return best;
}

typedef struct {
    double from, to; /* weeks */
    const char *what;
} period;

/* Immobilized and hospital periods of person p: each start paired with its end (or the
 * end of follow-up). */
static size_t periods_of(const resultdata *d, const rd_arm *A, size_t p, period *out, size_t cap)
{
    size_t n = 0;
    double horizon = d->time[d->n_time - 1];
    for (size_t i = 0; i < A->n_events && n < cap; i++) {
        const rd_event *e = &A->events[i];
        if (e->individual != p || (e->kind != RL_IMMOBILIZATION_START && e->kind != RL_ADMISSION))
            continue;
        rd_log_kind end_kind = e->kind == RL_IMMOBILIZATION_START ? RL_IMMOBILIZATION_END : RL_DISCHARGE;
        double to = horizon;
        for (size_t j = i + 1; j < A->n_events; j++) {
            const rd_event *x = &A->events[j];
            if (x->individual == p && ((x->kind == end_kind && x->detail == e->detail) || x->kind == RL_DEATH)) {
                to = x->week;
                break;
            }
        }
        out[n].from = e->week;
        out[n].to = to;
        out[n].what = e->kind == RL_ADMISSION ? "hospital" : e->detail == 0 ? "leg cast" : e->detail == 1 ? "arm cast" : "bed rest";
        n++;
    }
    return n;
}

int pf_has_sampled_people(const plot_ctx *c, plot_figure *F, const char *nothing)
{
    if (c->d->n_sample == 0)
        F->skipped = pf_format("The run recorded no sampled people (record.sample_size: 0), so there %s.", nothing);
    return c->d->n_sample > 0;
}

/* ---- Figure 6a: one person's story ------------------------------------------------ */

/* What figure 6a plots: the most eventful sampled person of the reference arm, in
 * every arm, in three panels (muscle, bone, activity), with the events of the reference
 * arm marked. */
static const rd_var story_var[3] = {RV_LEG_LEAN, RV_TSCORE, RV_STEPS};
static const char *const story_ylabel[3] = {"Leg muscle (kg)", "Hip T-score (SD)", "Steps per day"};

typedef struct {
    size_t p;         /* the person */
    int score;        /* how eventful (0: nothing happened to any sampled person) */
    size_t n_ev, n_falls, n_fract; /* the person's events in the reference arm */
    period per[64];   /* immobilized and in hospital */
    size_t n_per;
    gp_range r[3];    /* y range of each panel */
} one_person;

/* Panel v's range: the person's values in every arm; the T-score panel keeps the WHO
 * thresholds in view. */
static void story_range(const plot_ctx *c, const one_person *x, int v, gp_range *r)
{
    const resultdata *d = c->d;
    gp_range_init(r);
    for (size_t a = 0; a < d->n_arms; a++)
        for (size_t k = 0; k < d->n_time; k++)
            gp_range_add(r, pf_sample(c, &d->arms[a], story_var[v], x->p, k));
    gp_range_final(r, 0.1, story_var[v] == RV_STEPS);
    if (story_var[v] == RV_TSCORE) {
        if (isfinite(d->osteoporosis_tscore) && r->lo > d->osteoporosis_tscore - 0.2)
            r->lo = d->osteoporosis_tscore - 0.2;
        if (isfinite(d->osteopenia_tscore) && r->hi < d->osteopenia_tscore + 0.2)
            r->hi = d->osteopenia_tscore + 0.2;
    }
}

static void story_data(const plot_ctx *c, one_person *x)
{
    const resultdata *d = c->d;
    const rd_arm *R = &d->arms[d->reference];
    x->p = pf_eventful_person(d, &x->score);
    x->n_ev = x->n_falls = x->n_fract = 0;
    for (size_t i = 0; i < R->n_events; i++) {
        const rd_event *e = &R->events[i];
        if (e->individual != x->p)
            continue;
        x->n_ev++;
        x->n_falls += e->kind == RL_FALL;
        x->n_fract += e->kind == RL_FRACTURE;
    }
    x->n_per = periods_of(d, R, x->p, x->per, sizeof x->per / sizeof x->per[0]);
    for (int v = 0; v < 3; v++)
        story_range(c, x, v, &x->r[v]);
}

static void story_row(const plot_ctx *c, FILE *f, size_t arm, size_t k, const void *fig)
{
    static const rd_var cols[5] = {RV_LEG_LEAN, RV_TSCORE, RV_STEPS, RV_BMD, RV_KNEE};
    const one_person *x = fig;
    const rd_arm *A = &c->d->arms[arm];
    for (int v = 0; v < 5; v++)
        pf_num(f, pf_sample(c, A, cols[v], x->p, k));
    pf_num(f, A->sample_immobilized[x->p * c->d->n_time + k]);
}

/* Does the reference arm hold an event of the same kind for person p at the same
 * time? The arms replay the same chance events, so most events are shared. */
static int in_reference(const resultdata *d, size_t p, const rd_event *e)
{
    const rd_arm *R = &d->arms[d->reference];
    for (size_t i = 0; i < R->n_events; i++) {
        const rd_event *r = &R->events[i];
        if (r->individual == p && r->kind == e->kind && fabs(r->week - e->week) <= 1e-9 * fmax(1.0, e->week))
            return 1;
    }
    return 0;
}

/* An event of another arm that moves its line (a fracture, a stay, an immobilization,
 * death) and that the reference arm does not share: the other arms' lines would drop
 * there with nothing marked. */
static int other_arm_mark(const resultdata *d, size_t arm, size_t p, const rd_event *e)
{
    return arm != d->reference && e->individual == p &&
           (e->kind == RL_FRACTURE || e->kind == RL_ADMISSION || e->kind == RL_IMMOBILIZATION_START ||
            e->kind == RL_DEATH) &&
           !in_reference(d, p, e);
}

static void story_table(const plot_ctx *c, FILE *tsv, const void *fig)
{
    const one_person *x = fig;
    const resultdata *d = c->d;
    const rd_arm *R = &d->arms[d->reference];
    fputs("# blocks 0 .. (arms-1): the same person in each arm; columns: week, leg_lean_mass (kg),\n"
          "# fn_tscore, daily_steps, fn_bmd (g cm-2), knee_extension_strength (N m), immobilized (0/1)\n"
          "# (/arms/ARM/sample/VAR; NaN after death)\n"
          "# last block: the person's events in the reference arm: week, kind, detail\n",
          tsv);
    pf_tsv_per_arm(c, tsv, 0, story_row, fig);
    fprintf(tsv, "\n\n# block %zu: events of sampled person %zu in arm ", d->n_arms, x->p);
    gp_cell(tsv, R->name);
    fputc('\n', tsv);
    for (size_t i = 0; i < R->n_events; i++) {
        const rd_event *e = &R->events[i];
        if (e->individual == x->p)
            fprintf(tsv, "%.10g\t%s\t%d\n", e->week, resultdata_log_kinds[e->kind], e->detail);
    }
    if (x->n_ev == 0)
        fputs("NaN\tnone\t0\n", tsv);
    fprintf(tsv, "\n\n# block %zu: the person's fractures, stays, immobilizations and death in other arms "
                 "that the reference arm does not have: week, arm index, kind, detail\n",
            d->n_arms + 1);
    size_t n_other = 0;
    for (size_t a = 0; a < d->n_arms; a++)
        for (size_t i = 0; i < d->arms[a].n_events; i++) {
            const rd_event *e = &d->arms[a].events[i];
            if (other_arm_mark(d, a, x->p, e)) {
                fprintf(tsv, "%.10g\t%zu\t%s\t%d\n", e->week, a, resultdata_log_kinds[e->kind], e->detail);
                n_other++;
            }
        }
    if (n_other == 0)
        fputs("NaN\tNaN\tnone\t0\n", tsv);
}

/* Behind every panel: grey periods immobilized or in hospital; lines at falls,
 * fractures and death; a short tick in an arm's colour at the top for what happened
 * in that arm only. */
static void story_marks(const plot_ctx *c, FILE *gp, const one_person *x)
{
    const rd_arm *R = &c->d->arms[c->d->reference];
    fputs("\n# Grey: immobilized or in hospital. Orange dashed: a fall. Red: a fracture. Black: death.\n", gp);
    int obj = 1, arrow = 1;
    for (size_t i = 0; i < x->n_per; i++)
        fprintf(gp, "set object %d rect from first %.6g, graph 0 to first %.6g, graph 1 behind fc rgb \"#d9d9d9\" fs solid 1.0 noborder  # %s\n",
                obj++, pf_time(c, x->per[i].from), pf_time(c, fmax(x->per[i].to, x->per[i].from + 0.3)),
                x->per[i].what);
    for (size_t i = 0; i < R->n_events; i++) {
        const rd_event *e = &R->events[i];
        if (e->individual != x->p)
            continue;
        double t = pf_time(c, e->week);
        if (e->kind == RL_FALL)
            fprintf(gp, "set arrow %d from first %.6g, graph 0 to first %.6g, graph 1 nohead lc rgb \"#E69F00\" lw 2 dt 2 front  # fall\n",
                    arrow++, t, t);
        else if (e->kind == RL_FRACTURE)
            fprintf(gp, "set arrow %d from first %.6g, graph 0 to first %.6g, graph 1 nohead lc rgb \"#C00000\" lw 4 front  # %s fracture\n",
                    arrow++, t, t, fracture_site(e->detail));
        else if (e->kind == RL_DEATH)
            fprintf(gp, "set arrow %d from first %.6g, graph 0 to first %.6g, graph 1 nohead lc rgb \"#000000\" lw 3 front  # death\n",
                    arrow++, t, t);
    }
    const resultdata *d = c->d;
    for (size_t a = 0; a < d->n_arms; a++)
        for (size_t i = 0; i < d->arms[a].n_events; i++) {
            const rd_event *e = &d->arms[a].events[i];
            if (!other_arm_mark(d, a, x->p, e))
                continue;
            double t = pf_time(c, e->week);
            fprintf(gp, "set arrow %d from first %.6g, graph 0.88 to first %.6g, graph 1 nohead lc rgb \"%s\" lw 5 front  # %s in arm %zu only\n",
                    arrow++, t, t, pf_colour(c, a), resultdata_log_kinds[e->kind], a);
        }
}

/* Panel v: the person in every arm, the reference arm's line on top; the top panel
 * names the fractured bones, the middle one shows the WHO thresholds. */
static void story_panel(const plot_ctx *c, FILE *gp, const char *tsv, const one_person *x, const pf_layout *L, int v)
{
    const resultdata *d = c->d;
    const rd_arm *R = &d->arms[d->reference];
    const gp_range *r = &x->r[v];
    fprintf(gp, "\n# ---- %s ----\n", story_ylabel[v]);
    pf_panel(gp, L, v, 0);
    fprintf(gp, "set ylabel \"%s\" font \",17\"\nset yrange [%.6g:%.6g]\nset ytics %.6g\n", story_ylabel[v], r->lo,
            r->hi, pf_tick_step(r->hi - r->lo, 4));
    if (v < 2)
        fputs("set format x \"\"\nunset xlabel\n", gp);
    else {
        fputs("set format x \"%g\"\n", gp);
        fprintf(gp, "set xlabel \"Time since the start (%s)\"\n", pf_time_unit(c));
    }
    if (v == 0) {
        for (size_t i = 0; i < R->n_events; i++) {
            const rd_event *e = &R->events[i];
            if (e->individual == x->p && e->kind == RL_FRACTURE)
                fprintf(gp, "set label %d \"%s\" at first %.6g, graph 1.08 center font \",15\" tc rgb \"#C00000\"\n",
                        (int)i + 1, fracture_site(e->detail), pf_time(c, e->week));
        }
    } else {
        fputs("unset label\n", gp);
    }
    fputs("plot ", gp);
    if (story_var[v] == RV_TSCORE && isfinite(d->osteopenia_tscore) && isfinite(d->osteoporosis_tscore))
        fprintf(gp, "%.4g with lines lc rgb \"#999999\" dt 3 lw 2 notitle, %.4g with lines lc rgb \"#999999\" dt 3 lw 2 notitle, \\\n     ",
                d->osteopenia_tscore, d->osteoporosis_tscore);
    /* Other arms first, thin, so the reference arm's line is drawn on top. */
    for (size_t a = 0; a < d->n_arms; a++) {
        if (a == d->reference)
            continue;
        fprintf(gp, "'%s' index %zu using ($1*TS):%d with lines lw 2 lc rgb \"%s\" notitle, \\\n     ", tsv, a,
                2 + v, pf_colour(c, a));
    }
    fprintf(gp, "'%s' index %zu using ($1*TS):%d with lines lw 4 lc rgb \"%s\" notitle\n", tsv, d->reference, 2 + v,
            pf_colour(c, d->reference));
}

/* When person p died in arm `arm`, in weeks (NAN: alive at the end). */
static double death_week(const resultdata *d, size_t arm, size_t p)
{
    const rd_arm *A = &d->arms[arm];
    for (size_t i = 0; i < A->n_events; i++)
        if (A->events[i].individual == p && A->events[i].kind == RL_DEATH)
            return A->events[i].week;
    return NAN;
}

static void story_script(const plot_ctx *c, FILE *gp, const char *tsv, const char *title, const void *fig)
{
    const one_person *x = fig;
    const resultdata *d = c->d;
    pf_time_axis(c, gp, "Time since the start");
    story_marks(c, gp, x);
    pf_multiplot_begin(gp, title);
    pf_layout L = {3, 1, 0.11, 0.985, 0.27, 0.87, 0, 0.03};
    for (int v = 0; v < 3; v++)
        story_panel(c, gp, tsv, x, &L, v);
    pf_legend_begin(gp, 0.16, 3);
    pf_legend_entry(gp, "lines lw 4", pf_colour(c, d->reference), "arm ‘%s’", d->arms[d->reference].name);
    for (size_t a = 0; a < d->n_arms; a++)
        if (a != d->reference)
            pf_legend_entry(gp, "lines lw 2", pf_colour(c, a), "‘%s’ (same person)", d->arms[a].name);
    pf_legend_entry(gp, "lines lw 2 dt 2", "#E69F00", "fall");
    pf_legend_entry(gp, "lines lw 4", "#C00000", "fracture");
    pf_legend_entry(gp, "boxes fs solid 1.0", "#d9d9d9", "immobilized or in hospital");
    if (!isnan(death_week(d, d->reference, x->p)))
        pf_legend_entry(gp, "lines lw 3", "#000000", "death");
    if (d->n_arms > 1)
        pf_legend_entry(gp, "lines lw 5", "#777777", "tick at the top: in that arm only");
    pf_legend_end(gp);
    fputs("unset multiplot\n", gp);
}

static void story_shows(const plot_ctx *c, FILE *m, const void *fig)
{
    const one_person *x = fig;
    const resultdata *d = c->d;
    fprintf(m, "The life of one virtual person in the reference arm ‘%s’ — the sampled person with "
               "the most falls, fractures and immobilizations: %zu fall%s and %zu fracture%s over %.4g %s. "
               "Top: leg muscle; middle: hip bone (T-score); bottom: how much the person walks. ",
            d->arms[d->reference].name, x->n_falls, x->n_falls == 1 ? "" : "s", x->n_fract,
            x->n_fract == 1 ? "" : "s", pf_time(c, d->time[d->n_time - 1]), pf_time_unit(c));
    if (d->n_arms > 1)
        fputs("Thinner lines show the very same person, with the same bad luck, in the other arms; a "
              "short tick in an arm's colour at the top of the panels marks a fracture, hospital stay, "
              "immobilization or death that happened in that arm only (the intervention changed the "
              "person's luck).", m);
    double dead = death_week(d, d->reference, x->p);
    if (isnan(dead))
        fprintf(m, " %s is alive at the end in arm ‘%s’.", d->sample_female[x->p] == 1 ? "She" : "He",
                d->arms[d->reference].name);
    else
        fprintf(m, " %s dies after %.3g %s in arm ‘%s’ (black line), where the lines end.",
                d->sample_female[x->p] == 1 ? "She" : "He", pf_time(c, dead), pf_time_unit(c),
                d->arms[d->reference].name);
    if (x->score == 0)
        fputs(" None of the sampled people fell or was immobilized in this run.", m);
}

static void story_caption(const plot_ctx *c, plot_figure *F, const one_person *x)
{
    const resultdata *d = c->d;
    /* "an 80-year-old", "an 18-year-old", "an 11-year-old" */
    long years = lround(d->sample_age[x->p]);
    int an = (years >= 80 && years <= 89) || years == 8 || years == 11 || years == 18;
    F->title = pf_format("One person’s story: a%s %ld-year-old %s (sampled person %zu), arm ‘%s’", an ? "n" : "",
                         years, d->sample_female[x->p] == 1 ? "woman" : "man", x->p, d->arms[d->reference].name);
    F->shows = pf_text(c, story_shows, x);
    F->how = pf_format("Read from left to right. A fall (orange) can break a bone (red, with the site); a "
                       "fracture brings a cast, bed rest or a hospital stay (grey). While immobilized, "
                       "muscle and bone are lost faster and steps drop; afterwards the person walks less, "
                       "so the losses continue — and a weaker person falls more easily: the vicious cycle. "
                       "The dotted lines in the middle panel are the WHO thresholds (osteopenia below %.3g, "
                       "osteoporosis at %.3g or lower).",
                       d->osteopenia_tscore, d->osteoporosis_tscore);
    F->assumed = pf_format("One person is not an average: the chance events are drawn from the model's "
                           "hazards. The same random numbers are used in every arm, so differences between "
                           "this person's lines come from the interventions (and from events they "
                           "prevented).");
}

void pf_story(plot_ctx *c, plot_figure *F)
{
    if (!pf_has_sampled_people(c, F, "is no individual story to tell. Set record.sample_size to 10 or more"))
        return;
    one_person x;
    story_data(c, &x);
    story_caption(c, F, &x);
    pf_write_files(c, F->name, F->title, story_table, story_script, &x);
}
