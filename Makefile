# CaseBridge build. `make` builds the release binary ./casebridge; `make run` installs what is missing,
# builds, creates a demo database and serves; `make test` builds with ASan+UBSan and runs every test.
# BUILD=dir puts objects elsewhere (parallel builds by different people or tools must not share it).

CC      ?= cc
BUILD   ?= build/release
MODE    ?= release
DATA_DIR ?= var/demo
LISTEN  ?= 127.0.0.1:8080

PKGS    := libmicrohttpd jansson sqlite3 libcrypto
WARN    := -Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes -Wformat=2 -Wvla -Werror
ifeq ($(findstring clang,$(CC)),)
  WARN += -Wno-format-truncation
endif
CFLAGS_BASE := -std=c11 -D_GNU_SOURCE -Isrc -I$(BUILD)/gen $(WARN) -pthread $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS    := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -largon2 -lm -pthread

ifeq ($(MODE),fuzz)
  OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined
else ifeq ($(MODE),asan)
  OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
else ifeq ($(MODE),debug)
  OPT := -O0 -g
else
  OPT := -O2 -g
endif
CFLAGS_ALL := $(CFLAGS_BASE) $(OPT) $(CFLAGS)
LDFLAGS_ALL := $(OPT) $(LDFLAGS)

SRC      := $(shell find src -name '*.c' ! -path 'src/main.c' | sort)
OBJ      := $(SRC:%.c=$(BUILD)/%.o)
EMBED_IN := $(sort $(wildcard src/store/migrations/*.sql)) docs/openapi.yaml $(sort $(wildcard data/*.csv)) data/inner_mongolia_leagues.geojson
GEN_C    := $(BUILD)/gen/embedded.c
GEN_O    := $(BUILD)/gen/embedded.o
LIB      := $(BUILD)/libcasebridge.a
BIN      := $(BUILD)/casebridge
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all run serve demo test test-unit test-api test-e2e deps deps-web web clean format bench bench-tools lint
all: casebridge

casebridge: $(BIN)
	cp $(BIN) $@.tmp && mv -f $@.tmp $@

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "CC $<"
	@$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(GEN_C): scripts/embed.sh $(EMBED_IN)
	@mkdir -p $(dir $@)
	@sh scripts/embed.sh $(EMBED_IN) > $@.tmp && mv $@.tmp $@

$(GEN_O): $(GEN_C)
	@$(CC) $(CFLAGS_ALL) -Wno-missing-prototypes -Wno-overlength-strings -c $< -o $@

$(LIB): $(OBJ) $(GEN_O)
	@rm -f $@
	@ar rcs $@ $^

$(BIN): $(BUILD)/src/main.o $(LIB)
	@echo "LINK $@"
	@$(CC) $(LDFLAGS_ALL) $^ $(LIBS) -o $@

$(BUILD)/tests/%: tests/unit/%.c $(LIB) tests/unit/testutil.h
	@mkdir -p $(dir $@)
	@echo "LINK $@"
	@$(CC) $(CFLAGS_ALL) -Itests/unit $< $(LIB) $(LIBS) -lcmocka $(LDFLAGS_ALL) -o $@

-include $(OBJ:.o=.d) $(BUILD)/src/main.d

# ---- set-up ---------------------------------------------------------------------------------------
DEB_PKGS := build-essential pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev libssl-dev \
            libargon2-dev libcmocka-dev sqlite3 curl nodejs npm
deps:
	@sh scripts/deps.sh $(DEB_PKGS)

deps-web: deps
	@sh scripts/deps-web.sh

web: deps-web
	@sh scripts/build-web.sh

run: deps
	@$(MAKE) --no-print-directory casebridge
	@$(MAKE) --no-print-directory web || echo "warning: web build failed; the API still serves"
	@test -f $(DATA_DIR)/casebridge.db || ./casebridge init --demo --data-dir $(DATA_DIR)
	@./casebridge demo-logins --data-dir $(DATA_DIR)
	./casebridge serve --data-dir $(DATA_DIR) --listen $(LISTEN) --web-root web/dist

# ---- tests ----------------------------------------------------------------------------------------
TEST_BUILD := build/asan
test: deps
	@$(MAKE) --no-print-directory web
	@$(MAKE) --no-print-directory MODE=asan BUILD=$(TEST_BUILD) $(TEST_BUILD)/casebridge test-bins
	@sh tests/run.sh $(TEST_BUILD)

test-bins: $(UNIT_BIN)

test-unit:
	@$(MAKE) --no-print-directory MODE=asan BUILD=$(TEST_BUILD) test-bins
	@SUITES=unit sh tests/run.sh $(TEST_BUILD)

test-api:
	@$(MAKE) --no-print-directory MODE=asan BUILD=$(TEST_BUILD) $(TEST_BUILD)/casebridge
	@SUITES=api sh tests/run.sh $(TEST_BUILD)

# ---- fuzzing (libFuzzer, clang): make fuzz [FUZZ_SECONDS=60] runs every driver in tests/fuzz ------------
FUZZ_BUILD := build/fuzz
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_BUILD)/fuzz/%)
FUZZ_SECONDS ?= 30
.PHONY: fuzz fuzz-bins
fuzz:
	@sh scripts/deps.sh clang libclang-rt-14-dev
	@$(MAKE) --no-print-directory CC=clang MODE=fuzz BUILD=$(FUZZ_BUILD) fuzz-bins
	@for f in $(FUZZ_BIN); do n=$$(basename $$f); mkdir -p $(FUZZ_BUILD)/corpus/$$n; \
		echo "fuzz $$n for $(FUZZ_SECONDS) s"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=0 $(FUZZ_BUILD)/corpus/$$n tests/fuzz/seeds 2>&1 | tail -n 2 || exit 1; done

fuzz-bins: $(FUZZ_BIN)

$(FUZZ_BUILD)/fuzz/%: tests/fuzz/%.c $(LIB)
	@mkdir -p $(dir $@)
	@echo "LINK $@"
	@$(CC) $(CFLAGS_ALL) -fsanitize=fuzzer $< $(LIB) $(LIBS) -o $@

bench: casebridge bench-tools
	@sh bench/run.sh

# bench/tlog_bench: the log's append rate against plain inserts, proof times (bench/run.sh runs it)
bench-tools: $(BUILD)/bench/tlog_bench
$(BUILD)/bench/tlog_bench: bench/tlog_bench.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $< $(LIB) $(LIBS) $(LDFLAGS_ALL) -o $@

format:
	clang-format -i $$(find src tests/unit -name '*.[ch]')

clean:
	rm -rf build casebridge
