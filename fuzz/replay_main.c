/*
 * replay_main.c - run a libFuzzer target over files without libFuzzer, so
 * the committed corpora replay under gcc + ASan/UBSan in `make check`.
 * usage: replay FILE|DIR...   (a directory: every file in it, in name
 * order). Exit 0 when every input ran; a sanitizer or a broken property
 * aborts with the input's name printed first.
 */
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

int main(int argc, char **argv);

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    size_t n = 0, cap = 0, got;

    if (!f) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        return -1;
    }
    do {
        if (cap - n < 4096) {
            cap = cap ? cap * 2 : 8192;
            buf = realloc(buf, cap);
            if (!buf) {
                fclose(f);
                return -1;
            }
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    /* named before it runs: an abort leaves this as the last line */
    fprintf(stderr, "replay: %s\n", path);
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file in dir, in name order; the count run, or -1. */
static long run_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    long ran = 0;

    if (!d) {
        fprintf(stderr, "replay: cannot open %s\n", dir);
        return -1;
    }
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(dir) + strlen(de->d_name) + 2;
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            names = realloc(names, cap * sizeof *names);
            if (!names)
                abort();
        }
        if (!(names[n] = malloc(len)))
            abort();
        snprintf(names[n++], len, "%s/%s", dir, de->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    for (i = 0; i < n; i++) {
        if (ran >= 0 && run_file(names[i]) == 0)
            ran++;
        else
            ran = -1;
        free(names[i]);
    }
    free(names);
    return ran;
}

int main(int argc, char **argv)
{
    long total = 0;
    int i;

    for (i = 1; i < argc; i++) {
        struct stat sb;
        long ran;

        if (stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode))
            ran = run_dir(argv[i]);
        else
            ran = run_file(argv[i]) == 0 ? 1 : -1;
        if (ran < 0)
            return 1;
        total += ran;
    }
    printf("replayed %ld inputs\n", total);
    return 0;
}
