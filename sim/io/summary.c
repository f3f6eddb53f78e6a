/* summary.c — the compact arms x key-outcomes table printed after a run. */
#include <math.h>
#include <string.h>

#include "results.h"

enum { CELL = 24, N_CHANGE = 3, N_RATE = 3 };

/* Decimals down to the half-width's first significant digit, so that the bounds differ
 * from the mean ("-0.7 [-0.7, -0.7]" reads "-0.72 [-0.74, -0.70]"), between 0 and 3. */
int results_decimals(double lo, double hi, int extra)
{
    double half = 0.5 * (hi - lo);
    if (!(half > 0) || !isfinite(half))
        return 1;
    int d = (int)ceil(-log10(half)) + extra;
    return d < 0 ? 0 : d > 3 ? 3 : d;
}

static void cell(FILE *out, double v, double lo, double hi)
{
    char buf[64];
    if (isnan(v))
        snprintf(buf, sizeof buf, "n/a");
    else if (isnan(lo))
        snprintf(buf, sizeof buf, "%.1f", v);
    else if (v == 0 && lo == 0 && hi == 0)
        snprintf(buf, sizeof buf, "0 (no one differs)");
    else {
        int d = results_decimals(lo, hi, 0);
        snprintf(buf, sizeof buf, "%.*f [%.*f, %.*f]", d, v, d, lo, d, hi);
    }
    fprintf(out, "  %-*s", CELL, buf);
}

static const obs_key keys[N_CHANGE] = {KEY_LEG_LEAN, KEY_KNEE, KEY_BMD};
static const char *const key_titles[N_CHANGE] = {"leg lean mass", "knee strength", "FN BMD"};
static const obs_count counts[N_RATE] = {EVC_FALL, EVC_FRACTURE, EVC_DEATH};
static const char *const count_titles[N_RATE] = {"falls", "fractures", "deaths"};

static void header(FILE *out, int wname, const char *unit, const char *const *titles, size_t n)
{
    fprintf(out, "%-*s", wname, unit);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "  %-*s", CELL, titles[i]);
    fputc('\n', out);
}

/* One panel: the changes (diff = 0) or paired differences (diff = 1) of every arm
 * (differences: all but the reference), or the event rates (rates = 1). */
static void panel(const engine_result *r, FILE *out, int wname, int diff, int rates)
{
    const scenario *sc = r->plan.sc;
    header(out, wname,
           rates ? "per 1000 person-years" : diff ? "percentage points" : "change, %",
           rates ? count_titles : key_titles, rates ? N_RATE : N_CHANGE);
    for (size_t a = 0; a < sc->n_arms; a++) {
        if (diff && a == sc->reference)
            continue;
        results_arm_summary s;
        results_arm(r, a, &s);
        fprintf(out, "%-*s", wname, sc->arms[a].name);
        for (size_t i = 0; !rates && i < N_CHANGE; i++) {
            obs_key k = keys[i];
            if (diff)
                cell(out, s.diff_change[k], s.diff_change_lo[k], s.diff_change_hi[k]);
            else
                cell(out, s.change_pct[k], s.change_lo[k], s.change_hi[k]);
        }
        for (size_t i = 0; rates && i < N_RATE; i++) {
            obs_count c = counts[i];
            if (diff)
                cell(out, s.diff_rate[c], s.diff_rate_lo[c], s.diff_rate_hi[c]);
            else
                cell(out, s.rate[c], s.rate_lo[c], s.rate_hi[c]);
        }
        fputc('\n', out);
    }
}

/* The share of the people enrolled alive at the end (Wilson 95% CI), in %. */
static void survival_panel(const engine_result *r, FILE *out, int wname)
{
    const scenario *sc = r->plan.sc;
    static const char *const title[] = {"alive at the end"};
    header(out, wname, "survival, %", title, 1);
    for (size_t arm = 0; arm < sc->n_arms; arm++) {
        double s[3];
        results_survival(r, arm, r->acc->n_obs - 1, s);
        fprintf(out, "%-*s", wname, sc->arms[arm].name);
        cell(out, 100.0 * s[0], 100.0 * s[1], 100.0 * s[2]);
        fputc('\n', out);
    }
}

void results_print_table(const engine_result *r, FILE *out)
{
    const scenario *sc = r->plan.sc;
    int wname = (int)strlen("per 1000 person-years");
    for (size_t a = 0; a < sc->n_arms; a++)
        if ((int)strlen(sc->arms[a].name) > wname)
            wname = (int)strlen(sc->arms[a].name);

    fprintf(out, "\n%s: %zu people x %lld replicate%s, %g weeks; mean [95%% CI]: changes among the\n"
                 "people alive at the end, events per 1000 person-years lived (the CI is the Monte\n"
                 "Carlo precision of this virtual population, not uncertainty about the model: --draws N\n"
                 "gives that)\n",
            sc->name, (size_t)sc->population.size, (long long)sc->replicates,
            sc->replicates == 1 ? "" : "s", sc->horizon_weeks);
    panel(r, out, wname, 0, 0);
    panel(r, out, wname, 0, 1);
    survival_panel(r, out, wname);
    if (sc->n_arms < 2)
        return;
    fprintf(out, "\npaired difference vs '%s' (same people, common random numbers):\n",
            sc->arms[sc->reference].name);
    panel(r, out, wname, 1, 0);
    panel(r, out, wname, 1, 1);
}
