# SPDX-License-Identifier: Apache-2.0
# Thin driver over CMake presets. `make run` and `make test` install dependencies first.
PRESET ?= dev
BUILD  := build/$(PRESET)
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)
CTEST_ARGS ?=

.PHONY: all deps build run test asan release fuzz fuzz-replay bench install clean format

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD)/CMakeCache.txt:
	cmake --preset $(PRESET) >/dev/null

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

run: deps
	@$(MAKE) --no-print-directory build PRESET=release
	@bash scripts/demo.sh build/release/portcullis

test: deps
	@$(MAKE) --no-print-directory build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)

asan: deps
	@$(MAKE) --no-print-directory build PRESET=asan
	cd build/asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	    UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)

release: deps
	@$(MAKE) --no-print-directory build PRESET=release

fuzz: deps
	@$(MAKE) --no-print-directory build PRESET=fuzz

fuzz-replay: fuzz
	@bash scripts/fuzz-replay.sh build/fuzz/fuzz

bench: release
	bash bench/scan.sh

install: release
	cmake --install build/release $(if $(PREFIX),--prefix $(PREFIX),)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build
