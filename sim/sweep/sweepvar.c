/* sweepvar.c — the outcome variables a sweep records (sweepvar.h). */
#include "sweepvar.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"

const char *sweepvar_display_unit(sweep_outcome_kind kind, const char *units)
{
    switch (kind) {
    case SWEEP_OUT_CHANGE_PCT:
        return "%";
    case SWEEP_OUT_CHANGE_PCT_DIFF:
        return "percentage points";
    case SWEEP_OUT_RATE:
    case SWEEP_OUT_RATE_DIFF:
        return "per 1000 person-years";
    case SWEEP_OUT_PREVALENCE_END:
    case SWEEP_OUT_INCIDENCE_END:
        return "share";
    case SWEEP_OUT_MEAN_END:
        break;
    }
    return units;
}

int sweepvar_lookup(const char *variable, sweep_outcome_kind *kind, int *index, const char **units)
{
    char name[160];
    for (int k = 0; k < KEY_COUNT; k++) {
        const obs_var_info *vi = &obs_var_table[obs_key_var[k]];
        snprintf(name, sizeof name, "%s_change_pct", vi->name);
        if (strcmp(variable, name) == 0) {
            *kind = SWEEP_OUT_CHANGE_PCT, *index = k, *units = "percent";
            return 1;
        }
        snprintf(name, sizeof name, "%s_change_pct_difference", vi->name);
        if (strcmp(variable, name) == 0) {
            *kind = SWEEP_OUT_CHANGE_PCT_DIFF, *index = k, *units = "percent";
            return 1;
        }
    }
    for (int c = 0; c < EVC_COUNT; c++) {
        snprintf(name, sizeof name, "%s_per_1000py", obs_count_names[c]);
        if (strcmp(variable, name) == 0) {
            *kind = SWEEP_OUT_RATE, *index = c, *units = "(1000 year)-1";
            return 1;
        }
        snprintf(name, sizeof name, "%s_per_1000py_difference", obs_count_names[c]);
        if (strcmp(variable, name) == 0) {
            *kind = SWEEP_OUT_RATE_DIFF, *index = c, *units = "(1000 year)-1";
            return 1;
        }
        snprintf(name, sizeof name, "cumulative_incidence_%s", obs_count_names[c]);
        if (strcmp(variable, name) == 0) {
            *kind = SWEEP_OUT_INCIDENCE_END, *index = c, *units = "1";
            return 1;
        }
    }
    for (int v = 0; v < OV_COUNT; v++) {
        snprintf(name, sizeof name, "%s_mean", obs_var_table[v].name);
        if (strcmp(variable, name) == 0) {
            *kind = SWEEP_OUT_MEAN_END, *index = v, *units = obs_var_table[v].units;
            return 1;
        }
    }
    for (int c = 0; c < PREV_COUNT; c++) {
        snprintf(name, sizeof name, "prevalence_%s", obs_prevalence_names[c]);
        if (strcmp(variable, name) == 0) {
            *kind = SWEEP_OUT_PREVALENCE_END, *index = c, *units = "1";
            return 1;
        }
    }
    return 0;
}

char *sweepvar_long_name(sweep_outcome_kind kind, int index, const char *arm, const char *reference)
{
    char buf[512];
    switch (kind) {
    case SWEEP_OUT_CHANGE_PCT:
        snprintf(buf, sizeof buf, "%s: mean %% change in %s from baseline to the end (survivors)", arm,
                 obs_var_table[obs_key_var[index]].long_name);
        break;
    case SWEEP_OUT_CHANGE_PCT_DIFF:
        snprintf(buf, sizeof buf, "%s: paired difference in %% change of %s vs the reference arm (%s)", arm,
                 obs_var_table[obs_key_var[index]].long_name, reference);
        break;
    case SWEEP_OUT_RATE:
        snprintf(buf, sizeof buf, "%s: %s per 1000 person-years", arm, obs_count_long_names[index]);
        break;
    case SWEEP_OUT_RATE_DIFF:
        snprintf(buf, sizeof buf, "%s: paired difference in %s per 1000 person-years vs the reference arm (%s)",
                 arm, obs_count_long_names[index], reference);
        break;
    case SWEEP_OUT_MEAN_END:
        snprintf(buf, sizeof buf, "%s: mean %s at the end of follow-up", arm, obs_var_table[index].long_name);
        break;
    case SWEEP_OUT_PREVALENCE_END:
        snprintf(buf, sizeof buf, "%s: %s at the end of follow-up", arm, obs_prevalence_long_names[index]);
        break;
    case SWEEP_OUT_INCIDENCE_END:
        snprintf(buf, sizeof buf, "%s: share of people enrolled with at least one of: %s, by the end", arm,
                 obs_count_long_names[index]);
        break;
    }
    return strdup(buf);
}

double sweepvar_value(sweep_outcome_kind kind, int index, size_t arm, const engine_result *r)
{
    const obs_acc *a = r->acc;
    size_t last = obs_index(a, arm, a->n_obs - 1);
    results_arm_summary s;
    switch (kind) {
    case SWEEP_OUT_CHANGE_PCT:
        results_arm(r, arm, &s);
        return s.change_pct[index];
    case SWEEP_OUT_CHANGE_PCT_DIFF:
        results_arm(r, arm, &s);
        return s.diff_change[index];
    case SWEEP_OUT_RATE:
        results_arm(r, arm, &s);
        return s.rate[index];
    case SWEEP_OUT_RATE_DIFF:
        results_arm(r, arm, &s);
        return s.diff_rate[index];
    case SWEEP_OUT_MEAN_END:
        return obs_mean(&a->value[last * OV_COUNT + (size_t)index]);
    case SWEEP_OUT_PREVALENCE_END:
        return a->alive[last] ? (double)a->prevalent[last * PREV_COUNT + (size_t)index] / (double)a->alive[last]
                              : NAN;
    case SWEEP_OUT_INCIDENCE_END:
        return (double)a->ever[last * EVC_COUNT + (size_t)index] / (double)r->n_people;
    }
    return NAN;
}

void sweepvar_write_reference(FILE *out)
{
    fputs("### Outcome variables\n\n"
          "Each is a summary of one arm over the whole follow-up, the same numbers `msksim run` "
          "writes under `/summary` and `/comparison` (a `_difference` is paired against the "
          "reference arm, on the same people) or at the last time of the root series (at arm = ARM).\n\n"
          "| variable | unit | meaning |\n|---|---|---|\n",
          out);
    for (int k = 0; k < KEY_COUNT; k++) {
        const obs_var_info *vi = &obs_var_table[obs_key_var[k]];
        fprintf(out, "| `%s_change_pct` | percent | mean %% change in %s from baseline to the end (survivors) |\n",
                vi->name, vi->long_name);
        fprintf(out, "| `%s_change_pct_difference` | percent | paired difference of that change vs the reference arm |\n",
                vi->name);
    }
    for (int c = 0; c < EVC_COUNT; c++) {
        fprintf(out, "| `%s_per_1000py` | (1000 year)-1 | %s per 1000 person-years |\n", obs_count_names[c],
                obs_count_long_names[c]);
        fprintf(out, "| `%s_per_1000py_difference` | (1000 year)-1 | paired difference of that rate vs the reference arm |\n",
                obs_count_names[c]);
        fprintf(out, "| `cumulative_incidence_%s` | 1 | share of people enrolled with at least one by the end |\n",
                obs_count_names[c]);
    }
    for (int v = 0; v < OV_COUNT; v++)
        fprintf(out, "| `%s_mean` | %s | mean %s at the end |\n", obs_var_table[v].name, obs_var_table[v].units,
                obs_var_table[v].long_name);
    for (int c = 0; c < PREV_COUNT; c++)
        fprintf(out, "| `prevalence_%s` | 1 | %s at the end |\n", obs_prevalence_names[c], obs_prevalence_long_names[c]);
    fputc('\n', out);
}

