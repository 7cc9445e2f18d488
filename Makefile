# tclient -- networked tape suite.  Plain GNU make.
#
#   make                  programs in bin/, libtclient in lib/
#   make check            every test (unit, end to end, real tools)
#   make check-all        make check, again under ASan+UBSan, the daemon
#                         under TSan (check-tsan), a clang build, and a
#                         libFuzzer smoke (what CI runs)
#   make demo             the main job: a backup through tclientd and back
#   make bench            throughput and latency against the peers, on
#                         loopback; rewrites docs/PERFORMANCE.md (never
#                         part of make check)
#   make fuzz             libFuzzer harnesses (fuzz/, clang), FUZZ_TIME s each;
#                         make fuzz-smoke: 10 s each (CI runs it)
#   make install PREFIX=/usr/local DESTDIR=
#   make SANITIZE=1 ...   build and test with AddressSanitizer+UBSan
#   make CC=clang         any C11 compiler

PREFIX	?= /usr/local
BINDIR_I = $(PREFIX)/bin
SBINDIR_I = $(PREFIX)/sbin
LIBDIR_I = $(PREFIX)/lib
INCDIR_I = $(PREFIX)/include
MANDIR_I = $(PREFIX)/share/man
DATADIR_I = $(PREFIX)/share/tclient
DESTDIR	?=

CC	?= cc
PKG_CONFIG ?= pkg-config

ifeq ($(SANITIZE),1)
OUT	?= build/san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	    -fno-omit-frame-pointer
else ifeq ($(SANITIZE),fuzz)
# libFuzzer harnesses (fuzz/): clang only; see "make fuzz" below
OUT	?= build/fuzz
SANFLAGS := -fsanitize=fuzzer-no-link,address,undefined \
	    -fno-sanitize-recover=undefined -fno-omit-frame-pointer
else
OUT	?= .
SANFLAGS :=
endif
OBJ	:= $(OUT)/obj
BIN	:= $(OUT)/bin
LIB	:= $(OUT)/lib

CFLAGS	?= -O2 -g
WARN	:= -std=c11 -Wall -Wextra -Werror -Wshadow -Wpointer-arith \
	   -Wmissing-prototypes -Wstrict-prototypes -Wno-unused-parameter
DEFS	:= -D_GNU_SOURCE -DTC_DATADIR='"$(DATADIR_I)"'

# Dependencies, found with pkg-config.  A missing one is named with the
# Debian package that provides it.
PKG_SSL	  := openssl
PKG_EVENT := libevent libevent_openssl libevent_pthreads
PKG_CHECK := check
PKG_FUSE  := fuse3
comma	  := ,
pc_cflags = $(shell $(PKG_CONFIG) --cflags $(1) 2>/dev/null)
pc_libs	  = $(shell $(PKG_CONFIG) --libs $(1) 2>/dev/null)

ALL_CFLAGS = $(WARN) $(DEFS) -fPIC $(SANFLAGS) -Icommon -Itclient -Itclientd \
	     $(call pc_cflags,$(PKG_SSL) $(PKG_EVENT)) $(CFLAGS)
ALL_LDFLAGS = $(SANFLAGS) $(LDFLAGS)
SSL_LIBS   = $(call pc_libs,$(PKG_SSL))
EVENT_LIBS = $(call pc_libs,$(PKG_EVENT)) -lpthread
CHECK_LIBS = $(call pc_libs,$(PKG_CHECK))

# Sources: every file in its component directory; program mains apart.
TABLES	     := $(sort $(wildcard tables/*.errno tables/*.ops tables/*.rules))
COMMON_SRC   := $(filter-out common/mkembed.c,$(wildcard common/*.c))
DAEMON_MAIN  := tclientd/tclientd.c
DAEMON_SRC   := $(filter-out $(DAEMON_MAIN),$(wildcard tclientd/*.c))
TSCAN_SRC    := $(wildcard tclient/tscan*.c)
CLIENT_MAINS := tclient/tclient.c tclient/tcerrno_cmd.c $(TSCAN_SRC)
LIB_SRC	     := $(filter-out $(CLIENT_MAINS),$(wildcard tclient/*.c))
# The virtual tape driver: FUSE nodes (tctape*.c) and LD_PRELOAD (preload*.c)
TCTAPE_SRC   := $(wildcard driver/tctape*.c)
PRELOAD_SRC  := $(wildcard driver/preload*.c)
TEST_SRC     := $(wildcard tests/check_*.c)
TEST_LIB     := $(OBJ)/tests/harness.o

obj = $(patsubst %.c,$(OBJ)/%.o,$(1))
COMMON_OBJ := $(call obj,$(COMMON_SRC)) $(OBJ)/common/tables_embed.o
DAEMON_OBJ := $(call obj,$(DAEMON_SRC))
LIB_OBJ	   := $(call obj,$(LIB_SRC))
TEST_BINS  := $(patsubst tests/%.c,$(OBJ)/tests/%,$(TEST_SRC))

PROGS	:= $(BIN)/tclientd $(BIN)/tclient $(BIN)/tcerrno
LIBS	:= $(LIB)/libtclient.a $(LIB)/libtclient.so
ifneq ($(TSCAN_SRC),)
PROGS	+= $(BIN)/tscan
endif
ifneq ($(TCTAPE_SRC),)
PROGS	+= $(BIN)/tctape
endif
ifneq ($(PRELOAD_SRC),)
LIBS	+= $(LIB)/libtcpreload.so
endif

.SECONDARY:
.PHONY: all check check-unit check-e2e check-all demo install uninstall \
	clean deps-check bench
all: deps-check $(PROGS) $(LIBS)

deps-check:
	@sh tests/deps.sh build

$(OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# The tables travel inside the programs; tables/ on disk overrides them.
$(OBJ)/mkembed: common/mkembed.c
	@mkdir -p $(dir $@)
	$(CC) -O1 -o $@ $<
$(OBJ)/common/tables_embed.c: $(OBJ)/mkembed $(TABLES)
	$(OBJ)/mkembed $(TABLES) > $@.tmp && mv $@.tmp $@
$(OBJ)/common/tables_embed.o: $(OBJ)/common/tables_embed.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB)/libtclient.a: $(LIB_OBJ) $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^
$(LIB)/libtclient.so: $(LIB_OBJ) $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	$(CC) -shared -Wl,-soname,libtclient.so.0 $(ALL_LDFLAGS) -o $@ $^ \
	    $(SSL_LIBS)

$(BIN)/tclientd: $(OBJ)/tclientd/tclientd.o $(DAEMON_OBJ) $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(EVENT_LIBS) $(SSL_LIBS)
$(BIN)/tclient: $(OBJ)/tclient/tclient.o $(LIB)/libtclient.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(SSL_LIBS)
$(BIN)/tscan: $(call obj,$(TSCAN_SRC)) $(LIB)/libtclient.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(SSL_LIBS) -lpthread

# driver/ needs libfuse3 for the FUSE nodes
$(OBJ)/driver/%.o: ALL_CFLAGS += $(call pc_cflags,$(PKG_FUSE))
$(BIN)/tctape: $(call obj,$(TCTAPE_SRC)) $(LIB)/libtclient.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call pc_libs,$(PKG_FUSE)) $(SSL_LIBS) \
	    -lpthread
# self-contained; exports only the calls it interposes (driver/preload.map)
$(LIB)/libtcpreload.so: $(call obj,$(PRELOAD_SRC)) $(LIB_OBJ) $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	$(CC) -shared $(ALL_LDFLAGS) \
	    $(if $(wildcard driver/preload.map),-Wl$(comma)--version-script=driver/preload.map) \
	    -o $@ $^ $(SSL_LIBS) -ldl -lpthread
$(BIN)/tcerrno: $(OBJ)/tclient/tcerrno_cmd.o $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(SSL_LIBS)

# Every Check suite links the whole non-main code base.
$(OBJ)/tests/%: $(OBJ)/tests/%.o $(TEST_LIB) $(DAEMON_OBJ) $(LIB_OBJ) \
    $(COMMON_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(EVENT_LIBS) $(SSL_LIBS)
$(OBJ)/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests $(call pc_cflags,$(PKG_CHECK)) -MMD -MP -c -o $@ $<

TEST_ENV = TC_BINDIR=$(abspath $(BIN)) TC_LIBDIR=$(abspath $(LIB)) \
	   TC_TESTBIN=$(abspath $(OBJ)/tests) TC_SRCDIR=$(CURDIR)

check: all
	@sh tests/deps.sh test
	@$(MAKE) --no-print-directory check-unit check-e2e
check-unit: all $(TEST_BINS)
	@$(TEST_ENV) sh tests/run.sh unit $(TEST_BINS)
check-e2e: all
	@$(TEST_ENV) sh tests/run.sh e2e $(sort $(wildcard tests/e2e_*.sh))

# What CI runs: the suite, the suite under ASan+UBSan, the daemon's
# threads under TSan, a clang build, the fuzz smoke.
check-all:
	@command -v clang >/dev/null 2>&1 || { echo "tclient: make check-all" \
	    "builds with clang and its libFuzzer; install it with:" >&2; \
	    echo "    sudo apt-get install -y clang" >&2; exit 1; }
	$(MAKE) check
	$(MAKE) check SANITIZE=1
	$(MAKE) check-tsan
	$(MAKE) CC=clang OUT=build/clang all
	$(MAKE) fuzz-smoke

# ThreadSanitizer over the suites that drive tclientd's threads (event
# loops, drive workers, SIGHUP reloads): a race report fails, and so does
# the exit status TSan gives a racing daemon.  Not check_limits: it
# measures memory, which TSan inflates.  ASLR off (setarch -R): TSan's
# shadow memory needs a layout that high-entropy kernels can break.
TSAN_OUT   := build/tsan
TSAN_UNIT  := check_stream check_e2e check_badinput check_crash check_st
TSAN_E2E   := tests/e2e_loops.sh tests/e2e_daemon.sh tests/e2e_reload.sh \
	      tests/e2e_signals.sh tests/e2e_auth.sh
check-tsan:
	@$(MAKE) --no-print-directory OUT=$(TSAN_OUT) \
	    SANFLAGS="-fsanitize=thread -fno-omit-frame-pointer" all \
	    $(TSAN_UNIT:%=$(TSAN_OUT)/obj/tests/%)
	@rm -rf $(TSAN_OUT)/reports && mkdir -p $(TSAN_OUT)/reports
	@TSAN_OPTIONS="log_path=$(abspath $(TSAN_OUT))/reports/tsan" \
	    TC_BINDIR=$(abspath $(TSAN_OUT)/bin) \
	    TC_LIBDIR=$(abspath $(TSAN_OUT)/lib) \
	    TC_TESTBIN=$(abspath $(TSAN_OUT)/obj/tests) TC_SRCDIR=$(CURDIR) \
	    setarch "$$(uname -m)" -R sh -c 'sh tests/run.sh unit \
	    $(TSAN_UNIT:%=$(abspath $(TSAN_OUT))/obj/tests/%) && \
	    sh tests/run.sh e2e $(TSAN_E2E)'
	@if ls $(TSAN_OUT)/reports/tsan.* >/dev/null 2>&1; then \
	    echo "tclient: ThreadSanitizer reports:" >&2; \
	    cat $(TSAN_OUT)/reports/tsan.* >&2; exit 1; fi
	@echo "check-tsan: no data races reported"

demo: all
	@$(TEST_ENV) sh tests/demo.sh

# Benchmarks: a load generator linked to libtclient, and the script that
# measures and writes docs/PERFORMANCE.md.
$(OBJ)/bench/tcbench: $(OBJ)/bench/tcbench.o $(LIB)/libtclient.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(SSL_LIBS)
bench: all $(OBJ)/bench/tcbench
	@$(TEST_ENV) TC_BENCHBIN=$(abspath $(OBJ)/bench) bash bench/run.sh

MAN1	:= $(wildcard tclient/*.1)
MAN3	:= $(wildcard tclient/*.3)
MAN5	:= $(wildcard */*.5)
MAN8	:= $(wildcard */*.8)

install: all
	install -d $(DESTDIR)$(BINDIR_I) $(DESTDIR)$(SBINDIR_I) \
	    $(DESTDIR)$(LIBDIR_I)/pkgconfig $(DESTDIR)$(INCDIR_I) \
	    $(DESTDIR)$(DATADIR_I)/tables $(DESTDIR)$(MANDIR_I)/man1 \
	    $(DESTDIR)$(MANDIR_I)/man3 $(DESTDIR)$(MANDIR_I)/man5 \
	    $(DESTDIR)$(MANDIR_I)/man8
	install -m 755 $(BIN)/tclientd $(DESTDIR)$(SBINDIR_I)/
	install -m 755 $(filter-out $(BIN)/tclientd,$(PROGS)) \
	    $(DESTDIR)$(BINDIR_I)/
	install -m 644 $(LIB)/libtclient.a $(DESTDIR)$(LIBDIR_I)/
	install -m 755 $(LIB)/libtclient.so \
	    $(DESTDIR)$(LIBDIR_I)/libtclient.so.0
	ln -sf libtclient.so.0 $(DESTDIR)$(LIBDIR_I)/libtclient.so
	$(if $(PRELOAD_SRC),install -m 755 $(LIB)/libtcpreload.so \
	    $(DESTDIR)$(LIBDIR_I)/)
	install -m 644 tclient/tclient.h $(DESTDIR)$(INCDIR_I)/
	install -m 644 $(TABLES) $(DESTDIR)$(DATADIR_I)/tables/
	$(if $(MAN1),install -m 644 $(MAN1) $(DESTDIR)$(MANDIR_I)/man1/)
	$(if $(MAN3),install -m 644 $(MAN3) $(DESTDIR)$(MANDIR_I)/man3/)
	$(if $(MAN5),install -m 644 $(MAN5) $(DESTDIR)$(MANDIR_I)/man5/)
	$(if $(MAN8),install -m 644 $(MAN8) $(DESTDIR)$(MANDIR_I)/man8/)
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' \
	    tclient/tclient.pc.in > $(DESTDIR)$(LIBDIR_I)/pkgconfig/tclient.pc

VERSION := $(shell sed -n 's/^\#define TC_VERSION[^"]*"\(.*\)"/\1/p' \
	common/common.h)

uninstall:
	rm -f $(DESTDIR)$(SBINDIR_I)/tclientd \
	    $(addprefix $(DESTDIR)$(BINDIR_I)/,$(notdir $(filter-out \
	    $(BIN)/tclientd,$(PROGS)))) \
	    $(DESTDIR)$(LIBDIR_I)/libtclient.a \
	    $(DESTDIR)$(LIBDIR_I)/libtclient.so \
	    $(DESTDIR)$(LIBDIR_I)/libtclient.so.0 \
	    $(DESTDIR)$(LIBDIR_I)/libtcpreload.so \
	    $(DESTDIR)$(LIBDIR_I)/pkgconfig/tclient.pc \
	    $(DESTDIR)$(INCDIR_I)/tclient.h
	rm -rf $(DESTDIR)$(DATADIR_I)

clean:
	rm -rf obj bin lib build

# Fuzzing (fuzz/): libFuzzer harnesses built with clang into build/fuzz.
#   make fuzz FUZZ_TIME=60     every harness: its corpus, then 60 s each
#   make fuzz-smoke            the corpus and 10 s each (what CI runs)
FUZZ_TIME ?= 60
FUZZ_SRC  := $(wildcard fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst fuzz/%.c,$(OBJ)/fuzz/%,$(FUZZ_SRC))
.PHONY: fuzz fuzz-smoke fuzz-build
$(OBJ)/fuzz/fuzz_%: $(OBJ)/fuzz/fuzz_%.o $(DAEMON_OBJ) $(COMMON_OBJ)
	$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(EVENT_LIBS) \
	    $(SSL_LIBS)
fuzz-build: $(FUZZ_BINS)
fuzz:
	@$(MAKE) --no-print-directory SANITIZE=fuzz CC=clang fuzz-build
	@sh fuzz/run.sh $(FUZZ_TIME) $(abspath build/fuzz) \
	    $(patsubst fuzz/%.c,build/fuzz/obj/fuzz/%,$(FUZZ_SRC))
fuzz-smoke:
	@$(MAKE) --no-print-directory FUZZ_TIME=10 fuzz

-include $(shell find $(OBJ) -name '*.d' 2>/dev/null)
