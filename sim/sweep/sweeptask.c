/* sweeptask.c — one task of a sweep: its seed and overrides, its scenario, its run;
 * and the check of every point before a sweep starts (sweeptask.h). */
#include "sweeptask.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sweepvar.h"
#include "yamltree.h"

uint64_t sweep_mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

unsigned long long sweep_task_seed(const sweep *sw, size_t task)
{
    const uint64_t point = task / (size_t)sw->replicates, rep = task % (size_t)sw->replicates;
    if (sw->seeds == SWEEP_SEEDS_COMMON) {
        if (rep == 0)
            return sw->base_seed;
        return sweep_mix64(sw->base_seed ^ sweep_mix64(rep)) & 0xffffffffULL;
    }
    return sweep_mix64(sw->base_seed ^ sweep_mix64(rep ^ sweep_mix64(point + 1))) & 0xffffffffULL;
}

void sweep_task_free_overrides(char **ov, size_t n)
{
    for (size_t i = 0; ov && i < n; i++)
        free(ov[i]);
    free(ov);
}

/* Overrides of a task: the `set:` entries, each parameter's paths, the seed. */
char **sweep_task_overrides(const sweep *sw, size_t task, size_t *n)
{
    size_t count = sw->set.count + 1;
    for (size_t j = 0; j < sw->n_params; j++)
        count += sw->params[j].path.count;
    char **ov = calloc(count, sizeof *ov);
    if (!ov)
        return NULL;
    size_t k = 0, point = task / (size_t)sw->replicates;
    for (size_t i = 0; i < sw->set.count; i++)
        if (!(ov[k++] = strdup(sw->set.items[i])))
            goto nomem;
    for (size_t j = 0; j < sw->n_params; j++) {
        const sweep_param *p = &sw->params[j];
        double x = sw->values[point * sw->n_params + j];
        char val[40];
        if (p->integer)
            snprintf(val, sizeof val, "%.0f", x);
        else
            yamltree_format_real(x, val, sizeof val);
        for (size_t q = 0; q < p->path.count; q++) {
            size_t len = strlen(p->path.items[q]) + strlen(val) + 2;
            if (!(ov[k] = malloc(len)))
                goto nomem;
            snprintf(ov[k++], len, "%s=%s", p->path.items[q], val);
        }
    }
    char seed[48];
    snprintf(seed, sizeof seed, "seed=%llu", sweep_task_seed(sw, task));
    if (!(ov[k++] = strdup(seed)))
        goto nomem;
    *n = k;
    return ov;
nomem:
    sweep_task_free_overrides(ov, count);
    return NULL;
}

/* Where override i (0-based, as built by sweep_task_overrides) came from. */
static void override_origin(const sweep *sw, size_t i, sweep_loc *at, char *label, size_t size)
{
    if (i < sw->set.count) {
        *at = sw->set.at[i];
        snprintf(label, size, "set");
        return;
    }
    i -= sw->set.count;
    for (size_t j = 0; j < sw->n_params; j++) {
        if (i < sw->params[j].path.count) {
            *at = sw->params[j].path.at[i];
            snprintf(label, size, "parameters[%zu].path", j);
            return;
        }
        i -= sw->params[j].path.count;
    }
    *at = (sweep_loc){sw->source_path, 1, 1};
    snprintf(label, size, "replicates");
}

static void describe_point(const sweep *sw, size_t point, char *buf, size_t size)
{
    size_t o = (size_t)snprintf(buf, size, "point %zu (", point);
    for (size_t j = 0; j < sw->n_params && o < size; j++) {
        o += (size_t)snprintf(buf + o, size - o, "%s%s = %.6g", j ? ", " : "", sw->params[j].name,
                              sw->values[point * sw->n_params + j]);
    }
    if (o < size)
        snprintf(buf + o, size - o, ")");
}

/* Load task t's scenario; diagnostics of the overrides are moved to the sweep file and
 * prefixed with the point. */
static msk_status load_task(const sweep *sw, size_t task, scenario *sc, diag_list *diags)
{
    size_t n;
    char **ov = sweep_task_overrides(sw, task, &n);
    if (!ov)
        return MSK_ENOMEM;
    diag_list tmp;
    diag_list_init(&tmp);
    msk_status st = scenario_load(sc, sw->base_path, (const char *const *)ov, n, &tmp);
    sweep_task_free_overrides(ov, n);
    char point[600];
    describe_point(sw, task / (size_t)sw->replicates, point, sizeof point);
    for (size_t i = 0; i < tmp.count; i++) {
        const diag *g = &tmp.items[i];
        if (strcmp(g->file, yamltree_cmdline_file) == 0 && g->line >= 1 && (size_t)g->line <= n) {
            sweep_loc at;
            char label[64];
            override_origin(sw, (size_t)g->line - 1, &at, label, sizeof label);
            diag_add(diags, g->severity, at.file, at.line, at.col, label, "%s: %s%s%s", point, g->path,
                     g->path[0] ? ": " : "", g->message);
        } else {
            diag_add(diags, g->severity, g->file, g->line, g->col, g->path, "%s (in %s)", g->message, point);
        }
    }
    diag_list_fini(&tmp);
    return st;
}

msk_status sweep_run_task(const sweep *sw, size_t task, int threads, volatile sig_atomic_t *stop,
                          double *values, diag_list *diags)
{
    scenario sc;
    diag_list quiet; /* warnings were shown once, when the sweep was checked */
    diag_list_init(&quiet);
    msk_status st = load_task(sw, task, &sc, &quiet);
    if (st != MSK_OK) {
        for (size_t i = 0; i < quiet.count; i++)
            if (quiet.items[i].severity == DIAG_ERROR)
                diag_add(diags, DIAG_ERROR, quiet.items[i].file, quiet.items[i].line, quiet.items[i].col,
                         quiet.items[i].path, "%s", quiet.items[i].message);
        diag_list_fini(&quiet);
        return st;
    }
    diag_list_fini(&quiet);
    engine_options opt = {threads, stop, 0, SIZE_MAX, 1, 0, 0};
    engine_result r;
    st = engine_run_blocks(&sc, &opt, &r, diags);
    if (st == MSK_OK && sw->task_values) {
        sw->task_values(&r, values);
        engine_result_fini(&r);
    } else if (st == MSK_OK) {
        for (size_t o = 0; o < sw->n_outcomes; o++)
            values[o] = sweepvar_value(sw->outcomes[o].kind, sw->outcomes[o].index, sw->outcomes[o].arm_index, &r);
        engine_result_fini(&r);
    }
    scenario_fini(&sc);
    return st;
}

/* Points `check` validates at most: beyond this an evenly spaced subset (with the
 * first and last point) is checked, and each point is validated again when it runs. */
enum { CHECK_MAX_POINTS = 100000 };

/* Warnings of the points checked, each kept once (by place) with the number of
 * points that raised it. */
typedef struct {
    diag_list warn;
    size_t *count;
    int nomem;
} warning_tally;

static void tally_warnings(warning_tally *w, const diag_list *tmp)
{
    for (size_t i = 0; i < tmp->count && !w->nomem; i++) {
        const diag *g = &tmp->items[i];
        if (g->severity != DIAG_WARNING)
            continue;
        size_t j = 0;
        while (j < w->warn.count && !(w->warn.items[j].line == g->line && w->warn.items[j].col == g->col &&
                                      strcmp(w->warn.items[j].file, g->file) == 0))
            j++;
        if (j == w->warn.count) {
            size_t *grown = realloc(w->count, (j + 1) * sizeof *w->count);
            if (!grown) {
                w->nomem = 1;
                break;
            }
            w->count = grown;
            w->count[j] = 0;
            diag_add(&w->warn, DIAG_WARNING, g->file, g->line, g->col, g->path, "%s", g->message);
            if (w->warn.count == j) { /* the list could not grow */
                w->nomem = 1;
                break;
            }
        }
        w->count[j]++;
    }
}

msk_status sweep_task_check_points(const sweep *sw, diag_list *d)
{
    size_t failed = 0;
    warning_tally w = {.count = NULL, .nomem = 0};
    diag_list_init(&w.warn);
    const size_t n_check = sw->n_points < CHECK_MAX_POINTS ? sw->n_points : CHECK_MAX_POINTS;
    if (n_check < sw->n_points)
        diag_add(d, DIAG_NOTE, sw->source_path, 0, 0, "",
                 "checked %zu evenly spaced of the %zu points; every point is validated again "
                 "when it runs", n_check, sw->n_points);
    for (size_t c = 0; c < n_check && !w.nomem; c++) {
        /* c-th of n_check points spread over [0, n_points - 1]; exact for n_check = n_points. */
        const size_t p = n_check > 1 ? (size_t)((double)c * (double)(sw->n_points - 1) / (double)(n_check - 1) + 0.5) : 0;
        scenario sc;
        diag_list tmp;
        diag_list_init(&tmp);
        msk_status st = load_task(sw, p * (size_t)sw->replicates, &sc, &tmp);
        if (st == MSK_OK) {
            scenario_fini(&sc);
        } else if (st == MSK_ENOMEM) {
            w.nomem = 1;
        } else if (++failed <= 3) {
            for (size_t i = 0; i < tmp.count; i++)
                if (tmp.items[i].severity == DIAG_ERROR)
                    diag_add(d, DIAG_ERROR, tmp.items[i].file, tmp.items[i].line, tmp.items[i].col,
                             tmp.items[i].path, "%s", tmp.items[i].message);
        }
        tally_warnings(&w, &tmp);
        diag_list_fini(&tmp);
    }
    for (size_t j = 0; j < w.warn.count; j++)
        diag_add(d, DIAG_WARNING, w.warn.items[j].file, w.warn.items[j].line, w.warn.items[j].col,
                 w.warn.items[j].path, "%s [at %zu of the %zu points checked]", w.warn.items[j].message,
                 w.count[j], n_check);
    free(w.count);
    diag_list_fini(&w.warn);
    if (failed > 3)
        diag_add(d, DIAG_ERROR, sw->source_path, 0, 0, "",
                 "%zu more of the %zu points checked are invalid (only the first 3 are shown)", failed - 3, n_check);
    return w.nomem ? MSK_ENOMEM : failed ? MSK_EDATA : MSK_OK;
}
