# leakpipe - one non-recursive GNU Makefile.  `make help` lists the targets.

PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
MANDIR      ?= $(PREFIX)/share/man
DATADIR     ?= $(PREFIX)/share/leakpipe
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
DESTDIR     ?=

CC         ?= cc
CFLAGS     ?= -O2 -g
PKG_CONFIG ?= pkg-config
PROTOC_C   ?= protoc-c
DEPS        = jansson libarchive libprotobuf-c zlib libcurl

# SANITIZE=address,undefined builds everything in its own tree.
SANITIZE ?=
ifneq ($(SANITIZE),)
BUILD ?= build/san-$(subst $(comma),-,$(SANITIZE))
SAN_FLAGS = -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
else
BUILD ?= build
SAN_FLAGS =
endif
comma := ,

WARN = -Wall -Wextra -Wpedantic -Wshadow -Wformat=2 -Wstrict-prototypes \
       -Wmissing-prototypes -Wold-style-definition -Wcast-qual -Wpointer-arith \
       -Wundef -Wvla -Wwrite-strings -fno-common
ifneq ($(DEV)$(CI),)
WARN += -Werror
endif

PKG_OK := $(shell $(PKG_CONFIG) --exists $(DEPS) 2>/dev/null && echo yes)
ifeq ($(PKG_OK),yes)
DEP_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(DEPS))
# libcurl is loaded when a URL is given (lib/fetch.c): headers, no -lcurl.
DEP_LIBS   := $(shell $(PKG_CONFIG) --libs $(filter-out libcurl,$(DEPS)))
endif

LP_CFLAGS  = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) \
             -iquote lib -iquote $(BUILD)/gen $(DEP_CFLAGS) $(SAN_FLAGS) -MMD -MP
LP_LDFLAGS = $(SAN_FLAGS)
LP_LIBS    = $(DEP_LIBS) -lm -ldl

ifeq ($(V),1)
Q =
else
Q = @
endif

PROGS    = $(notdir $(wildcard cmd/*))
LIB_SRC  = $(sort $(wildcard lib/*.c))
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/profile.pb-c.o
LIB_A    = $(BUILD)/libleakpipe.a
BINS     = $(PROGS:%=$(BUILD)/bin/%)
UNIT_SRC = $(sort $(wildcard tests/unit/*_test.c))
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC = $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_REPLAY = $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/tests/%-replay)
MANPAGES = $(sort $(wildcard man/*.1 man/*.7))

.PHONY: all check deps install uninstall clean bench fuzz asan ubsan lint \
        demo help update-golden depcheck torture
.DEFAULT_GOAL := all

## all: build the programs into $(BUILD)/bin
all: depcheck $(BINS)

depcheck:
ifneq ($(PKG_OK),yes)
	@echo "leakpipe: missing build dependencies ($(DEPS)); run 'make deps'" >&2; exit 1
endif

$(BUILD)/gen/profile.pb-c.c $(BUILD)/gen/profile.pb-c.h: share/proto/profile.proto
	@mkdir -p $(BUILD)/gen
	$(Q)$(PROTOC_C) --proto_path=share/proto --c_out=$(BUILD)/gen profile.proto

# protoc-c 1.4.1 output casts away const.
$(BUILD)/gen/profile.pb-c.o: $(BUILD)/gen/profile.pb-c.c
	$(Q)$(CC) $(LP_CFLAGS) -Wno-cast-qual $(CFLAGS) -c -o $@ $<

$(BUILD)/lib/%.o: lib/%.c $(BUILD)/gen/profile.pb-c.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LP_CFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB_A): $(LIB_OBJ)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/cmd/%.o: cmd/%.c $(BUILD)/gen/profile.pb-c.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LP_CFLAGS) $(CFLAGS) -c -o $@ $<

# One rule per program: its cmd/<prog>/*.c files and the library.
define prog_rule
$(BUILD)/bin/$(1): $(patsubst %.c,$(BUILD)/%.o,$(wildcard cmd/$(1)/*.c)) $(LIB_A)
	@mkdir -p $$(dir $$@)
	$$(Q)$$(CC) $$(LP_LDFLAGS) $$(LDFLAGS) -o $$@ $$^ $$(LP_LIBS)
endef
$(foreach p,$(PROGS),$(eval $(call prog_rule,$(p))))

.PRECIOUS: $(BUILD)/tests/%_test.list
# The TEST() list of each unit test file, in name order (libarchive's way).
$(BUILD)/tests/%_test.list: tests/unit/%_test.c
	@mkdir -p $(dir $@)
	$(Q)grep -o '^TEST([A-Za-z0-9_]*)' $< | sort | sed 's/^TEST(\(.*\))/T(\1)/' > $@

$(BUILD)/tests/%_test: tests/unit/%_test.c tests/unit/main.c tests/unit/test.h \
		$(BUILD)/tests/%_test.list $(LIB_A)
	$(Q)$(CC) $(LP_CFLAGS) -Wno-missing-prototypes -iquote tests/unit \
	  -DTEST_LIST='"$(abspath $(BUILD))/tests/$*_test.list"' $(CFLAGS) $(LP_LDFLAGS) \
	  -o $@ $< tests/unit/main.c $(LIB_A) $(LP_LIBS)

# gcc-built replay drivers run every fuzz corpus file in `make check`.
$(BUILD)/tests/%-replay: tests/fuzz/%.c tests/fuzz/replay.c $(LIB_A)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LP_CFLAGS) $(CFLAGS) $(LP_LDFLAGS) -o $@ $< tests/fuzz/replay.c $(LIB_A) $(LP_LIBS)

## check: build, then run unit, golden CLI, fixture and drift tests
check: all $(UNIT_BIN) $(FUZZ_REPLAY)
	$(Q)BUILD=$(BUILD) bash tests/run.sh

## asan / ubsan: the whole suite under a sanitizer
asan:
	$(Q)$(MAKE) --no-print-directory check SANITIZE=address
ubsan:
	$(Q)$(MAKE) --no-print-directory check SANITIZE=undefined

## update-golden: rewrite the CLI tests' .stdout/.stderr/.exit sidecars
update-golden: all
	$(Q)BUILD=$(BUILD) UPDATE_GOLDEN=1 bash tests/run.sh cli

## fuzz: run each libFuzzer target for FUZZ_TIME seconds (needs clang)
FUZZ_TIME ?= 60
fuzz:
	$(Q)BUILD=$(BUILD) FUZZ_TIME=$(FUZZ_TIME) bash tests/fuzz/run-fuzz.sh

## torture: the full mutation sweep over valid inputs, every program
torture: all
	$(Q)PATH="$(abspath $(BUILD))/bin:$$PATH" python3 tests/torture.py --full

## bench: time each program against the equal-work Go reader (needs go)
bench: all
	$(Q)BUILD=$(BUILD) bash tests/bench/run.sh

## demo: decode the bundled sample archive (a night of profiles and dumps)
SAMPLE = share/samples/nightly.tar.gz
demo: all
	@echo "== $(SAMPLE): what is in it (pprof2ndjson --headers-only)"
	$(Q)$(BUILD)/bin/pprof2ndjson --headers-only $(SAMPLE) | \
	  jq -r '[.src, .format, "\(.samples) samples"] | @tsv'
	@echo "== who holds the live heap at the last snapshot (share/recipes/top-inuse.jq)"
	$(Q)$(BUILD)/bin/pprof2ndjson $(SAMPLE) | jq -n -r --argjson top 5 \
	  --arg src $(SAMPLE):nightly/heap-04.pb.gz -f share/recipes/top-inuse.jq
	@echo "== goroutines by state in the dump (share/recipes/goroutines-by-state.jq)"
	$(Q)$(BUILD)/bin/pprof2ndjson $(SAMPLE) | jq -n -r -f share/recipes/goroutines-by-state.jq
	@echo "== what kept growing through the night (heapdiff --series)"
	$(Q)$(BUILD)/bin/heapdiff --series --top 5 $(SAMPLE) | \
	  jq -r 'select(.kind == "trend") | [.verdict, .fn, .first, .last] | @tsv'

## lint: clang-format, shellcheck and mandoc, where installed
lint:
	$(Q)bash tests/lint.sh

## deps: install the Debian packages the build and tests need
deps:
	$(Q)sh tests/deps.sh

## install / uninstall: programs, man pages, completions (PREFIX, DESTDIR)
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7 \
	  $(DESTDIR)$(DATADIR)/proto $(DESTDIR)$(DATADIR)/recipes \
	  $(DESTDIR)$(DATADIR)/examples $(DESTDIR)$(DATADIR)/samples $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)
	for m in $(filter %.1,$(MANPAGES)); do install -m 644 $$m $(DESTDIR)$(MANDIR)/man1; done
	for m in $(filter %.7,$(MANPAGES)); do install -m 644 $$m $(DESTDIR)$(MANDIR)/man7; done
	install -m 644 share/proto/profile.proto $(DESTDIR)$(DATADIR)/proto
	install -m 644 share/recipes/*.jq $(DESTDIR)$(DATADIR)/recipes
	for f in share/examples/*; do \
	  sed -e 's|/usr/local/share/leakpipe|$(DATADIR)|g' -e 's|/usr/local/bin|$(BINDIR)|g' \
	    $$f > $(DESTDIR)$(DATADIR)/examples/$${f##*/} && \
	  chmod 644 $(DESTDIR)$(DATADIR)/examples/$${f##*/}; done
	install -m 644 share/samples/* $(DESTDIR)$(DATADIR)/samples
	for p in $(PROGS); do \
	  install -m 644 completions/bash/$$p $(DESTDIR)$(BASHCOMPDIR)/$$p; \
	  install -m 644 completions/zsh/_$$p $(DESTDIR)$(ZSHCOMPDIR)/_$$p; \
	  install -m 644 completions/fish/$$p.fish $(DESTDIR)$(FISHCOMPDIR)/$$p.fish; \
	done

uninstall:
	for p in $(PROGS); do \
	  rm -f $(DESTDIR)$(BINDIR)/$$p $(DESTDIR)$(BASHCOMPDIR)/$$p \
	    $(DESTDIR)$(ZSHCOMPDIR)/_$$p $(DESTDIR)$(FISHCOMPDIR)/$$p.fish; \
	done
	for m in $(MANPAGES); do rm -f $(DESTDIR)$(MANDIR)/man$${m##*.}/$${m##*/}; done
	rm -f $(DESTDIR)$(DATADIR)/proto/profile.proto
	for d in recipes examples samples; do \
	  for f in share/$$d/*; do rm -f $(DESTDIR)$(DATADIR)/$$d/$${f##*/}; done; done
	-rmdir $(DESTDIR)$(DATADIR)/proto $(DESTDIR)$(DATADIR)/recipes \
	  $(DESTDIR)$(DATADIR)/examples $(DESTDIR)$(DATADIR)/samples $(DESTDIR)$(DATADIR) 2>/dev/null

## clean: remove build/
clean:
	rm -rf build

## help: this list
help:
	@sed -n 's/^## //p' Makefile

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
