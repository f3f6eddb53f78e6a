/* cli_resources.c — estimate what a run needs and refuse, before the work, what cannot fit. */
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_resources.h"

#include "draws.h"
#include "estimate.h"
#include "sysmem.h"

/* The budget: --max-memory when given, else the machine's and this process's limits. */
static void budget(uint64_t max_memory, sysmem_budget *b)
{
    sysmem_budget_get(b);
    if (max_memory) {
        b->bytes = max_memory;
        snprintf(b->source, sizeof b->source, "--max-memory");
    }
}

/* What to change, for the part that takes most of the memory. */
static const char *advice(const engine_estimate *e)
{
    uint64_t acc = e->acc_bytes + e->thread_bytes, sample = e->sample_on_disk ? 0 : e->sample_bytes;
    if (e->log_bytes >= acc && e->log_bytes >= sample)
        return "record.event_log: sample (or none) keeps only the sampled people's events";
    if (sample >= acc)
        return "a smaller record.sample_size holds fewer full trajectories";
    return "fewer arms, fewer observation times (a larger observe_every_weeks) or fewer --threads "
           "shrink the accumulators";
}

static void memory_error(const scenario *sc, int threads, const engine_estimate *e, const sysmem_budget *b,
                         diag_list *diags)
{
    char need[32], lim[32], acc[32], thr[32], log[32], smp[32];
    sysmem_format((double)e->memory_bytes, need, sizeof need);
    sysmem_format((double)b->bytes, lim, sizeof lim);
    sysmem_format((double)e->acc_bytes, acc, sizeof acc);
    sysmem_format((double)e->thread_bytes, thr, sizeof thr);
    sysmem_format((double)e->log_bytes, log, sizeof log);
    sysmem_format((double)e->sample_bytes, smp, sizeof smp);
    diag_add(diags, DIAG_ERROR, sc->source_path, 0, 0, "",
             "this run needs about %s of memory but %s allows %s: accumulators %s (%zu arms x %zu "
             "observation times), the working copies of %d thread%s %s, event log %s (about %.3g entries), "
             "sampled trajectories %s%s; %s, or --max-memory SIZE sets the budget",
             need, b->source, lim, acc, e->n_arms, e->n_obs, threads, threads == 1 ? "" : "s", thr, log,
             e->log_entries, smp, e->sample_on_disk ? " (in a temporary file)" : "", advice(e));
}

/* The directory an output file goes into. */
static void output_dir(const char *output, char *dir, size_t size)
{
    char copy[PATH_MAX];
    snprintf(copy, sizeof copy, "%s", output);
    snprintf(dir, size, "%s", dirname(copy));
}

/* Refuse when even half the estimated size (it is within a factor of two) exceeds
 * `room`; warn when the estimate does. */
static msk_status room_check(const scenario *sc, const engine_estimate *e, uint64_t room, const char *where,
                             diag_list *diags)
{
    if (room == UINT64_MAX || e->output_bytes <= room)
        return MSK_OK;
    char need[32], have[32];
    sysmem_format((double)e->output_bytes, need, sizeof need);
    sysmem_format((double)room, have, sizeof have);
    int refuse = e->output_bytes / 2 > room;
    diag_add(diags, refuse ? DIAG_ERROR : DIAG_WARNING, sc->source_path, 0, 0, "",
             "the result file needs about %s but %s %s%s", need, where, have,
             refuse ? "" : "; it may not fit");
    return refuse ? MSK_EIO : MSK_OK;
}

/* The result must fit the file system it goes to and the file-size limit. */
static msk_status disk_check(const scenario *sc, const engine_estimate *e, const char *output, diag_list *diags)
{
    if (!output)
        return MSK_OK;
    char dir[PATH_MAX], where[PATH_MAX + 64];
    output_dir(output, dir, sizeof dir);
    snprintf(where, sizeof where, "the file system holding '%s' has only", dir);
    msk_status st = room_check(sc, e, sysmem_disk_free(dir), where, diags);
    if (st == MSK_OK)
        st = room_check(sc, e, sysmem_file_size_limit(), "the file-size limit (ulimit -f) is", diags);
    return st;
}

static void print_estimate(FILE *f, const engine_estimate *e, const sysmem_budget *b, int threads)
{
    char mem[32], lim[32], out[32], tmp[32];
    fprintf(f, "resources: about %s of memory (%s allows %s), a result of about %s",
            sysmem_format((double)e->memory_bytes, mem, sizeof mem), b->source,
            sysmem_format((double)b->bytes, lim, sizeof lim),
            sysmem_format((double)e->output_bytes, out, sizeof out));
    if (e->temp_bytes)
        fprintf(f, ", %s in a temporary file", sysmem_format((double)e->temp_bytes, tmp, sizeof tmp));
    fprintf(f, ", event log about %.3g entries; simulation about %.2g s on %d thread%s\n", e->log_entries,
            e->seconds, threads, threads == 1 ? "" : "s");
}

msk_status cli_resources(const scenario *sc, int threads, const char *output, uint64_t max_memory, FILE *report,
                         uint64_t *log_limit, diag_list *diags)
{
    sysmem_budget b;
    budget(max_memory, &b);
    engine_estimate e;
    msk_status st = engine_estimate_run(sc, threads, &e, diags);
    if (st != MSK_OK)
        return st;
    /* Parameter draws (draws.h): every draw's values, held by the journal's state, the
     * result's copy and the writer, and written to /draws. */
    const uint64_t draws = sc->draws > 0 ? 3 * (uint64_t)sc->draws * draws_value_count(sc->n_arms, e.n_obs) * sizeof(double) : 0;
    const uint64_t without = e.memory_bytes;
    e.memory_bytes += draws;
    e.output_bytes += draws / 3;
    if (report)
        print_estimate(report, &e, &b, threads);
    if (e.memory_bytes > b.bytes && without <= b.bytes) {
        char need[32], have[32];
        diag_add(diags, DIAG_ERROR, sc->source_path, 0, 0, "draws",
                 "the %lld parameter draws keep %s of outcomes in memory, and with the run that exceeds the "
                 "budget of %s; run fewer draws",
                 sc->draws, sysmem_format((double)draws, need, sizeof need), sysmem_format((double)b.bytes, have, sizeof have));
        return MSK_ENOMEM;
    }
    if (e.memory_bytes > b.bytes) {
        memory_error(sc, threads, &e, &b, diags);
        return MSK_ENOMEM;
    }
    if (!max_memory && b.available != UINT64_MAX && e.memory_bytes > b.available) {
        char need[32], have[32];
        diag_add(diags, DIAG_WARNING, sc->source_path, 0, 0, "",
                 "this run needs about %s of memory and only %s is free now; other processes may have to "
                 "give way, or the system may stop this one",
                 sysmem_format((double)e.memory_bytes, need, sizeof need),
                 sysmem_format((double)b.available, have, sizeof have));
    }
    if (log_limit)
        *log_limit = b.bytes == UINT64_MAX ? 0 : engine_estimate_log_limit(&e, b.bytes);
    return disk_check(sc, &e, output, diags);
}

int cli_parse_memory(const char *text, uint64_t *bytes)
{
    /* Below 1 MiB nothing runs: such a value is a mistake (a unit left out). */
    return sysmem_parse_size(text, bytes) == 0 && *bytes >= (1u << 20) ? 0 : -1;
}
