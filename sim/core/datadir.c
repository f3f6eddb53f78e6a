/* datadir.c — finding the shipped data at run time (see datadir.h). */
#define _XOPEN_SOURCE 700 /* realpath */
#include "datadir.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef MSK_INSTALL_DATADIR
#define MSK_INSTALL_DATADIR "/usr/local/share/msksim"
#endif

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* The directory of the running executable ("" when /proc does not say). */
static void exe_dir(char *out, size_t size)
{
    char path[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
    out[0] = '\0';
    if (n <= 0)
        return;
    path[n] = '\0';
    char *slash = strrchr(path, '/');
    if (slash) {
        *slash = '\0';
        snprintf(out, size, "%s", path);
    }
}

const char *msk_data_find(const char *rel, char *buf, size_t size)
{
    char exe[PATH_MAX];
    exe_dir(exe, sizeof exe);
    const char *env = getenv("MSKSIM_DATA_DIR");
    char cand[5][PATH_MAX + 64];
    int n = 0;
    snprintf(cand[n++], sizeof cand[0], "%s", rel);
    if (env && *env)
        snprintf(cand[n++], sizeof cand[0], "%.*s/%s", PATH_MAX - 1, env, rel);
    if (*exe) {
        snprintf(cand[n++], sizeof cand[0], "%s/../share/msksim/%s", exe, rel);
        snprintf(cand[n++], sizeof cand[0], "%s/../%s", exe, rel);
    }
    snprintf(cand[n++], sizeof cand[0], "%s/%s", MSK_INSTALL_DATADIR, rel);
    for (int i = 0; i < n; i++)
        if (exists(cand[i])) {
            /* The relative candidate stays relative (a checkout's paths read as before);
             * the others are made canonical (no "bin/.." in messages and files). */
            char real[PATH_MAX];
            const char *shown = i > 0 && realpath(cand[i], real) ? real : cand[i];
            snprintf(buf, size, "%s", shown);
            return buf;
        }
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "", cand[i]);
    return NULL;
}
