/* sweeprun.c — resume, run and assemble a sweep (see sweeprun.h). */
#include "sweeprun.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outpath.h"
#include "progress.h"
#include "resultfile.h"
#ifdef MSK_HAVE_MPI
#include "mpi_farm.h"
#endif

enum { REPORT_EVERY_S = 30 };

/* ---- Bookkeeping of the farm ------------------------------------------------------ */

/* The state a task farm works on (rank 0's side). */
typedef struct {
    const sweep *sw;
    journal_state *state;
    journal *jr;
    const size_t *todo;
    size_t n_todo;
    int threads;
    volatile sig_atomic_t *stop, *drain;
    diag_list *diags;
    int show_progress;
    double t0, last_report;
    size_t n_run;        /* tasks finished by this run */
    msk_status failure;  /* first task failure other than an interruption */
    size_t failed_task;
    int interrupted;
    const char *label;
} sweeprun_farm;

static const char *label_of(const sweeprun_options *opt)
{
    return opt->label ? opt->label : "msksim sweep";
}

static void report_progress(sweeprun_farm *f, int final)
{
    if (!f->show_progress)
        return;
    double now = progress_now();
    if (!final && now - f->last_report < REPORT_EVERY_S)
        return;
    f->last_report = now;
    const journal_state *s = f->state;
    double elapsed = now - f->t0;
    double left = f->n_run ? elapsed / (double)f->n_run * (double)(f->n_todo - f->n_run) : NAN;
    fprintf(stderr, "%s: %zu of %zu runs done (%zu in this job), %.0f s elapsed", f->label, s->n_done,
            s->n_tasks, f->n_run, elapsed);
    if (!final && !isnan(left))
        fprintf(stderr, ", about %.0f s left", left);
    fputc('\n', stderr);
}

/* Journal a finished task and mark it done. MSK_OK or MSK_EIO. */
static msk_status sweeprun_record(sweeprun_farm *f, size_t task, const double *values)
{
    journal_state *s = f->state;
    if (s->done[task])
        return MSK_OK;
    msk_status st = journal_append(f->jr, task, values, f->diags);
    if (st != MSK_OK)
        return st;
    memcpy(&s->values[task * s->n_values], values, s->n_values * sizeof *values);
    s->done[task] = 1;
    s->n_done++;
    f->n_run++;
    report_progress(f, 0);
    return MSK_OK;
}

/* Note the outcome of a task that did not finish. */
static void sweeprun_failed(sweeprun_farm *f, size_t task, msk_status st)
{
    if (st == MSK_EINTERRUPTED) {
        f->interrupted = 1;
    } else if (f->failure == MSK_OK) {
        f->failure = st;
        f->failed_task = task;
    }
}

/* True once no new task should start (signal, failure, interruption). */
static int sweeprun_draining(const sweeprun_farm *f)
{
    return *f->stop || *f->drain || f->interrupted || f->failure != MSK_OK;
}

static void run_serial(sweeprun_farm *f)
{
    double *values = malloc((f->sw->n_outcomes ? f->sw->n_outcomes : 1) * sizeof *values);
    if (!values) {
        sweeprun_failed(f, 0, MSK_ENOMEM);
        return;
    }
    for (size_t i = 0; i < f->n_todo && !sweeprun_draining(f); i++) {
        size_t task = f->todo[i];
        msk_status st = sweep_run_task(f->sw, task, f->threads, f->stop, values, f->diags);
        if (st == MSK_OK)
            st = sweeprun_record(f, task, values);
        if (st != MSK_OK)
            sweeprun_failed(f, task, st);
    }
    if (f->n_run < f->n_todo && (*f->stop || *f->drain))
        f->interrupted = 1;
    free(values);
}

#ifdef MSK_HAVE_MPI
/* ---- The MPI task farm's callbacks (mpi_farm.h) ------------------------------------ */

typedef struct {
    const sweep *sw;
    int threads;
    volatile sig_atomic_t *stop;
} worker_ctx;

static msk_status farm_record(void *ctx, size_t task, const double *values)
{
    return sweeprun_record(ctx, task, values);
}

static void farm_failed(void *ctx, size_t task, msk_status st)
{
    sweeprun_failed(ctx, task, st);
}

static int farm_draining(void *ctx)
{
    return sweeprun_draining(ctx);
}

static msk_status farm_run(void *ctx, size_t task, double *values, diag_list *d)
{
    const worker_ctx *w = ctx;
    return sweep_run_task(w->sw, task, w->threads, w->stop, values, d);
}

static void run_master(const mpi_env *e, sweeprun_farm *f)
{
    const mpi_farm farm = {.label = f->label, .n_values = f->sw->n_outcomes, .ctx = f,
                           .todo = f->todo, .n_todo = f->n_todo, .record = farm_record,
                           .failed = farm_failed, .draining = farm_draining};
    mpi_farm_master(e, &farm);
}

static void run_worker(const mpi_env *e, const sweep *sw, int threads, volatile sig_atomic_t *stop,
                       const char *label)
{
    worker_ctx w = {.sw = sw, .threads = threads, .stop = stop};
    const mpi_farm farm = {.label = label, .n_values = sw->n_outcomes, .ctx = &w,
                           .run = farm_run, .stop = stop};
    mpi_farm_worker(e, &farm);
}
#endif

/* ---- The result file already there ------------------------------------------------ */

/* Does OUT already hold the result of this sweep (its sweep_key attribute is want)? A
 * file that is missing, unreadable or not a sweep result does not, quietly: it is
 * simply made again. */
static int up_to_date(const char *out, const char *want)
{
    if (access(out, R_OK) != 0)
        return 0;
    diag_list quiet;
    diag_list_init(&quiet);
    resultfile rf;
    char *key = NULL;
    int same = resultfile_open_sweep(&rf, out, &quiet) == MSK_OK && resultfile_has_attr(&rf, "/", "sweep_key") &&
               resultfile_attr_text(&rf, "/", "sweep_key", &key) == MSK_OK && strcmp(key, want) == 0;
    free(key);
    resultfile_close(&rf);
    diag_list_fini(&quiet);
    return same;
}

/* ---- The command ------------------------------------------------------------------ */

typedef enum { PLAN_RUN, PLAN_UP_TO_DATE, PLAN_FAIL } plan;

static void print_diags(const mpi_env *e, diag_list *d)
{
    if (e->rank == 0)
        diag_print(d, stderr);
    diag_list_fini(d);
    diag_list_init(d);
}

/* Rank 0: read the journals, decide, open our own journal, list what is left. */
static plan prepare(const sweeprun_options *opt, const sweep *sw, const char *out, journal_state *state,
                    journal **jr, size_t **todo, size_t *n_todo, msk_status *why, diag_list *d)
{
    *why = MSK_OK;
    char **names;
    size_t n_names;
    char *mine = journal_name(out, opt->shard_index, opt->shard_count);
    msk_status st = !mine ? MSK_ENOMEM : outpath_check(out, d); /* before any run (outpath.h) */
    if (st == MSK_OK)
        st = outpath_check_side(mine, d);
    free(mine);
    if (st == MSK_OK)
        st = journal_find(out, &names, &n_names, d);
    if (st != MSK_OK) {
        *why = st;
        return PLAN_FAIL;
    }
    char want[32];
    snprintf(want, sizeof want, "%016" PRIx64, sw->key);
    if (n_names == 0 && opt->shard_count == 0 && !opt->prepared && up_to_date(out, want)) {
        journal_free_names(names, n_names);
        return PLAN_UP_TO_DATE;
    }
    for (size_t i = 0; i < n_names && st == MSK_OK; i++)
        st = journal_read(names[i], sw->key, state, d);
    journal_free_names(names, n_names);
    if (st != MSK_OK) {
        *why = st;
        return PLAN_FAIL;
    }
    mine = journal_name(out, opt->shard_index, opt->shard_count);
    if (!mine) {
        *why = MSK_ENOMEM;
        return PLAN_FAIL;
    }
    if (state->n_done < state->n_tasks) {
        *jr = journal_open(mine, sw->key, sw->n_tasks, sw->n_outcomes, d);
        if (!*jr) {
            free(mine);
            *why = MSK_EIO;
            return PLAN_FAIL;
        }
    }
    free(mine);
    *todo = malloc((sw->n_tasks ? sw->n_tasks : 1) * sizeof **todo);
    if (!*todo) {
        *why = MSK_ENOMEM;
        return PLAN_FAIL;
    }
    *n_todo = 0;
    for (size_t t = 0; t < sw->n_tasks; t++)
        if (!state->done[t] && (opt->shard_count == 0 || t % opt->shard_count == opt->shard_index))
            (*todo)[(*n_todo)++] = t;
    return PLAN_RUN;
}

static int assemble(const sweeprun_options *opt, const sweep *sw, const journal_state *state, const char *out,
                    double seconds)
{
    msk_status st = opt->write_result(sw, state->values, out, opt->command_line, opt->quiet, opt->result_ctx);
    if (st != MSK_OK) {
        fprintf(stderr, "%s: %s; the finished runs stay in the journal, so the same command "
                        "retries without recomputing them\n",
                label_of(opt), msk_status_message(st) /* "input/output error" and the like */);
        return msk_status_exit_code(st == MSK_EINTERRUPTED ? MSK_EIO : st);
    }
    journal_remove_all(out, sw->key);
    if (opt->prepared)
        return 0; /* the caller says what it wrote */
    fprintf(stderr, "msksim: wrote %s (%zu points x %lld replicate%s, %zu runs in %.1f s)\n", out, sw->n_points,
            sw->replicates, sw->replicates == 1 ? "" : "s", sw->n_tasks, seconds);
    return 0;
}

/* Rank 0: decide (prepare) and say what will happen. */
static plan decide(const sweeprun_options *opt, const sweep *sw, const char *out, journal_state *state,
                   journal **jr, size_t **todo, size_t *n_todo, msk_status *why, diag_list *d)
{
    *why = journal_state_init(state, sw->n_tasks, sw->n_outcomes);
    plan pl = *why == MSK_OK ? prepare(opt, sw, out, state, jr, todo, n_todo, why, d) : PLAN_FAIL;
    diag_print(d, stderr);
    diag_list_fini(d);
    diag_list_init(d);
    if (pl == PLAN_FAIL)
        fprintf(stderr, "%s: %s; nothing was run\n", label_of(opt), msk_status_message(*why));
    else if (pl == PLAN_UP_TO_DATE)
        fprintf(stderr, "%s: %s is up to date (sweep key %016" PRIx64 "); nothing to do\n", label_of(opt), out,
                sw->key);
    else if (state->n_done)
        fprintf(stderr, "%s: resuming: %zu of %zu runs found in the journal%s\n", label_of(opt), state->n_done,
                sw->n_tasks, state->n_done == sw->n_tasks ? "; assembling the result" : "");
    return pl;
}

/* Rank 0, after the farm: say how it ended; when every task is done, assemble the
 * result. Returns the exit status. */
static int conclude(const sweeprun_options *opt, const sweep *sw, const journal_state *state,
                    const sweeprun_farm *f, const char *out)
{
    char *mine = journal_name(out, opt->shard_index, opt->shard_count);
    const char *kept = mine ? mine : "the journal";
    int code = 0;
    if (f->failure != MSK_OK) {
        char point[64];
        if (opt->prepared)
            snprintf(point, sizeof point, "draw %zu", f->failed_task);
        else
            snprintf(point, sizeof point, "point %zu, replicate %zu", f->failed_task / (size_t)sw->replicates,
                     f->failed_task % (size_t)sw->replicates);
        fprintf(stderr, "%s: the run of %s failed (%s); %zu of %zu runs are done and kept in %s\n", label_of(opt), point,
                msk_status_message(f->failure), state->n_done, sw->n_tasks, kept);
        code = msk_status_exit_code(f->failure);
    } else if (state->n_done < sw->n_tasks && (f->interrupted || *opt->stop || *opt->drain)) {
        fprintf(stderr,
                "%s: interrupted; %zu of %zu runs are done and saved in %s; run the same "
                "command again to finish\n",
                label_of(opt), state->n_done, sw->n_tasks, kept);
        code = msk_status_exit_code(MSK_EINTERRUPTED);
    } else if (state->n_done < sw->n_tasks && opt->prepared) {
        fprintf(stderr,
                "%s: shard %zu of %zu done (%zu of %zu draws are finished); run the same command without "
                "--shard once every shard is done, to write the result\n",
                label_of(opt), opt->shard_index, opt->shard_count, state->n_done, sw->n_tasks);
    } else if (state->n_done < sw->n_tasks) {
        fprintf(stderr,
                "msksim sweep: shard %zu of %zu done (%zu of %zu runs of the sweep are finished); run "
                "`msksim sweep %s -o %s` without --shard once every shard is done, to write the result\n",
                opt->shard_index, opt->shard_count, state->n_done, sw->n_tasks, opt->sweep_path, out);
    } else {
        code = assemble(opt, sw, state, out, progress_now() - f->t0);
    }
    free(mine);
    return code;
}

/* Rank 0: run the tasks left (here, or handing them to the other ranks), then
 * conclude. Returns the exit status. */
static int run_rank0(const sweeprun_options *opt, const mpi_env *e, const sweep *sw, const char *out,
                     journal_state *state, journal **jr, const size_t *todo, size_t n_todo, diag_list *d)
{
    sweeprun_farm f = {.sw = sw, .state = state, .jr = *jr, .todo = todo, .n_todo = n_todo,
                       .threads = opt->threads, .stop = opt->stop, .drain = opt->drain, .diags = d,
                       .show_progress = n_todo > 0, .t0 = progress_now(), .failure = MSK_OK,
                       .label = label_of(opt)};
    f.last_report = f.t0;
    if (e->size > 1) {
#ifdef MSK_HAVE_MPI
        run_master(e, &f);
#endif
    } else {
        run_serial(&f);
    }
    if (n_todo)
        report_progress(&f, 1);
    journal_close(*jr);
    *jr = NULL;
    diag_print(d, stderr);
    return conclude(opt, sw, state, &f, out);
}

int sweeprun(const sweeprun_options *opt, const mpi_env *e)
{
    diag_list d;
    diag_list_init(&d);
    sweep own;
    memset(&own, 0, sizeof own);
    const sweep *sw = opt->prepared ? opt->prepared : &own;
    const msk_status local =
        opt->prepared ? MSK_OK : sweep_load(&own, opt->sweep_path, opt->sets, opt->n_sets, e->rank == 0, &d);
    print_diags(e, &d);
    msk_status st = (msk_status)mpi_env_max(e, (int)local);
    if (st != MSK_OK) {
        if (e->rank == 0)
            fprintf(stderr, "%s: %s: %s; nothing was run\n", label_of(opt), opt->sweep_path, msk_status_message(st));
        if (local == MSK_OK)
            sweep_fini(&own);
        return msk_status_exit_code(st);
    }

    char default_path[PATH_MAX];
    const char *out = opt->out_path;
    if (!out) {
        if (e->rank == 0 && mkdir("output", 0777) != 0 && errno != EEXIST)
            fprintf(stderr, "msksim sweep: cannot create directory 'output': %s\n", strerror(errno));
        snprintf(default_path, sizeof default_path, "output/%s.h5", sw->sweep);
        out = default_path;
    }

    /* Rank 0 decides; the others follow. */
    journal_state state;
    memset(&state, 0, sizeof state);
    journal *jr = NULL;
    size_t *todo = NULL, n_todo = 0;
    msk_status why = MSK_OK;
    plan pl = e->rank == 0 ? decide(opt, sw, out, &state, &jr, &todo, &n_todo, &why, &d) : PLAN_RUN;
    pl = (plan)mpi_env_bcast(e, (int)pl);
    why = (msk_status)mpi_env_bcast(e, (int)why);
    int code = 0;
    if (pl != PLAN_RUN) {
        code = pl == PLAN_FAIL ? msk_status_exit_code(why) : 0;
    } else if (e->rank != 0) {
#ifdef MSK_HAVE_MPI
        run_worker(e, sw, opt->threads, opt->stop, label_of(opt));
#endif
    } else {
        code = run_rank0(opt, e, sw, out, &state, &jr, todo, n_todo, &d);
    }
    code = mpi_env_bcast(e, code);
    journal_close(jr);
    free(todo);
    journal_state_fini(&state);
    diag_list_fini(&d);
    sweep_fini(&own);
    return code;
}
