/* SPDX-License-Identifier: GPL-2.0 */
/* Shim: the device id tables; the driver needs the AP bus's alone. */
#ifndef SHIM_LINUX_MOD_DEVICETABLE_H
#define SHIM_LINUX_MOD_DEVICETABLE_H

#include <linux/device-id/ap.h>

#endif
