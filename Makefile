# ipctool — build, test, install.
# Variables a user may override: CC CFLAGS CPPFLAGS LDFLAGS PREFIX DESTDIR BINDIR MANDIR
# BASHCOMPDIR ZSHCOMPDIR FISHCOMPDIR INSTALL INSTALL_PROGRAM INSTALL_DATA (the GNU
# coding standards' names).  WERROR=1 turns warnings into errors (CI).

CC      ?= cc
CFLAGS  ?= -O2 -g
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
INSTALL         ?= install
INSTALL_PROGRAM ?= $(INSTALL) -m 755
INSTALL_DATA    ?= $(INSTALL) -m 644

# The one place the version is written: --version, the man pages and the
# Debian package (debian/changelog is checked against it) all read VERSION.
VERSION := $(shell cat VERSION)
LIBS_PC := popt
# The headers only of jansson, libsmartcols and ncursesw: the commands that
# use them load them (src/lib/jsonline.c, src/lib/scolsdl.h, src/cmd/cursesdl.h).
CFLAGS_PC := $(LIBS_PC) jansson smartcols ncursesw

# `make deps demo` installs the libraries and then builds in one run, so
# pkg-config must not be asked before deps has run: these are recursive
# variables, expanded when a compile command needs them, and goals run one
# after another whenever deps is one of them.
ifneq ($(filter deps,$(MAKECMDGOALS)),)
.NOTPARALLEL:
endif
PKG_CFLAGS = $(call pkg_config,--cflags,$(CFLAGS_PC))
PKG_LIBS   = $(call pkg_config,--libs,$(LIBS_PC))
pkg_config = $(or $(shell pkg-config $(1) $(2) 2>/dev/null),\
               $(error pkg-config finds no $(2): run `make deps` first))

# Flags the build itself needs; kept apart from CFLAGS so `make CFLAGS=-O0` still builds.
WARN     := -Wall -Wextra -Wpedantic -Wshadow -Wformat=2 -Wstrict-prototypes
ifeq ($(WERROR),1)
WARN     += -Werror
endif
# One folder per layer, each calling only those below it: src/cmd (the
# subcommands), src/view (how objects are shown: list's columns, cells and
# tables), src/mech (one interface per mechanism, System V and POSIX behind
# it), src/inv (what objects exist), src/lib (helpers); includes name the
# folder ("lib/io.h") and tools/check-includes keeps them downward.
LAYERS   := cmd view mech inv lib
REQ_CFLAGS = -std=c11 -pthread -D_GNU_SOURCE -DIPCTOOL_VERSION='"$(VERSION)"' $(WARN) \
             -Isrc $(PKG_CFLAGS)
REQ_LIBS   = $(PKG_LIBS) -pthread
# Symbols bound lazily, as they are first called: binding all ~220 at
# start (-z now) was half of what `ipctool --version` spends above
# /bin/true (bench/README.md, "Start-up").  The vfork child of spawn.c must
# not bind anything on its way to exec (it shares ipctool's memory), so
# spawn.c calls through the GOT (-fno-plt), whose entries are bound at
# start all the same.  -z pack-relative-relocs (DT_RELR, glibc 2.36,
# binutils 2.38): the ~990 relative relocations of the option tables and
# other pointer tables in 340 bytes instead of 24 KiB, two page faults
# fewer at every start.
REQ_LDFLAGS = -Wl,-z,relro -Wl,-z,pack-relative-relocs

SRCS := $(foreach l,$(LAYERS),$(wildcard src/$(l)/*.c))
# Each object's header dependencies come from the compiler (-MMD -MP writes
# a .d file beside it), so touching one header rebuilds only what includes it.
DEPFLAGS := -MMD -MP
OBJS := $(SRCS:src/%.c=build/%.o)
ASAN_OBJS := $(SRCS:src/%.c=build-asan/%.o)
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

.PHONY: all man completions check check-loaded install uninstall clean deps demo bench asan asan-check deb fuzz

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

build/%.o: src/%.c build/%.d
	@mkdir -p $(@D)
	$(CC) $(REQ_CFLAGS) $(DEPFLAGS) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

build/cmd/main.o build-asan/cmd/main.o: VERSION
build/lib/spawn.o build-asan/lib/spawn.o: REQ_CFLAGS += -fno-plt

# AddressSanitizer + UndefinedBehaviorSanitizer build, always with -Werror.
asan: build-asan/ipctool

build-asan/ipctool: $(ASAN_OBJS)
	$(CC) $(SAN_FLAGS) $(REQ_LDFLAGS) $(LDFLAGS) -o $@ $(ASAN_OBJS) $(REQ_LIBS)

build-asan/%.o: src/%.c build-asan/%.d
	@mkdir -p $(@D)
	$(CC) $(REQ_CFLAGS) $(DEPFLAGS) -Werror -O1 -g $(SAN_FLAGS) -c -o $@ $<

BATS_FLAGS ?=
# The include check first: a layer including one above it fails at once
# (doc/ARCHITECTURE.md).
check: ipctool
	tools/check-includes
	IPCTOOL=$(CURDIR)/ipctool tests/run $(BATS_FLAGS)

asan-check: asan
	IPCTOOL=$(CURDIR)/build-asan/ipctool tests/run $(BATS_FLAGS)

# The files that wait on time most (timeouts, signals, peers that must come
# in time), run with two CPU hogs beside them (tests/loaded): what a busy
# machine does to the suite.  LOADED_FILES= (empty) runs the whole suite.
LOADED_FILES ?= tests/queue.bats tests/posix-queue.bats tests/signals.bats \
                tests/sock.bats tests/exec.bats
check-loaded: ipctool
	IPCTOOL=$(CURDIR)/ipctool tests/loaded $(BATS_FLAGS) $(LOADED_FILES)

# libFuzzer harnesses (tests/fuzz/), built with clang from the parsers' own
# sources.  `make fuzz` runs each for an equal share of FUZZ_SECONDS in all,
# from the seed corpus in tests/fuzz/corpus/NAME/ (never written to), and
# fails on a crash, a sanitizer report or a reference mismatch.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_NAMES   := number key size mode duration age target ftok signal user jsonline records chunks dumpline runner
FUZZ_FLAGS   := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
# The parsers and what they link against (error messages, option tables).
FUZZ_DEPS    := lib/parse lib/target lib/signame inv/sysvobj lib/cli lib/error lib/wait lib/buf lib/nsenter \
                lib/io lib/json lib/jsonline lib/records lib/chunks lib/dumpline lib/janssondl lib/usage \
                lib/progress lib/size lib/args lib/command
FUZZ_OBJS    := $(FUZZ_DEPS:%=build-fuzz/obj/%.o)
FUZZ_BINS    := $(FUZZ_NAMES:%=build-fuzz/fuzz-%)
# clang's -Wformat=2 also flags error.c's vfprintf of a checked format.
FUZZ_FLAGS   += -Wno-format-nonliteral
.SECONDARY: $(FUZZ_OBJS)

fuzz: $(FUZZ_BINS)
	tests/fuzz/run $(FUZZ_SECONDS) $(FUZZ_NAMES)

build-fuzz/obj/%.o: src/%.c build-fuzz/obj/%.d
	@mkdir -p $(@D)
	$(FUZZ_CC) $(REQ_CFLAGS) $(DEPFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

build-fuzz/fuzz-%: tests/fuzz/fuzz-%.c tests/fuzz/fuzz.h tests/fuzz/feed.h $(FUZZ_OBJS)
	$(FUZZ_CC) $(REQ_CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) $(REQ_LIBS) -lm

demo: ipctool
	PATH="$(CURDIR):$$PATH" examples/demo.sh

bench: ipctool
	$(MAKE) -C bench

# Every Debian package the build, tests, demo, benchmarks and `make deb` use.
# The build's own share is debian/control's Build-Depends, read from there
# by tools/build-depends (one list for both);
# TEST_PACKAGES are what only the tests, demo, benchmarks and CI add.
# prometheus (with promtool) and prometheus-node-exporter are for the tests
# of `ipctool metrics`, which start their own on 127.0.0.1; on a machine
# running systemd, Debian also starts and enables both packages' services
# (`systemctl disable --now prometheus prometheus-node-exporter` undoes it).
# systemd brings systemd-socket-activate, which the socket-activation tests
# run ipctool under, and the pages ipctool-sock(1) refers to.
BUILD_DEPENDS := $(shell tools/build-depends)
TEST_PACKAGES := build-essential \
                bats bats-assert bats-support jq mandoc man-db util-linux \
                bsdextrautils procps psmisc time perl python3 python3-sysv-ipc zsh fish \
                bash-completion clang libclang-rt-dev strace manpages manpages-dev \
                tmux \
                socat netcat-openbsd iproute2 systemd \
                prometheus prometheus-node-exporter \
                dpkg-dev lintian
DEB_PACKAGES := $(BUILD_DEPENDS) $(TEST_PACKAGES)
deps:
	@if [ "$$(id -u)" -eq 0 ]; then sudo=; \
	elif command -v sudo >/dev/null; then sudo=sudo; \
	else echo "make deps: installing packages needs root; run it as root or install sudo" >&2; exit 1; fi; \
	echo "make deps: installing with apt-get (Debian):"; \
	echo "  $(DEB_PACKAGES)" | fold -s -w 76; \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(DEB_PACKAGES) >/dev/null

install: ipctool man
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	  $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	$(INSTALL_PROGRAM) ipctool $(DESTDIR)$(BINDIR)/ipctool
	$(INSTALL_DATA) $(MAN_OUT) $(DESTDIR)$(MANDIR)/man1/
	$(INSTALL_DATA) completions/ipctool.bash $(DESTDIR)$(BASHCOMPDIR)/ipctool
	$(INSTALL_DATA) completions/_ipctool $(DESTDIR)$(ZSHCOMPDIR)/_ipctool
	$(INSTALL_DATA) completions/ipctool.fish $(DESTDIR)$(FISHCOMPDIR)/ipctool.fish

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

# The compiler's header dependencies.  An object whose .d is missing (the
# first build, or one made before these existed) is rebuilt: the .d files
# are targets without a recipe, so a missing one counts as new.
DEPFILES := $(OBJS:.o=.d) $(ASAN_OBJS:.o=.d) $(FUZZ_OBJS:.o=.d)
$(DEPFILES):
-include $(DEPFILES)
