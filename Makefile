# shishi - build, run, test.
#
#   make          build build/shishi
#   make run      install what is missing, build, create the default database, start
#   make check    install what is missing, build, run every test (lint and
#                 the fuzz corpora's replays included), on SQLite and on a
#                 throwaway PostgreSQL cluster
#   make check-ha the failover test: a primary, its synchronous standby,
#                 the primary killed, the standby promoted (tests/pg/ha.test.sh;
#                 shishi serve through it, failover.test.sh; serve --db-replica,
#                 replica.test.sh)
#   make lint     the checks beyond the compilers' (scripts/lint.sh)
#   make fuzz     libFuzzer on every parser of outside input (fuzz/)
#   make bench    national-scale and HTTP benchmarks (figures go in README.md)
#
# Sources are found by wildcard: every src/<layer>/*.c is part of the
# program; src/cli/main.c holds main(). Tests link the same objects built
# with ASan + UBSan into build/asan/.

CC      ?= cc
# libpq for the PostgreSQL backend (src/store/store_db.c) and the tests'
# clusters (tests/unit/pgtest.h): every build links it; libcurl for the
# outbox's deliveries (src/core/deliver.c: SMTP, DingTalk, WeCom); cairo,
# pango, librsvg and fontconfig for the bulletin's PDF (src/web/bulletin_pdf.c);
# opencc for the extractor's traditional-script input (src/extract/decode.c)
PKGS    := sqlite3 jansson libsodium libmicrohttpd libutf8proc libpcre2-8 zlib xlsxwriter libzip expat libpq libcurl cairo pangocairo librsvg-2.0 fontconfig opencc
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lm -lpthread

WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Wvla -Werror
CFLAGS  ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L $(WARN) \
              -Isrc -Ibuild/gen $(PKG_CFLAGS) $(CFLAGS)
SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# the sanitizer build also walks the engine's invariants after every load
# and refresh (ss_engine_check; SHISHI_CHECK=0 turns it off at run time)
CHECKS  := -DSS_CHECK

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

.PHONY: all run check check-ha deps test unit cli-tests clang-check bench clean format lint fuzz replays

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
	@echo "  CC(asan) $<"; $(CC) $(ALL_CFLAGS) $(SAN) $(CHECKS) -O1 -c -o $@ $<

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
	@$(MAKE) --no-print-directory all build/asan/shishi $(TESTBIN) $(REPLAYBIN)
	@sh tests/run-all.sh

# longer than the rest and more than a minute on a busy machine: its own
# target, which .ci/run runs after make check
check-ha: deps
	@$(MAKE) --no-print-directory all build/asan/shishi
	@rc=0; for t in ha failover replica; do \
	    echo "== tests/pg/$$t.test.sh"; \
	    SHISHI=$(CURDIR)/build/asan/shishi sh tests/pg/$$t.test.sh || rc=1; \
	done; exit $$rc

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

# the files lint's format check reads: src, tests/unit, bench, fuzz
FORMAT_FILES := $(SRC) $(wildcard src/*/*.h tests/unit/*.c tests/unit/*.h bench/*.c fuzz/*.c fuzz/*.h)
format:
	clang-format -i $(FORMAT_FILES)

# format, layers, exported symbols, banned calls, cppcheck (scripts/lint.sh);
# make check runs it too (tests/lint/lint.sh). The symbol check reads the
# objects, so they are built first.
lint: deps
	@$(MAKE) --no-print-directory -s $(OBJ) > /dev/null
	@sh scripts/lint.sh

clean:
	rm -rf build

# ---- fuzz ----
# One libFuzzer target per parser of outside input, fuzz/NAME_fuzz.c, each
# with its committed corpus fuzz/corpus/NAME/ (and fuzz/NAME.dict where a
# dictionary helps); fuzz/README.md says how to keep the corpora.
#   make fuzz [FUZZ="sheet cookie"] [FUZZ_TIME=seconds per target]
# builds the library and the targets with clang and
# -fsanitize=fuzzer,address,undefined (build/fuzz/) and runs each from its
# corpus; new inputs go to build/fuzz/corpus-NAME, crashes to
# build/fuzz/crash-NAME-*. make check replays the committed corpora through
# the same targets built with $(CC), ASan + UBSan and a plain main
# (fuzz/replay_main.c): tests/fuzz/replay.sh.
FUZZ_NAMES := $(patsubst fuzz/%_fuzz.c,%,$(sort $(wildcard fuzz/*_fuzz.c)))
FUZZ      ?= $(FUZZ_NAMES)
FUZZ_TIME ?= 60
FUZZ_LEN  ?= 8192
FUZZ_LEN_sheet := 65536
FUZZ_LEN_multipart := 16384
FUZZ_SAN  := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_OBJ  := $(patsubst src/%.c,build/fuzz/obj/%.o,$(LIBSRC)) build/fuzz/obj/gen/embedded.o
REPLAYBIN := $(patsubst %,build/asan/fuzz/%_fuzz,$(FUZZ_NAMES))

replays: $(REPLAYBIN)

fuzz: $(addprefix fuzz-,$(FUZZ))

fuzz-%: build/fuzz/%_fuzz
	@mkdir -p build/fuzz/corpus-$*
	@echo "== fuzz $* ($(FUZZ_TIME) s)"
	build/fuzz/$*_fuzz -max_total_time=$(FUZZ_TIME) -max_len=$(or $(FUZZ_LEN_$*),$(FUZZ_LEN)) \
	    $(if $(wildcard fuzz/$*.dict),-dict=fuzz/$*.dict) -artifact_prefix=build/fuzz/crash-$*- \
	    -print_final_stats=1 build/fuzz/corpus-$* fuzz/corpus/$*

build/fuzz/obj/%.o: src/%.c $(wildcard src/*/*.h) | build/gen/embedded.h
	@mkdir -p $(dir $@)
	@echo "  CC(fuzz) $<"; clang $(ALL_CFLAGS) -O1 -fsanitize=fuzzer-no-link,address,undefined \
	    -fno-sanitize-recover=all -c -o $@ $<

build/fuzz/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(dir $@)
	@echo "  CC(fuzz) $<"; clang $(ALL_CFLAGS) -O1 -fsanitize=fuzzer-no-link,address,undefined \
	    -fno-sanitize-recover=all -c -o $@ $<

build/fuzz/libshishi.a: $(FUZZ_OBJ)
	rm -f $@ && ar rcs $@ $^

build/fuzz/%_fuzz: fuzz/%_fuzz.c fuzz/fuzz.h build/fuzz/libshishi.a
	clang $(ALL_CFLAGS) -O1 $(FUZZ_SAN) -Ifuzz -o $@ $< build/fuzz/libshishi.a $(PKG_LIBS)

# the replays make check runs: no libFuzzer, any compiler
build/asan/fuzz/%_fuzz: fuzz/%_fuzz.c fuzz/replay_main.c fuzz/fuzz.h build/asan/libshishi.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN) -O1 -Ifuzz -o $@ fuzz/replay_main.c $< build/asan/libshishi.a \
	    $(PKG_LIBS)
