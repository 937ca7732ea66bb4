# shishi - build, run, test.
#
#   make          build build/shishi
#   make run      install what is missing, build, create the default database, start
#   make check    install what is missing, build, run every test
#   make bench    national-scale and HTTP benchmarks (figures go in README.md)
#
# Sources are found by wildcard: every src/<layer>/*.c is part of the
# program; src/cli/main.c holds main(). Tests link the same objects built
# with ASan + UBSan into build/asan/.

CC      ?= cc
PKGS    := sqlite3 jansson libsodium libmicrohttpd libutf8proc libpcre2-8 zlib xlsxwriter libzip expat
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lm -lpthread

WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Wvla -Werror
CFLAGS  ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L $(WARN) \
              -Isrc -Ibuild/gen $(PKG_CFLAGS) $(CFLAGS)
SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

SRC     := $(sort $(wildcard src/*/*.c))
LIBSRC  := $(filter-out src/cli/main.c,$(SRC))
GEN_SRC := build/gen/embedded.c build/gen/catalogue.c
OBJ     := $(patsubst src/%.c,build/obj/%.o,$(SRC)) build/obj/gen/embedded.o build/obj/gen/catalogue.o
LIBOBJ  := $(patsubst src/%.c,build/obj/%.o,$(LIBSRC)) build/obj/gen/embedded.o build/obj/gen/catalogue.o
ASANOBJ := $(patsubst src/%.c,build/asan/%.o,$(LIBSRC)) build/asan/gen/embedded.o build/asan/gen/catalogue.o
TESTSRC := $(sort $(wildcard tests/unit/test_*.c))
TESTBIN := $(patsubst tests/unit/%.c,build/asan/tests/%,$(TESTSRC))
EMBED   := $(sort $(wildcard data/embed/*))
# the message catalogues, in SS_LANG_* order (base/l10n.h)
PO      := po/zh_CN.po po/en.po po/ug.po

.PHONY: all run check deps test unit cli-tests clang-check bench clean format lint fuzz

all: build/shishi

build/shishi: $(OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(PKG_LIBS)

build/obj/%.o: src/%.c $(wildcard src/*/*.h) | build/gen/embedded.h
	@mkdir -p $(dir $@)
	@echo "  CC $<"; $(CC) $(ALL_CFLAGS) -c -o $@ $<

build/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(dir $@)
	@echo "  CC $<"; $(CC) $(ALL_CFLAGS) -c -o $@ $<

build/gen/embedded.c build/gen/embedded.h: $(EMBED) scripts/embed.sh
	@mkdir -p build/gen
	sh scripts/embed.sh build/gen $(EMBED)

build/gen/catalogue.c: $(PO) scripts/po2c.py scripts/pofile.py
	@mkdir -p build/gen
	python3 scripts/po2c.py $@ $(PO)

# ---- sanitizer build for tests ----
build/asan/%.o: src/%.c $(wildcard src/*/*.h) | build/gen/embedded.h
	@mkdir -p $(dir $@)
	@echo "  CC(asan) $<"; $(CC) $(ALL_CFLAGS) $(SAN) -O1 -c -o $@ $<

build/asan/gen/%.o: build/gen/%.c
	@mkdir -p $(dir $@)
	@echo "  CC(asan) $<"; $(CC) $(ALL_CFLAGS) $(SAN) -O1 -c -o $@ $<

build/asan/libshishi.a: $(ASANOBJ)
	rm -f $@ && ar rcs $@ $^

build/asan/shishi: build/asan/cli/main.o build/asan/libshishi.a
	$(CC) $(ALL_CFLAGS) $(SAN) -o $@ $^ $(PKG_LIBS)

build/asan/tests/%: tests/unit/%.c build/asan/libshishi.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN) -O1 -Itests/unit -o $@ $< build/asan/libshishi.a \
	    $(PKG_LIBS) $$(pkg-config --libs cmocka)

# ---- set-up and the two commands ----
deps:
	@sh scripts/deps.sh

DB ?= shishi.db
run: deps
	@$(MAKE) --no-print-directory all
	@sh scripts/run.sh "$(DB)"

check: deps
	@$(MAKE) --no-print-directory all build/asan/shishi $(TESTBIN)
	@sh tests/run-all.sh

unit: $(TESTBIN)
	@for t in $(TESTBIN); do echo "== $$t"; $$t || exit 1; done

# gcc and clang must both build warning-clean.
clang-check:
	@$(MAKE) --no-print-directory CC=clang CFLAGS="-O1" BUILD_ONLY=1 \
	    build/clang/shishi

build/clang/shishi: $(SRC) $(GEN_SRC)
	@mkdir -p build/clang
	clang $(ALL_CFLAGS) -o $@ $(SRC) $(GEN_SRC) $(PKG_LIBS)

bench: all build/bench/bench_core build/bench/bare_mhd
	@SHISHI_BENCH=1 sh scripts/deps.sh
	@sh bench/run.sh

build/bench/bench_core: bench/bench_core.c $(LIBOBJ)
	@mkdir -p build/bench
	$(CC) $(ALL_CFLAGS) -O2 -o $@ $< $(LIBOBJ) $(PKG_LIBS)

build/bench/bare_mhd: bench/bare_mhd.c
	@mkdir -p build/bench
	$(CC) $(ALL_CFLAGS) -O2 -o $@ $< $(PKG_LIBS)

format:
	clang-format -i $(SRC) $(wildcard src/*/*.h) $(TESTSRC)

lint:
	@sh scripts/lint.sh

clean:
	rm -rf build

# ---- fuzz (extract) ----
# make fuzz [FUZZ_TIME=seconds]: libFuzzer on the extractor, starting from
# the committed corpus; new inputs go to build/fuzz/corpus-extract (copy
# the interesting ones into fuzz/corpus/extract by hand).
FUZZ_TIME ?= 60
FUZZ_SAN  := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
fuzz: build/fuzz/extract_fuzz
	@mkdir -p build/fuzz/corpus-extract
	build/fuzz/extract_fuzz -max_total_time=$(FUZZ_TIME) -max_len=8192 \
	    build/fuzz/corpus-extract fuzz/corpus/extract

FUZZ_BASE := src/base/buf.c src/base/err.c src/base/escape.c src/base/json.c src/base/util.c
build/fuzz/extract_fuzz: fuzz/extract_fuzz.c $(FUZZ_BASE) $(wildcard src/base/*.h src/extract/*.c src/extract/*.h)
	@mkdir -p build/fuzz
	clang -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L $(WARN) -Isrc $(PKG_CFLAGS) \
	    -g -O1 $(FUZZ_SAN) -o $@ fuzz/extract_fuzz.c $(FUZZ_BASE) \
	    $(wildcard src/extract/*.c) $$(pkg-config --libs libutf8proc) -lm
# ---- fuzz (extract) ----
