/* params.c — the parameter table generated from params.def. */
#include "params.h"

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
