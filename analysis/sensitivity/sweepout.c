/* sweepout.c — sweep analysis, result file and table (see sweepout.h). */
#include "sweepout.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "h5out.h"
#include "stats.h"
#include "version.h"

void sweepout_analysis_fini(sweepout_analysis *a)
{
    if (!a)
        return;
    free(a->mean);
    free(a->sobol);
    free(a->morris);
    memset(a, 0, sizeof *a);
}

msk_status sweepout_analyse(const sweep *sw, const double *task_values, sweepout_analysis *a)
{
    memset(a, 0, sizeof *a);
    const size_t np = sw->n_points, no = sw->n_outcomes, k = sw->n_params, R = (size_t)sw->replicates;
    a->mean = malloc(np * no * sizeof *a->mean);
    double *y = malloc(np * sizeof *y);
    if (!a->mean || !y) {
        free(y);
        sweepout_analysis_fini(a);
        return MSK_ENOMEM;
    }
    /* Replicates summed in replicate order: the same bits whatever ran them. */
    for (size_t p = 0; p < np; p++)
        for (size_t o = 0; o < no; o++) {
            double s = 0;
            for (size_t r = 0; r < R; r++)
                s += task_values[(p * R + r) * no + o];
            a->mean[p * no + o] = s / (double)R;
        }
    msk_status st = MSK_OK;
    const size_t boot = (size_t)sw->spec.bootstrap;
    const uint64_t seed = (uint64_t)sw->spec.seed;
    if (sw->design.method == DESIGN_SALTELLI) {
        a->sobol = malloc(no * k * sizeof *a->sobol);
        if (!a->sobol)
            st = MSK_ENOMEM;
        for (size_t o = 0; o < no && st == MSK_OK; o++) {
            for (size_t p = 0; p < np; p++)
                y[p] = a->mean[p * no + o];
            st = sensitivity_sobol(&sw->design, y, boot, sw->spec.confidence, seed, &a->sobol[o * k]);
        }
    } else if (sw->design.method == DESIGN_MORRIS) {
        a->morris = malloc(no * k * sizeof *a->morris);
        if (!a->morris)
            st = MSK_ENOMEM;
        for (size_t o = 0; o < no && st == MSK_OK; o++) {
            for (size_t p = 0; p < np; p++)
                y[p] = a->mean[p * no + o];
            st = sensitivity_morris(&sw->design, y, boot, sw->spec.confidence, seed, &a->morris[o * k]);
        }
    }
    free(y);
    if (st != MSK_OK)
        sweepout_analysis_fini(a);
    return st;
}

/* ---- The file ------------------------------------------------------------------ */

typedef struct {
    h5out *w;
    msk_status st;
} writer;

static void ok(writer *wr, msk_status s)
{
    if (wr->st == MSK_OK)
        wr->st = s;
}

static void var_d(writer *wr, const char *group, const char *name, int nd, const char *const *dims,
                  const double *data, const char *units, const char *long_name)
{
    if (wr->st == MSK_OK)
        ok(wr, h5out_var_double(wr->w, group, name, nd, dims, data, units, long_name));
}

static char *joined(const sweep_strings *s, const char *sep)
{
    size_t len = 1;
    for (size_t i = 0; i < s->count; i++)
        len += strlen(s->items[i]) + strlen(sep);
    char *out = malloc(len);
    if (!out)
        return NULL;
    out[0] = '\0';
    for (size_t i = 0; i < s->count; i++) {
        if (i)
            strcat(out, sep);
        strcat(out, s->items[i]);
    }
    return out;
}

/* One variable per parameter (its value at each point, with the scenario keys it
 * sets), then the whole table, the units and the scenario keys. */
static void write_parameters(writer *wr, const sweep *sw, double *buf, const char **units, char **paths)
{
    const size_t np = sw->n_points, k = sw->n_params;
    const char *pd[] = {"point"}, *pp[] = {"point", "parameter"};
    for (size_t j = 0; j < k && wr->st == MSK_OK; j++) {
        const sweep_param *prm = &sw->params[j];
        for (size_t p = 0; p < np; p++)
            buf[p] = sw->values[p * k + j];
        char ln[600];
        snprintf(ln, sizeof ln, "%s", prm->description && prm->description[0] ? prm->description : paths[j]);
        var_d(wr, "", prm->name, 1, pd, buf, units[j], ln);
        if (wr->st == MSK_OK)
            ok(wr, h5out_attr_string(wr->w, prm->name, "scenario_path", paths[j]));
    }
    var_d(wr, "", "parameter_value", 2, pp, sw->values, "1", "value of each parameter at each point (units in parameter_unit)");
    var_d(wr, "", "design_coordinate", 2, pp, sw->design.x, "1",
          "position of the point in the unit cube of the design (0 = lower, 1 = upper end)");
    if (wr->st == MSK_OK)
        ok(wr, h5out_var_strings(wr->w, "", "parameter_unit", "parameter", units, "unit of the parameter"));
    if (wr->st == MSK_OK)
        ok(wr, h5out_var_strings(wr->w, "", "parameter_path", "parameter", (const char *const *)paths,
                                 "scenario key(s) the parameter sets, as dotted paths"));
}

/* parameter_lower and parameter_upper: each parameter's range, or its levels' span. */
static void write_bounds(writer *wr, const sweep *sw, double *buf)
{
    for (int end = 0; end < 2 && wr->st == MSK_OK; end++) {
        for (size_t j = 0; j < sw->n_params; j++) {
            const sweep_param *prm = &sw->params[j];
            if (prm->levels.count) {
                double lo = prm->levels.items[0], hi = lo;
                for (size_t i = 1; i < prm->levels.count; i++) {
                    lo = fmin(lo, prm->levels.items[i]);
                    hi = fmax(hi, prm->levels.items[i]);
                }
                buf[j] = end ? hi : lo;
            } else {
                buf[j] = prm->range.items[end];
            }
        }
        const char *d[] = {"parameter"};
        var_d(wr, "", end ? "parameter_upper" : "parameter_lower", 1, d, buf, "1",
              end ? "largest value of the parameter" : "smallest value of the parameter");
    }
}

/* The structure of a Saltelli or Morris design: each point's role, column and group. */
static void write_structure(writer *wr, const sweep *sw)
{
    if (sw->design.method != DESIGN_SALTELLI && sw->design.method != DESIGN_MORRIS)
        return;
    const size_t np = sw->n_points;
    const char *pd[] = {"point"};
    int8_t *role = malloc(np ? np : 1);
    int32_t *col = malloc((np ? np : 1) * sizeof *col);
    int64_t *group = malloc((np ? np : 1) * sizeof *group);
    if (!role || !col || !group) {
        ok(wr, MSK_ENOMEM);
    } else {
        for (size_t p = 0; p < np; p++) {
            role[p] = sw->design.role[p];
            col[p] = sw->design.column[p];
            group[p] = (int64_t)(p / sw->design.group_size);
        }
        int saltelli = sw->design.method == DESIGN_SALTELLI;
        if (wr->st == MSK_OK)
            ok(wr, h5out_var_flags(wr->w, "", "design_role", 1, pd, role, saltelli ? "A B AB" : "start step",
                                   saltelli ? "role in the Saltelli sample: matrix A, matrix B, or A with one column from B"
                                            : "start of a Morris trajectory, or a step along one parameter"));
        if (wr->st == MSK_OK)
            ok(wr, h5out_var_int32(wr->w, "", "design_column", 1, pd, col, "1",
                                   saltelli ? "parameter index taken from B (AB points), else -1"
                                            : "parameter index moved by this step, else -1"));
        if (wr->st == MSK_OK)
            ok(wr, h5out_var_int64(wr->w, "", "design_group", 1, pd, group, "1",
                                   saltelli ? "Saltelli sample the point belongs to" : "Morris trajectory the point belongs to"));
    }
    free(role);
    free(col);
    free(group);
}

/* The design: the point and parameter dimensions, the parameters' values, ranges and
 * the design's structure. */
static void write_design(writer *wr, const sweep *sw, double *buf)
{
    const size_t np = sw->n_points, k = sw->n_params;
    const char **names = malloc(k * sizeof *names), **units = malloc(k * sizeof *units);
    char **paths = calloc(k, sizeof *paths);
    if (!names || !units || !paths) {
        ok(wr, MSK_ENOMEM);
    } else {
        for (size_t j = 0; j < k; j++) {
            names[j] = sw->params[j].name;
            units[j] = sw->params[j].resolved_unit;
            if (!(paths[j] = joined(&sw->params[j].path, ", ")))
                ok(wr, MSK_ENOMEM);
        }
    }
    if (wr->st == MSK_OK) {
        for (size_t p = 0; p < np; p++)
            buf[p] = (double)p;
        ok(wr, h5out_dim(wr->w, "", "point", np, buf, "1", "sweep point (index into the design)"));
        ok(wr, h5out_dim_strings(wr->w, "", "parameter", k, names, "parameter varied (its name in the sweep file)"));
    }
    if (wr->st == MSK_OK)
        write_parameters(wr, sw, buf, units, paths);
    write_bounds(wr, sw, buf);
    write_structure(wr, sw);
    for (size_t j = 0; paths && j < k; j++)
        free(paths[j]);
    free(paths);
    free(names);
    free(units);
}

static void write_outcomes(writer *wr, const sweep *sw, const double *task_values, const sweepout_analysis *a,
                           double *buf)
{
    const size_t np = sw->n_points, no = sw->n_outcomes, k = sw->n_params, R = (size_t)sw->replicates;
    const char *pd[] = {"point"};
    const char **names = malloc(no * sizeof *names), **units = malloc(no * sizeof *units);
    size_t clen = 1;
    for (size_t j = 0; j < k; j++)
        clen += strlen(sw->params[j].name) + 1;
    char *coords = malloc(clen);
    if (!names || !units || !coords) {
        ok(wr, MSK_ENOMEM);
        free(names);
        free(units);
        free(coords);
        return;
    }
    coords[0] = '\0';
    for (size_t j = 0; j < k; j++) {
        if (j)
            strcat(coords, " ");
        strcat(coords, sw->params[j].name);
    }
    for (size_t o = 0; o < no; o++) {
        names[o] = sw->outcomes[o].name;
        units[o] = sw->outcomes[o].units;
    }
    ok(wr, h5out_dim_strings(wr->w, "", "outcome", no, names, "outcome recorded at every point"));
    ok(wr, h5out_dim(wr->w, "", "replicate", R, NULL, NULL, NULL));
    for (size_t o = 0; o < no && wr->st == MSK_OK; o++) {
        const sweep_outcome *out = &sw->outcomes[o];
        for (size_t p = 0; p < np; p++)
            buf[p] = a->mean[p * no + o];
        char ln[700];
        snprintf(ln, sizeof ln, "%s%s", out->long_name, R > 1 ? " (mean over replicates)" : "");
        var_d(wr, "", out->name, 1, pd, buf, out->units, ln);
        if (wr->st == MSK_OK) {
            ok(wr, h5out_attr_string(wr->w, out->name, "coordinates", coords));
            ok(wr, h5out_attr_string(wr->w, out->name, "arm", out->arm));
            ok(wr, h5out_attr_string(wr->w, out->name, "variable", out->variable));
        }
    }
    const char *po[] = {"point", "outcome"}, *pro[] = {"point", "replicate", "outcome"};
    var_d(wr, "", "outcome_value", 2, po, a->mean, "1", "every outcome at every point (units in outcome_unit)");
    if (wr->st == MSK_OK)
        ok(wr, h5out_var_strings(wr->w, "", "outcome_unit", "outcome", units, "unit of the outcome"));
    for (size_t o = 0; o < no; o++)
        units[o] = sweepvar_display_unit(sw->outcomes[o].kind, sw->outcomes[o].units);
    if (wr->st == MSK_OK)
        ok(wr, h5out_var_strings(wr->w, "", "outcome_display_unit", "outcome", units,
                                 "unit of the outcome as tables and figures print it"));
    var_d(wr, "", "outcome_replicates", 3, pro, task_values, "1",
          "every outcome of every replicate run (units in outcome_unit)");
    int64_t *seeds = malloc(np * R * sizeof *seeds);
    if (!seeds) {
        ok(wr, MSK_ENOMEM);
    } else {
        for (size_t t = 0; t < np * R; t++)
            seeds[t] = (int64_t)sweep_task_seed(sw, t);
        const char *pr[] = {"point", "replicate"};
        if (wr->st == MSK_OK)
            ok(wr, h5out_var_int64(wr->w, "", "task_seed", 2, pr, seeds, "1", "scenario seed of each run"));
    }
    free(seeds);
    free(names);
    free(units);
    free(coords);
}

static void write_sensitivity(writer *wr, const sweep *sw, const sweepout_analysis *a, double *buf)
{
    if (!a->sobol && !a->morris)
        return;
    const size_t no = sw->n_outcomes, k = sw->n_params;
    const char *g = "sensitivity", *op[] = {"outcome", "parameter"};
    ok(wr, h5out_group(wr->w, g));
    if (wr->st != MSK_OK)
        return;
    /* Its own labelled coordinates: the group opened alone (xarray's group=) does not
     * see the root's, and sel(outcome=...) must work (docs/cluster.md). */
    const char **on = malloc((no ? no : 1) * sizeof *on), **pn = malloc((k ? k : 1) * sizeof *pn);
    if (!on || !pn) {
        ok(wr, MSK_ENOMEM);
    } else {
        for (size_t o = 0; o < no; o++)
            on[o] = sw->outcomes[o].name;
        for (size_t j = 0; j < k; j++)
            pn[j] = sw->params[j].name;
        ok(wr, h5out_dim_strings(wr->w, g, "outcome", no, on, "outcome recorded at every point"));
        ok(wr, h5out_dim_strings(wr->w, g, "parameter", k, pn, "parameter varied (its name in the sweep file)"));
    }
    free(on);
    free(pn);
    if (wr->st != MSK_OK)
        return;
    char conf[64];
    snprintf(conf, sizeof conf, "%g%%", 100 * sw->spec.confidence);
    h5out_attr_double(wr->w, g, "confidence", sw->spec.confidence);
    h5out_attr_int64(wr->w, g, "bootstrap_resamples", sw->spec.bootstrap);
    h5out_attr_int64(wr->w, g, "bootstrap_seed", sw->spec.seed);
    if (a->sobol) {
        h5out_attr_string(wr->w, g, "method", "Sobol' indices from a Saltelli design");
        h5out_attr_string(wr->w, g, "estimators",
                          "first order: Saltelli et al. 2010 (Comput. Phys. Commun. 181:259, Table 2 b); total: "
                          "Jansen 1999 (Table 2 f); intervals: bootstrap percentile over the N samples");
        h5out_attr_int64(wr->w, g, "base_samples", (int64_t)sw->design.n_groups);
        static const char *const names[6] = {"first_order", "first_order_lower", "first_order_upper",
                                             "total_order", "total_order_lower", "total_order_upper"};
        for (int v = 0; v < 6 && wr->st == MSK_OK; v++) {
            for (size_t i = 0; i < no * k; i++) {
                const sens_sobol *s = &a->sobol[i];
                const double x[6] = {s->s1, s->s1_lo, s->s1_hi, s->st, s->st_lo, s->st_hi};
                buf[i] = x[v];
            }
            char ln[200];
            snprintf(ln, sizeof ln, "%s Sobol' index%s", v < 3 ? "first-order" : "total",
                     v % 3 == 0 ? "" : v % 3 == 1 ? " (lower bootstrap limit)" : " (upper bootstrap limit)");
            var_d(wr, g, names[v], 2, op, buf, "1", ln);
        }
    } else {
        h5out_attr_string(wr->w, g, "method", "Morris elementary effects");
        h5out_attr_string(wr->w, g, "estimators",
                          "mu, mu* (mean absolute effect, Campolongo et al. 2007) and sigma of the elementary "
                          "effects per unit of the normalized parameter range; intervals of mu*: bootstrap "
                          "percentile over the trajectories");
        h5out_attr_int64(wr->w, g, "trajectories", (int64_t)sw->design.n_groups);
        h5out_attr_int64(wr->w, g, "levels", sw->spec.levels);
        static const char *const names[5] = {"mu", "mu_star", "sigma", "mu_star_lower", "mu_star_upper"};
        static const char *const lns[5] = {
            "mean elementary effect (outcome units per parameter range; unit in outcome_unit)",
            "mean absolute elementary effect (outcome units per parameter range)",
            "standard deviation of the elementary effects (interactions, nonlinearity)",
            "lower bootstrap limit of mu_star", "upper bootstrap limit of mu_star"};
        for (int v = 0; v < 5 && wr->st == MSK_OK; v++) {
            for (size_t i = 0; i < no * k; i++) {
                const sens_morris *m = &a->morris[i];
                const double x[5] = {m->mu, m->mu_star, m->sigma, m->mu_star_lo, m->mu_star_hi};
                buf[i] = x[v];
            }
            var_d(wr, g, names[v], 2, op, buf, "outcome_unit", lns[v]);
        }
    }
}

static void write_provenance(writer *wr, const sweep *sw, const char *command_line)
{
    const char *g = "provenance";
    ok(wr, h5out_group(wr->w, g));
    if (wr->st != MSK_OK)
        return;
    char key[32];
    snprintf(key, sizeof key, "%016" PRIx64, sw->key);
    h5out_attr_string(wr->w, g, "msksim_version", MSK_VERSION);
    h5out_attr_string(wr->w, g, "git_revision", MSK_GIT_REVISION);
    h5out_attr_string(wr->w, g, "command_line", command_line);
    h5out_attr_string(wr->w, g, "sweep_file", sw->source_path);
    h5out_attr_string(wr->w, g, "base_scenario_file", sw->base_path);
    h5out_attr_string(wr->w, g, "overrides", sw->overrides ? sw->overrides : "");
    h5out_attr_string(wr->w, g, "sweep_key", key);
    ok(wr, h5out_dim(wr->w, g, "document", 1, NULL, NULL, NULL));
    const char *t1[] = {sw->source_text}, *t2[] = {sw->base_text}, *t3[] = {sw->base_effective};
    ok(wr, h5out_var_strings(wr->w, g, "sweep_text", "document", t1, "the sweep file as read"));
    ok(wr, h5out_var_strings(wr->w, g, "base_scenario_text", "document", t2, "the base scenario file as read"));
    ok(wr, h5out_var_strings(wr->w, g, "base_effective_scenario", "document", t3,
                             "the base scenario after defaults and the sweep's set: overrides (YAML)"));
}

msk_status sweepout_write(const sweep *sw, const double *task_values, const sweepout_analysis *a,
                          const char *path, const char *command_line, diag_list *diags)
{
    size_t nbuf = sw->n_points;
    if (nbuf < sw->n_outcomes * sw->n_params)
        nbuf = sw->n_outcomes * sw->n_params;
    if (nbuf < sw->n_params)
        nbuf = sw->n_params;
    double *buf = malloc((nbuf ? nbuf : 1) * sizeof *buf);
    if (!buf)
        return MSK_ENOMEM;
    writer wr = {h5out_create(path, diags), MSK_OK};
    if (!wr.w) {
        free(buf);
        return MSK_EIO;
    }
    char key[32];
    snprintf(key, sizeof key, "%016" PRIx64, sw->key);
    h5out_attr_string(wr.w, "", "title", sw->sweep);
    h5out_attr_string(wr.w, "", "description", sw->description ? sw->description : "");
    h5out_attr_string(wr.w, "", "Conventions", "CF-1.8");
    h5out_attr_string(wr.w, "", "source", "msksim " MSK_VERSION " (" MSK_GIT_REVISION ")");
    h5out_attr_string(wr.w, "", "msksim_result", "sweep");
    h5out_attr_string(wr.w, "", "base_scenario", sw->base);
    h5out_attr_string(wr.w, "", "design", design_method_name(sw->design.method));
    h5out_attr_string(wr.w, "", "seeds", sw->seeds == SWEEP_SEEDS_COMMON ? "common" : "independent");
    h5out_attr_int64(wr.w, "", "replicates", sw->replicates);
    h5out_attr_string(wr.w, "", "sweep_key", key);
    write_design(&wr, sw, buf);
    if (wr.st == MSK_OK)
        write_outcomes(&wr, sw, task_values, a, buf);
    if (wr.st == MSK_OK)
        write_sensitivity(&wr, sw, a, buf);
    if (wr.st == MSK_OK)
        write_provenance(&wr, sw, command_line);
    if (wr.st == MSK_OK)
        wr.st = h5out_commit(wr.w);
    h5out_destroy(wr.w);
    free(buf);
    return wr.st;
}

/* ---- The table ----------------------------------------------------------------- */

static int by_value(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

/* Indices of an outcome that is the same at every point are 0/0: say so instead of
 * printing a table of nan. Returns 0 after that line. */
static int print_varies(const sweepout_analysis *a, size_t np, size_t no, size_t o, FILE *out)
{
    double first = NAN;
    for (size_t p = 0; p < np; p++) {
        double v = a->mean[p * no + o];
        if (isnan(v))
            continue;
        if (isnan(first))
            first = v;
        else if (v != first)
            return 1;
    }
    if (isnan(first))
        fputs("  undefined: no point has a value\n", out);
    else
        fprintf(out, "  undefined: outcome does not vary (%.6g at every point)\n", first);
    return 0;
}

/* A line when the leading parameter of outcome o is not ranked above the next (by ST,
 * or Morris mu*): their intervals overlap. */
static void print_rank_warning(const sweep *sw, const sweepout_analysis *a, size_t o, FILE *out)
{
    const size_t k = sw->n_params;
    double *v = malloc((3 * k + 1) * sizeof *v), *lo = v + k, *hi = v + 2 * k;
    if (!v)
        return;
    for (size_t j = 0; j < k; j++) {
        v[j] = a->sobol ? a->sobol[o * k + j].st : a->morris[o * k + j].mu_star;
        lo[j] = a->sobol ? a->sobol[o * k + j].st_lo : a->morris[o * k + j].mu_star_lo;
        hi[j] = a->sobol ? a->sobol[o * k + j].st_hi : a->morris[o * k + j].mu_star_hi;
    }
    size_t best, second;
    if (stats_leaders_unranked(v, lo, hi, k, &best, &second))
        fprintf(out, "  warning: the intervals of %s and %s overlap: this sample cannot rank them "
                     "(raise design.samples; intervals narrow about as 1/sqrt(N))\n",
                sw->params[best].name, sw->params[second].name);
    free(v);
}

void sweepout_print(const sweep *sw, const sweepout_analysis *a, FILE *out)
{
    const size_t no = sw->n_outcomes, k = sw->n_params, np = sw->n_points;
    size_t w = 9;
    for (size_t j = 0; j < k; j++)
        if (strlen(sw->params[j].name) > w)
            w = strlen(sw->params[j].name);
    int pct = (int)lround(100 * sw->spec.confidence);
    for (size_t o = 0; o < no; o++) {
        const sweep_outcome *oc = &sw->outcomes[o];
        fprintf(out, "\n%s [%s]\n", oc->name, sweepvar_display_unit(oc->kind, oc->units));
        if ((a->sobol || a->morris) && !print_varies(a, np, no, o, out))
            continue;
        if (a->sobol) {
            fprintf(out, "  %-*s  %-28s  %-28s\n", (int)w, "parameter", "first order S1", "total ST");
            for (size_t j = 0; j < k; j++) {
                const sens_sobol *s = &a->sobol[o * k + j];
                fprintf(out, "  %-*s  %6.3f  (%d%%: %6.3f to %6.3f)  %6.3f  (%6.3f to %6.3f)\n", (int)w,
                        sw->params[j].name, s->s1, pct, s->s1_lo, s->s1_hi, s->st, s->st_lo, s->st_hi);
            }
            print_rank_warning(sw, a, o, out);
        } else if (a->morris) {
            fprintf(out, "  %-*s  %10s  %-27s  %10s  %10s\n", (int)w, "parameter", "mu*", "", "mu", "sigma");
            for (size_t j = 0; j < k; j++) {
                const sens_morris *m = &a->morris[o * k + j];
                fprintf(out, "  %-*s  %10.4g  (%d%%: %9.4g to %9.4g)  %10.4g  %10.4g\n", (int)w, sw->params[j].name,
                        m->mu_star, pct, m->mu_star_lo, m->mu_star_hi, m->mu, m->sigma);
            }
            print_rank_warning(sw, a, o, out);
        } else {
            double *v = malloc((np ? np : 1) * sizeof *v);
            if (!v)
                return;
            size_t n = 0;
            for (size_t p = 0; p < np; p++)
                if (!isnan(a->mean[p * no + o]))
                    v[n++] = a->mean[p * no + o];
            qsort(v, n, sizeof *v, by_value);
            if (n)
                fprintf(out, "  over %zu points: min %.4g, median %.4g, max %.4g\n", n, v[0], v[n / 2], v[n - 1]);
            else
                fprintf(out, "  no point has a value\n");
            free(v);
        }
    }
}

msk_status sweepout_assemble(const sweep *sw, const double *task_values, const char *out,
                             const char *command_line, int quiet, void *ctx)
{
    (void)ctx; /* a sweep needs nothing beyond its file */
    sweepout_analysis a;
    diag_list d;
    diag_list_init(&d);
    msk_status st = sweepout_analyse(sw, task_values, &a);
    if (st == MSK_OK) {
        st = sweepout_write(sw, task_values, &a, out, command_line, &d);
        diag_print(&d, stderr);
        if (st == MSK_OK && !quiet)
            sweepout_print(sw, &a, stdout);
        fflush(stdout);
        sweepout_analysis_fini(&a);
    }
    diag_list_fini(&d);
    return st;
}
