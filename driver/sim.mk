# SPDX-License-Identifier: GPL-2.0
#
# Builds the simulated host for one kernel tree:
#   make -f driver/sim.mk K=<kernel tree> OUT=<dir> KREL=<x.y.z> [SAN=1]
# The driver files are copied from the tree into $(OUT)/src and compiled
# there against our shim headers; the tree's UAPI headers come after ours.

K ?= $(error K=<kernel tree> is required)
OUT ?= $(error OUT=<build dir> is required)
KREL ?= $(error KREL=<kernel release> is required)

CC ?= gcc
# CROSS=s390x: built with the cross compiler against the libraries of
# SYSROOT (scripts/s390x.sh sysroot), for qemu-s390x or a real s390x host
ifeq ($(CROSS),s390x)
CC := s390x-linux-gnu-gcc
SYSROOT ?= $(error SYSROOT=<dir> is required with CROSS=s390x)
XINC := -idirafter $(SYSROOT)/usr/include -idirafter $(SYSROOT)/usr/include/s390x-linux-gnu
XLIB := $(foreach d,$(SYSROOT)/usr/lib/s390x-linux-gnu $(SYSROOT)/lib/s390x-linux-gnu,-L$(d) -Wl,-rpath-link,$(d))
endif
V1 := $(word 1,$(subst ., ,$(KREL)))
V2 := $(word 2,$(subst ., ,$(KREL)))
V3 := $(word 3,$(subst ., ,$(KREL)))
VCODE := $(shell echo $$(( ($(V1) << 16) + ($(V2) << 8) + ($(V3) > 255 ? 255 : $(V3)) )))

DRIVER_FILES := vfio_ap_ops.c vfio_ap_drv.c vfio_ap_private.h vfio_ap_debug.h ap_bus.h
SRC := $(OUT)/src

INC := -Idriver/include -Idriver/public -Iabi -I$(SRC) -I$(K)/arch/s390/include/uapi -I$(K)/include/uapi
# what the tree's driver has (driver/features.sh), seen by every object
DEFS := -include $(SRC)/sim_tree.h -D__EXPORTED_HEADERS__ -DLINUX_VERSION_CODE=$(VCODE) -DKERNEL_RELEASE=$(KREL) -D_GNU_SOURCE
# frame pointers: the allocation ledger saves a stack per allocation; no
# sibling calls, so that a trace keeps every caller whatever OLEVEL is
# (reports are identified by their frames: known-issues.txt)
OLEVEL ?= -O1
OPT := $(OLEVEL) -g -fno-omit-frame-pointer -fno-optimize-sibling-calls
ifneq ($(findstring x86_64,$(shell $(CC) -dumpmachine)),)
OPT += -mno-omit-leaf-frame-pointer
endif
ifeq ($(SAN),1)
OPT += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
# (the driver's unit cannot tell by __SANITIZE_ADDRESS__: kernel-address
# sets it too)
DEFS += -DSIM_SAN_BUILD
LDSAN := -fsanitize=address,undefined
endif
# COV=1: the driver's two files (and only they) count their lines and
# branches (gcov) and mark the edges they take (trace-pc, shim/edges.c);
# a campaign's --coverage reads the counts, its --corpus the edges
ifeq ($(COV),1)
COVFLAGS := --coverage -fprofile-update=atomic -fsanitize-coverage=trace-pc
LDSAN += --coverage
# our code asks libgcov to write the counts (a dying case, the campaign)
COVDEF := -DSIM_COVERAGE=1
endif
# the driver's locals it does not initialise start as a pattern
# (sim/uninit.h), where the compiler offers it (gcc 12 on)
# (NOUNINIT=1: neither the pattern nor its checks, for make bench's cost)
ifeq ($(NOUNINIT),1)
UNINIT :=
DEFS += -DSIM_NO_UNINIT
else
UNINIT := $(shell $(CC) -ftrivial-auto-var-init=pattern -x c -c /dev/null -o /dev/null 2>/dev/null && echo -ftrivial-auto-var-init=pattern)
endif
# the lockset detector (shim/race.c): the driver's loads and stores call
# out, as ASan's outline checks (sanitized builds: forwarded to ASan) or
# kernel-address's with no runtime but ours (plain builds); NORACE=1
# builds without, for make bench's cost
ifeq ($(NORACE),1)
RACE :=
DEFS += -DSIM_NO_RACE
else ifeq ($(SAN),1)
RACE := --param asan-instrumentation-with-call-threshold=0
else
RACE := -fsanitize=kernel-address --param asan-instrumentation-with-call-threshold=0 --param asan-stack=0 --param asan-globals=0
endif
# Our own code: every warning is an error.
CFLAGS_OWN := -std=gnu11 $(OPT) $(COVDEF) -Wall -Wextra -Werror -Wno-unused-parameter $(DEFS) $(INC) $(XINC)
# The kernel's driver source: the kernel's own warning level.
CFLAGS_DRV := -std=gnu11 $(OPT) $(COVFLAGS) $(UNINIT) $(RACE) -DSIM_DRIVER_UNIT -Wall -Wno-unused-parameter -Wno-sign-compare \
	-Werror=implicit-function-declaration -Werror=incompatible-pointer-types \
	-Werror=int-conversion $(DEFS) $(INC) $(XINC)

OWN_SRCS := $(wildcard driver/shim/*.c driver/apbus/*.c driver/vfio/*.c driver/kvm/*.c) driver/sim/host.c driver/sim/known.c
OWN_OBJS := $(patsubst driver/%.c,$(OUT)/obj/%.o,$(OWN_SRCS))
# the bottom floor (formats, invariants): in the sim's library, so that
# lib/ and the tools linked with it have it too
ABI_OBJS := $(patsubst abi/%.c,$(OUT)/obj/abi/%.o,$(filter-out abi/unit.c,$(wildcard abi/*.c)))
DRV_OBJS := $(OUT)/obj/vfio_ap_ops.o $(OUT)/obj/vfio_ap_drv.o
HDRS := $(wildcard driver/include/*/*.h driver/public/*/*.h) abi/abi.h

all: $(OUT)/bin/vfio-ap-sim $(OUT)/bin/vfio-ap-bench $(OUT)/bin/shim-families $(OUT)/lib/libvfioapsim.a \
	$(OUT)/lib/libvapabi.a $(OUT)/lib/libvfioap.a $(OUT)/lib/libvfioap-guests.a \
	$(if $(CROSS),$(OUT)/bin/qemu-vfio-ap-sim $(OUT)/bin/qemu-vfio-ap-stress $(OUT)/bin/qemu-vfio-ap-fault)

# for a cross build: the sim and the campaign tools under qemu user
# emulation, with the sysroot's libraries (make check runs the sim as one
# more binary, and the campaign on the s390x-only mutants)
$(OUT)/bin/qemu-%: driver/sim.mk
	@mkdir -p $(dir $@)
	printf '#!/bin/sh\n# $* for $(CROSS), run by qemu user emulation\nexport QEMU_LD_PREFIX=/usr/s390x-linux-gnu\nexport LD_LIBRARY_PATH=$(SYSROOT)/usr/lib/s390x-linux-gnu:$(SYSROOT)/lib/s390x-linux-gnu\nexec qemu-s390x-static "$$(dirname "$$0")/$*" "$$@"\n' >$@
	chmod +x $@

$(SRC)/.copied: $(addprefix $(K)/drivers/s390/crypto/,$(DRIVER_FILES))
	@mkdir -p $(SRC)
	cp $^ $(SRC)/
	@touch $@

# our objects see the driver's headers only: a tree whose .c files alone
# differ (a mutant, a fix) rebuilds the driver's two objects and no more
# (the sum is rewritten only when the headers change, and make looks at
# its time again after the recipe)
$(SRC)/sim_tree.h: $(SRC)/.copied driver/features.sh
	driver/features.sh $(SRC) >$@.new && mv $@.new $@

$(SRC)/.hsum: $(SRC)/.copied $(SRC)/sim_tree.h
	@cat $(SRC)/*.h | cksum >$@.new; cmp -s $@.new $@ && rm -f $@.new || mv $@.new $@

$(OUT)/obj/%.o: driver/%.c $(HDRS) $(SRC)/.hsum
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_OWN) -c $< -o $@

# (with lib/'s flags: the floor sees no kernel shim and no tree)
$(OUT)/obj/abi/%.o: abi/%.c abi/abi.h lib/flags.mk
	@mkdir -p $(dir $@)
	$(CC) $(LIB_CFLAGS) $(OPT) $(XINC) -c $< -o $@

$(OUT)/obj/vfio_ap_%.o: $(SRC)/.copied $(SRC)/sim_tree.h $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_DRV) -c $(SRC)/vfio_ap_$*.c -o $@

$(OUT)/lib/libvfioapsim.a: $(OWN_OBJS) $(DRV_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

# the bottom floor, an archive of its own: the sim and lib/ both use it
$(OUT)/lib/libvapabi.a: $(ABI_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

# the sim's programs: its library, then the floor below it
SIM_LIBS := $(OUT)/lib/libvfioapsim.a $(OUT)/lib/libvapabi.a

ifeq ($(CROSS),s390x)
FUSE_CFLAGS := -I$(SYSROOT)/usr/include/fuse3
FUSE_LIBS := -lfuse3
else
FUSE_CFLAGS := $(shell pkg-config --cflags fuse3)
FUSE_LIBS := $(shell pkg-config --libs fuse3)
endif

$(OUT)/bin/vfio-ap-sim: driver/sim/main.c driver/sim/fuse.c driver/sim/fuse_mount.h $(SIM_LIBS) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_OWN) $(FUSE_CFLAGS) -DSIM_KNOWN_DEFAULT=\"$(abspath driver/known-issues.txt)\" driver/sim/main.c driver/sim/fuse.c $(SIM_LIBS) -o $@ $(LDSAN) $(XLIB) $(FUSE_LIBS) -lpthread -ldw

# the shim families used beyond the driver's call sites (tests/scenarios.sh)
$(OUT)/bin/shim-families: driver/tests/shim-families.c $(SIM_LIBS) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_OWN) driver/tests/shim-families.c $(SIM_LIBS) -o $@ $(LDSAN) $(XLIB) -lpthread -ldw

$(OUT)/bin/vfio-ap-bench: driver/bench/bench.c $(SIM_LIBS) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_OWN) driver/bench/bench.c $(SIM_LIBS) -o $@ $(LDSAN) $(XLIB) -lpthread -ldw

# lib/ (libvfioap), compiled once for every consumer of this sim: the
# campaign tools, the unit programs, the selftests (selftests/vfio_ap/
# Makefile links the archives), with its one set of flags (lib/flags.mk:
# the sim's public headers, driver/public, on their own include path; the
# kernel shims of driver/include are not lib's).  guest_linux.c is an
# archive of its own: an s390x selftests build links the KVM guests of
# the tree's KVM library instead.
include lib/flags.mk
LIB_OBJS := $(patsubst %.c,$(OUT)/obj/tool/%.o,$(filter-out lib/guest_linux.c,$(wildcard lib/*.c)))
$(OUT)/lib/libvfioap.a: $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(OUT)/lib/libvfioap-guests.a: $(OUT)/obj/tool/lib/guest_linux.o
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

# The campaign tools (stress/, fault/) on the campaign layer (campaign/),
# lib/ and this sim (cross-built against the sysroot's json-c, libkmod and
# libudev).
all: $(OUT)/bin/vfio-ap-stress $(OUT)/bin/vfio-ap-fault $(OUT)/bin/vfio-ap-verify \
	$(OUT)/bin/unit-abi $(OUT)/bin/unit-campaign $(OUT)/bin/unit-options
ENGINE_SRCS := stress/engine.c stress/corpus.c stress/options.c $(filter-out campaign/verify.c campaign/unit.c,$(wildcard campaign/*.c))
ENGINE_HDRS := stress/engine.h stress/options.h $(wildcard campaign/*.h) abi/abi.h lib/vfio_ap.h lib/internal.h
CFLAGS_TOOL := $(LIB_CFLAGS) $(OPT) $(COVDEF) -Icampaign -Istress -DVAP_KNOWN_ISSUES=\"$(abspath driver/known-issues.txt)\" $(XINC)
LIBS_TOOL := $(OUT)/lib/libvfioap.a $(OUT)/lib/libvfioap-guests.a $(SIM_LIBS)
TOOL_LIBS := $(LIBS_TOOL) $(LDSAN) $(XLIB) -ljson-c -lkmod -ludev -lpthread -ldw

TOOL_OBJS := $(patsubst %.c,$(OUT)/obj/tool/%.o,$(ENGINE_SRCS))

# compiled once for both tools
$(OUT)/obj/tool/%.o: %.c $(ENGINE_HDRS) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_TOOL) -c $< -o $@

$(OUT)/bin/vfio-ap-stress: $(OUT)/obj/tool/stress/main.o $(TOOL_OBJS) $(LIBS_TOOL)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_TOOL) $(OUT)/obj/tool/stress/main.o $(TOOL_OBJS) -o $@ $(TOOL_LIBS)

$(OUT)/bin/vfio-ap-fault: $(OUT)/obj/tool/fault/fault.o $(TOOL_OBJS) $(LIBS_TOOL)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_TOOL) $(OUT)/obj/tool/fault/fault.o $(TOOL_OBJS) -o $@ $(TOOL_LIBS)

# make check's checks of a results folder (json-c and the layer's
# accessors only)
$(OUT)/bin/vfio-ap-verify: campaign/verify.c campaign/json.c campaign/json.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_TOOL) campaign/verify.c campaign/json.c -o $@ $(LDSAN) $(XLIB) -ljson-c

# the layers' own tests (kselftest harness of the tree): abi/, campaign/'s
# JSON and escapes, the tools' option table
UNIT_CFLAGS := $(CFLAGS_TOOL) -Wno-sign-compare -Wno-clobbered -I$(K)/tools/testing/selftests
$(OUT)/bin/unit-abi: abi/unit.c $(OUT)/lib/libvapabi.a
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_CFLAGS) abi/unit.c $(OUT)/lib/libvapabi.a -o $@ $(LDSAN) $(XLIB)

$(OUT)/bin/unit-campaign: campaign/unit.c campaign/json.c campaign/json.h
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_CFLAGS) campaign/unit.c campaign/json.c -o $@ $(LDSAN) $(XLIB) -ljson-c

$(OUT)/bin/unit-options: stress/unit.c $(TOOL_OBJS) $(LIBS_TOOL)
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_CFLAGS) stress/unit.c $(TOOL_OBJS) -o $@ $(TOOL_LIBS)

.PHONY: all
