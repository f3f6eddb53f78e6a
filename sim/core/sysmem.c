/* sysmem.c — memory and disk budgets of this process (see sysmem.h). */
#include "sysmem.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <unistd.h>

/* Lower b to bytes when that is a tighter limit, saying where it came from. */
static void tighten(sysmem_budget *b, uint64_t bytes, const char *source)
{
    if (bytes < b->bytes) {
        b->bytes = bytes;
        snprintf(b->source, sizeof b->source, "%.*s", (int)sizeof b->source - 1, source);
    }
}

/* The first number in a one-line file such as memory.max; UINT64_MAX for "max", a
 * missing file or anything else. */
static uint64_t read_limit_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return UINT64_MAX;
    char line[64] = "";
    uint64_t v = UINT64_MAX;
    if (fgets(line, sizeof line, f) && isdigit((unsigned char)line[0])) {
        errno = 0;
        unsigned long long x = strtoull(line, NULL, 10);
        if (errno == 0)
            v = (uint64_t)x;
    }
    fclose(f);
    return v;
}

/* cgroup v2: the limit of this cgroup and of every ancestor (the tightest applies). */
static void cgroup_v2(sysmem_budget *b, const char *rel)
{
    char dir[4096], file[4200], what[4400];
    snprintf(dir, sizeof dir, "/sys/fs/cgroup%s", strcmp(rel, "/") == 0 ? "" : rel);
    for (;;) {
        snprintf(file, sizeof file, "%s/memory.max", dir);
        snprintf(what, sizeof what, "the cgroup limit (%s)", file);
        tighten(b, read_limit_file(file), what);
        char *slash = strrchr(dir, '/');
        if (!slash || strcmp(dir, "/sys/fs/cgroup") == 0)
            break;
        *slash = '\0';
    }
}

static void cgroups(sysmem_budget *b)
{
    FILE *f = fopen("/proc/self/cgroup", "r");
    if (!f)
        return;
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2)
            continue;
        *c2 = '\0';
        const char *controllers = c1 + 1, *rel = c2 + 1;
        if (strcmp(line, "0") == 0 && *controllers == '\0') {
            cgroup_v2(b, rel);
        } else if (strstr(controllers, "memory")) {
            char file[4200], what[4400];
            snprintf(file, sizeof file, "/sys/fs/cgroup/memory%s/memory.limit_in_bytes",
                     strcmp(rel, "/") == 0 ? "" : rel);
            snprintf(what, sizeof what, "the cgroup limit (%s)", file);
            tighten(b, read_limit_file(file), what);
        }
    }
    fclose(f);
}

static uint64_t mem_available(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    if (!f)
        return UINT64_MAX;
    char line[256];
    unsigned long long kb;
    uint64_t v = UINT64_MAX;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
            v = (uint64_t)kb * 1024u;
    fclose(f);
    return v;
}

void sysmem_budget_get(sysmem_budget *b)
{
    b->bytes = UINT64_MAX;
    snprintf(b->source, sizeof b->source, "no limit could be read");
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages > 0 && page > 0)
        tighten(b, (uint64_t)pages * (uint64_t)page, "the machine's physical memory");
    cgroups(b);
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
        tighten(b, (uint64_t)rl.rlim_cur, "the address-space limit (ulimit -v)");
    if (getrlimit(RLIMIT_DATA, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
        tighten(b, (uint64_t)rl.rlim_cur, "the data-segment limit (ulimit -d)");
    b->available = mem_available();
}

int sysmem_parse_size(const char *text, uint64_t *bytes)
{
    if (!text || !isdigit((unsigned char)text[0]))
        return -1;
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || !isfinite(v) || v <= 0)
        return -1;
    double mult = 1;
    const char *units = "KMGT";
    const char *u = *end ? strchr(units, toupper((unsigned char)*end)) : NULL;
    if (u && *end) {
        mult = pow(1024.0, (double)(u - units + 1));
        end++;
        if (tolower((unsigned char)end[0]) == 'i' && tolower((unsigned char)end[1]) == 'b')
            end += 2;
        else if (tolower((unsigned char)end[0]) == 'b')
            end++;
    } else if (tolower((unsigned char)*end) == 'b') {
        end++;
    }
    if (*end || v * mult >= 1.8e19 || v * mult < 1)
        return -1;
    *bytes = (uint64_t)(v * mult);
    return 0;
}

char *sysmem_format(double bytes, char *buf, size_t size)
{
    static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    int k = 0;
    while (bytes >= 1024 && k < 6) {
        bytes /= 1024;
        k++;
    }
    snprintf(buf, size, k == 0 ? "%.0f %s" : bytes < 10 ? "%.1f %s" : "%.0f %s", bytes, unit[k]);
    return buf;
}

uint64_t sysmem_disk_free(const char *dir)
{
    struct statvfs s;
    if (statvfs(dir, &s) != 0)
        return UINT64_MAX;
    return (uint64_t)s.f_bavail * (uint64_t)s.f_frsize;
}

uint64_t sysmem_file_size_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_FSIZE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
        return UINT64_MAX;
    return (uint64_t)rl.rlim_cur;
}
