/* journal.h — the checkpoint of a sweep: finished tasks, appended and synced one by
 * one, so that a sweep killed at any moment (SIGKILL, node loss, time limit) resumes
 * where it stopped.
 *
 * A journal is a text file next to the result file, "OUT.journal" (or, for one shard
 * of a job array, "OUT.journal.I-of-M"). Its first line names the format and the
 * sweep's key (a hash of everything the results depend on, sweep.h); every further
 * line records one finished task and its outcomes as the hexadecimal bit patterns of
 * the doubles, so a resumed sweep reuses exactly the numbers computed before, and a
 * checksum:
 *     msksim-sweep-journal 1 key=0123456789abcdef tasks=240 values=3
 *     task 17 3ff0000000000000 c000000000000000 7ff8000000000000 sum=89ab01cd
 * A line is written with one write() and fsync'ed before the task counts as done. A
 * line cut short by a crash can only be the last one: it is ignored (and cut off
 * before the next append). A damaged line followed by good ones, or a journal of
 * another sweep (different key), is an error, never silently mixed in. */
#ifndef MSK_JOURNAL_H
#define MSK_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

typedef struct journal journal;

/* Finished tasks as read from one or more journals. */
typedef struct {
    size_t n_tasks, n_values;
    unsigned char *done; /* [n_tasks] */
    double *values;      /* [n_tasks][n_values] */
    size_t n_done;
} journal_state;

msk_status journal_state_init(journal_state *s, size_t n_tasks, size_t n_values);
void journal_state_fini(journal_state *s);

/* Read the journal at path into s (tasks already present are kept). A missing file
 * reads as empty. Returns MSK_OK, MSK_EDATA (another sweep's journal, or damaged;
 * diagnostic added), MSK_EIO or MSK_ENOMEM. */
msk_status journal_read(const char *path, uint64_t key, journal_state *s, diag_list *diags);

/* Names of the journals of result file out_path (its own and every shard's) that exist
 * now: a malloc'ed array of malloc'ed strings (free with journal_free_names). */
msk_status journal_find(const char *out_path, char ***names, size_t *n, diag_list *diags);
void journal_free_names(char **names, size_t n);

/* The journal name of out_path for shard `index` of `count` (count 0: unsharded). */
char *journal_name(const char *out_path, size_t index, size_t count);

/* Remove the journals of out_path (journal_find) once its result is written: only
 * regular files that are journals of the sweep with this key, never a link or another's
 * file of a journal-like name (those get a note on stderr). */
void journal_remove_all(const char *out_path, uint64_t key);

/* Open path for appending (created with its header if missing, or cut after its last
 * complete line), locked against a second writer. Returns NULL with a diagnostic.
 * The path must pass outpath_check_side; an existing file must be a regular file (not
 * a symbolic link, FIFO or device) whose text is a journal, or empty, or a header cut
 * short: anything else is refused and left untouched. The journal's descriptor is never
 * 0, 1 or 2, so nothing printed lands in it when the process started with one closed. */
journal *journal_open(const char *path, uint64_t key, size_t n_tasks, size_t n_values,
                      diag_list *diags);
/* Append task's values and fsync. MSK_OK or MSK_EIO (diagnostic added). */
msk_status journal_append(journal *j, size_t task, const double *values, diag_list *diags);
/* Close (the file stays). Accepts NULL. */
void journal_close(journal *j);

/* FNV-1a, 64 bits, continuing from h (start from JOURNAL_HASH_START): the sweep key
 * is built from it. */
#define JOURNAL_HASH_START 0xcbf29ce484222325ULL
uint64_t journal_hash(uint64_t h, const void *data, size_t len);

#endif
