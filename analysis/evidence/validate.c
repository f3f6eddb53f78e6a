/* validate.c — refit without each fold of studies, predict the fold (see validate.h). */
#include "validate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "yamltree.h"

void validate_study(const char *path, char *buf, size_t size)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    snprintf(buf, size, "%.*s", (int)strcspn(base, "-."), base);
}

/* The fold of each trial: studies in order of first appearance (the files are sorted by
 * name), dealt round-robin into K folds. Returns K. */
static size_t assign_folds(char *const *paths, size_t n, size_t want, size_t *fold)
{
    size_t n_studies = 0;
    for (size_t i = 0; i < n; i++) {
        char a[128], b[128];
        validate_study(paths[i], a, sizeof a);
        fold[i] = SIZE_MAX;
        for (size_t j = 0; j < i && fold[i] == SIZE_MAX; j++) {
            validate_study(paths[j], b, sizeof b);
            if (strcmp(a, b) == 0)
                fold[i] = fold[j];
        }
        if (fold[i] == SIZE_MAX)
            fold[i] = n_studies++;
    }
    const size_t k = want == 0 || want > n_studies ? n_studies : want;
    for (size_t i = 0; i < n; i++)
        fold[i] %= k;
    return k;
}

/* Fit SPEC to the trials TRAIN, then run the trials TEST at the fitted values into SET
 * (at the fit's cohort sizes, so a trial in both is measured exactly as the fit saw it). */
static msk_status fit_then_measure(calibrate_spec *spec, char *const *train, size_t n_train,
                                   char *const *test, size_t n_test, const validate_options *opt,
                                   calibrate_report *rep, evidence_set *set, diag_list *diags)
{
    memset(set, 0, sizeof *set);
    msk_status st = calibrate_run_on(spec, train, n_train, opt->threads, opt->stop, NULL, rep, diags);
    if (st != MSK_OK)
        return st;
    const size_t p = spec->n_params;
    char *buf = malloc(p * 160 + 1);
    const char **ov = malloc((p + 1) * sizeof *ov);
    if (!buf || !ov) {
        free(buf);
        free(ov);
        return MSK_ENOMEM;
    }
    for (size_t j = 0; j < p; j++) {
        char num[40];
        yamltree_format_real(spec->params[j].value, num, sizeof num);
        snprintf(buf + j * 160, 160, "model.%s.%s=%s", spec->params[j].group, spec->params[j].name,
                 num);
        ov[j] = buf + j * 160;
    }
    evidence_options eo = {spec->population_divisor, opt->threads, ov, p, opt->stop, 0};
    st = evidence_run(set, test, n_test, &eo, diags);
    free(buf);
    free(ov);
    return st;
}

/* The in-sample rows: every target at the fit to all trials. */
static msk_status take_in_sample(validate_result *v, const size_t *fold)
{
    const evidence_set *s = &v->in_sample;
    v->rows = calloc(s->n_rows ? s->n_rows : 1, sizeof *v->rows);
    if (!v->rows)
        return MSK_ENOMEM;
    v->n_rows = s->n_rows;
    size_t row = 0;
    for (size_t i = 0; i < s->n_trials; i++)
        for (size_t k = 0; k < s->targets[i].count; k++, row++) {
            const evidence_row *e = &s->rows[row];
            validate_row *r = &v->rows[row];
            r->t = e->t;
            r->sc = e->sc;
            r->fold = fold[i];
            r->in_value = e->measured ? e->m.value : NAN;
            r->in_pass = e->pass;
            r->out_value = NAN;
        }
    return MSK_OK;
}

/* Refit without fold F and measure its trials: their out-of-sample values. */
static msk_status run_fold(calibrate_spec *spec, char *const *paths, size_t n, const size_t *fold,
                           size_t f, const validate_options *opt, validate_result *v,
                           diag_list *diags)
{
    char **train = malloc((n + 1) * sizeof *train), **test = malloc((n + 1) * sizeof *test);
    if (!train || !test) {
        free(train);
        free(test);
        return MSK_ENOMEM;
    }
    size_t n_train = 0, n_test = 0;
    for (size_t i = 0; i < n; i++) {
        if (fold[i] == f)
            test[n_test++] = paths[i];
        else
            train[n_train++] = paths[i];
    }
    calibrate_report rep;
    evidence_set s;
    msk_status st = fit_then_measure(spec, train, n_train, test, n_test, opt, &rep, &s, diags);
    size_t hits = 0;
    for (size_t k = 0; st == MSK_OK && k < s.n_rows; k++)
        for (size_t r = 0; r < v->n_rows; r++)
            if (strcmp(v->rows[r].t->id, s.rows[k].t->id) == 0) {
                v->rows[r].out_value = s.rows[k].measured ? s.rows[k].m.value : NAN;
                v->rows[r].out_pass = s.rows[k].pass;
                hits += (size_t)s.rows[k].pass;
            }
    if (st == MSK_OK && opt->log) {
        fprintf(opt->log, "  fold %zu/%zu: %zu trial%s left out, fit to %zu: objective %.6g -> "
                          "%.6g in %d iterations (%s); %zu of %zu left-out targets within "
                          "tolerance\n",
                f + 1, v->n_folds, n_test, n_test == 1 ? "" : "s", n_train, rep.objective_start,
                rep.objective_end, rep.iterations, rep.stop_reason, hits, s.n_rows);
        fflush(opt->log);
    }
    evidence_set_fini(&s);
    free(train);
    free(test);
    return st;
}

static void count(validate_result *v)
{
    for (size_t r = 0; r < v->n_rows; r++) {
        const validate_row *x = &v->rows[r];
        v->in_pass += (size_t)x->in_pass;
        v->out_pass += (size_t)x->out_pass;
        if (!x->t->calibrate) {
            v->n_held_out++;
            v->in_pass_held_out += (size_t)x->in_pass;
            v->out_pass_held_out += (size_t)x->out_pass;
        }
    }
}

msk_status validate_run(calibrate_spec *spec, const validate_options *opt, validate_result *out,
                        diag_list *diags)
{
    memset(out, 0, sizeof *out);
    char **paths = NULL;
    size_t n = 0;
    msk_status st = evidence_find(spec->evidence, &paths, &n, diags);
    size_t *fold = st == MSK_OK ? calloc(n ? n : 1, sizeof *fold) : NULL;
    if (st == MSK_OK && !fold)
        st = MSK_ENOMEM;
    const int saved_iterations = spec->max_iterations;
    if (opt->max_iterations > 0)
        spec->max_iterations = opt->max_iterations;
    if (st == MSK_OK) {
        out->n_folds = assign_folds(paths, n, opt->folds, fold);
        calibrate_report rep;
        if (opt->log)
            fprintf(opt->log, "  in sample: fit to all %zu trials\n", n);
        st = fit_then_measure(spec, paths, n, paths, n, opt, &rep, &out->in_sample, diags);
        out->objective_all = rep.objective_end;
        out->iterations_all = rep.iterations;
        if (st == MSK_OK && opt->log)
            fprintf(opt->log, "  in sample: objective %.6g -> %.6g in %d iterations (%s); %zu of "
                              "%zu targets within tolerance\n",
                    rep.objective_start, rep.objective_end, rep.iterations, rep.stop_reason,
                    out->in_sample.n_pass, out->in_sample.n_rows);
    }
    if (st == MSK_OK)
        st = take_in_sample(out, fold);
    for (size_t f = 0; st == MSK_OK && f < out->n_folds; f++)
        st = run_fold(spec, paths, n, fold, f, opt, out, diags);
    if (st == MSK_OK)
        count(out);
    spec->max_iterations = saved_iterations;
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
    free(fold);
    return st;
}

void validate_result_fini(validate_result *v)
{
    evidence_set_fini(&v->in_sample);
    free(v->rows);
    memset(v, 0, sizeof *v);
}

/* ---- The report ---------------------------------------------------------------------- */

/* Free text in one TSV field or Markdown cell. */
static void text(FILE *f, const char *s, int markdown)
{
    for (; s && *s; s++) {
        if (markdown && *s == '|')
            fputs("\\|", f);
        else
            fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
    }
}

void validate_write_tsv(const validate_result *v, FILE *f)
{
    fputs("id\ttrial\tstudy\tfold\tcalibrated\tmeasure\tunits\tpublished\taccept_lo\taccept_hi\t"
          "in_sample\tin_pass\tout_of_sample\tout_pass\n", f);
    for (size_t r = 0; r < v->n_rows; r++) {
        const validate_row *x = &v->rows[r];
        char study[128];
        validate_study(x->t->file, study, sizeof study);
        text(f, x->t->id, 0);
        fputc('\t', f);
        text(f, x->sc->name, 0);
        fprintf(f, "\t%s\t%zu\t%s\t%s\t", study, x->fold + 1, x->t->calibrate ? "yes" : "no",
                target_measure_names[x->t->measure]);
        text(f, target_units(x->t), 0);
        fprintf(f, "\t%.17g\t%.17g\t%.17g\t%.17g\t%s\t%.17g\t%s\n", x->t->published,
                x->t->accept_lo, x->t->accept_hi, x->in_value, x->in_pass ? "pass" : "fail",
                x->out_value, x->out_pass ? "pass" : "fail");
    }
}

/* Three significant digits, as the evidence table prints them. */
static const char *num(double x, char *buf, size_t size)
{
    if (isnan(x))
        snprintf(buf, size, "n/a");
    else if (isinf(x))
        snprintf(buf, size, "%s", x > 0 ? "inf" : "-inf");
    else if (fabs(x) >= 100 || x == 0)
        snprintf(buf, size, "%.0f", x);
    else if (fabs(x) >= 10)
        snprintf(buf, size, "%.1f", x);
    else if (fabs(x) >= 1)
        snprintf(buf, size, "%.2f", x);
    else
        snprintf(buf, size, "%.3g", x);
    return buf;
}

static double share(size_t k, size_t n)
{
    return n ? 100.0 * (double)k / (double)n : NAN;
}

void validate_write_markdown(const validate_result *v, const char *command, FILE *f)
{
    char a[32], b[32], c[32], d[32], e[32];
    const size_t n = v->n_rows, nc = n - v->n_held_out;
    fprintf(f, "# Cross-validation: the evidence targets in and out of sample\n\n"
               "<!-- Generated by `%s`; do not edit by hand. -->\n\n"
               "In sample: every target at the parameters fitted to all trials. Out of sample: "
               "each target at the parameters fitted without its study's fold "
               "(`docs/evidence.md`, \"In sample and out of sample\").\n\n",
            command);
    fprintf(f, "%zu targets in %zu trials, %zu folds of studies. Within tolerance in sample: "
               "%zu of %zu (%.0f%%); out of sample: %zu of %zu (%.0f%%). Calibrated targets: "
               "%zu of %zu in sample, %zu of %zu out of sample; held-out targets "
               "(`calibrate: false`): %zu of %zu in sample, %zu of %zu out of sample.\n\n",
            n, v->in_sample.n_trials, v->n_folds, v->in_pass, n, share(v->in_pass, n), v->out_pass,
            n, share(v->out_pass, n), v->in_pass - v->in_pass_held_out, nc,
            v->out_pass - v->out_pass_held_out, nc, v->in_pass_held_out, v->n_held_out,
            v->out_pass_held_out, v->n_held_out);
    fputs("| Target | Study (fold) | Published | Accepted | In sample | Out of sample |\n"
          "|---|---|---|---|---|---|\n", f);
    for (size_t r = 0; r < n; r++) {
        const validate_row *x = &v->rows[r];
        char study[128];
        validate_study(x->t->file, study, sizeof study);
        fprintf(f, "| `%s`%s | %s (%zu) | %s | [%s, %s] | %s %s | %s %s |\n", x->t->id,
                x->t->calibrate ? "" : " (held out)", study, x->fold + 1,
                num(x->t->published, a, sizeof a), num(x->t->accept_lo, b, sizeof b),
                num(x->t->accept_hi, c, sizeof c), num(x->in_value, d, sizeof d),
                x->in_pass ? "pass" : "**fail**", num(x->out_value, e, sizeof e),
                x->out_pass ? "pass" : "**fail**");
    }
}
