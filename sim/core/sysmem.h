/* sysmem.h — how much memory and disk this process may use, and sizes as people write them.
 *
 * A run that needs more memory than it can have should be refused before it starts,
 * with the cause, not killed hours later: by the kernel's OOM killer, by Slurm's cgroup
 * limit (which kills without a message), or by an allocation failing deep inside. The
 * budget is the smallest of the limits that apply to this process: physical memory, the
 * cgroup's memory limit (v2 memory.max of this cgroup and every ancestor, or v1
 * memory.limit_in_bytes) and the address-space and data-segment rlimits (`ulimit -v`,
 * `ulimit -d`). Sizes use binary units (K = 1024), as Slurm's --mem does. */
#ifndef MSK_SYSMEM_H
#define MSK_SYSMEM_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t bytes;     /* UINT64_MAX when nothing could be read */
    char source[160];   /* where the limit comes from, e.g. "the cgroup limit (/sys/fs/cgroup/x/memory.max)" */
    uint64_t available; /* MemAvailable now (/proc/meminfo), UINT64_MAX when unknown: free
                           memory varies, so it only warns, it never refuses */
} sysmem_budget;

/* The memory this process may use, and where that limit comes from. */
void sysmem_budget_get(sysmem_budget *b);

/* Parse a size: a positive number with an optional unit K, M, G or T (optionally
 * followed by "iB" or "B", any case), binary multiples; a bare number is bytes.
 * "400M", "1.5G", "2GiB", "1048576". Returns 0, or -1 when it is not a size. */
int sysmem_parse_size(const char *text, uint64_t *bytes);

/* "1.4 GiB", "312 MiB", "900 KiB", "12 B" into buf. Returns buf. */
char *sysmem_format(double bytes, char *buf, size_t size);

/* Free space for an unprivileged writer in the file system holding dir, in bytes;
 * UINT64_MAX when it cannot be read. */
uint64_t sysmem_disk_free(const char *dir);

/* The file-size limit (`ulimit -f`) in bytes; UINT64_MAX when unlimited. */
uint64_t sysmem_file_size_limit(void);

#endif
