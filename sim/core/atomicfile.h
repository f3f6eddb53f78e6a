/* atomicfile.h — text outputs that appear whole or not at all.
 *
 * A table or parameter file is written to "<final>.tmp.XXXXXX" in the same directory
 * (created exclusively, never following an existing file or symlink) and renamed over
 * the final name only after it was flushed and synced. On any failure, or if the
 * process dies, the final name still holds what it held before. */
#ifndef MSK_ATOMICFILE_H
#define MSK_ATOMICFILE_H

#include <stdio.h>

#include "status.h"

typedef struct {
    FILE *f;          /* write here */
    char *final_path;
    char *tmp_path;
} atomicfile;

/* Open a temporary file next to final_path. */
msk_status atomicfile_open(atomicfile *af, const char *final_path, diag_list *diags);

/* Flush, sync and rename into place (closing af->f). On failure the temporary file is
 * removed and a diagnostic says why. */
msk_status atomicfile_commit(atomicfile *af, diag_list *diags);

/* Abandon: close and remove the temporary file. Safe after commit (does nothing). */
void atomicfile_abort(atomicfile *af);

#endif
