/* drawplan.c — the parameter draws of a run as a sweep of one point per draw (see
 * drawplan.h). */
#include "drawplan.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "journal.h"
#include "uncertainty.h"
#include "version.h"
#include "yamltree.h"

uint64_t drawplan_seed(unsigned long long scenario_seed)
{
    uint64_t x = (uint64_t)scenario_seed ^ 0x6472617773ULL /* "draws" */;
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* The run's --set, then draws=0 (a draw is a plain run), as the sweep's `set:`. */
static msk_status plan_sets(sweep *sw, const char *const *sets, size_t n_sets)
{
    sw->set.count = n_sets + 1;
    sw->set.items = calloc(n_sets + 1, sizeof *sw->set.items);
    sw->set.at = calloc(n_sets + 1, sizeof *sw->set.at);
    if (!sw->set.items || !sw->set.at)
        return MSK_ENOMEM;
    for (size_t i = 0; i <= n_sets; i++) {
        sw->set.at[i] = (sweep_loc){yamltree_cmdline_file, (int)i + 1, 1};
        if (!(sw->set.items[i] = strdup(i < n_sets ? sets[i] : "draws=0")))
            return MSK_ENOMEM;
    }
    return MSK_OK;
}

/* What a draw's run gives: every value draws.h keeps (no sweep outcome list). */
static void plan_outcomes(sweep *sw, const scenario *sc, size_t n_obs)
{
    sw->n_outcomes = draws_value_count(sc->n_arms, n_obs);
    sw->task_values = draws_values;
}

/* Which parameters of U are drawn (sd > 0 and centred on the scenario's value), their
 * names and units in *dd and the sweep's parameters; the others in dd->held. */
static msk_status plan_params(sweep *sw, draws_data *dd, const param_uncertainty *u, const scenario *sc,
                              size_t *drawn, size_t n_obs)
{
    size_t k = 0, held_len = 1;
    for (size_t j = 0; j < u->n; j++) {
        int use = u->sd[j] > 0 && uncertainty_centred_on(u, j, &sc->model);
        drawn[j] = use;
        k += (size_t)use;
        held_len += use ? 0 : strlen(u->name[j]) + 64;
    }
    if (draws_data_alloc(dd, (size_t)sc->draws, k, sc->n_arms, n_obs) != 0 || !(dd->held = calloc(held_len, 1)))
        return MSK_ENOMEM;
    sw->n_params = k;
    sw->params = calloc(k ? k : 1, sizeof *sw->params);
    if (!sw->params)
        return MSK_ENOMEM;
    size_t i = 0, o = 0;
    for (size_t j = 0; j < u->n; j++) {
        char group[64];
        const char *dot = strchr(u->name[j], '.');
        snprintf(group, sizeof group, "%.*s", (int)(dot - u->name[j]), u->name[j]);
        if (!drawn[j]) {
            o += (size_t)snprintf(dd->held + o, held_len - o, "%s%s (%s)", o ? ", " : "", u->name[j],
                                  u->sd[j] > 0 ? "set by the scenario" : "SD 0: not identified by the targets");
            continue;
        }
        sweep_param *p = &sw->params[i];
        size_t len = strlen(u->name[j]) + 7;
        p->path.count = 1;
        p->path.items = calloc(1, sizeof *p->path.items);
        p->path.at = calloc(1, sizeof *p->path.at);
        p->name = strdup(u->name[j]);
        dd->param_name[i] = strdup(u->name[j]);
        dd->param_units[i] = strdup(model_param_find(group, dot + 1)->unit);
        if (!p->path.items || !p->path.at || !p->name || !dd->param_name[i] || !dd->param_units[i] ||
            !(p->path.items[0] = malloc(len)))
            return MSK_ENOMEM;
        snprintf(p->path.items[0], len, "model.%s", u->name[j]);
        p->path.at[0] = (sweep_loc){sc->source_path, 1, 1};
        i++;
    }
    return MSK_OK;
}

/* Everything the draws' numbers depend on: the scenario as run, the values drawn. */
static uint64_t plan_key(const sweep *sw, const scenario *sc)
{
    char *effective = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&effective, &len);
    if (mem) {
        scenario_write_effective(sc, mem);
        fclose(mem);
    }
    uint64_t h = JOURNAL_HASH_START;
    const char *parts[] = {"msksim draws 1", MSK_VERSION, MSK_GIT_REVISION, sc->source_text, sc->overrides,
                           effective};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        h = journal_hash(h, parts[i] ? parts[i] : "", strlen(parts[i] ? parts[i] : "") + 1);
    free(effective);
    h = journal_hash(h, sw->values, sw->n_points * sw->n_params * sizeof *sw->values);
    uint64_t sizes[] = {sw->n_points, sw->n_params, sw->n_outcomes};
    return journal_hash(h, sizes, sizeof sizes);
}

/* The values of every draw: dd->param_value and the sweep's points. */
static msk_status plan_values(sweep *sw, draws_data *dd, const param_uncertainty *u, const size_t *drawn)
{
    double *all = malloc(u->n * sizeof *all);
    sw->values = malloc((sw->n_points * sw->n_params + 1) * sizeof *sw->values);
    if (!all || !sw->values) {
        free(all);
        return MSK_ENOMEM;
    }
    for (size_t t = 0; t < sw->n_points; t++) {
        uncertainty_draw(u, dd->seed, t, all);
        for (size_t j = 0, i = 0; j < u->n; j++)
            if (drawn[j])
                sw->values[t * sw->n_params + i++] = all[j];
    }
    memcpy(dd->param_value, sw->values, sw->n_points * sw->n_params * sizeof *sw->values);
    free(all);
    return MSK_OK;
}

msk_status drawplan_build(sweep *sw, draws_data *dd, const scenario *sc, const char *const *sets, size_t n_sets,
                          diag_list *d)
{
    memset(sw, 0, sizeof *sw);
    memset(dd, 0, sizeof *dd);
    char *file = scenario_draws_file(sc);
    if (!file)
        return MSK_ENOMEM;
    param_uncertainty u;
    msk_status st = uncertainty_read_file(file, &u, d);
    size_t *drawn = st == MSK_OK ? calloc(u.n, sizeof *drawn) : NULL;
    if (st == MSK_OK && !drawn)
        st = MSK_ENOMEM;
    double *days = NULL;
    const size_t n_obs = st == MSK_OK ? engine_observation_days(sc, &days) : 0;
    free(days);
    if (st == MSK_OK && n_obs == 0)
        st = MSK_ENOMEM;
    if (st == MSK_OK)
        st = plan_params(sw, dd, &u, sc, drawn, n_obs);
    if (st == MSK_OK) {
        dd->source = file;
        file = NULL;
        dd->seed = drawplan_seed(sc->seed);
        sw->sweep = strdup(sc->name);
        sw->source_path = strdup(sc->source_path);
        sw->base_path = strdup(sc->source_path);
        sw->replicates = 1;
        sw->seeds = SWEEP_SEEDS_COMMON;
        sw->base_seed = sc->seed;
        sw->n_arms = sc->n_arms;
        sw->n_points = sw->n_tasks = (size_t)sc->draws;
        st = !sw->sweep || !sw->source_path || !sw->base_path ? MSK_ENOMEM : plan_sets(sw, sets, n_sets);
    }
    if (st == MSK_OK)
        plan_outcomes(sw, sc, n_obs);
    if (st == MSK_OK)
        st = plan_values(sw, dd, &u, drawn);
    if (st == MSK_OK)
        sw->key = plan_key(sw, sc);
    free(drawn);
    free(file);
    uncertainty_fini(&u);
    return st;
}
