/* plot.c — the figure set: which figures, in what order, the study in words, rendering
 * (see plot.h; the figures' shared toolkit is plotfig.c). */
#include "plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plotfig.h"

/* Beyond three years, weeks are hard to read on an axis. */
#define YEARS_AXIS_FROM_WEEKS 156.0

const char *const plot_figure_names[] = {
    "fig1-trajectories", "fig2-immobilization", "fig3-end-of-study", "fig4-falls-fractures",
    "fig5-prevalence",   "fig5b-who-classes",   "fig6a-one-person",  "fig6b-spiral",
    "fig7-bfr-dose",     "fig8-strata",         "fig9-drivers",      NULL};

const char *const plot_key_label[RK_COUNT] = {"Leg lean mass", "Knee strength", "Grip strength",
                                              "Gait speed", "Femoral-neck BMD"};

/* central: the figure shows the central run only, also when the file has parameter
 * draws (sampled people, stacked classes, subgroups); its caption then says so. */
static const struct {
    const char *number;
    void (*make)(plot_ctx *, plot_figure *);
    int central;
} figures[PLOT_MAX_FIGURES] = {
    {"1", pf_trajectories, 0}, {"2", pf_immobilization, 1}, {"3", pf_end_of_study, 0},
    {"4", pf_incidence, 0},    {"5", pf_prevalence, 0},     {"5b", pf_who_classes, 1},
    {"6a", pf_story, 1},       {"6b", pf_spiral, 1},        {"7", pf_bfr_dose, 0},
    {"8", pf_strata, 1},       {"9", pf_drivers, 0},
};

/* The caption's note on a figure of the central run in a file with parameter draws. */
static void note_central(const plot_ctx *c, plot_figure *F)
{
    char *how = pf_format("%s This figure shows the central run (the scenario's own parameters); the %zu "
                          "parameter draws are in figures 1, 3, 4, 5, 7 and 9.",
                          F->how ? F->how : "", c->d->n_draws);
    if (how) {
        free(F->how);
        F->how = how;
    }
}

/* ---- The study in words ----------------------------------------------------------- */

/* ", measured every 2 weeks (27 times)" or ", measured 5 times". */
static void describe_observations(const plot_ctx *c, FILE *f)
{
    const resultdata *d = c->d;
    if (d->n_time < 2)
        return;
    double step = d->time[1] - d->time[0];
    int regular = 1;
    for (size_t k = 2; k < d->n_time; k++)
        regular = regular && fabs(d->time[k] - d->time[k - 1] - step) <= 1e-6 * fmax(1.0, step);
    if (regular)
        fprintf(f, ", measured every %.3g week%s (%zu times, the start included)", step, step == 1 ? "" : "s",
                d->n_time);
    else
        fprintf(f, ", measured %zu times", d->n_time);
}

/* Who was enrolled, from the person table: ". Aged 65-80 at entry (mean 72.4), 50%
 * women; at entry 3.8% had sarcopenia, 50% osteopenia, 8.2% osteoporosis." */
static void describe_entry(const resultdata *d, FILE *f)
{
    if (!d->has_entry) {
        fputs(". ", f);
        return;
    }
    fprintf(f, ". Aged %.0f to %.0f at entry (mean %.1f), %.0f%% women; at entry %.1f%% had sarcopenia "
               "(EWGSOP2), %.1f%% osteopenia and %.1f%% osteoporosis (WHO). ",
            floor(d->entry_age_min), floor(d->entry_age_max), d->entry_age_mean, 100 * d->entry_female,
            100 * d->entry_sarcopenic, 100 * d->entry_who[1], 100 * d->entry_who[2]);
}

static char *describe_study(const plot_ctx *c)
{
    const resultdata *d = c->d;
    char *s = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&s, &len);
    if (!f)
        return NULL;
    double horizon = d->time[d->n_time - 1];
    fprintf(f, "%.0f virtual people", d->population_size * (d->replicates > 0 ? d->replicates : 1));
    if (d->replicates > 1)
        fprintf(f, " (%.0f populations of %.0f)", d->replicates, d->population_size);
    fprintf(f, " followed for %.4g %s", pf_time(c, horizon), pf_time_unit(c));
    describe_observations(c, f);
    describe_entry(d, f);
    fprintf(f, "Every arm follows the same people with the same chance events, so differences "
               "between arms are due to the interventions alone. ");
    fprintf(f, "Arms: ");
    for (size_t a = 0; a < d->n_arms; a++) {
        fprintf(f, "%s%s%s: ", a ? "; " : "", d->arms[a].name, a == d->reference ? " (reference)" : "");
        pf_describe_arm(f, &d->arms[a]);
    }
    fputs(".", f);
    for (size_t i = 0; i < d->n_exposures; i++) {
        const rd_exposure *e = &d->exposures[i];
        fprintf(f, " Everyone has %s from week %.3g for %.3g weeks.", pf_exposure_name(e->kind),
                e->start_week, e->duration_weeks);
    }
    fclose(f);
    return s;
}

/* ---- The set ---------------------------------------------------------------------- */

msk_status plot_all(const resultdata *d, const char *result_path, const char *dir,
                    unsigned formats, plot_set *out, diag_list *diags)
{
    memset(out, 0, sizeof *out);
    plot_ctx c = {d, result_path, dir, formats, diags, 0, MSK_OK};
    c.years = d->time[d->n_time - 1] > YEARS_AXIS_FROM_WEEKS;
    out->study = describe_study(&c);
    char scripts[PLOT_MAX_FIGURES][64];
    const char *to_render[PLOT_MAX_FIGURES];
    size_t n_render = 0;
    for (size_t i = 0; i < PLOT_MAX_FIGURES && c.st == MSK_OK; i++) {
        plot_figure *F = &out->fig[out->n++];
        F->name = plot_figure_names[i];
        F->number = figures[i].number;
        figures[i].make(&c, F);
        if (c.st == MSK_OK && !F->skipped && figures[i].central && d->n_draws)
            note_central(&c, F);
        if (c.st == MSK_OK && !F->skipped) {
            snprintf(scripts[n_render], sizeof scripts[n_render], "%s.gp", F->name);
            to_render[n_render] = scripts[n_render];
            n_render++;
        }
    }
    /* gnuplot runs on one core: the figures are rendered side by side. */
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (c.st == MSK_OK)
        c.st = gp_run_all(dir, to_render, n_render, formats, cores > 1 ? (int)(cores < 8 ? cores : 8) : 1, diags);
    if (c.st == MSK_OK && !out->study)
        c.st = MSK_ENOMEM;
    return c.st;
}

void plot_set_fini(plot_set *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->fig[i].title);
        free(s->fig[i].shows);
        free(s->fig[i].how);
        free(s->fig[i].assumed);
        free(s->fig[i].skipped);
    }
    free(s->study);
    memset(s, 0, sizeof *s);
}
