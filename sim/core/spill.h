/* spill.h — a large zeroed array that may live in an unlinked temporary file.
 *
 * Output buffers that a run fills as it goes and reads once at the end (the sampled
 * trajectories: 359 MB in the benchmark's reference workload) need not stay in the
 * process's memory. Above a size limit the array is a shared mapping of a temporary
 * file that has no name (O_TMPFILE, else unlinked at once), so nothing is left behind
 * whatever ends the process. Writers copy in with spill_write (pwrite: the data go to
 * the page cache, which the kernel writes back and may reclaim, and never enter the
 * process's resident set); readers read through the mapping and hand the pages back
 * with spill_release once done. The file's blocks are reserved when it is made, so a
 * full disk shows at spill_init, not as a fault later. Below the limit, when no
 * temporary file can be made, or when the file would exceed the process's file-size
 * limit (RLIMIT_FSIZE, `ulimit -f`; SIGXFSZ is ignored so that no write can kill the
 * process), the array is ordinary memory. Either way the contents
 * are the same. */
#ifndef MSK_SPILL_H
#define MSK_SPILL_H

#include <stddef.h>

typedef struct {
    void *data;   /* the array (readable and writable; NULL when bytes is 0) */
    size_t bytes;
    int fd;       /* the temporary file; -1 when in memory */
} spill;

/* Default limit: arrays up to this size stay in memory. */
enum { SPILL_MEMORY_LIMIT = 64 << 20 };

/* Make a zeroed array of `bytes` bytes: in memory when bytes <= memory_limit, else in a
 * temporary file in $TMPDIR (or /tmp) when one can be made. Returns 0, or -1 when out
 * of memory. */
int spill_init(spill *s, size_t bytes, size_t memory_limit);
void spill_fini(spill *s);

/* Copy len bytes from src to offset. Safe from several threads at once for disjoint
 * ranges. Returns 0, or an errno value when the temporary file cannot be written. */
int spill_write(spill *s, size_t offset, const void *src, size_t len);

/* Tell the system that [offset, offset + len) will not be read again soon: in a file,
 * its pages leave the resident set (the contents stay). No effect in memory. */
void spill_release(const spill *s, size_t offset, size_t len);

#endif
