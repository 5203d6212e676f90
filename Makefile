# The two commands on a fresh Debian machine: `make demo` and `make test`.
BUILD ?= build
BUILD_TYPE ?= RelWithDebInfo
FUZZ_SECONDS ?= 600
# Use ccache when the machine has it (CI does not need it).
CCACHE := $(shell command -v ccache 2>/dev/null)
CMAKE_LAUNCHER := $(if $(CCACHE),-DCMAKE_CXX_COMPILER_LAUNCHER=$(CCACHE),)
# Debug info as line tables only (-g1): backtraces keep files and lines, and
# a fresh build (CI: 2 cores, every file) compiles about a third faster than
# with full debug info (-g). `make build DEBUG_INFO=-g` for a debugger.
DEBUG_INFO ?= -g1
# Unity build: each library's files compiled eight to a translation unit, so
# the standard, fmt, JSON and libpqxx headers are parsed once per eight
# files, not once per file (a fresh build on 2 cores: about half the time;
# docs/architecture.md, "Build"). `make build UNITY=OFF` compiles file by
# file, as an editor's compile_commands.json wants.
UNITY ?= ON

.PHONY: all deps build test demo bench fuzz golden-update format-check clean

all: build

deps:
	@scripts/install-deps

build: deps
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_LAUNCHER) \
		-DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 $(DEBUG_INFO) -DNDEBUG" -DCMAKE_UNITY_BUILD=$(UNITY) >/dev/null
	@cmake --build $(BUILD)

test: build
	@ctest --test-dir $(BUILD) --output-on-failure -j4

demo: build
	@scripts/demo $(BUILD)/bin/flowc

bench:
	@scripts/install-deps --bench
	@bench/run-all.sh

fuzz:
	@scripts/install-deps --fuzz
	@fuzz/run.sh $(FUZZ_SECONDS)

# Rewrite the expectations of every golden case after an intended change;
# review the diff before committing.
golden-update: build
	@$(BUILD)/bin/golden_runner --autoupdate tests/golden/check/*.flow
	@FLOWC_AUTOUPDATE=1 $(BUILD)/bin/test_format >/dev/null || true

clean:
	rm -rf $(BUILD)
