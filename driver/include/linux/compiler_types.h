/* SPDX-License-Identifier: GPL-2.0 */
/* The in-tree UAPI headers include this; the shim has nothing more to add. */
#include <linux/compiler.h>
