# SPDX-License-Identifier: GPL-2.0
#
# lib/'s one set of compiler flags, for every build of it (driver/sim.mk's
# libvfioap.a, `make restore`), relative to the checkout's top folder:
# lib/ sees abi/ and the simulated host's public headers (driver/public),
# never the kernel shims of driver/include.
LIB_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter -D_GNU_SOURCE \
	-Iabi -Ilib -Idriver/public
