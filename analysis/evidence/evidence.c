/* evidence.c — virtual trials against published targets (see evidence.h). */
#include "evidence.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine.h"
#include "yamltree.h"

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_yaml_suffix(const char *name)
{
    size_t n = strlen(name);
    return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
           (n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

msk_status evidence_find(const char *path, char ***paths, size_t *n, diag_list *diags)
{
    *paths = NULL;
    *n = 0;
    struct stat st;
    if (stat(path, &st) != 0) {
        diag_add(diags, DIAG_ERROR, path, 0, 0, "", "cannot read: %s", strerror(errno));
        return MSK_ENOINPUT;
    }
    if (!S_ISDIR(st.st_mode)) {
        *paths = malloc(sizeof **paths);
        if (!*paths || !((*paths)[0] = strdup(path))) {
            free(*paths);
            *paths = NULL;
            return MSK_ENOMEM;
        }
        *n = 1;
        return MSK_OK;
    }
    DIR *dir = opendir(path);
    if (!dir) {
        diag_add(diags, DIAG_ERROR, path, 0, 0, "", "cannot read the directory: %s", strerror(errno));
        return MSK_ENOINPUT;
    }
    size_t cap = 0;
    msk_status status = MSK_OK;
    for (struct dirent *e; (e = readdir(dir));) {
        if (e->d_name[0] == '.' || !has_yaml_suffix(e->d_name))
            continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 32;
            char **grown = realloc(*paths, cap * sizeof *grown);
            if (!grown) {
                status = MSK_ENOMEM;
                break;
            }
            *paths = grown;
        }
        size_t len = strlen(path) + strlen(e->d_name) + 2;
        char *full = malloc(len);
        if (!full) {
            status = MSK_ENOMEM;
            break;
        }
        snprintf(full, len, "%s/%s", path, e->d_name);
        (*paths)[(*n)++] = full;
    }
    closedir(dir);
    if (status == MSK_OK && *n == 0) {
        diag_add(diags, DIAG_ERROR, path, 0, 0, "", "no trial files (*.yaml) in this directory");
        status = MSK_ENOINPUT;
    }
    if (status != MSK_OK) {
        for (size_t i = 0; i < *n; i++)
            free((*paths)[i]);
        free(*paths);
        *paths = NULL;
        *n = 0;
        return status;
    }
    qsort(*paths, *n, sizeof **paths, by_name);
    return MSK_OK;
}

/* Load one trial with the caller's overrides plus what measuring needs: every
 * trajectory, the whole event log, and the cohort scaling. */
static msk_status load_trial(scenario *sc, const char *path, const evidence_options *opt,
                             const char *grid, diag_list *diags)
{
    enum { EXTRA = 4 };
    const char **ov = malloc((opt->n_overrides + EXTRA) * sizeof *ov);
    if (!ov)
        return MSK_ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < opt->n_overrides; i++)
        ov[n++] = opt->overrides[i];
    ov[n++] = "record.event_log=all";
    ov[n++] = "record.sample_size=100000";
    if (grid)
        ov[n++] = grid;
    msk_status st = scenario_load(sc, path, ov, n, diags);
    if (st == MSK_OK && opt->population_divisor > 1) {
        char cap[64];
        const size_t size = (size_t)sc->population.size;
        snprintf(cap, sizeof cap, "population.size=%zu",
                 (size + opt->population_divisor - 1) / opt->population_divisor);
        ov[n++] = cap;
        scenario_fini(sc);
        st = scenario_load(sc, path, ov, n, diags);
    }
    if (st == MSK_OK && sc->population.size > 100000) {
        diag_add(diags, DIAG_ERROR, path, 0, 0, "population.size",
                 "a trial measures every person: at most 100000 people");
        st = MSK_EDATA;
    }
    free(ov);
    return st;
}

/* Observations at most this many per trial when the targets' times refine the grid. */
enum { MAX_REFINED_OBSERVATIONS = 4000 };

static long long gcd_ll(long long a, long long b)
{
    while (b) {
        const long long r = a % b;
        a = b;
        b = r;
    }
    return a;
}

/* The targets of trial sc (loaded), and when some of their weeks are not observation
 * times, the trial again with the coarsest grid that holds them all: the greatest
 * common divisor, in thousandths of a day, of observe_every_weeks and those days. A
 * trial whose targets are all on its grid runs exactly as written. */
static msk_status load_targets(scenario *sc, target_list *tl, const char *path,
                               const evidence_options *opt, diag_list *diags)
{
    double *days = NULL, *missing = NULL;
    size_t n_obs = engine_observation_days(sc, &days);
    msk_status st = days ? target_list_load(tl, sc, days, n_obs, diags) : MSK_ENOMEM;
    free(days);
    int nomem = 0;
    const size_t n_missing = st == MSK_OK ? target_list_missing_days(tl, &missing, &nomem) : 0;
    if (st != MSK_OK || nomem || n_missing == 0)
        return nomem ? MSK_ENOMEM : st;
    long long g = llround(sc->observe_every_weeks * 7000.0);
    for (size_t k = 0; k < n_missing; k++)
        g = gcd_ll(g, llround(missing[k] * 1000.0));
    const double step = (double)g / 7000.0;
    free(missing);
    if (step < 0.1 - 1e-12 || sc->horizon_weeks / step > MAX_REFINED_OBSERVATIONS) {
        diag_add(diags, DIAG_ERROR, path, 1, 1, "targets",
                 "the targets' weeks need observations every %g days (the greatest common "
                 "divisor of their times and observe_every_weeks): at least 0.7 days and at "
                 "most %d observations; move a target to a coarser time",
                 step * 7.0, MAX_REFINED_OBSERVATIONS);
        return MSK_EDATA;
    }
    char grid[64], num[40];
    yamltree_format_real(step, num, sizeof num);
    snprintf(grid, sizeof grid, "observe_every_weeks=%s", num);
    target_list_fini(tl);
    scenario_fini(sc);
    st = load_trial(sc, path, opt, grid, diags);
    if (st != MSK_OK)
        return st;
    n_obs = engine_observation_days(sc, &days);
    st = days ? target_list_load(tl, sc, days, n_obs, diags) : MSK_ENOMEM;
    free(days);
    if (st == MSK_OK && target_list_missing_days(tl, &missing, &nomem) > 0) {
        free(missing);
        diag_add(diags, DIAG_ERROR, path, 1, 1, "targets",
                 "a target's week is not an observation time even every %g days", step * 7.0);
        st = MSK_EDATA;
    }
    return nomem ? MSK_ENOMEM : st;
}

static int passes(const evidence_row *row)
{
    return evidence_within(row->t, row->measured ? row->m.value : NAN);
}

int evidence_within(const target *t, double value)
{
    return !isnan(value) && value >= t->accept_lo && value <= t->accept_hi;
}

msk_status evidence_run(evidence_set *set, char *const *paths, size_t n,
                        const evidence_options *opt, diag_list *diags)
{
    memset(set, 0, sizeof *set);
    set->trials = calloc(n ? n : 1, sizeof *set->trials);
    set->targets = calloc(n ? n : 1, sizeof *set->targets);
    if (!set->trials || !set->targets) {
        evidence_set_fini(set);
        return MSK_ENOMEM;
    }
    set->n_trials = n;
    msk_status status = MSK_OK;

    /* Load everything first: a mistake in the last file is reported before any run. */
    for (size_t i = 0; i < n; i++) {
        msk_status st = load_trial(&set->trials[i], paths[i], opt, NULL, diags);
        if (st == MSK_OK) {
            st = load_targets(&set->trials[i], &set->targets[i], paths[i], opt, diags);
            if (st == MSK_OK && set->targets[i].count == 0) {
                diag_add(diags, DIAG_ERROR, paths[i], 1, 1, "targets",
                         "this scenario has no targets: list them under 'targets:'");
                st = MSK_EDATA;
            }
        }
        if (st != MSK_OK && status == MSK_OK)
            status = st;
        set->n_rows += set->targets[i].count;
    }
    /* Target ids are unique across the set (they name rows in tables and fits). */
    for (size_t i = 0; status == MSK_OK && i < n; i++)
        for (size_t a = 0; a < set->targets[i].count; a++)
            for (size_t j = 0; j <= i; j++)
                for (size_t b = 0; b < (j == i ? a : set->targets[j].count); b++)
                    if (strcmp(set->targets[i].items[a].id, set->targets[j].items[b].id) == 0) {
                        const target *t = &set->targets[i].items[a];
                        diag_add(diags, DIAG_ERROR, t->file, t->line, t->col, t->id,
                                 "target id '%s' is also used in %s", t->id,
                                 set->targets[j].items[b].file);
                        status = MSK_EDATA;
                    }
    if (status != MSK_OK)
        return status;

    set->rows = calloc(set->n_rows ? set->n_rows : 1, sizeof *set->rows);
    if (!set->rows)
        return MSK_ENOMEM;
    size_t row = 0;
    for (size_t i = 0; i < n; i++) {
        engine_result res;
        msk_status st = engine_run(&set->trials[i], opt->threads, opt->stop, &res, diags);
        if (st != MSK_OK)
            return st;
        set->seconds += res.seconds;
        if (opt->verbose)
            fprintf(stderr, "  %-28s %6lld people  %5.1f s\n", set->trials[i].name,
                    (long long)set->trials[i].population.size, res.seconds);
        for (size_t k = 0; k < set->targets[i].count; k++, row++) {
            evidence_row *r = &set->rows[row];
            r->t = &set->targets[i].items[k];
            r->sc = &set->trials[i];
            r->measured = measure_target(r->t, &res, &r->m, diags) == MSK_OK;
            r->pass = passes(r);
            set->n_pass += (size_t)r->pass;
        }
        engine_result_fini(&res);
    }
    return MSK_OK;
}

void evidence_set_fini(evidence_set *set)
{
    for (size_t i = 0; i < set->n_trials; i++) {
        if (set->targets)
            target_list_fini(&set->targets[i]);
        if (set->trials)
            scenario_fini(&set->trials[i]);
    }
    free(set->targets);
    free(set->trials);
    free(set->rows);
    memset(set, 0, sizeof *set);
}

msk_status evidence_parameter_overrides(const char *file, char ***overrides, size_t *n,
                                        diag_list *diags)
{
    *overrides = NULL;
    *n = 0;
    yamltree tree;
    yamltree_init(&tree);
    const size_t errors_before = diags->errors;
    msk_status st = yamltree_parse_file(&tree, file, NULL, diags);
    if (st != MSK_OK) {
        yamltree_fini(&tree);
        return st;
    }
    const yamltree_node *model = tree.root ? yamltree_get(tree.root, "model") : NULL;
    if (!model || model->kind != YAMLTREE_MAPPING) {
        diag_add(diags, DIAG_ERROR, file, model ? model->line : 1, model ? model->col : 1, "model",
                 "a parameter file holds a 'model:' mapping of groups (muscle:, bone:, ...)");
        yamltree_fini(&tree);
        return MSK_EDATA;
    }
    size_t cap = 0;
    for (size_t g = 0; g < model->count; g++)
        cap += model->pairs[g].value->kind == YAMLTREE_MAPPING ? model->pairs[g].value->count : 0;
    *overrides = calloc(cap ? cap : 1, sizeof **overrides);
    if (!*overrides) {
        yamltree_fini(&tree);
        return MSK_ENOMEM;
    }
    for (size_t g = 0; g < model->count; g++) {
        const yamltree_node *gk = model->pairs[g].key, *gv = model->pairs[g].value;
        if (gv->kind != YAMLTREE_MAPPING) {
            diag_add(diags, DIAG_ERROR, file, gv->line, gv->col, gk->text,
                     "expected a mapping of parameters, found %s", yamltree_kind_name(gv->kind));
            continue;
        }
        for (size_t k = 0; k < gv->count; k++) {
            const yamltree_node *pk = gv->pairs[k].key, *pv = gv->pairs[k].value;
            char path[160];
            snprintf(path, sizeof path, "model.%s.%s", gk->text, pk->text);
            double x;
            if (!model_param_find(gk->text, pk->text)) {
                diag_add(diags, DIAG_ERROR, file, pk->line, pk->col, path,
                         "unknown model parameter (see 'msksim params')");
            } else if (pv->kind != YAMLTREE_SCALAR || pv->quoted ||
                       yamltree_parse_real(pv->text, &x) != 1) {
                diag_add(diags, DIAG_ERROR, file, pv->line, pv->col, path,
                         "expected a finite number");
            } else {
                size_t len = strlen(path) + strlen(pv->text) + 2;
                char *s = malloc(len);
                if (!s) {
                    st = MSK_ENOMEM;
                    break;
                }
                snprintf(s, len, "%s=%s", path, pv->text);
                (*overrides)[(*n)++] = s;
            }
        }
    }
    yamltree_fini(&tree);
    if (st == MSK_OK && diags->errors > errors_before)
        st = MSK_EDATA;
    if (st != MSK_OK) {
        for (size_t i = 0; i < *n; i++)
            free((*overrides)[i]);
        free(*overrides);
        *overrides = NULL;
        *n = 0;
    }
    return st;
}
