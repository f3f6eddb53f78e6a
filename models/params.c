/* params.c — the parameter table generated from params.def. */
#include "params.h"

#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

const model_param_info model_param_table[] = {
#define PARAM(group, name, unit, def, lo, hi, help, source) \
    {#group, #name, unit, help, source, def, lo, hi, offsetof(model_params, group##_##name)},
#include "params.def"
#undef PARAM
};

const size_t model_param_count = sizeof model_param_table / sizeof model_param_table[0];

const model_param_dist model_param_dist_table[] = {
#define PARAM_DIST(group, name, kind, a, b, source) {#group, #name, PARAM_DIST_##kind, a, b, source},
#include "params_dist.def"
#undef PARAM_DIST
};

const size_t model_param_dist_count = sizeof model_param_dist_table / sizeof model_param_dist_table[0];

const model_param_dist *model_param_dist_find(const char *group, const char *name)
{
    for (size_t i = 0; i < model_param_dist_count; i++)
        if (strcmp(model_param_dist_table[i].group, group) == 0 && strcmp(model_param_dist_table[i].name, name) == 0)
            return &model_param_dist_table[i];
    return NULL;
}

void model_params_defaults(model_params *p)
{
#define PARAM(group, name, unit, def, lo, hi, help, source) p->group##_##name = (def);
#include "params.def"
#undef PARAM
}

int model_param_opens_group(size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (strcmp(model_param_table[j].group, model_param_table[i].group) == 0)
            return 0;
    return 1;
}

const model_param_info *model_param_find(const char *group, const char *name)
{
    for (size_t i = 0; i < model_param_count; i++)
        if (strcmp(model_param_table[i].group, group) == 0 &&
            strcmp(model_param_table[i].name, name) == 0)
            return &model_param_table[i];
    return NULL;
}

const model_param_info *model_param_find_dotted(const char *dotted)
{
    const char *dot = strchr(dotted, '.');
    char group[64];
    if (!dot || (size_t)(dot - dotted) >= sizeof group)
        return NULL;
    memcpy(group, dotted, (size_t)(dot - dotted));
    group[dot - dotted] = '\0';
    return model_param_find(group, dot + 1);
}

const double *model_param_value(const model_params *m, const model_param_info *info)
{
    return (const double *)(const void *)((const char *)m + info->offset);
}

int model_params_correlation_factor(const model_params *p,
                                    double chol[BASELINE_Z_COUNT][BASELINE_Z_COUNT])
{
    enum { N = BASELINE_Z_COUNT };
    memset(chol, 0, sizeof(double) * N * N);
    for (size_t i = 0; i < N; i++)
        chol[i][i] = 1.0;
    chol[BASELINE_Z_BMD][BASELINE_Z_LEAN] = p->baseline_corr_muscle_bone;
    chol[BASELINE_Z_STRENGTH][BASELINE_Z_LEAN] = p->baseline_corr_muscle_strength;
    chol[BASELINE_Z_GAIT][BASELINE_Z_STRENGTH] = p->baseline_corr_strength_gait;
    chol[BASELINE_Z_ACTIVITY][BASELINE_Z_GAIT] = p->baseline_corr_activity_gait;
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < i; j++)
            chol[j][i] = chol[i][j];
    gsl_matrix_view m = gsl_matrix_view_array(&chol[0][0], N, N);
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    int rc = gsl_linalg_cholesky_decomp1(&m.matrix);
    gsl_set_error_handler(old);
    return rc == 0 ? 0 : -1;
}
