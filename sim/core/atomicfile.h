/* atomicfile.h — text outputs that appear whole or not at all.
 *
 * A table or parameter file is written to "<final>.tmp.XXXXXX" in the same directory
 * (created exclusively, never following an existing file or symlink) and renamed over
 * the final name only after it was flushed and synced. On any failure, or if the
 * process dies, the final name still holds what it held before. The path must pass
 * outpath_check (outpath.h), which atomicfile_open calls. */
#ifndef MSK_ATOMICFILE_H
#define MSK_ATOMICFILE_H

#include <stdio.h>

#include "status.h"

typedef struct {
    FILE *f;          /* write here */
    char *final_path;
    char *tmp_path;
} atomicfile;

/* Check final_path (outpath.h) and open a temporary file next to it. MSK_OK, or the
 * status of outpath_check, MSK_EIO or MSK_ENOMEM with a diagnostic. */
msk_status atomicfile_open(atomicfile *af, const char *final_path, diag_list *diags);

/* Flush, sync and rename into place (closing af->f), then sync the directory. A flush,
 * sync or close error is a failure: the temporary file is removed and a diagnostic
 * says why. After a stop signal (signals.h) nothing is renamed: the temporary file is
 * removed and the status is MSK_EINTERRUPTED. */
msk_status atomicfile_commit(atomicfile *af, diag_list *diags);

/* Abandon: close and remove the temporary file. Safe after commit (does nothing). */
void atomicfile_abort(atomicfile *af);

#endif
