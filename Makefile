# lunchrush: one Makefile for every program, test, lesson check and benchmark.
#
#   make            build bin/blocking, bin/evented, bin/kitchen, bin/loadgen, bin/dashboard,
#                   bin/simulate (the model of both restaurants, simulator/)
#   make demo       the dashboard on the built-in "lunch rush" scenario
#   make test       every test (unit, integration, sanitizers, lesson checks, bench smoke)
#   make SAN=address,undefined test-suite   the suite under sanitizers (objects kept apart)
#   make bench      the side-by-side benchmark matrix into results/
#
# Each program is a folder: its main.c becomes bin/NAME and every other .c file goes into
# build/libNAME.a, which the unit tests link against. common/ is build/libcommon.a.
# Missing Debian packages are installed by scripts/deps.sh before anything is compiled.

SAN ?=
comma := ,
ifeq ($(SAN),)
BUILD := build/default
BIN := bin
SANFLAGS :=
DEBUG_INFO := -g
OPT := -O2
else
SANTAG := san-$(subst $(comma),-,$(SAN))
BUILD := build/$(SANTAG)
BIN := bin/$(SANTAG)
SANFLAGS := -fsanitize=$(SAN) -fno-omit-frame-pointer -fno-sanitize-recover=undefined
# -O1 (what ASan's and TSan's manuals advise) and line tables, all a sanitizer's stack
# trace needs: -O2 -g made these builds two-thirds slower (ASan+UBSan: 49 s against 30 s
# here). At -O1 GCC 12 sees a -Wrestrict overlap between two fields of one struct in
# visualizer/model.c that cannot overlap; the plain build keeps the warning.
DEBUG_INFO := -g1
OPT := -O1 -Wno-restrict
endif

# Packages: what building needs, and what the tests add (tmux for the dashboard's end
# to end test, gnuplot for the bench smoke test, clang for the fuzzer).
BUILD_PKGS := gcc make pkg-config libev-dev libncurses-dev libcmocka-dev libhttp-parser-dev libinih-dev libcjson-dev
BUILD_PKGS += zlib1g-dev
TEST_PKGS := $(BUILD_PKGS) tmux gnuplot-nox clang libclang-rt-14-dev procps
TEST_PKGS += iproute2
DEMO_PKGS := $(BUILD_PKGS)
BENCH_PKGS := $(BUILD_PKGS) gnuplot-nox procps util-linux
# nginx-light, nodejs and wrk are peers: scripts/bench.sh installs each or skips it with a line
DEPS_PKGS ?= $(BUILD_PKGS)

# pkg-config where the package ships a .pc file; libev and http-parser do not on Debian.
# Lazy (=) so that they are read after scripts/deps.sh has installed the packages.
PKG_CFLAGS = $(shell pkg-config --cflags ncursesw cmocka libcjson 2>/dev/null)
NCURSES_LIBS = $(shell pkg-config --libs ncursesw 2>/dev/null || echo -lncursesw)
CMOCKA_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)
INIH_LIBS = $(shell pkg-config --libs inih 2>/dev/null || echo -linih)
CJSON_LIBS = $(shell pkg-config --libs libcjson 2>/dev/null || echo -lcjson)

CFLAGS ?= $(OPT) $(DEBUG_INFO)
CFLAGS += -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -pthread -Icommon $(SANFLAGS)
LDFLAGS += -pthread $(SANFLAGS)
LDLIBS := -lev -lhttp_parser -lrt -lm
LDLIBS += -lz

PROGRAMS_ALL := blocking evented kitchen loadgen dashboard simulate
blocking_DIR := servers/blocking
evented_DIR := servers/evented
kitchen_DIR := servers/kitchen
loadgen_DIR := loadgen
dashboard_DIR := visualizer
simulate_DIR := simulator
# the model runs loadgen's own arrival schedule and reads the dashboard's scenarios
simulate_USES := loadgen/schedule.c visualizer/scenario.c visualizer/restaurant.c visualizer/fmt.c
# the lesson engine has a folder of its own beside the lessons, built into the dashboard
dashboard_USES := $(wildcard lessons/engine/*.c)
# the dashboard's headless summary runs the model beside the measurement
dashboard_EXTRA_LIBS := $(BUILD)/libsimulate.a
# a program exists once its folder has a main.c
PROGRAMS := $(foreach p,$(PROGRAMS_ALL),$(if $(wildcard $($(p)_DIR)/main.c),$(p)))

obj = $(patsubst %.c,$(BUILD)/%.o,$(1))
# the non-main sources of a program folder
lib_srcs = $(filter-out $($(1)_DIR)/main.c,$(wildcard $($(1)_DIR)/*.c))

COMMON_OBJS := $(call obj,$(wildcard common/*.c))
TESTLIB_OBJS := $(call obj,$(wildcard tests/lib/*.c))
PROGRAM_LIBS := $(foreach p,$(PROGRAMS_ALL),$(if $(call lib_srcs,$(p)),$(BUILD)/lib$(p).a))

UNIT_TESTS := $(patsubst tests/unit/%.c,$(BIN)/tests/%,$(wildcard tests/unit/test_*.c))
INTEGRATION_TESTS := $(patsubst tests/integration/%.c,$(BIN)/tests/%,$(wildcard tests/integration/test_*.c))
BINARIES := $(addprefix $(BIN)/,$(PROGRAMS))

ifeq ($(V),)
Q := @
say = @printf '  %-6s %s\n' $(1) $(2);
else
Q :=
say :=
endif

.PHONY: all deps test test-suite demo bench bench-fair bench-loadgen lesson fuzz memcheck soak clean tests peers
.DEFAULT_GOAL := all

all: $(BINARIES)
tests: $(UNIT_TESTS) $(INTEGRATION_TESTS)

deps:
	@scripts/deps.sh $(DEPS_PKGS)

# Every object waits for the packages (order-only: installing does not rebuild).
$(BUILD)/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(CFLAGS) $(PKG_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libcommon.a: $(COMMON_OBJS)
	$(call say,AR,$@)$(AR) rcs $@ $^

define program_rules
$(BUILD)/lib$(1).a: $(call obj,$(call lib_srcs,$(1)) $($(1)_USES))
	$$(call say,AR,$$@)$$(AR) rcs $$@ $$^

$(BIN)/$(1): $(call obj,$($(1)_DIR)/main.c) $(if $(call lib_srcs,$(1)),$(BUILD)/lib$(1).a) $($(1)_EXTRA_LIBS) $(BUILD)/libcommon.a
	@mkdir -p $$(dir $$@)
	$$(call say,LD,$$@)$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(if $$(filter dashboard,$(1)),$$(NCURSES_LIBS) $$(CJSON_LIBS)) $$(if $$(filter dashboard simulate,$(1)),$$(INIH_LIBS)) $$(LDLIBS)
endef
$(foreach p,$(PROGRAMS_ALL),$(eval $(call program_rules,$(p))))

# A unit test named test_PROG_*.c (PROG one of the programs) links build/libPROG.a;
# every test links libcommon.a and the test helpers.
test_libs = $(foreach p,$(PROGRAMS_ALL),$(if $(filter test_$(p)_%,$(1)),$(if $(call lib_srcs,$(p)),$(BUILD)/lib$(p).a) $($(p)_EXTRA_LIBS)))
.SECONDEXPANSION:
$(UNIT_TESTS): $(BIN)/tests/%: $(BUILD)/tests/unit/%.o $(TESTLIB_OBJS) $$(call test_libs,$$*) $(BUILD)/libcommon.a
	@mkdir -p $(dir $@)
	$(call say,LD,$@)$(CC) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(CMOCKA_LIBS) $(NCURSES_LIBS) $(INIH_LIBS) $(CJSON_LIBS) $(LDLIBS)

$(INTEGRATION_TESTS): $(BIN)/tests/%: $(BUILD)/tests/integration/%.o $(TESTLIB_OBJS) $(BUILD)/libcommon.a
	@mkdir -p $(dir $@)
	$(call say,LD,$@)$(CC) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(CMOCKA_LIBS) $(CJSON_LIBS) $(LDLIBS)

# Peer restaurants (bin/dashboard --left/--right go, issue 14): the Go server, built
# offline (the standard library only, caches under build/); the dashboard builds it on
# demand too. node and nginx need no build; each peer's Debian package (golang-go,
# nodejs, nginx-light) is installed by scripts/deps.sh only when that peer is chosen.
peers: build/peers/go-server
build/peers/go-server: peers/go/server.go
	@scripts/deps.sh golang-go
	@mkdir -p $(dir $@)
	$(call say,GO,$@)GOCACHE=$(CURDIR)/build/gocache GOPATH=$(CURDIR)/build/gopath GOFLAGS=-mod=mod \
		GOPROXY=off go build -o $@ $<

# The suite for one build (plain or SAN=...): unit tests, then integration tests
# against the real binaries of that build.
test-suite: DEPS_PKGS = $(TEST_PKGS)
test-suite: all tests
	@LUNCHRUSH_BIN=$(BIN) SAN=$(SAN) tests/run.sh $(UNIT_TESTS) -- $(INTEGRATION_TESTS)

# What CI runs: the plain suite, then the same suite under ASan+UBSan and under TSan.
test: DEPS_PKGS = $(TEST_PKGS)
test: deps
	@tests/test-all.sh

demo: DEPS_PKGS = $(DEMO_PKGS)
demo: all
	@scripts/demo.sh $(BIN)

# Benchmarks against nginx, Node.js and wrk (installed if missing); QUICK=1 for ~2 min.
bench: DEPS_PKGS = $(BENCH_PKGS)
bench: all
	@QUICK=$(QUICK) scripts/bench.sh

# Only the fairness table: every mode of ours beside the servers of its model (~12 min).
bench-fair: DEPS_PKGS = $(BENCH_PKGS)
bench-fair: all
	@BENCH_FAIR_ONLY=1 scripts/bench.sh

bench-loadgen: DEPS_PKGS = $(BENCH_PKGS)
bench-loadgen: all
	@BENCH_LOADGEN_ONLY=1 scripts/bench.sh

# The lessons menu, or one lesson: make lesson N=3
lesson: all
	@$(BIN)/dashboard --lesson $(if $(N),$(N),menu)

# libFuzzer over the request glue and the query parser; FUZZ_SECONDS per target.
fuzz: DEPS_PKGS = $(TEST_PKGS)
fuzz: deps
	@FUZZ_SECONDS=$(or $(FUZZ_SECONDS),60) scripts/fuzz.sh

# Every binary briefly under valgrind memcheck with a real load (about 40 s).
memcheck: DEPS_PKGS = $(BUILD_PKGS) valgrind
memcheck: all
	@scripts/memcheck.sh

# Ten minutes at 80 % of capacity, resident memory must stay flat (not part of make test).
soak: all
	@scripts/soak.sh $(BIN)

clean:
	rm -rf build bin

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
