/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim: the AP bus device id, as the kernel lays it out (7.x moved it from
 * linux/mod_devicetable.h into linux/device-id/ap.h; both include this).
 */
#ifndef SHIM_LINUX_DEVICE_ID_AP_H
#define SHIM_LINUX_DEVICE_ID_AP_H

#include <linux/types.h>

struct ap_device_id {
	__u16 match_flags;
	__u8 dev_type;
	unsigned long driver_info;
};

#define AP_DEVICE_ID_MATCH_CARD_TYPE 0x01
#define AP_DEVICE_ID_MATCH_QUEUE_TYPE 0x02

#endif
