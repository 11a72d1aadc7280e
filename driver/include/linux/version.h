/* SPDX-License-Identifier: GPL-2.0 */
/* LINUX_VERSION_CODE comes from the build (the tree's top Makefile). */
#ifndef SHIM_LINUX_VERSION_H
#define SHIM_LINUX_VERSION_H
#define KERNEL_VERSION(a, b, c) (((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c)))
#ifndef LINUX_VERSION_CODE
#error "LINUX_VERSION_CODE must be passed by the build"
#endif
#endif
