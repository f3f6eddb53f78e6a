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
    return sweep_mix64((uint64_t)scenario_seed ^ 0x6472617773ULL /* "draws" */);
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

/* One parameter of the draws: from the calibration (row j of its distribution) or,
 * with draws_sources, from its source's range (a params_dist.def row). */
typedef struct {
    char name[96];              /* group.name */
    size_t j;                   /* calibrated: index in the calibration's list */
    const model_param_dist *dist; /* NULL: calibrated */
    const model_param_info *info;
    double central;             /* its value in the scenario */
} draw_param;

static const model_param_info *info_of(const char *dotted, double *central, const model_params *m)
{
    const model_param_info *info = model_param_find_dotted(dotted);
    *central = *model_param_value(m, info);
    return info;
}

static int calibrated(const param_uncertainty *u, const char *name)
{
    for (size_t j = 0; j < u->n; j++)
        if (strcmp(u->name[j], name) == 0)
            return 1;
    return 0;
}

/* The parameters drawn, in order (the calibration's, then the sources'), into dp[];
 * the others, with why, appended to held. Returns their number. */
static size_t choose(const param_uncertainty *u, const scenario *sc, draw_param *dp, char *held, size_t held_size)
{
    size_t n = 0, o = strlen(held);
    for (size_t j = 0; j < u->n; j++) {
        int use = u->sd[j] > 0 && uncertainty_centred_on(u, j, &sc->model);
        if (!use) {
            o += (size_t)snprintf(held + o, o < held_size ? held_size - o : 0, "%s%s (%s)", o ? ", " : "", u->name[j],
                                  u->sd[j] > 0 ? "set by the scenario" : "SD 0: not identified by the targets");
            continue;
        }
        draw_param *d = &dp[n++];
        snprintf(d->name, sizeof d->name, "%s", u->name[j]);
        d->j = j, d->dist = NULL;
        d->info = info_of(d->name, &d->central, &sc->model);
    }
    for (size_t r = 0; sc->draws_sources && r < model_param_dist_count; r++) {
        const model_param_dist *dist = &model_param_dist_table[r];
        char name[96];
        snprintf(name, sizeof name, "%s.%s", dist->group, dist->name);
        if (dist->kind == PARAM_DIST_FIXED || calibrated(u, name))
            continue;
        double central;
        const model_param_info *info = info_of(name, &central, &sc->model);
        if (central != info->def) { /* the scenario chose it: its distribution is centred elsewhere */
            o += (size_t)snprintf(held + o, o < held_size ? held_size - o : 0, "%s%s (set by the scenario)", o ? ", " : "",
                                  name);
            continue;
        }
        draw_param *d = &dp[n++];
        snprintf(d->name, sizeof d->name, "%s", name);
        d->dist = dist, d->info = info, d->central = central;
    }
    return n;
}

/* The names, units and sources of the drawn parameters in *dd and the sweep. */
static msk_status plan_params(sweep *sw, draws_data *dd, const draw_param *dp, size_t k, const scenario *sc,
                              const char *file)
{
    sw->n_params = k;
    sw->params = calloc(k ? k : 1, sizeof *sw->params);
    if (!sw->params)
        return MSK_ENOMEM;
    for (size_t i = 0; i < k; i++) {
        sweep_param *p = &sw->params[i];
        size_t len = strlen(dp[i].name) + 7, slen = strlen(file) + 64;
        p->path.count = 1;
        p->path.items = calloc(1, sizeof *p->path.items);
        p->path.at = calloc(1, sizeof *p->path.at);
        p->name = strdup(dp[i].name);
        dd->param_name[i] = strdup(dp[i].name);
        dd->param_units[i] = strdup(dp[i].info->unit);
        dd->param_source[i] = dp[i].dist ? strdup(dp[i].dist->source) : malloc(slen);
        if (!p->path.items || !p->path.at || !p->name || !dd->param_name[i] || !dd->param_units[i] ||
            !dd->param_source[i] || !(p->path.items[0] = malloc(len)))
            return MSK_ENOMEM;
        if (!dp[i].dist)
            snprintf(dd->param_source[i], slen, "calibration (Laplace approximation in %s)", file);
        snprintf(p->path.items[0], len, "model.%s", dp[i].name);
        p->path.at[0] = (sweep_loc){sc->source_path, 1, 1};
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

/* The values of every draw: dd->param_value and the sweep's points. A source's value
 * is drawn from the uniform number of its row of params_dist.def, so adding a row
 * leaves the others' draws unchanged. */
static msk_status plan_values(sweep *sw, draws_data *dd, const param_uncertainty *u, const draw_param *dp)
{
    double *all = malloc((u->n ? u->n : 1) * sizeof *all);
    sw->values = malloc((sw->n_points * sw->n_params + 1) * sizeof *sw->values);
    if (!all || !sw->values) {
        free(all);
        return MSK_ENOMEM;
    }
    for (size_t t = 0; t < sw->n_points; t++) {
        uncertainty_draw(u, dd->seed, t, all);
        for (size_t i = 0; i < sw->n_params; i++) {
            const draw_param *d = &dp[i];
            sw->values[t * sw->n_params + i] =
                !d->dist ? all[d->j]
                         : uncertainty_source_value(d->dist, d->info, d->central,
                                                    uncertainty_uniform_at(dd->seed, t, (uint64_t)(d->dist - model_param_dist_table)));
        }
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
    const size_t cap = (st == MSK_OK ? u.n : 0) + model_param_dist_count, held_size = 64 * cap + 1;
    draw_param *dp = st == MSK_OK ? calloc(cap, sizeof *dp) : NULL;
    char *held = st == MSK_OK ? calloc(held_size, 1) : NULL;
    if (st == MSK_OK && (!dp || !held))
        st = MSK_ENOMEM;
    double *days = NULL;
    const size_t n_obs = st == MSK_OK ? engine_observation_days(sc, &days) : 0;
    free(days);
    if (st == MSK_OK && n_obs == 0)
        st = MSK_ENOMEM;
    size_t k = st == MSK_OK ? choose(&u, sc, dp, held, held_size) : 0;
    if (st == MSK_OK && draws_data_alloc(dd, (size_t)sc->draws, k, sc->n_arms, n_obs) != 0)
        st = MSK_ENOMEM;
    if (st == MSK_OK) {
        dd->held = held;
        held = NULL;
        st = plan_params(sw, dd, dp, k, sc, file);
    }
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
        st = plan_values(sw, dd, &u, dp);
    if (st == MSK_OK)
        sw->key = plan_key(sw, sc);
    free(dp);
    free(held);
    free(file);
    uncertainty_fini(&u);
    return st;
}
