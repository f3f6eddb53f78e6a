/* sweepdesign.c — the points of a sweep: its design, each parameter's value at each
 * point, and the key of everything the results depend on (sweepdesign.h). */
#include "sweepdesign.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal.h"
#include "version.h"

/* An error about the design, located at `design:` in the sweep file. */
static void report(diag_list *d, const sweep *sw, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void report(diag_list *d, const sweep *sw, const char *path, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_add(d, DIAG_ERROR, sw->spec.at.file, sw->spec.at.line, sw->spec.at.col, path, "%s", msg);
}

/* The value of parameter P at design coordinate U in [0, 1]. */
static double param_value(const sweep_param *p, double u)
{
    double x;
    if (p->levels.count) {
        size_t i = (size_t)(u * (double)p->levels.count);
        if (i >= p->levels.count)
            i = p->levels.count - 1;
        x = p->levels.items[i];
    } else if (p->scale == SWEEP_SCALE_LOG) {
        x = exp((1 - u) * log(p->range.items[0]) + u * log(p->range.items[1]));
        if (u == 0)
            x = p->range.items[0];
        if (u == 1)
            x = p->range.items[1];
    } else {
        x = (1 - u) * p->range.items[0] + u * p->range.items[1]; /* exact at both ends */
    }
    return p->integer ? nearbyint(x) : x;
}

msk_status sweepdesign_build(sweep *sw, diag_list *d)
{
    const sweep_design_spec *sp = &sw->spec;
    size_t k = sw->n_params;
    msk_status st = MSK_OK;
    switch ((design_method)sp->method) {
    case DESIGN_GRID: {
        size_t *levels = malloc(k * sizeof *levels);
        if (!levels)
            return MSK_ENOMEM;
        double n = 1;
        for (size_t j = 0; j < k; j++) {
            levels[j] = sw->params[j].levels.count ? sw->params[j].levels.count : (size_t)sw->params[j].steps;
            n *= (double)levels[j];
        }
        if (n > 1e8) {
            report(d, sw, "design.method", "the grid has %.0f points, more than 100000000; "
                   "use fewer levels or steps, or a saltelli, lhs or morris design", n);
            free(levels);
            return MSK_EDATA;
        }
        st = design_grid(&sw->design, k, levels);
        free(levels);
        break;
    }
    case DESIGN_LHS:
        st = design_lhs(&sw->design, k, (size_t)sp->samples, (uint64_t)sp->seed);
        break;
    case DESIGN_SALTELLI:
        if (k > DESIGN_SALTELLI_MAX_K) {
            report(d, sw, "design.method",
                   "a saltelli design takes at most %d parameters (GSL's Sobol' sequence has 40 "
                   "dimensions, two per parameter); this sweep has %zu: screen them first with a "
                   "morris design",
                   DESIGN_SALTELLI_MAX_K, k);
            return MSK_EDATA;
        }
        st = design_saltelli(&sw->design, k, (size_t)sp->samples);
        break;
    case DESIGN_MORRIS:
        st = design_morris(&sw->design, k, (size_t)sp->trajectories, (size_t)sp->levels, (uint64_t)sp->seed);
        break;
    default:
        return MSK_EDATA;
    }
    if (st == MSK_EUSAGE) {
        report(d, sw, "design", "the design cannot be built with these sizes");
        return MSK_EDATA;
    }
    if (st != MSK_OK)
        return st;
    sw->n_points = sw->design.n_points;
    if ((double)sw->n_points * (double)sw->replicates > 1e9) {
        report(d, sw, "design", "%zu points x %lld replicates is more than 10^9 runs", sw->n_points,
               sw->replicates);
        return MSK_EDATA;
    }
    sw->n_tasks = sw->n_points * (size_t)sw->replicates;
    sw->values = malloc(sw->n_points * k * sizeof *sw->values);
    if (!sw->values)
        return MSK_ENOMEM;
    for (size_t i = 0; i < sw->n_points; i++)
        for (size_t j = 0; j < k; j++)
            sw->values[i * k + j] = param_value(&sw->params[j], sw->design.x[i * k + j]);
    return MSK_OK;
}

/* The key: everything the numbers depend on, nothing that does not (paths, threads). */
uint64_t sweepdesign_key(const sweep *sw)
{
    uint64_t h = JOURNAL_HASH_START;
    const char *parts[] = {"msksim sweep 1", MSK_VERSION, MSK_GIT_REVISION, sw->source_text, sw->overrides,
                           sw->base_text, sw->base_effective};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        h = journal_hash(h, parts[i] ? parts[i] : "", strlen(parts[i] ? parts[i] : "") + 1);
    h = journal_hash(h, sw->values, sw->n_points * sw->n_params * sizeof *sw->values);
    uint64_t sizes[] = {sw->n_points, sw->n_params, sw->n_outcomes, (uint64_t)sw->replicates};
    return journal_hash(h, sizes, sizeof sizes);
}
