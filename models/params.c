/* params.c — the parameter table generated from params.def. */
#include "params.h"

#include <string.h>

const model_param_info model_param_table[] = {
#define PARAM(group, name, unit, def, lo, hi, help, source) \
    {#group, #name, unit, help, source, def, lo, hi, offsetof(model_params, group##_##name)},
#include "params.def"
#undef PARAM
};

const size_t model_param_count = sizeof model_param_table / sizeof model_param_table[0];

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
