/* resultdata.c — load and validate what figures and tables use (see resultdata.h). */
#include "resultdata.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scenario.h"

#define DAYS_PER_WEEK 7.0

const rd_name resultdata_vars[RV_COUNT] = {
#define OBSERVABLE(id, name, units, long_name, label, display, hlo, hhi, blo, bhi) \
    [RV_##id] = {name, label, display},
#include "observables.def"
};
const rd_name resultdata_prevs[RP_COUNT] = {
#define PREVALENCE(id, name, long_name, label) [RP_##id] = {name, label, "%"},
#include "observables.def"
};
const rd_name resultdata_counts[RE_COUNT] = {
#define EVENT_COUNT(id, name, long_name, label) [RE_##id] = {name, label, ""},
#include "observables.def"
};
const rd_var resultdata_key_var[RK_COUNT] = {
#define KEY_OUTCOME(id) [RK_##id] = RV_##id,
#include "observables.def"
};
const char *const resultdata_log_kinds[RL_COUNT] = {
#define EVENT_LOG_KIND(id, name) [RL_##id] = name,
#include "observables.def"
};
_Static_assert(RI_COUNT == (int)IV_TYPE_COUNT && RI_PROTEIN == (int)IV_PROTEIN && RI_WALKING == (int)IV_WALKING &&
                   RI_BFR_WALKING == (int)IV_BFR_WALKING && RI_RESISTANCE == (int)IV_RESISTANCE &&
                   RI_BFR_RESISTANCE == (int)IV_BFR_RESISTANCE && RI_PASSIVE_BFR == (int)IV_PASSIVE_BFR &&
                   RI_REHABILITATION == (int)IV_REHABILITATION,
               "rd_iv_type is scenario.h's intervention_type");
_Static_assert(RX_COUNT == (int)EXPO_KIND_COUNT && RX_LEG_CAST == (int)EXPO_LEG_CAST &&
                   RX_ARM_CAST == (int)EXPO_ARM_CAST && RX_BED_REST == (int)EXPO_BED_REST &&
                   RX_HOSPITAL == (int)EXPO_HOSPITAL && RX_ICU == (int)EXPO_ICU &&
                   RX_SPACEFLIGHT == (int)EXPO_SPACEFLIGHT,
               "rd_expo_kind is scenario.h's exposure_kind");

enum { EVENT_CHUNK = 65536, MAX_FLAGS = 127 };

/* The loader's context: the first failure wins, later reads are skipped. */
typedef struct {
    resultfile *rf;
    resultdata *d;
    msk_status st;
} loader;

static void *alloc(loader *L, size_t n, size_t size)
{
    if (L->st != MSK_OK)
        return NULL;
    void *p = calloc(n ? n : 1, size);
    if (!p)
        L->st = MSK_ENOMEM;
    return p;
}

static void bad(loader *L, const char *object, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void bad(loader *L, const char *object, const char *fmt, ...)
{
    if (L->st != MSK_OK)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_add(L->rf->diags, DIAG_ERROR, L->rf->path, 0, 0, object, "%s", msg);
    L->st = MSK_EDATA;
}

/* A 1-D numeric dataset of length n, newly allocated; NULL after a failure. */
static double *vec(loader *L, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static double *vec(loader *L, size_t n, const char *fmt, ...)
{
    char path[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof path, fmt, ap);
    va_end(ap);
    double *v = alloc(L, n, sizeof *v);
    if (v && (L->st = resultfile_doubles(L->rf, path, 1, &n, v)) != MSK_OK) {
        free(v);
        v = NULL;
    }
    return v;
}

static size_t length_of(loader *L, const char *dataset)
{
    if (L->st != MSK_OK)
        return 0;
    int nd;
    size_t dims[RESULTFILE_MAX_RANK];
    if ((L->st = resultfile_shape(L->rf, dataset, &nd, dims)) != MSK_OK)
        return 0;
    if (nd != 1) {
        bad(L, dataset, "should be one-dimensional, not %d-dimensional", nd);
        return 0;
    }
    return dims[0];
}

static char *text_attr(loader *L, const char *object, const char *name, bool required)
{
    if (L->st != MSK_OK)
        return NULL;
    char *s = NULL;
    if (!required && !resultfile_has_attr(L->rf, object, name))
        return strdup("");
    if ((L->st = resultfile_attr_text(L->rf, object, name, &s)) != MSK_OK)
        return NULL;
    return s;
}

/* Map the words of a flag_meanings attribute to indices of `known` (RL_UNKNOWN-style
 * value n_known for words we do not know). */
static void flag_map(loader *L, const char *object, const char *const *known, int n_known, int *map,
                     int *n_flags)
{
    *n_flags = 0;
    char *meanings = text_attr(L, object, "flag_meanings", true);
    if (!meanings)
        return;
    char *save = NULL;
    for (char *w = strtok_r(meanings, " ", &save); w && *n_flags < MAX_FLAGS; w = strtok_r(NULL, " ", &save)) {
        int k = n_known;
        for (int i = 0; i < n_known; i++)
            if (strcmp(w, known[i]) == 0)
                k = i;
        map[(*n_flags)++] = k;
    }
    free(meanings);
}

static int mapped(const int *map, int n_flags, double code, int unknown)
{
    if (!(code >= 0 && code < n_flags) || code != floor(code))
        return unknown;
    return map[(int)code];
}

/* The n choices of an ENUM key of scenario.def, in its order: the names the writer
 * gives the codes of that key (results.c). */
static void choice_names(const char *section, const char *key, const char **names, int n)
{
    for (int i = 0; i < n; i++)
        names[i] = scenario_choice_name(section, key, i);
}

/* ---- Pieces ----------------------------------------------------------------------- */

static void load_root(loader *L)
{
    resultdata *d = L->d;
    d->title = text_attr(L, "/", "title", true);
    d->description = text_attr(L, "/", "description", false);
    d->source = text_attr(L, "/", "source", true);
    if (L->st == MSK_OK)
        L->st = resultfile_attr_double(L->rf, "/", "population_size", &d->population_size);
    d->replicates = 1;
    if (L->st == MSK_OK && resultfile_has_attr(L->rf, "/", "replicates"))
        L->st = resultfile_attr_double(L->rf, "/", "replicates", &d->replicates);

    d->n_time = length_of(L, "/time");
    if (L->st == MSK_OK && (d->n_time < 2 || d->n_time > RESULTDATA_MAX_TIMES))
        bad(L, "/time", "has %zu observation times; a result has 2 (the start and the end) to %d",
            d->n_time, RESULTDATA_MAX_TIMES);
    /* Days since the start (xarray decodes them); msksim works in weeks. */
    char *units = text_attr(L, "/time", "units", true);
    if (units && strcmp(units, "days") != 0)
        bad(L, "/time", "has units '%.40s', not 'days': written by an older msksim (run the scenario again)",
            units);
    free(units);
    d->time = vec(L, d->n_time, "/time");
    for (size_t k = 0; d->time && k < d->n_time; k++)
        d->time[k] /= DAYS_PER_WEEK;
    for (size_t k = 0; L->st == MSK_OK && k < d->n_time; k++)
        if (!(fabs(d->time[k]) <= RESULTDATA_MAX_WEEKS) || (k > 0 && !(d->time[k] > d->time[k - 1])))
            bad(L, "/time", "observation times must be increasing and within +-%g weeks (value %zu is %g)",
                RESULTDATA_MAX_WEEKS, k, d->time[k]);

    d->n_arms = length_of(L, "/arm");
    if (L->st == MSK_OK && (d->n_arms == 0 || d->n_arms > RESULTDATA_MAX_ARMS))
        bad(L, "/arm", "has %zu arms; expected 1 to %d", d->n_arms, RESULTDATA_MAX_ARMS);
    if (L->st == MSK_OK && d->n_arms * d->n_time > RESULTDATA_MAX_ARM_TIMES)
        bad(L, "/arm", "%zu arms of %zu observation times each exceed the ceiling of %d series values",
            d->n_arms, d->n_time, RESULTDATA_MAX_ARM_TIMES);
    char **names = alloc(L, d->n_arms, sizeof *names);
    d->arms = alloc(L, d->n_arms, sizeof *d->arms);
    if (L->st == MSK_OK)
        L->st = resultfile_strings(L->rf, "/arm", d->n_arms, names);
    for (size_t a = 0; a < d->n_arms && d->arms && names; a++) {
        d->arms[a].name = names[a];
        if (L->st != MSK_OK)
            continue;
        if (!resultfile_name_ok(names[a]))
            bad(L, "/arm", "arm %zu has a name that is empty, too long, not UTF-8 or holds '/' or control characters", a);
        for (size_t b = 0; b < a; b++)
            if (L->st == MSK_OK && strcmp(names[a], names[b]) == 0)
                bad(L, "/arm", "arm name '%s' appears twice", names[a]);
    }
    free(names);

    char *ref = text_attr(L, "/", "reference_arm", true);
    if (ref) {
        long r = resultdata_arm_index(d, ref);
        if (r < 0)
            bad(L, "/", "reference_arm '%.100s' is not one of the arms", ref);
        else
            d->reference = (size_t)r;
    }
    free(ref);
}

/* A root series over (arm, time), split into one newly allocated row per arm, stored
 * where slot(arm, i) points. */
static void load_rows(loader *L, const char *name, double **(*slot)(rd_arm *A, int i), int i)
{
    resultdata *d = L->d;
    size_t na = d->n_arms, n = d->n_time, dims[2] = {na, n};
    char path[256];
    snprintf(path, sizeof path, "/%s", name);
    double *all = alloc(L, na * n, sizeof *all);
    if (all && (L->st = resultfile_doubles(L->rf, path, 2, dims, all)) == MSK_OK)
        for (size_t a = 0; a < na && L->st == MSK_OK; a++) {
            double *row = alloc(L, n, sizeof *row);
            if (row)
                memcpy(row, &all[a * n], n * sizeof *row);
            *slot(&d->arms[a], i) = row;
        }
    free(all);
}

static double **slot_mean(rd_arm *A, int v) { return &A->mean[v]; }
static double **slot_sd(rd_arm *A, int v) { return &A->sd[v]; }
static double **slot_alive(rd_arm *A, int v) { (void)v; return &A->n_alive; }
static double **slot_prev(rd_arm *A, int p) { return &A->prevalence[p]; }
static double **slot_incidence(rd_arm *A, int c) { return &A->incidence[c]; }

/* Every arm's series: the root variables over (arm, time). */
static void load_series(loader *L)
{
    char name[200];
    for (int v = 0; v < RV_COUNT; v++) {
        snprintf(name, sizeof name, "%s_mean", resultdata_vars[v].name);
        load_rows(L, name, slot_mean, v);
        snprintf(name, sizeof name, "%s_sd", resultdata_vars[v].name);
        load_rows(L, name, slot_sd, v);
    }
    load_rows(L, "n_alive", slot_alive, 0);
    for (int p = 0; p < RP_COUNT; p++) {
        snprintf(name, sizeof name, "prevalence_%s", resultdata_prevs[p].name);
        load_rows(L, name, slot_prev, p);
    }
    for (int c = 0; c < RE_COUNT; c++) {
        snprintf(name, sizeof name, "cumulative_incidence_%s", resultdata_counts[c].name);
        load_rows(L, name, slot_incidence, c);
    }
}

static void load_sample(loader *L, rd_arm *A, const char *g, size_t n_sample_file)
{
    resultdata *d = L->d;
    size_t ns = d->n_sample, n = d->n_time;
    if (ns == 0)
        return;
    size_t dims[2] = {n_sample_file, n};
    const char *extra[] = {"immobilized", "cumulative_falls", "cumulative_fractures"};
    double **extra_out[] = {&A->sample_immobilized, &A->sample_falls, &A->sample_fractures};
    for (int v = 0; v < RV_COUNT + 3 && L->st == MSK_OK; v++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/sample/%s", g, v < RV_COUNT ? resultdata_vars[v].name : extra[v - RV_COUNT]);
        double *x = alloc(L, ns * n, sizeof *x);
        if (x && (L->st = resultfile_doubles_rows(L->rf, path, 2, dims, 0, ns, x)) != MSK_OK) {
            free(x);
            x = NULL;
        }
        if (v < RV_COUNT)
            A->sample[v] = x;
        else
            *extra_out[v - RV_COUNT] = x;
    }
}

/* Events happen during follow-up, the last ones (ends of interventions, deaths) at its
 * end. A figure places an event among the observations (its bins, its baseline), so a
 * file whose events lie elsewhere, or whose observations were squeezed to a point, is
 * refused rather than drawn. */
static bool week_in_follow_up(const resultdata *d, double week)
{
    double lo = d->time[0], hi = d->time[d->n_time - 1];
    double tol = 1e-6 + 1e-9 * (fabs(lo) + fabs(hi));
    return week >= lo - tol && week <= hi + tol;
}

/* The sampled people's events: replicate 0, individual < n_sample, which the writer
 * sorts first; read in chunks until the first row past them. */
static void load_events(loader *L, rd_arm *A, const char *g)
{
    resultdata *d = L->d;
    char ind_path[1024], rep_path[1024], path[1024];
    snprintf(ind_path, sizeof ind_path, "%s/events/individual", g);
    snprintf(rep_path, sizeof rep_path, "%s/events/replicate", g);
    size_t n = length_of(L, ind_path);
    if (L->st != MSK_OK || d->n_sample == 0 || n == 0)
        return;
    int64_t *ind = alloc(L, EVENT_CHUNK, sizeof *ind), *rep = alloc(L, EVENT_CHUNK, sizeof *rep);
    size_t *per_person = alloc(L, d->n_sample, sizeof *per_person); /* the ceiling's counts */
    size_t keep = 0;
    bool done = false;
    for (size_t start = 0; L->st == MSK_OK && !done && start < n; start += EVENT_CHUNK) {
        size_t count = n - start < EVENT_CHUNK ? n - start : EVENT_CHUNK;
        L->st = resultfile_int64s_rows(L->rf, ind_path, 1, &n, start, count, ind);
        if (L->st == MSK_OK)
            L->st = resultfile_int64s_rows(L->rf, rep_path, 1, &n, start, count, rep);
        for (size_t i = 0; L->st == MSK_OK && i < count && !done; i++) {
            if (rep[i] != 0 || ind[i] < 0 || (uint64_t)ind[i] >= d->n_sample)
                done = true;
            else if (++per_person[ind[i]] > RESULTDATA_MAX_EVENTS_PER_PERSON)
                bad(L, ind_path, "sampled person %" PRId64 " has more than %d events", ind[i],
                    RESULTDATA_MAX_EVENTS_PER_PERSON);
            else
                keep++;
        }
    }
    free(ind);
    free(rep);
    free(per_person);
    if (L->st != MSK_OK || keep == 0)
        return;

    double *col[4] = {NULL, NULL, NULL, NULL};
    const char *names[4] = {"individual", "event_time", "kind", "detail"};
    for (int c = 0; c < 4; c++) {
        col[c] = alloc(L, keep, sizeof *col[c]);
        snprintf(path, sizeof path, "%s/events/%s", g, names[c]);
        if (col[c] && L->st == MSK_OK)
            L->st = resultfile_doubles_rows(L->rf, path, 1, &n, 0, keep, col[c]);
    }
    int map[MAX_FLAGS], n_flags = 0;
    snprintf(path, sizeof path, "%s/events/kind", g);
    flag_map(L, path, resultdata_log_kinds, RL_COUNT, map, &n_flags);
    snprintf(path, sizeof path, "%s/events/event_time", g); /* the diagnostic's object below */
    A->events = alloc(L, keep, sizeof *A->events);
    if (L->st == MSK_OK) {
        for (size_t i = 0; i < keep; i++) {
            rd_event *e = &A->events[A->n_events];
            e->individual = (size_t)col[0][i];
            e->week = col[1][i] / DAYS_PER_WEEK; /* the log is in days */
            e->kind = (rd_log_kind)mapped(map, n_flags, col[2][i], RL_UNKNOWN);
            e->detail = fabs(col[3][i]) < 1e6 ? (int)col[3][i] : -1;
            if (isfinite(e->week) && !week_in_follow_up(d, e->week)) {
                bad(L, path, "event %zu at week %g lies outside follow-up (weeks %g to %g)", i, e->week,
                    d->time[0], d->time[d->n_time - 1]);
                break;
            }
            if (isfinite(e->week) && e->kind != RL_UNKNOWN && e->individual < d->n_sample)
                A->n_events++;
        }
    }
    for (int c = 0; c < 4; c++)
        free(col[c]);
}

static void load_interventions(loader *L, rd_arm *A, const char *g)
{
    char grp[1024];
    snprintf(grp, sizeof grp, "%s/interventions", g);
    if (L->st != MSK_OK || !resultfile_exists(L->rf, grp))
        return; /* written before prescriptions were recorded */
    char path[1100];
    snprintf(path, sizeof path, "%s/type", grp);
    size_t n = length_of(L, path);
    if (L->st == MSK_OK && n > RESULTDATA_MAX_INTERVENTIONS)
        bad(L, path, "implausibly many interventions (%zu; at most %d)", n, RESULTDATA_MAX_INTERVENTIONS);
    A->iv = alloc(L, n, sizeof *A->iv);
    double *type = vec(L, n, "%s", path);
    int map[MAX_FLAGS], n_flags = 0;
    const char *types[RI_COUNT];
    choice_names("intervention", "type", types, RI_COUNT);
    flag_map(L, path, types, RI_COUNT, map, &n_flags);
    if (L->st != MSK_OK) {
        free(type);
        return;
    }
    for (size_t i = 0; i < n; i++)
        A->iv[i].type = (rd_iv_type)mapped(map, n_flags, type[i], RI_UNKNOWN);
    free(type);
    struct {
        const char *name;
        size_t offset;
    } cols[] = {
        {"start_week", offsetof(rd_intervention, start_week)},
        {"duration_weeks", offsetof(rd_intervention, duration_weeks)},
        {"sessions_per_week", offsetof(rd_intervention, sessions_per_week)},
        {"adherence", offsetof(rd_intervention, adherence)},
        {"load_pct_1rm", offsetof(rd_intervention, load_pct_1rm)},
        {"cuff_pct_aop", offsetof(rd_intervention, cuff_pct_aop)},
        {"cuff_mmhg", offsetof(rd_intervention, cuff_mmhg)},
        {"walk_minutes", offsetof(rd_intervention, walk_minutes)},
        {"walk_speed_kmh", offsetof(rd_intervention, walk_speed_kmh)},
        {"protein_g_per_kg", offsetof(rd_intervention, protein_g_per_kg)},
    };
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
        double *v = vec(L, n, "%s/%s", grp, cols[c].name);
        for (size_t i = 0; v && i < n; i++)
            memcpy((char *)&A->iv[i] + cols[c].offset, &v[i], sizeof(double));
        free(v);
    }
    if (L->st == MSK_OK) {
        A->n_iv = n;
        A->has_interventions = 1;
    }
}

static void load_arm(loader *L, size_t a, size_t n_sample_file)
{
    rd_arm *A = &L->d->arms[a];
    char g[600];
    snprintf(g, sizeof g, "/arms/%s", A->name);
    if (L->st == MSK_OK && !resultfile_exists(L->rf, g))
        bad(L, g, "group missing: every arm listed in /arm has a group under /arms");
    load_sample(L, A, g, n_sample_file);
    load_events(L, A, g);
    load_interventions(L, A, g);
}

static void load_summary(loader *L)
{
    resultdata *d = L->d;
    size_t na = d->n_arms;
    static const char *const part[3] = {"", "_ci_low", "_ci_high"};
    for (size_t a = 0; a < na; a++) {
        for (int k = 0; k < RK_COUNT; k++)
            for (int j = 0; j < 3; j++)
                d->arms[a].diff_change_pct[k][j] = NAN;
        for (int c = 0; c < RE_COUNT; c++)
            for (int j = 0; j < 3; j++)
                d->arms[a].diff_rate[c][j] = NAN;
    }
    if (L->st == MSK_OK && !resultfile_exists(L->rf, "/summary"))
        bad(L, "/summary", "group missing: not an msksim result, or written by an incompatible version");
    for (int k = 0; k < RK_COUNT + RE_COUNT + 1 && L->st == MSK_OK; k++)
        for (int j = 0; j < 3 && L->st == MSK_OK; j++) {
            double *v;
            if (k < RK_COUNT)
                v = vec(L, na, "/summary/%s_change_pct%s", resultdata_vars[resultdata_key_var[k]].name, part[j]);
            else if (k < RK_COUNT + RE_COUNT)
                v = vec(L, na, "/summary/%s_per_1000py%s", resultdata_counts[k - RK_COUNT].name, part[j]);
            else if (j == 0)
                v = vec(L, na, "/summary/person_years");
            else
                break;
            for (size_t a = 0; v && a < na; a++) {
                rd_arm *A = &d->arms[a];
                if (k < RK_COUNT)
                    A->change_pct[k][j] = v[a];
                else if (k < RK_COUNT + RE_COUNT)
                    A->rate[k - RK_COUNT][j] = v[a];
                else
                    A->person_years = v[a];
            }
            free(v);
        }

    if (na < 2 || L->st != MSK_OK)
        return;
    size_t nc = length_of(L, "/comparison/compared_arm");
    if (L->st == MSK_OK && nc != na - 1)
        bad(L, "/comparison/compared_arm", "holds %zu arms; expected every arm but the reference (%zu)", nc, na - 1);
    char **names = alloc(L, nc, sizeof *names);
    if (L->st == MSK_OK)
        L->st = resultfile_strings(L->rf, "/comparison/compared_arm", nc, names);
    size_t *idx = alloc(L, nc, sizeof *idx);
    for (size_t i = 0; L->st == MSK_OK && i < nc; i++) {
        long a = resultdata_arm_index(d, names[i]);
        if (a < 0 || (size_t)a == d->reference)
            bad(L, "/comparison/compared_arm", "'%.100s' is not an arm other than the reference", names[i]);
        else
            idx[i] = (size_t)a;
    }
    for (size_t i = 0; names && i < nc; i++)
        free(names[i]);
    free(names);
    double *v = alloc(L, nc, sizeof *v);
    for (int k = 0; k < RK_COUNT + RE_COUNT && L->st == MSK_OK; k++)
        for (int j = 0; j < 3 && L->st == MSK_OK; j++) {
            char path[512];
            if (k < RK_COUNT)
                snprintf(path, sizeof path, "/comparison/%s_change_pct_difference%s",
                         resultdata_vars[resultdata_key_var[k]].name, part[j]);
            else
                snprintf(path, sizeof path, "/comparison/%s_per_1000py_difference%s",
                         resultdata_counts[k - RK_COUNT].name, part[j]);
            if ((L->st = resultfile_doubles(L->rf, path, 1, &nc, v)) != MSK_OK)
                break;
            for (size_t i = 0; i < nc; i++) {
                rd_arm *A = &d->arms[idx[i]];
                if (k < RK_COUNT)
                    A->diff_change_pct[k][j] = v[i];
                else
                    A->diff_rate[k - RK_COUNT][j] = v[i];
            }
        }
    free(v);
    free(idx);
}

/* A dataset over (arm, stratum) of /strata, newly allocated; NULL after a failure. */
static double *strata_table(loader *L, const char *name, const char *part)
{
    char path[256];
    snprintf(path, sizeof path, "/strata/%s%s", name, part);
    size_t dims[2] = {L->d->n_arms, L->d->n_strata};
    double *v = alloc(L, dims[0] * dims[1], sizeof *v);
    if (v && (L->st = resultfile_doubles(L->rf, path, 2, dims, v)) != MSK_OK) {
        free(v);
        v = NULL;
    }
    return v;
}

/* The subgroups of /strata, when the run asked for them: labels, and the figures the
 * subgroup figure draws. Its arms must be the root's, in the same order. */
static void load_strata(loader *L)
{
    resultdata *d = L->d;
    if (L->st != MSK_OK || !resultfile_exists(L->rf, "/strata/stratum"))
        return;
    size_t S = length_of(L, "/strata/stratum"), na = length_of(L, "/strata/arm");
    if (L->st == MSK_OK && (S == 0 || S > RESULTDATA_MAX_STRATA))
        bad(L, "/strata/stratum", "holds %zu strata; expected 1 to %d", S, RESULTDATA_MAX_STRATA);
    if (L->st == MSK_OK && na != d->n_arms)
        bad(L, "/strata/arm", "holds %zu arms; the root has %zu", na, d->n_arms);
    char **arms = alloc(L, na, sizeof *arms);
    if (L->st == MSK_OK)
        L->st = resultfile_strings(L->rf, "/strata/arm", na, arms);
    for (size_t a = 0; L->st == MSK_OK && a < na; a++)
        if (!arms[a] || strcmp(arms[a], d->arms[a].name) != 0)
            bad(L, "/strata/arm", "arm %zu is not the root's arm '%s'", a, d->arms[a].name);
    for (size_t a = 0; arms && a < na; a++)
        free(arms[a]);
    free(arms);
    d->stratum = alloc(L, S, sizeof *d->stratum);
    if (L->st == MSK_OK && (L->st = resultfile_strings(L->rf, "/strata/stratum", S, d->stratum)) == MSK_OK)
        d->n_strata = S;
    static const char *const part[3] = {"", "_ci_low", "_ci_high"};
    d->strata_enrolled = strata_table(L, "n_enrolled", "");
    for (int j = 0; j < 3; j++) {
        d->strata_fractures[j] = strata_table(L, "fractures_per_1000py", part[j]);
        d->strata_lean[j] = strata_table(L, "leg_lean_mass_change_pct", part[j]);
    }
}

/* /draws: which drawn parameters drive the differences of leg lean mass and fractures. */
static void load_importance(loader *L, size_t na)
{
    resultdata *d = L->d;
    if (L->st != MSK_OK || !resultfile_exists(L->rf, "/draws/parameter"))
        return;
    size_t np = length_of(L, "/draws/parameter");
    if (L->st == MSK_OK && (np == 0 || np > 10000))
        bad(L, "/draws/parameter", "holds %zu parameters; expected 1 to 10000", np);
    d->param = alloc(L, np, sizeof *d->param);
    if (L->st == MSK_OK && (L->st = resultfile_strings(L->rf, "/draws/parameter", np, d->param)) == MSK_OK)
        d->n_params = np;
    static const char *const name[2] = {"leg_lean_mass_change_pct_difference", "fractures_per_1000py_difference"};
    for (int i = 0; i < 2 && L->st == MSK_OK; i++) {
        char path[128];
        snprintf(path, sizeof path, "/draws/%s_importance", name[i]);
        const size_t dims[2] = {na, np};
        d->importance[i] = alloc(L, na * np, sizeof *d->importance[i]);
        if (L->st == MSK_OK)
            L->st = resultfile_doubles(L->rf, path, 2, dims, d->importance[i]);
        d->importance_r2[i] = vec(L, na, "/draws/%s_importance_r2", name[i]);
    }
}

/* /draws: the key means, cumulative incidences and prevalences over time across the
 * draws. */
static void load_draws_series(loader *L, size_t na)
{
    resultdata *d = L->d;
    static const char *const part[3] = {"_draws_mean", "_ui_low", "_ui_high"};
    static const rd_prev prevs[3] = {RP_SARCOPENIA, RP_OSTEOPENIA, RP_OSTEOPOROSIS};
    const size_t dims[2] = {na, d->n_time};
    for (int s = 0; s < RK_COUNT + 5 && L->st == MSK_OK; s++)
        for (int j = 0; j < 3 && L->st == MSK_OK; j++) {
            char path[160];
            if (s < RK_COUNT)
                snprintf(path, sizeof path, "/draws/%s_mean%s", resultdata_vars[resultdata_key_var[s]].name, part[j]);
            else if (s < RK_COUNT + 2)
                snprintf(path, sizeof path, "/draws/cumulative_incidence_%s%s", s == RK_COUNT ? "falls" : "fractures",
                         part[j]);
            else
                snprintf(path, sizeof path, "/draws/prevalence_%s%s", resultdata_prevs[prevs[s - RK_COUNT - 2]].name,
                         part[j]);
            double *all = alloc(L, na * d->n_time, sizeof *all);
            if (L->st == MSK_OK)
                L->st = resultfile_doubles(L->rf, path, 2, dims, all);
            for (size_t a = 0; L->st == MSK_OK && a < na; a++) {
                double *v = alloc(L, d->n_time, sizeof *v);
                if (!v)
                    break;
                memcpy(v, &all[a * d->n_time], d->n_time * sizeof *v);
                rd_arm *A = &d->arms[a];
                *(s < RK_COUNT       ? &A->ui_key_mean[s][j]
                  : s < RK_COUNT + 2 ? &A->ui_incidence[s - RK_COUNT][j]
                                     : &A->ui_prevalence[prevs[s - RK_COUNT - 2]][j]) = v;
            }
            free(all);
        }
}

/* /draws: the uncertainty interval of every arm's end-of-study figures. */
static void load_draws(loader *L)
{
    resultdata *d = L->d;
    if (L->st != MSK_OK || !resultfile_exists(L->rf, "/draws/draw"))
        return;
    size_t n = length_of(L, "/draws/draw"), na = length_of(L, "/draws/arm");
    if (L->st == MSK_OK && na != d->n_arms)
        bad(L, "/draws/arm", "holds %zu arms; the root has %zu", na, d->n_arms);
    static const char *const part[4] = {"_mean", "_ui_low", "_ui_high", "_p_better"};
    for (int k = 0; k < RK_COUNT + RE_COUNT && L->st == MSK_OK; k++)
        for (int diff = 0; diff < 2 && L->st == MSK_OK; diff++)
            for (int j = 0; j < 3 + diff && L->st == MSK_OK; j++) {
                if (k >= RK_COUNT && !diff)
                    continue; /* the rates per arm are not needed by any figure */
                double *v = k < RK_COUNT ? vec(L, na, "/draws/%s_change_pct%s%s", resultdata_vars[resultdata_key_var[k]].name,
                                               diff ? "_difference" : "", part[j])
                                         : vec(L, na, "/draws/%s_per_1000py_difference%s",
                                               resultdata_counts[k - RK_COUNT].name, part[j]);
                for (size_t a = 0; v && a < na; a++) {
                    rd_arm *A = &d->arms[a];
                    if (j == 3)
                        *(k < RK_COUNT ? &A->p_better_change[k] : &A->p_better_rate[k - RK_COUNT]) = v[a];
                    else if (k >= RK_COUNT)
                        A->ui_diff_rate[k - RK_COUNT][j] = v[a];
                    else
                        (diff ? A->ui_diff_change_pct : A->ui_change_pct)[k][j] = v[a];
                }
                free(v);
            }
    load_draws_series(L, na);
    if (L->st == MSK_OK)
        d->n_draws = n;
    load_importance(L, na);
}

/* Who was enrolled: a summary of the person table's entry columns (one pass each;
 * at most 10^6 rows). */
static void load_entry(loader *L)
{
    resultdata *d = L->d;
    if (L->st != MSK_OK || !resultfile_exists(L->rf, "/persons/age"))
        return;
    size_t n = length_of(L, "/persons/age");
    if (L->st != MSK_OK || n == 0)
        return;
    double *age = vec(L, n, "/persons/age"), *sex = vec(L, n, "/persons/sex");
    double *sarc = vec(L, n, "/persons/sarcopenia"), *who = vec(L, n, "/persons/who_class");
    if (L->st == MSK_OK) {
        double sum = 0, women = 0, sarcopenic = 0, cls[3] = {0, 0, 0};
        d->entry_age_min = INFINITY;
        d->entry_age_max = -INFINITY;
        for (size_t i = 0; i < n; i++) {
            d->entry_age_min = fmin(d->entry_age_min, age[i]);
            d->entry_age_max = fmax(d->entry_age_max, age[i]);
            sum += age[i];
            women += sex[i] == 1;
            sarcopenic += sarc[i] == 1;
            if (who[i] >= 0 && who[i] <= 2)
                cls[(int)who[i]]++;
        }
        d->entry_age_mean = sum / (double)n;
        d->entry_female = women / (double)n;
        d->entry_sarcopenic = sarcopenic / (double)n;
        for (int k = 0; k < 3; k++)
            d->entry_who[k] = cls[k] / (double)n;
        d->has_entry = 1;
    }
    free(age);
    free(sex);
    free(sarc);
    free(who);
}

static void load_exposures(loader *L)
{
    resultdata *d = L->d;
    if (L->st != MSK_OK || !resultfile_exists(L->rf, "/exposures"))
        return;
    size_t n = length_of(L, "/exposures/kind");
    if (L->st == MSK_OK && n > RESULTDATA_MAX_EXPOSURES)
        bad(L, "/exposures/kind", "implausibly many exposures (%zu; at most %d)", n, RESULTDATA_MAX_EXPOSURES);
    double *kind = vec(L, n, "/exposures/kind");
    double *start = vec(L, n, "/exposures/start_week");
    double *dur = vec(L, n, "/exposures/duration_weeks");
    int map[MAX_FLAGS], n_flags = 0;
    const char *kinds[RX_COUNT];
    choice_names("exposure", "kind", kinds, RX_COUNT);
    flag_map(L, "/exposures/kind", kinds, RX_COUNT, map, &n_flags);
    d->exposures = alloc(L, n, sizeof *d->exposures);
    if (L->st == MSK_OK) {
        for (size_t i = 0; i < n; i++) {
            d->exposures[i].kind = (rd_expo_kind)mapped(map, n_flags, kind[i], RX_UNKNOWN);
            d->exposures[i].start_week = start[i];
            d->exposures[i].duration_weeks = dur[i];
        }
        d->n_exposures = n;
        d->has_exposures = 1;
    }
    free(kind);
    free(start);
    free(dur);
}

/* The model parameters behind the WHO bands; NaN when the provenance lacks them. */
static void load_parameters(loader *L)
{
    resultdata *d = L->d;
    struct {
        const char *name;
        double *out;
    } want[] = {
        {"model.bone.tscore_ref_mean_female", &d->tscore_ref_mean_female},
        {"model.bone.tscore_ref_sd_female", &d->tscore_ref_sd_female},
        {"model.bone.tscore_ref_mean_male", &d->tscore_ref_mean_male},
        {"model.bone.tscore_ref_sd_male", &d->tscore_ref_sd_male},
        {"model.criteria.osteopenia_tscore", &d->osteopenia_tscore},
        {"model.criteria.osteoporosis_tscore", &d->osteoporosis_tscore},
    };
    size_t nw = sizeof want / sizeof want[0];
    for (size_t i = 0; i < nw; i++)
        *want[i].out = NAN;
    if (L->st != MSK_OK || !resultfile_exists(L->rf, "/provenance/parameter") ||
        !resultfile_exists(L->rf, "/provenance/parameter_value"))
        return;
    size_t n = length_of(L, "/provenance/parameter");
    char **names = alloc(L, n, sizeof *names);
    double *values = vec(L, n, "/provenance/parameter_value");
    if (L->st == MSK_OK && (L->st = resultfile_strings(L->rf, "/provenance/parameter", n, names)) == MSK_OK) {
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j < nw; j++)
                if (strcmp(names[i], want[j].name) == 0)
                    *want[j].out = values[i];
            free(names[i]);
        }
    }
    free(names);
    free(values);
}

/* ---- Public ----------------------------------------------------------------------- */

msk_status resultdata_load(resultdata *d, resultfile *rf)
{
    memset(d, 0, sizeof *d);
    loader L = {rf, d, MSK_OK};
    load_root(&L);

    size_t n_sample_file = 0;
    if (L.st == MSK_OK && resultfile_exists(rf, "/arms/individual_sample"))
        n_sample_file = length_of(&L, "/arms/individual_sample");
    d->n_sample = n_sample_file < RESULTDATA_MAX_SAMPLE ? n_sample_file : RESULTDATA_MAX_SAMPLE;
    if (d->n_sample) {
        size_t dims[1] = {n_sample_file};
        d->sample_age = alloc(&L, d->n_sample, sizeof *d->sample_age);
        d->sample_female = alloc(&L, d->n_sample, sizeof *d->sample_female);
        if (L.st == MSK_OK)
            L.st = resultfile_doubles_rows(rf, "/arms/sample_age", 1, dims, 0, d->n_sample, d->sample_age);
        if (L.st == MSK_OK)
            L.st = resultfile_doubles_rows(rf, "/arms/sample_sex", 1, dims, 0, d->n_sample, d->sample_female);
    }
    load_series(&L);
    for (size_t a = 0; a < d->n_arms && L.st == MSK_OK; a++)
        load_arm(&L, a, n_sample_file);
    if (L.st == MSK_OK)
        load_summary(&L);
    load_exposures(&L);
    load_entry(&L);
    load_strata(&L);
    load_draws(&L);
    load_parameters(&L);
    if (L.st != MSK_OK)
        resultdata_fini(d);
    return L.st;
}

void resultdata_fini(resultdata *d)
{
    if (!d)
        return;
    free(d->title);
    free(d->description);
    free(d->source);
    free(d->time);
    for (size_t a = 0; d->arms && a < d->n_arms; a++) {
        rd_arm *A = &d->arms[a];
        free(A->name);
        for (int j = 0; j < 3; j++) {
            for (int k = 0; k < RK_COUNT; k++)
                free(A->ui_key_mean[k][j]);
            free(A->ui_incidence[0][j]);
            free(A->ui_incidence[1][j]);
            for (int k = 0; k < RP_COUNT; k++)
                free(A->ui_prevalence[k][j]);
        }
        for (int v = 0; v < RV_COUNT; v++) {
            free(A->mean[v]);
            free(A->sd[v]);
            free(A->sample[v]);
        }
        free(A->n_alive);
        for (int p = 0; p < RP_COUNT; p++)
            free(A->prevalence[p]);
        for (int c = 0; c < RE_COUNT; c++)
            free(A->incidence[c]);
        free(A->sample_immobilized);
        free(A->sample_falls);
        free(A->sample_fractures);
        free(A->events);
        free(A->iv);
    }
    free(d->arms);
    free(d->sample_age);
    free(d->sample_female);
    free(d->exposures);
    for (size_t s = 0; d->stratum && s < d->n_strata; s++)
        free(d->stratum[s]);
    free(d->stratum);
    for (size_t p = 0; d->param && p < d->n_params; p++)
        free(d->param[p]);
    free(d->param);
    for (int i = 0; i < 2; i++) {
        free(d->importance[i]);
        free(d->importance_r2[i]);
    }
    free(d->strata_enrolled);
    for (int j = 0; j < 3; j++) {
        free(d->strata_fractures[j]);
        free(d->strata_lean[j]);
    }
    memset(d, 0, sizeof *d);
}

long resultdata_arm_index(const resultdata *d, const char *name)
{
    for (size_t a = 0; d->arms && a < d->n_arms; a++)
        if (d->arms[a].name && strcmp(d->arms[a].name, name) == 0)
            return (long)a;
    return -1;
}

msk_status resultdata_probe(const char *path, diag_list *diags)
{
    fflush(NULL); /* nothing buffered is written twice by the child */
    pid_t pid = fork();
    if (pid < 0) {
        diag_add(diags, DIAG_ERROR, path, 0, 0, "", "cannot start a process to read the file safely");
        return MSK_ESOFTWARE;
    }
    if (pid == 0) {
        diag_list d;
        diag_list_init(&d);
        resultfile rf;
        msk_status st = resultfile_open(&rf, path, &d);
        if (st == MSK_OK) {
            resultdata rd;
            memset(&rd, 0, sizeof rd);
            if (resultdata_load(&rd, &rf) == MSK_OK)
                resultdata_fini(&rd);
        }
        resultfile_close(&rf);
        _exit(0); /* no atexit handlers, no stdio flush: the parent owns those */
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        ;
    if (WIFSIGNALED(status)) {
        diag_add(diags, DIAG_ERROR, path, 0, 0, "",
                 "the file is damaged: reading it crashed the HDF5 library (signal %d); "
                 "it is not a usable msksim result",
                 WTERMSIG(status));
        return MSK_EDATA;
    }
    return MSK_OK;
}
