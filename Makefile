# ipctool — build, test, install.
# Variables a user may override: CC CFLAGS LDFLAGS PREFIX DESTDIR BINDIR MANDIR
# BASHCOMPDIR ZSHCOMPDIR FISHCOMPDIR.  WERROR=1 turns warnings into errors (CI).

CC      ?= cc
CFLAGS  ?= -O2 -g
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d

VERSION := 0.1.0
LIBS_PC := popt smartcols

# Flags the build itself needs; kept apart from CFLAGS so `make CFLAGS=-O0` still builds.
WARN     := -Wall -Wextra -Wpedantic -Wshadow -Wformat=2 -Wstrict-prototypes
ifeq ($(WERROR),1)
WARN     += -Werror
endif
REQ_CFLAGS := -std=c11 -D_GNU_SOURCE -DIPCTOOL_VERSION='"$(VERSION)"' $(WARN) \
              $(shell pkg-config --cflags $(LIBS_PC))
REQ_LIBS   := $(shell pkg-config --libs $(LIBS_PC))

SRCS := $(wildcard src/*.c)
HDRS := $(wildcard src/*.h)
OBJS := $(SRCS:src/%.c=build/%.o)
ASAN_OBJS := $(SRCS:src/%.c=build-asan/%.o)
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

.PHONY: all check install uninstall clean deps demo bench asan asan-check fuzz

all: ipctool

ipctool: $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $(OBJS) $(REQ_LIBS)

build/%.o: src/%.c $(HDRS) | build
	$(CC) $(REQ_CFLAGS) $(CFLAGS) -c -o $@ $<

build build-asan:
	mkdir -p $@

# AddressSanitizer + UndefinedBehaviorSanitizer build, always with -Werror.
asan: build-asan/ipctool

build-asan/ipctool: $(ASAN_OBJS)
	$(CC) $(SAN_FLAGS) $(LDFLAGS) -o $@ $(ASAN_OBJS) $(REQ_LIBS)

build-asan/%.o: src/%.c $(HDRS) | build-asan
	$(CC) $(REQ_CFLAGS) -Werror -O1 -g $(SAN_FLAGS) -c -o $@ $<

BATS_FLAGS ?=
check: ipctool
	IPCTOOL=$(CURDIR)/ipctool tests/run $(BATS_FLAGS)

asan-check: asan
	IPCTOOL=$(CURDIR)/build-asan/ipctool tests/run $(BATS_FLAGS)

# libFuzzer harnesses (tests/fuzz/), built with clang from the parsers' own
# sources.  `make fuzz` runs each for an equal share of FUZZ_SECONDS in all,
# from the seed corpus in tests/fuzz/corpus/NAME/ (never written to), and
# fails on a crash, a sanitizer report or a reference mismatch.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_NAMES   := number key size mode duration target ftok signal user
FUZZ_FLAGS   := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
# The parsers and what they link against (error messages, option tables).
FUZZ_DEPS    := parse target signals sysvobj cli error wait buf io
FUZZ_OBJS    := $(FUZZ_DEPS:%=build-fuzz/obj/%.o)
FUZZ_BINS    := $(FUZZ_NAMES:%=build-fuzz/fuzz-%)
# clang's -Wformat=2 also flags error.c's vfprintf of a checked format.
FUZZ_FLAGS   += -Wno-format-nonliteral
.SECONDARY: $(FUZZ_OBJS)

fuzz: $(FUZZ_BINS)
	tests/fuzz/run $(FUZZ_SECONDS) $(FUZZ_NAMES)

build-fuzz/obj/%.o: src/%.c $(HDRS) | build-fuzz/obj
	$(FUZZ_CC) $(REQ_CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

build-fuzz/fuzz-%: tests/fuzz/fuzz-%.c tests/fuzz/fuzz.h $(FUZZ_OBJS)
	$(FUZZ_CC) $(REQ_CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) $(REQ_LIBS) -lm

build-fuzz/obj:
	mkdir -p $@

demo: ipctool
	PATH="$(CURDIR):$$PATH" examples/demo.sh

bench: ipctool
	$(MAKE) -C bench

# Every Debian package the build, tests, demo and benchmarks use.
DEB_PACKAGES := gcc make pkg-config libpopt-dev libsmartcols-dev bats bats-assert \
                bats-support jq mandoc man-db util-linux procps time psmisc \
                zsh fish
deps:
	@if [ "$$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(DEB_PACKAGES) >/dev/null

install: ipctool
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	  $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 755 ipctool $(DESTDIR)$(BINDIR)/ipctool
	install -m 644 man/ipctool.1 $(DESTDIR)$(MANDIR)/man1/ipctool.1
	install -m 644 completions/ipctool.bash $(DESTDIR)$(BASHCOMPDIR)/ipctool
	install -m 644 completions/_ipctool $(DESTDIR)$(ZSHCOMPDIR)/_ipctool
	install -m 644 completions/ipctool.fish $(DESTDIR)$(FISHCOMPDIR)/ipctool.fish

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/ipctool $(DESTDIR)$(MANDIR)/man1/ipctool.1 \
	  $(DESTDIR)$(BASHCOMPDIR)/ipctool $(DESTDIR)$(ZSHCOMPDIR)/_ipctool \
	  $(DESTDIR)$(FISHCOMPDIR)/ipctool.fish

clean:
	rm -rf build build-asan build-fuzz ipctool
	[ ! -f bench/Makefile ] || $(MAKE) -C bench clean
