/* spill.c — arrays in an unlinked temporary file (see spill.h). */
#define _GNU_SOURCE /* O_TMPFILE */
#include "spill.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "outpath.h"

/* A read-write file with no name in dir, or -1. */
static int nameless_file(const char *dir)
{
#ifdef O_TMPFILE
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0)
        return outpath_fd_above_stdio(fd);
#endif
    /* Without O_TMPFILE the name exists between mkstemp and unlink, microseconds. */
    char path[4096];
    if (snprintf(path, sizeof path, "%s/msksim-spill-XXXXXX", dir) >= (int)sizeof path)
        return -1;
    int fd2 = mkstemp(path);
    if (fd2 >= 0)
        unlink(path);
    return outpath_fd_above_stdio(fd2);
}

/* Would a file of `bytes` exceed the process's file-size limit (`ulimit -f`)? The
 * limit counts this file as any other, and the result may still fit under it. */
static int beyond_size_limit(size_t bytes)
{
    struct rlimit rl;
    return getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
           (uintmax_t)bytes > (uintmax_t)rl.rlim_cur;
}

static int file_backed(spill *s, size_t bytes)
{
    if (beyond_size_limit(bytes))
        return -1;
    /* Should a write still pass the limit, it fails with EFBIG instead of killing us. */
    outpath_ignore_sigxfsz();
    const char *dir = getenv("TMPDIR");
    int fd = nameless_file(dir && *dir ? dir : "/tmp");
    if (fd < 0)
        return -1;
    /* Reserve the blocks now: a full disk is found here, and the run falls back to
     * memory, instead of a SIGBUS when a page of the mapping cannot be written back. */
    if ((uintmax_t)bytes > (uintmax_t)INTMAX_MAX || posix_fallocate(fd, 0, (off_t)bytes) != 0) {
        close(fd);
        return -1;
    }
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) {
        close(fd);
        return -1;
    }
    s->data = p;
    s->fd = fd;
    return 0;
}

int spill_init(spill *s, size_t bytes, size_t memory_limit)
{
    s->data = NULL;
    s->bytes = bytes;
    s->fd = -1;
    if (bytes == 0)
        return 0;
    if (bytes > memory_limit && file_backed(s, bytes) == 0)
        return 0;
    s->data = calloc(bytes, 1);
    return s->data ? 0 : -1;
}

void spill_fini(spill *s)
{
    if (!s)
        return;
    if (s->fd >= 0) {
        munmap(s->data, s->bytes);
        close(s->fd);
    } else {
        free(s->data);
    }
    s->data = NULL;
    s->bytes = 0;
    s->fd = -1;
}

int spill_write(spill *s, size_t offset, const void *src, size_t len)
{
    if (s->fd < 0) {
        memcpy((char *)s->data + offset, src, len);
        return 0;
    }
    const char *p = src;
    while (len > 0) {
        ssize_t w = pwrite(s->fd, p, len, (off_t)offset);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        if (w == 0)
            return EIO;
        p += w;
        offset += (size_t)w;
        len -= (size_t)w;
    }
    return 0;
}

void spill_release(const spill *s, size_t offset, size_t len)
{
    if (s->fd < 0 || len == 0)
        return;
    /* madvise wants a page-aligned start; the pages around the range's ends stay. */
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t lo = (offset + page - 1) / page * page, hi = (offset + len) / page * page;
    if (hi > lo)
        madvise((char *)s->data + lo, hi - lo, MADV_DONTNEED);
}
