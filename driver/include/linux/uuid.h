/* SPDX-License-Identifier: GPL-2.0 */
/* Shim: guid_t and parsing in the kernel's rules (36 characters, hex, dashes). */
#ifndef SHIM_LINUX_UUID_H
#define SHIM_LINUX_UUID_H

#include <linux/types.h>
#include <string.h>

#define UUID_SIZE 16
typedef struct {
	__u8 b[UUID_SIZE];
} guid_t;

int guid_parse(const char *uuid, guid_t *u);
static inline bool guid_equal(const guid_t *a, const guid_t *b)
{
	return memcmp(a, b, sizeof(guid_t)) == 0;
}

#endif
