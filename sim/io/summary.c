/* summary.c — the compact arms x key-outcomes table printed after a run. */
#include <math.h>
#include <string.h>

#include "results.h"

static void cell(FILE *out, double v, double lo, double hi, int width)
{
    char buf[64];
    if (isnan(v))
        snprintf(buf, sizeof buf, "n/a");
    else if (isnan(lo))
        snprintf(buf, sizeof buf, "%.1f", v);
    else
        snprintf(buf, sizeof buf, "%.1f [%.1f, %.1f]", v, lo, hi);
    fprintf(out, "  %-*s", width, buf);
}

void results_print_table(const engine_result *r, FILE *out)
{
    const scenario *sc = r->plan.sc;
    size_t wname = 4;
    for (size_t a = 0; a < sc->n_arms; a++)
        if (strlen(sc->arms[a].name) > wname)
            wname = strlen(sc->arms[a].name);
    const int w = 20;
    static const obs_key keys[] = {KEY_LEG_LEAN, KEY_KNEE, KEY_BMD};
    static const char *const key_titles[] = {"leg lean mass %", "knee strength %", "FN BMD %"};
    static const obs_count counts[] = {EVC_FALL, EVC_FRACTURE};
    static const char *const count_titles[] = {"falls /1000 py", "fractures /1000 py"};

    fprintf(out, "\n%s: %zu people x %lld replicate%s, %g weeks; change from baseline and "
                 "event rates, mean [95%% CI]\n",
            sc->name, (size_t)sc->population.size, (long long)sc->replicates,
            sc->replicates == 1 ? "" : "s", sc->horizon_weeks);
    fprintf(out, "%-*s", (int)wname, "arm");
    for (size_t i = 0; i < 3; i++)
        fprintf(out, "  %-*s", w, key_titles[i]);
    for (size_t i = 0; i < 2; i++)
        fprintf(out, "  %-*s", w, count_titles[i]);
    fputc('\n', out);
    for (size_t a = 0; a < sc->n_arms; a++) {
        results_arm_summary s;
        results_arm(r, a, &s);
        fprintf(out, "%-*s", (int)wname, sc->arms[a].name);
        for (size_t i = 0; i < 3; i++)
            cell(out, s.change_pct[keys[i]], s.change_lo[keys[i]], s.change_hi[keys[i]], w);
        for (size_t i = 0; i < 2; i++)
            cell(out, s.rate[counts[i]], s.rate_lo[counts[i]], s.rate_hi[counts[i]], w);
        fputc('\n', out);
    }
    if (sc->n_arms < 2)
        return;
    fprintf(out, "\npaired difference vs '%s' (same people, common random numbers):\n",
            sc->arms[sc->reference].name);
    for (size_t a = 0; a < sc->n_arms; a++) {
        if (a == sc->reference)
            continue;
        results_arm_summary s;
        results_arm(r, a, &s);
        fprintf(out, "%-*s", (int)wname, sc->arms[a].name);
        for (size_t i = 0; i < 3; i++)
            cell(out, s.diff_change[keys[i]], s.diff_change_lo[keys[i]], s.diff_change_hi[keys[i]], w);
        for (size_t i = 0; i < 2; i++)
            cell(out, s.diff_rate[counts[i]], s.diff_rate_lo[counts[i]], s.diff_rate_hi[counts[i]], w);
        fputc('\n', out);
    }
}
