# socklab — a terminal laboratory for sockets.
#
#   make                 build ./socklab
#   make test            build and run every test (unit, integration, CLI, interop, TUI)
#   make check           the same suite under AddressSanitizer + UBSan
#   make tsan            the threaded tests under ThreadSanitizer
#   make install         PREFIX=/usr/local DESTDIR=
#   make SANITIZE=address,undefined   any build, sanitized (objects in build-<san>/)

CC ?= cc
CFLAGS ?= -O2 -g
PKG_CONFIG ?= pkg-config
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
LOCALEDIR ?= $(PREFIX)/share/locale
VERSION := 0.1.0

WARN = -Wall -Wextra -Wshadow -Wformat=2 -Wpointer-arith -Wstrict-prototypes \
       -Wmissing-prototypes -Wvla -Wundef -Wcast-align -Wwrite-strings -Wnull-dereference \
       -Wimplicit-fallthrough
ifneq ($(WERROR),)
WARN += -Werror
endif

CURSES_CFLAGS := $(shell $(PKG_CONFIG) --cflags ncursesw 2>/dev/null)
CURSES_LIBS := $(shell $(PKG_CONFIG) --libs ncursesw 2>/dev/null || echo -lncursesw)
READLINE_CFLAGS := $(shell $(PKG_CONFIG) --cflags readline 2>/dev/null)
READLINE_LIBS := $(shell $(PKG_CONFIG) --libs readline 2>/dev/null || echo -lreadline)
# libpcap (capture) and libmnl (sock_diag) are the core's only libraries.
PCAP_CFLAGS := $(shell $(PKG_CONFIG) --cflags libpcap 2>/dev/null)
PCAP_LIBS := $(shell $(PKG_CONFIG) --libs libpcap 2>/dev/null || echo -lpcap)
MNL_CFLAGS := $(shell $(PKG_CONFIG) --cflags libmnl 2>/dev/null)
MNL_LIBS := $(shell $(PKG_CONFIG) --libs libmnl 2>/dev/null || echo -lmnl)
CORE_LIBS = $(PCAP_LIBS) $(MNL_LIBS)
CMOCKA_CFLAGS := $(shell $(PKG_CONFIG) --cflags cmocka 2>/dev/null)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)

ifneq ($(SANITIZE),)
BUILD ?= build-$(subst $(comma),-,$(SANITIZE))
SAN_FLAGS = -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
else
BUILD ?= build
endif
comma := ,

# CPPFLAGS, CFLAGS and LDFLAGS from the environment (dpkg-buildflags, a
# distribution's hardening) are honoured; the flags the code needs come
# first so that they cannot be lost.
ALL_CPPFLAGS = -D_GNU_SOURCE -DSOCKLAB_VERSION='"$(VERSION)"' -Iinclude -Isrc $(CPPFLAGS)
ALL_CFLAGS = -std=c11 $(WARN) $(CFLAGS) $(SAN_FLAGS) -MMD -MP -pthread
ALL_LDFLAGS = $(LDFLAGS) $(SAN_FLAGS) -pthread

ifeq ($(V),)
Q = @
E = @printf '  %-6s %s\n'
else
Q =
E = @true
endif

CORE_SRC := $(wildcard src/core/*.c)
# src/main.c, the entry point, sits above both front ends: the CLI and
# the lab's library each link without the other.
MAIN_SRC := src/main.c
CLI_SRC := $(wildcard src/cli/*.c)
TUI_SRC := $(wildcard src/tui/*.c)
CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/%.o) $(BUILD)/lessons.o
# The shipped lessons, built in as data (tools/embed-lessons.sh); in the
# tutorial's order: 0, 1, 1.b, 2, ...
LESSON_FILES := $(shell ls lessons/*.lesson 2>/dev/null | sed 's/\.lesson$$//' | sort -V | sed 's/$$/.lesson/')
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ := $(MAIN_SRC:%.c=$(BUILD)/%.o)
TUI_OBJ := $(TUI_SRC:%.c=$(BUILD)/%.o)
LIBCORE := $(BUILD)/libsocklab.a
# The UI layer is a library too, so its pure parts can be unit tested.
LIBTUI := $(BUILD)/libsocklab-tui.a

ifeq ($(BUILD),build)
BIN := socklab
else
BIN := $(BUILD)/socklab
endif

UNIT_SRC := $(wildcard tests/unit/test_*.c)
INTEG_SRC := $(wildcard tests/integration/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/%.c=$(BUILD)/tests/%)
INTEG_BIN := $(INTEG_SRC:tests/%.c=$(BUILD)/tests/%)
TEST_BIN := $(UNIT_BIN) $(INTEG_BIN)
# The lab's tests link the lab's library (and so curses and readline);
# every other test needs the core alone.
TUI_TEST_BIN := $(filter $(BUILD)/tests/unit/test_tui_%,$(UNIT_BIN))
CORE_TEST_BIN := $(filter-out $(TUI_TEST_BIN),$(TEST_BIN))
# Kept after a link, so that the next build relinks nothing it need not.
.SECONDARY: $(TEST_BIN:%=%.o) $(BUILD)/tests/tools/jsoncheck.o

.DEFAULT_GOAL := all

# ---- translations: po/ (po/README.md) ----
# Each po/LL.po compiles to $(BUILD)/locale/LL/LC_MESSAGES/socklab.mo; the
# stamp file tells a binary run from the tree to use these (src/cli/lang.c).
PO_FILES := $(wildcard po/*.po)
PO_LANGS := $(PO_FILES:po/%.po=%)
MO_FILES := $(PO_LANGS:%=$(BUILD)/locale/%/LC_MESSAGES/socklab.mo)
MO_STAMP := $(BUILD)/locale/socklab-catalogues
# Where sentences are marked: N_() in the headers and tables, _() where
# shown, msg_tr() / ngettext() in the formatters.
PO_SOURCES = $(sort $(wildcard include/socklab/*.h src/*/*.h src/*/*.c))
XGETTEXT_FLAGS = --from-code=UTF-8 --language=C --keyword=_ --keyword=N_ --keyword=msg_tr \
	--keyword=msg_ntr:1,2 --keyword=ngettext:1,2 --keyword=NN_:1,2 --add-comments=TRANSLATORS: \
	--package-name=socklab --package-version=$(VERSION) --no-location --sort-output \
	--msgid-bugs-address=https://github.com/socklab/socklab/issues

$(BUILD)/locale/%/LC_MESSAGES/socklab.mo: po/%.po
	@mkdir -p $(dir $@)
	$(E) MSGFMT $<
	$(Q)msgfmt --check -o $@ $<

# The catalogues' directory the binary looks in, as a header rewritten only
# when LOCALEDIR changes: `make install PREFIX=/usr` rebuilds what needs it.
$(BUILD)/localedir.h: FORCE
	@mkdir -p $(dir $@)
	@echo '#define SOCKLAB_LOCALEDIR "$(LOCALEDIR)"' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(BUILD)/src/cli/lang.o: $(BUILD)/localedir.h
$(BUILD)/src/cli/lang.o: ALL_CFLAGS += -I$(BUILD)
.PHONY: FORCE
FORCE:

$(MO_STAMP): $(MO_FILES)
	@mkdir -p $(dir $@)
	$(Q)echo "catalogues built from po/ by make" > $@

.PHONY: po-update po-check
# Regenerates the template from the code and merges it into every language.
po-update:
	$(Q)xgettext $(XGETTEXT_FLAGS) -o po/socklab.pot $(PO_SOURCES)
	$(Q)for p in $(PO_FILES); do msgmerge --quiet --update --backup=none --no-location \
		--sort-output --no-wrap $$p po/socklab.pot || exit 1; done

# CI: the template matches the code, every message of every language is
# translated and not fuzzy, and no sentence bypasses the catalogue.
po-check:
	$(Q)tools/po-check.sh

.PHONY: format format-check all test test-unit test-integration test-scripts check tsan install uninstall clean \
	fuzz fuzz-smoke bench bench-smoke screenshots valgrind deb

all: $(BIN) $(MO_STAMP)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(E) CC $<
	$(Q)$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(CURSES_CFLAGS) $(READLINE_CFLAGS) $(PCAP_CFLAGS) $(MNL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(E) CC $<
	$(Q)$(CC) $(ALL_CPPFLAGS) -Itests -Itests/lib $(ALL_CFLAGS) $(CMOCKA_CFLAGS) -c -o $@ $<

# What the tests share: the one strict JSON reader (tests/lib), linked into
# every test binary, and the shell tests' checker built on it.
TEST_LIB := $(BUILD)/tests/lib/json_check.o
JSONCHECK := $(BUILD)/tests/tools/jsoncheck

$(JSONCHECK): $(BUILD)/tests/tools/jsoncheck.o $(TEST_LIB)
	$(E) LD $@
	$(Q)$(CC) -o $@ $^ $(ALL_LDFLAGS)

$(BUILD)/lessons.c: $(LESSON_FILES) tools/embed-lessons.sh
	@mkdir -p $(dir $@)
	$(E) EMBED lessons
	$(Q)tools/embed-lessons.sh $@ $(LESSON_FILES)

$(BUILD)/lessons.o: $(BUILD)/lessons.c
	$(E) CC $<
	$(Q)$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(LIBCORE): $(CORE_OBJ)
	$(E) AR $@
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(LIBTUI): $(TUI_OBJ)
	$(E) AR $@
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(BIN): $(MAIN_OBJ) $(CLI_OBJ) $(LIBTUI) $(LIBCORE)
	$(E) LD $@
	$(Q)$(CC) -o $@ $(MAIN_OBJ) $(CLI_OBJ) $(LIBTUI) $(LIBCORE) $(ALL_LDFLAGS) $(READLINE_LIBS) $(CURSES_LIBS) $(CORE_LIBS)

$(CORE_TEST_BIN): $(BUILD)/tests/%: $(BUILD)/tests/%.o $(TEST_LIB) $(LIBCORE)
	$(E) LD $@
	$(Q)$(CC) -o $@ $< $(TEST_LIB) $(LIBCORE) $(ALL_LDFLAGS) $(CMOCKA_LIBS) $(CORE_LIBS)

$(TUI_TEST_BIN): $(BUILD)/tests/%: $(BUILD)/tests/%.o $(TEST_LIB) $(LIBTUI) $(LIBCORE)
	$(E) LD $@
	$(Q)$(CC) -o $@ $< $(TEST_LIB) $(LIBTUI) $(LIBCORE) $(ALL_LDFLAGS) $(CMOCKA_LIBS) $(READLINE_LIBS) $(CURSES_LIBS) $(CORE_LIBS)

# Every test: cmocka binaries first, then the scripts that drive the real
# binary (CLI, the tutorial's Python programs, the TUI in tmux).
# tests/cli/serve_stop.sh streams from 1000 clients with the bench's load
# generator.
test: $(BIN) $(MO_STAMP) $(TEST_BIN) $(JSONCHECK) $(BUILD)/bench/loadgen
	$(Q)tests/run-all $(BUILD) $(BIN)

test-unit: $(UNIT_BIN)
	$(Q)for t in $(UNIT_BIN); do $$t || exit 1; done

test-integration: $(INTEG_BIN)
	$(Q)for t in $(INTEG_BIN); do $$t || exit 1; done

check:
	$(Q)$(MAKE) --no-print-directory SANITIZE=address,undefined test

# Everything that runs servers in threads, under ThreadSanitizer.
tsan:
	$(Q)$(MAKE) --no-print-directory SANITIZE=thread build-thread/socklab build-thread/locale/socklab-catalogues \
		build-thread/tests/tools/jsoncheck build-thread/bench/loadgen \
		$(INTEG_SRC:tests/%.c=build-thread/tests/%)
	$(Q)SOCKLAB_ONLY="integration cli robust sandbox tui" tests/run-all build-thread build-thread/socklab

# memcheck over the cmocka binaries, a serve session and a lab session.
valgrind: $(BIN) $(TEST_BIN)
	$(Q)tests/valgrind.sh $(BUILD) $(BIN)

install: $(BIN) $(MO_STAMP)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/es/man1
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/socklab
	install -m 644 doc/socklab.1 $(DESTDIR)$(MANDIR)/man1/socklab.1
	install -m 644 doc/es/socklab.1 $(DESTDIR)$(MANDIR)/es/man1/socklab.1
	for l in $(PO_LANGS); do \
		install -d $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES && \
		install -m 644 $(BUILD)/locale/$$l/LC_MESSAGES/socklab.mo \
			$(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/socklab.mo || exit 1; done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/socklab $(DESTDIR)$(MANDIR)/man1/socklab.1 \
		$(DESTDIR)$(MANDIR)/es/man1/socklab.1
	for l in $(PO_LANGS); do rm -f $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/socklab.mo; done

clean:
	rm -rf build build-* socklab

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# ---- fuzzing: libFuzzer targets in tests/fuzz (doc/FUZZING.md) ----
#   make fuzz FUZZ_SECONDS=60    each target for that long, one after the other
#   make fuzz-smoke              each target for FUZZ_SMOKE_SECONDS (CI)
# Each target is built by clang with the core's sources compiled in (not
# the gcc-built archive). New inputs go to build-fuzz/corpus/<target>; the
# committed seeds in tests/fuzz/corpus/<target> are only read. A crash
# leaves its input in build-fuzz/artifacts/<target>/ and fails the run.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 5
FUZZ_FLAGS ?=
FUZZ_BUILD := build-fuzz
FUZZ_COMMON := tests/fuzz/fuzz_util.c tests/lib/json_check.c tests/fuzz/event_fill.c
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,\
	$(filter-out $(FUZZ_COMMON),$(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_BIN := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)
FUZZ_CFLAGS = -std=c11 $(ALL_CPPFLAGS) -Itests/fuzz -Itests/lib $(WARN) -O1 -g -fno-omit-frame-pointer -pthread \
	      -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_COMMON) $(CORE_SRC) \
		$(wildcard include/socklab/*.h tests/fuzz/*.h tests/lib/*.h)
	@mkdir -p $(dir $@)
	$(E) FUZZCC $@
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_COMMON) $(CORE_SRC) $(FUZZ_EXTRA_$*) \
		$(PCAP_CFLAGS) $(MNL_CFLAGS) $(CORE_LIBS)

# The client pane's command parser is pure, so it is fuzzed on its own.
FUZZ_EXTRA_tui_cmd := src/tui/tui_cmd.c
$(FUZZ_BUILD)/fuzz_tui_cmd: $(FUZZ_EXTRA_tui_cmd) src/tui/tui_cmd.h

# $(1): seconds per target. The framer gets longer inputs than the rest so
# that lines can straddle its 4 KiB compaction threshold; tests/fuzz/<t>.dict,
# where there is one, gives libFuzzer the words of that grammar.
fuzz_run = for t in $(FUZZ_TARGETS); do \
	mkdir -p $(FUZZ_BUILD)/corpus/$$t $(FUZZ_BUILD)/artifacts/$$t || exit 1; \
	case $$t in frame) len=16384 ;; *) len=4096 ;; esac; \
	dict=; [ -f tests/fuzz/$$t.dict ] && dict=-dict=tests/fuzz/$$t.dict; \
	echo "  FUZZ   $$t for $(1) s"; \
	$(FUZZ_BUILD)/fuzz_$$t -max_total_time=$(1) -max_len=$$len -timeout=10 $$dict \
		-print_final_stats=1 -artifact_prefix=$(FUZZ_BUILD)/artifacts/$$t/ \
		$(FUZZ_FLAGS) $(FUZZ_BUILD)/corpus/$$t tests/fuzz/corpus/$$t || exit 1; \
	done

fuzz: $(FUZZ_BIN)
	$(Q)$(call fuzz_run,$(FUZZ_SECONDS))

fuzz-smoke: $(FUZZ_BIN)
	$(Q)$(call fuzz_run,$(FUZZ_SMOKE_SECONDS))

# The benchmark (bench/): a load generator and a minimal baseline server,
# always -O2 and unsanitized so that every figure means the same thing.
# bench writes BENCHMARKS.md (minutes); bench-smoke checks the harness in
# seconds and fails when any part of it does.
BENCH_BIN := $(BUILD)/bench/loadgen $(BUILD)/bench/baseline

$(BUILD)/bench/%: bench/%.c
	@mkdir -p $(dir $@)
	$(E) CC $<
	$(Q)$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -O2 -pthread -o $@ $<

bench: $(BIN) $(BENCH_BIN)
	$(Q)bench/run --build $(BUILD) --bin $(BIN)

bench-smoke: $(BIN) $(BENCH_BIN)
	$(Q)bench/run --smoke --build $(BUILD) --bin $(BIN)

# The Debian package (debian/): built from a copy of the tracked files in
# build-deb/, where the .deb lands too, then its contents and lintian
# checked (no error may be reported). `dpkg -i build-deb/socklab_*.deb`
# installs it on each machine of a lab room.
DEB_DIR := build-deb
deb:
	$(Q)rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/socklab-$(VERSION)
	$(Q)if git rev-parse --git-dir >/dev/null 2>&1; then \
		git ls-files -z | xargs -0 tar -cf - | tar -xf - -C $(DEB_DIR)/socklab-$(VERSION); \
	else \
		tar -cf - --exclude='./build*' --exclude=./socklab . | tar -xf - -C $(DEB_DIR)/socklab-$(VERSION); \
	fi
	$(Q)cd $(DEB_DIR)/socklab-$(VERSION) && DEB_BUILD_OPTIONS="parallel=2 $(DEB_BUILD_OPTIONS)" \
		dpkg-buildpackage -us -uc -b >../build.log 2>&1 || { tail -40 ../build.log; exit 1; }
	$(Q)tools/deb-check.sh $(DEB_DIR)/socklab_$(VERSION)-1_*.deb

# PNG images of the real lab in tmux (needs tmux and python3-pil; not run by CI).
screenshots: $(BIN)
	$(Q)tools/screenshots.sh $(BIN) screenshots

# The code follows .clang-format (checked in CI; the version Debian ships).
CLANG_FORMAT ?= clang-format
FORMAT_SRC = $(shell git ls-files '*.c' '*.h' 2>/dev/null)

format:
	$(Q)$(CLANG_FORMAT) -i $(FORMAT_SRC)

format-check:
	$(Q)bad=0; for f in $(FORMAT_SRC); do \
		$(CLANG_FORMAT) "$$f" | cmp -s - "$$f" || { echo "  not formatted: $$f (make format)"; bad=1; }; \
	done; exit $$bad
