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
LIBS_PC := popt smartcols

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
REQ_CFLAGS = -std=c11 -D_GNU_SOURCE -DIPCTOOL_VERSION='"$(VERSION)"' $(WARN) $(PKG_CFLAGS)
REQ_LIBS   = $(PKG_LIBS)

SRCS := $(wildcard src/*.c)
HDRS := $(wildcard src/*.h)
OBJS := $(SRCS:src/%.c=build/%.o)
ASAN_OBJS := $(SRCS:src/%.c=build-asan/%.o)
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

.PHONY: all man completions check install uninstall clean deps demo bench asan asan-check deb

MANS     := $(wildcard man/*.1)
MAN_OUT  := $(MANS:man/%=build/man/%)

all: ipctool man

# The installed pages carry the version in their footer (.Os).
man: $(MAN_OUT)
build/man/%.1: man/%.1 VERSION
	@mkdir -p $(@D)
	sed 's/^\.Os$$/.Os ipctool $(VERSION)/' $< > $@

# The completion scripts are generated from the popt tables and committed;
# tests/cli.bats fails when they differ from what this writes.
completions: ipctool
	tools/gen-completions ./ipctool completions

ipctool: $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $(OBJS) $(REQ_LIBS)

build/%.o: src/%.c $(HDRS) | build
	$(CC) $(REQ_CFLAGS) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

build/main.o build-asan/main.o: VERSION

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

demo: ipctool
	PATH="$(CURDIR):$$PATH" examples/demo.sh

bench: ipctool
	$(MAKE) -C bench

# Every Debian package the build, tests, demo, benchmarks and `make deb` use
# (debian/control's Build-Depends are the build's share of these).
DEB_PACKAGES := build-essential pkg-config libpopt-dev libsmartcols-dev \
                bats bats-assert bats-support jq mandoc man-db util-linux \
                bsdextrautils procps psmisc time perl python3 zsh fish \
                bash-completion clang \
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
	rm -rf build build-asan ipctool
	[ ! -f bench/Makefile ] || $(MAKE) -C bench clean
