# ipctool — build, test, install.
# Variables a user may override: CC CFLAGS CPPFLAGS LDFLAGS PREFIX DESTDIR BINDIR MANDIR
# BASHCOMPDIR ZSHCOMPDIR FISHCOMPDIR.  WERROR=1 turns warnings into errors (CI).

CC      ?= cc
CFLAGS  ?= -O2 -g
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d

# The one place the version is written: --version, the man pages and the
# Debian package (debian/changelog is checked against it) all read VERSION.
VERSION := $(shell cat VERSION)
LIBS_PC := popt smartcols jansson ncursesw

# `make deps demo` installs the libraries and then builds in one run, so
# pkg-config must not be asked before deps has run: these are recursive
# variables, expanded when a compile command needs them, and goals run one
# after another whenever deps is one of them.
ifneq ($(filter deps,$(MAKECMDGOALS)),)
.NOTPARALLEL:
endif
PKG_CFLAGS = $(call pkg_config,--cflags)
PKG_LIBS   = $(call pkg_config,--libs)
pkg_config = $(or $(shell pkg-config $(1) $(LIBS_PC) 2>/dev/null),\
               $(error pkg-config finds no $(LIBS_PC): run `make deps` first))

# Flags the build itself needs; kept apart from CFLAGS so `make CFLAGS=-O0` still builds.
WARN     := -Wall -Wextra -Wpedantic -Wshadow -Wformat=2 -Wstrict-prototypes
ifeq ($(WERROR),1)
WARN     += -Werror
endif
# One folder per layer, each calling only those below it: src/cmd (the
# subcommands), src/mech (one interface per mechanism, System V and POSIX
# behind it), src/inv (what objects exist), src/lib (helpers).
LAYERS   := cmd mech inv lib
REQ_CFLAGS = -std=c11 -pthread -D_GNU_SOURCE -DIPCTOOL_VERSION='"$(VERSION)"' $(WARN) \
             $(LAYERS:%=-Isrc/%) $(PKG_CFLAGS)
REQ_LIBS   = $(PKG_LIBS) -pthread
# Every symbol bound at start (and the tables read-only after): a COMMAND
# that a vfork child execs resolves nothing lazily on the way, and it is
# the hardened default.
REQ_LDFLAGS = -Wl,-z,relro,-z,now

SRCS := $(foreach l,$(LAYERS),$(wildcard src/$(l)/*.c))
HDRS := $(foreach l,$(LAYERS),$(wildcard src/$(l)/*.h))
OBJS := $(SRCS:src/%.c=build/%.o)
ASAN_OBJS := $(SRCS:src/%.c=build-asan/%.o)
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

.PHONY: all man completions check install uninstall clean deps demo bench asan asan-check deb fuzz

MANS     := $(wildcard man/*.1)
MAN_OUT  := $(MANS:man/%=build/man/%)

all: ipctool man

# The installed pages carry the version in their footer (.Os).
man: $(MAN_OUT)
build/man/%.1: man/%.1 VERSION
	@mkdir -p $(@D)
	sed 's/^\.Os$$/.Os ipctool $(VERSION)/' $< > $@

# The completion scripts are generated from the popt tables and committed;
# tests/cli.bats fails when they differ from what this writes.  The pages'
# NAME lines are each subcommand's summary, copied from the same tables.
completions: ipctool
	tools/gen-completions ./ipctool completions
	tools/gen-man-names ./ipctool man

ipctool: $(OBJS)
	$(CC) $(REQ_LDFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(REQ_LIBS)

build/%.o: src/%.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(REQ_CFLAGS) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

build/cmd/main.o build-asan/cmd/main.o: VERSION

# AddressSanitizer + UndefinedBehaviorSanitizer build, always with -Werror.
asan: build-asan/ipctool

build-asan/ipctool: $(ASAN_OBJS)
	$(CC) $(SAN_FLAGS) $(REQ_LDFLAGS) $(LDFLAGS) -o $@ $(ASAN_OBJS) $(REQ_LIBS)

build-asan/%.o: src/%.c $(HDRS)
	@mkdir -p $(@D)
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
FUZZ_NAMES   := number key size mode duration age target ftok signal user jsonline
FUZZ_FLAGS   := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
# The parsers and what they link against (error messages, option tables).
FUZZ_DEPS    := lib/parse lib/target lib/signame inv/sysvobj lib/cli lib/error lib/wait lib/buf lib/nsenter \
                lib/io lib/json lib/jsonline
FUZZ_OBJS    := $(FUZZ_DEPS:%=build-fuzz/obj/%.o)
FUZZ_BINS    := $(FUZZ_NAMES:%=build-fuzz/fuzz-%)
# clang's -Wformat=2 also flags error.c's vfprintf of a checked format.
FUZZ_FLAGS   += -Wno-format-nonliteral
.SECONDARY: $(FUZZ_OBJS)

fuzz: $(FUZZ_BINS)
	tests/fuzz/run $(FUZZ_SECONDS) $(FUZZ_NAMES)

build-fuzz/obj/%.o: src/%.c $(HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(REQ_CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

build-fuzz/fuzz-%: tests/fuzz/fuzz-%.c tests/fuzz/fuzz.h $(FUZZ_OBJS)
	$(FUZZ_CC) $(REQ_CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) $(REQ_LIBS) -lm

demo: ipctool
	PATH="$(CURDIR):$$PATH" examples/demo.sh

bench: ipctool
	$(MAKE) -C bench

# Every Debian package the build, tests, demo, benchmarks and `make deb` use
# (debian/control's Build-Depends are the build's share of these).
DEB_PACKAGES := build-essential pkg-config libpopt-dev libsmartcols-dev libjansson-dev \
                bats bats-assert bats-support jq mandoc man-db util-linux \
                bsdextrautils procps psmisc time perl python3 python3-sysv-ipc zsh fish \
                bash-completion clang libclang-rt-dev strace manpages manpages-dev \
                libncurses-dev tmux \
                socat netcat-openbsd iproute2 \
                debhelper dpkg-dev lintian
deps:
	@if [ "$$(id -u)" -eq 0 ]; then sudo=; \
	elif command -v sudo >/dev/null; then sudo=sudo; \
	else echo "make deps: installing packages needs root; run it as root or install sudo" >&2; exit 1; fi; \
	echo "make deps: installing with apt-get (Debian):"; \
	echo "  $(DEB_PACKAGES)" | fold -s -w 76; \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(DEB_PACKAGES) >/dev/null

install: ipctool man
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	  $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 755 ipctool $(DESTDIR)$(BINDIR)/ipctool
	install -m 644 $(MAN_OUT) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 completions/ipctool.bash $(DESTDIR)$(BASHCOMPDIR)/ipctool
	install -m 644 completions/_ipctool $(DESTDIR)$(ZSHCOMPDIR)/_ipctool
	install -m 644 completions/ipctool.fish $(DESTDIR)$(FISHCOMPDIR)/ipctool.fish

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/ipctool $(MAN_OUT:build/man/%=$(DESTDIR)$(MANDIR)/man1/%) \
	  $(DESTDIR)$(BASHCOMPDIR)/ipctool $(DESTDIR)$(ZSHCOMPDIR)/_ipctool \
	  $(DESTDIR)$(FISHCOMPDIR)/ipctool.fish

# The Debian package, built from this tree with debhelper; the .deb, .changes
# and .buildinfo land beside the checkout, as dpkg-buildpackage puts them.
deb:
	@v=$$(dpkg-parsechangelog -S Version); [ "$$v" = "$(VERSION)" ] || \
	  { echo "make deb: debian/changelog says $$v, VERSION says $(VERSION)" >&2; exit 1; }
	dpkg-buildpackage -us -uc -b
	@echo "make deb: built ../ipctool_$(VERSION)_$$(dpkg-architecture -qDEB_HOST_ARCH).deb"

clean:
	rm -rf build build-asan build-fuzz ipctool
	[ ! -f bench/Makefile ] || $(MAKE) -C bench clean
