/*
 * replay_main.c - run a libFuzzer target over files without libFuzzer, so
 * the committed corpus replays under gcc + ASan/UBSan in `make check`.
 * usage: replay FILE...   (exit 0 when every file ran; sanitizers abort)
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int main(int argc, char **argv);

int main(int argc, char **argv)
{
    int i;

    for (i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        unsigned char *buf = NULL;
        size_t n = 0, cap = 0, got;

        if (!f) {
            fprintf(stderr, "replay: cannot open %s\n", argv[i]);
            return 1;
        }
        do {
            if (cap - n < 4096) {
                cap = cap ? cap * 2 : 8192;
                buf = realloc(buf, cap);
                if (!buf)
                    return 1;
            }
            got = fread(buf + n, 1, cap - n, f);
            n += got;
        } while (got > 0);
        fclose(f);
        LLVMFuzzerTestOneInput(buf, n);
        free(buf);
    }
    printf("replayed %d inputs\n", argc - 1);
    return 0;
}
