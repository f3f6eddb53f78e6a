/* atomicfile.c — temporary file, fsync, rename (see atomicfile.h). */
#include "atomicfile.h"
#include "signals.h"

#include "outpath.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { RANDOM_CHARS = 6, ATTEMPTS = 100 };

msk_status atomicfile_open(atomicfile *af, const char *final_path, diag_list *diags)
{
    memset(af, 0, sizeof *af);
    /* The same policy as every output (outpath.h); checked again here because inputs
     * read since the command's own check count too. */
    msk_status checked = outpath_check(final_path, diags);
    if (checked != MSK_OK)
        return checked;
    const size_t n = strlen(final_path);
    af->final_path = strdup(final_path);
    af->tmp_path = malloc(n + 5 + RANDOM_CHARS + 1);
    if (!af->final_path || !af->tmp_path) {
        atomicfile_abort(af);
        return MSK_ENOMEM;
    }
    /* 0666 and O_EXCL: the umask decides permissions as for any output, and no existing
     * file or symlink is ever opened. The suffix only has to avoid collisions. */
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    struct timespec ts = {0, 0};
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t x = (uint64_t)getpid() * 0x9E3779B97F4A7C15u ^ (uint64_t)ts.tv_nsec ^
                 ((uint64_t)ts.tv_sec << 32);
    int fd = -1;
    for (int attempt = 0; attempt < ATTEMPTS && fd < 0; attempt++) {
        memcpy(af->tmp_path, final_path, n);
        memcpy(af->tmp_path + n, ".tmp.", 5);
        for (int i = 0; i < RANDOM_CHARS; i++) {
            x = x * 6364136223846793005u + 1442695040888963407u;
            af->tmp_path[n + 5 + i] = alphabet[(x >> 33) % 62];
        }
        af->tmp_path[n + 5 + RANDOM_CHARS] = '\0';
        fd = open(af->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0) {
        diag_add(diags, DIAG_ERROR, final_path, 0, 0, "",
                 "cannot create a temporary file next to it: %s", strerror(errno));
        free(af->tmp_path);
        af->tmp_path = NULL;
        atomicfile_abort(af);
        return MSK_EIO;
    }
    fd = outpath_fd_above_stdio(fd);
    af->f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!af->f) {
        if (fd >= 0)
            close(fd);
        atomicfile_abort(af);
        return MSK_ENOMEM;
    }
    return MSK_OK;
}

/* Make the rename itself durable; file systems that cannot sync a directory (EINVAL)
 * are left as they are, as in h5out. */
static void sync_dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    int fd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(dir);
}

msk_status atomicfile_commit(atomicfile *af, diag_list *diags)
{
    int failed = ferror(af->f) || fflush(af->f) != 0 || fsync(fileno(af->f)) != 0;
    int saved = errno;
    if (fclose(af->f) != 0 && !failed) {
        failed = 1;
        saved = errno;
    }
    af->f = NULL;
    /* A stop signal arrived while writing: the command reports "interrupted", so the
     * output must not appear (signals.h). The last moment to honour it is here. */
    if (!failed && msk_signals_stopped()) {
        atomicfile_abort(af);
        return MSK_EINTERRUPTED;
    }
    if (!failed && rename(af->tmp_path, af->final_path) != 0) {
        failed = 1;
        saved = errno;
    }
    if (!failed)
        sync_dir_of(af->final_path);
    if (failed) {
        diag_add(diags, DIAG_ERROR, af->final_path, 0, 0, "", "cannot write: %s%s",
                 strerror(saved ? saved : EIO), "; the previous file, if any, is unchanged");
        atomicfile_abort(af);
        return MSK_EIO;
    }
    free(af->tmp_path);
    af->tmp_path = NULL;
    atomicfile_abort(af);
    return MSK_OK;
}

void atomicfile_abort(atomicfile *af)
{
    if (af->f)
        fclose(af->f);
    if (af->tmp_path)
        unlink(af->tmp_path);
    free(af->tmp_path);
    free(af->final_path);
    memset(af, 0, sizeof *af);
}
