# SPDX-License-Identifier: GPL-2.0
#
# vfio-ap-stress: the two commands are `make run` and `make check`.
#
#   make            build the simulated host for KSRC (default: Debian's 6.1)
#   make run        the main job: stress + fault campaigns (DURATION=120 s);
#                   FIXES=all or KI-6,...: on the driver with those fixes of
#                   driver/fixes/ applied
#   make check      every test, against 6.1, 6.12 and 7.2, plain, sanitized and
#                   built for s390x (run by qemu-s390x)
#   make bench      throughput and start-up figures
#   make restore    undo an interrupted run's changes from its journal
#   make sim KSRC=<tree>   build the sim of another kernel tree
#
# Everything a fresh Debian 12 machine lacks is installed on the way.

SHELL := /bin/bash
TOP := $(CURDIR)
DEFAULT_KVER ?= 6.1
CHECK_KVERS ?= 6.1 6.12 7.2

DEPS_BIN := gcc:gcc make:make xz:xz-utils dpkg-deb:dpkg ar:binutils
.PHONY: all deps sim stress run run-bin check bench restore clean help

all: sim

deps:
	@scripts/deps.sh

# lib/'s flags (make restore builds lib/ without a sim)
include lib/flags.mk

# The tree: KSRC if given (must be a kernel tree), else Debian's package.
ksrc = $(if $(KSRC),$(KSRC),$(shell scripts/ksrc.sh tree $(1) || echo /nonexistent))

define build_sim
	@tree="$(1)"; san="$(2)"; cross="$(CROSS)"; olevel="$(OLEVEL)"; cov="$(filter 1,$(COV))"; nouninit="$(filter 1,$(NOUNINIT))"; norace="$(filter 1,$(NORACE))"; sysroot=; \
	key=$$(scripts/ksrc.sh key "$$tree") || exit 2; \
	rel=$$(scripts/ksrc.sh version "$$tree") || exit 2; \
	if [ -n "$$cross" ]; then sysroot=$$(scripts/s390x.sh sysroot) || exit 2; fi; \
	out="build/k/$$key$${san:+-san}$${cov:+-cov}$${nouninit:+-nouninit}$${norace:+-norace}$${cross:+-$$cross}$${olevel:+$$olevel}"; \
	mkdir -p "$$out"; \
	if $(MAKE) -s --no-print-directory -f driver/sim.mk K="$$tree" OUT="$$out" KREL="$$rel" SAN="$$san" \
		$${cross:+CROSS=$$cross SYSROOT=$$sysroot} $${olevel:+OLEVEL=$$olevel} $${cov:+COV=1} $${nouninit:+NOUNINIT=1} $${norace:+NORACE=1} >"$$out/build.log" 2>&1; then \
		echo "$$out"; \
	else \
		echo "$$(driver/shim-missing.sh "$$out/build.log" "$$rel"); the whole log: $$out/build.log" >&2; \
		exit 2; \
	fi
endef

sim: deps
	@set -o pipefail; tree="$(call ksrc,$(DEFAULT_KVER))"; \
	out=$$($(MAKE) -s --no-print-directory sim-one TREE="$$tree" | tail -n1) || exit $$?; \
	mkdir -p build/bin && ln -sfn "$(TOP)/$$out/bin/vfio-ap-sim" build/bin/vfio-ap-sim && \
	echo "built $$out/bin/vfio-ap-sim (build/bin/vfio-ap-sim)"

# the campaign tools (stress/, fault/) are built with every sim; links here
stress: sim
	@d=$$(dirname "$$(readlink -f build/bin/vfio-ap-sim)") && \
	ln -sfn "$$d/vfio-ap-stress" build/bin/vfio-ap-stress && \
	ln -sfn "$$d/vfio-ap-fault" build/bin/vfio-ap-fault && \
	echo "built build/bin/vfio-ap-stress, build/bin/vfio-ap-fault"

sim-one:
	$(call build_sim,$(TREE),$(SAN))

# the main job: stress and fault campaigns on the sim (DURATION seconds of
# stress), results in results/<time>-sim-<kernel>/; exit 0 clean, 1 findings
DURATION ?= 120
# SAN=0: the campaigns on the plain build (default: ASan+UBSan, as syzbot
# runs KASAN kernels: a use-after-free is seen where it happens)
RUN_SAN := $(if $(filter 0,$(SAN)),,1)
# GNU make turns any failing recipe into exit status 2, but a nightly job
# must tell findings (1) from a broken tool (2): the job runs while this
# file is read (its output on make's own stdout), and its status becomes
# make's: 1 through question mode (a phony target is never up to date),
# 2 through $(error).
ifneq ($(filter run,$(MAKECMDGOALS)),)
RUN_RC := $(shell out=/proc/$$PPID/fd/1; [ -w "$$out" ] || out=/dev/stderr; \
	$(MAKE) -s --no-print-directory run-bin SAN=$(RUN_SAN) DEFAULT_KVER=$(DEFAULT_KVER) $(if $(KSRC),KSRC="$(KSRC)") $(if $(FIXES),FIXES="$(FIXES)") >>"$$out" && \
	$(if $(CORPUS),CORPUS="$(CORPUS)") scripts/run.sh "$$(cat build/run-bin)" "$(DURATION)" >>"$$out"; echo $$?)
ifeq ($(RUN_RC),1)
MAKEFLAGS += -q
else ifneq ($(RUN_RC),0)
$(error make run: the job could not run (exit status $(RUN_RC)), see above)
endif
endif
run:
	@:

# the campaign tools of the default tree's sim (sanitized unless SAN=0),
# the driver's two files counting coverage (COV=1): their folder into
# build/run-bin
run-bin: deps
	@set -o pipefail; tree="$(call ksrc,$(DEFAULT_KVER))"; \
	if [ -n "$(FIXES)" ]; then \
		bin=$$(MUTANT_SAN="$(filter 1,$(SAN))" MUTANT_COV=1 driver/fixes/build.sh "$$tree" "$(FIXES)") || exit 2; \
		echo "$$(dirname "$$bin")" >build/run-bin; \
	else \
		out=$$($(MAKE) -s --no-print-directory sim-one TREE="$$tree" SAN="$(filter 1,$(SAN))" COV=1 | tail -n1) || exit $$?; \
		echo "$(TOP)/$$out/bin" >build/run-bin; \
	fi

check: deps
	@set -eo pipefail; bins=(); trees=(); \
	for v in $(CHECK_KVERS); do \
		tree=$$(scripts/ksrc.sh tree $$v); trees+=("$$tree"); \
		for san in "" 1; do \
			out=$$($(MAKE) -s --no-print-directory sim-one TREE="$$tree" SAN="$$san" | tail -n1); \
			bins+=("$$out/bin/vfio-ap-sim"); \
		done; \
		out=$$($(MAKE) -s --no-print-directory sim-one TREE="$$tree" CROSS=s390x | tail -n1); \
		bins+=("$$out/bin/qemu-vfio-ap-sim"); \
		$(MAKE) -s --no-print-directory sim-one TREE="$$tree" SAN=1 COV=1 >/dev/null; \
	done; \
	scripts/check.sh "$${bins[@]}" --trees "$${trees[@]}"

bench: sim
	@bin=$$(readlink -f build/bin/vfio-ap-sim) && \
	san=$$($(MAKE) -s --no-print-directory sim-one TREE="$(call ksrc,$(DEFAULT_KVER))" SAN=1 | tail -n1) && \
	cov=$$($(MAKE) -s --no-print-directory sim-one TREE="$(call ksrc,$(DEFAULT_KVER))" SAN=1 COV=1 | tail -n1) && \
	nou=$$($(MAKE) -s --no-print-directory sim-one TREE="$(call ksrc,$(DEFAULT_KVER))" SAN=1 NOUNINIT=1 | tail -n1) && \
	nor=$$($(MAKE) -s --no-print-directory sim-one TREE="$(call ksrc,$(DEFAULT_KVER))" SAN=1 NORACE=1 | tail -n1) && \
	x=$$($(MAKE) -s --no-print-directory sim-one TREE="$(call ksrc,$(DEFAULT_KVER))" CROSS=s390x | tail -n1) && \
	fixed=$$(MUTANT_SAN=1 MUTANT_COV=1 driver/fixes/build.sh "$(call ksrc,$(DEFAULT_KVER))" all) && \
	BENCH_SAN_STRESS="$(TOP)/$$san/bin/vfio-ap-stress" BENCH_COV_STRESS="$(TOP)/$$cov/bin/vfio-ap-stress" \
	BENCH_NOUNINIT_STRESS="$(TOP)/$$nou/bin/vfio-ap-stress" BENCH_NORACE_STRESS="$(TOP)/$$nor/bin/vfio-ap-stress" \
	BENCH_S390X_STRESS="$(TOP)/$$x/bin/qemu-vfio-ap-stress" BENCH_FIXED_STRESS="$$(dirname "$$fixed")/vfio-ap-stress" \
		driver/tests/bench.sh "$${bin%-sim}-bench" "$(call ksrc,$(DEFAULT_KVER))"

# Puts a real host (or a mounted sim: VFIO_AP_SYSFS_ROOT=DIR) back from the
# journal of an interrupted run ($$VFIO_AP_JOURNAL, default
# /var/tmp/vfio-ap-stress.journal).  Needs only gcc and libkmod.
restore:
	@mkdir -p build/bin && \
	$(CC) $(LIB_CFLAGS) -O1 selftests/vfio_ap/restore.c lib/*.c abi/formats.c abi/invariants.c \
		lib/nosim/sim_none.c -o build/bin/vfio-ap-restore -lkmod -ludev && \
	VFIO_AP_HOST=linux build/bin/vfio-ap-restore

clean:
	rm -rf build/k build/bin build/mutants

help:
	@sed -n '3,12p' Makefile
