/* outpath.h — the one policy for the files msksim writes: never destroy what a path
 * names, and refuse a hopeless output before any work.
 *
 * Every output of every command is checked here before the command starts its work
 * (and again where the file is created): the result of `run` and `sweep`, the
 * parameter file of `calibrate`, the tables of `evidence --tsv/--markdown` and `bench
 * --tsv`, and the side files (sweep journals). An output file is refused, with a
 * diagnostic naming the path and the reason, when it
 *   - is empty (MSK_EUSAGE) or ends in '/' (names a directory);
 *   - exists and is a directory, a FIFO, a device, a socket or a symbolic link (msksim
 *     replaces outputs whole by a rename, which would replace the node itself: as
 *     root, `-o /dev/null` would replace /dev/null);
 *   - is an input of the same command: the same device and inode as a file this
 *     process has read (outpath_note_input) — the scenario, a parameter file, the
 *     sweep file, its base scenario, the calibration file, the trials;
 *   - lies in a directory that is missing, not a directory, or where no file can be
 *     created (permissions, a read-only file system: tested by creating and removing
 *     the temporary sibling the real write will use);
 *   - has a name too long for its temporary sibling "NAME.tmp.XXXXXX" (or, for a
 *     sweep, for its journal names).
 * These refusals are MSK_EIO (exit status 74, "cannot write"), except the empty path.
 *
 * Writers also ignore SIGXFSZ (outpath_ignore_sigxfsz): under a file-size limit
 * (`ulimit -f`) a write then fails with EFBIG, which msksim reports and cleans up
 * after, instead of the process being killed with a temporary file left behind.
 *
 * The checks cannot close every race (a file created between the check and the
 * rename); they protect against mistakes, not against an adversary sharing the
 * directory. Directories of outputs (plot, export) follow outdir.h. */
#ifndef MSK_OUTPATH_H
#define MSK_OUTPATH_H

#include "status.h"

/* Record that this process reads the file at path (or, for a directory, every
 * *.yaml / *.yml file directly in it), so that no output may replace it. Files that
 * cannot be examined are skipped. The record holds up to OUTPATH_MAX_INPUTS files,
 * deduplicated; it is process-wide, like the open files it mirrors, and is meant to
 * be used from one thread (the loaders run before any parallel work). */
enum { OUTPATH_MAX_INPUTS = 4096 };
void outpath_note_input(const char *path);
/* The same for a file already open as fd (path only names it in messages). */
void outpath_note_input_fd(int fd, const char *path);

/* May path be written as an output file, replaced whole through a temporary sibling
 * "PATH.tmp.XXXXXX"? MSK_OK, or MSK_EUSAGE / MSK_EIO / MSK_ENOMEM with a diagnostic.
 * Also ignores SIGXFSZ. */
msk_status outpath_check(const char *path, diag_list *diags);

/* May path be a side file written in place (a sweep journal): absent, or an existing
 * regular file (not a link, FIFO, device or directory) that is no input, in a
 * directory that exists; its name within the name limit. Whether an existing file's
 * contents are the caller's to extend is the caller's check (journal.h). */
msk_status outpath_check_side(const char *path, diag_list *diags);

/* The longest file name the directory of path allows (NAME_MAX, usually 255). */
long outpath_name_max(const char *path);

/* fd, moved above the standard descriptors: a file opened while fd 0, 1 or 2 was
 * closed takes its number, and whatever the program then prints to stdout or stderr
 * would land in it. Returns a descriptor >= 3 (close-on-exec) and puts /dev/null on
 * the low number, or -1 (errno set; fd closed) when no descriptor is left. Descriptors
 * >= 3 are returned unchanged. */
int outpath_fd_above_stdio(int fd);

/* Ignore SIGXFSZ, so that exceeding a file-size limit is an EFBIG error of write(2),
 * not the end of the process. Idempotent. */
void outpath_ignore_sigxfsz(void);

#endif
