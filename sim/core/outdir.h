/* outdir.h — write a set of files into a directory all or nothing.
 *
 * `msksim plot` and `msksim export` write many files. They go first into a private
 * temporary directory inside the target directory (same file system, so each file
 * moves by an atomic rename); only when all were written are they moved into place,
 * replacing files of the same names. A failed or interrupted command removes the
 * temporary directory and leaves the target as it was. The target directory is created
 * when missing (its parent must exist: a typo should fail, not scatter directories).
 *
 * The user names the directory, not the files in it, so only msksim's own files there
 * are ever replaced or removed. Each file moved into place carries the extended
 * attribute user.msksim = "output" (set before the rename; it stays with the file). A
 * name already taken by anything else (a file without the mark, a link, a FIFO, a
 * directory) makes the commit fail before anything moves: nothing is written and
 * nothing lost. On a file system without user attributes nothing is marked, so a second
 * run into the same directory is refused rather than risk another's file.
 *
 *   outdir o;
 *   if (outdir_begin(&o, "output/figs", &diags) != MSK_OK) ...;
 *   ... write files into o.tmp ...
 *   st = ok ? outdir_commit(&o, stale, &diags) : (outdir_abort(&o), st);
 */
#ifndef MSK_OUTDIR_H
#define MSK_OUTDIR_H

#include "status.h"

typedef struct {
    char *dir; /* the target, as given */
    char *tmp; /* DIR/.msksim-XXXXXX */
    int created; /* the target did not exist before */
} outdir;

/* Create (if needed) DIR and a temporary directory in it. MSK_EIO with a diagnostic
 * when DIR is not a directory or cannot be created or written. */
msk_status outdir_begin(outdir *o, const char *dir, diag_list *diags);

/* Sync and mark every file of o->tmp, check that each name in o->dir is free or
 * msksim's, then move them into o->dir. Before the move, files in o->dir whose names
 * are listed in `stale` (NULL-terminated; may be NULL), that the new set lacks and that
 * carry msksim's mark are removed, so a figure that no longer applies does not linger.
 * MSK_EIO with a diagnostic for each name taken by another's file. Frees o. */
msk_status outdir_commit(outdir *o, const char *const *stale, diag_list *diags);

/* Remove the temporary directory and its files (and DIR if this run created it and it
 * is empty). Frees o. Accepts a zeroed struct. */
void outdir_abort(outdir *o);

#endif
