/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim: the s390 debug feature (s390dbf).  Events at or below the area's
 * level are formatted eagerly (the kernel formats lazily, which would read
 * the driver's dead stack slots here) into the area's ring (shim/log.c).
 */
#ifndef SHIM_ASM_DEBUG_H
#define SHIM_ASM_DEBUG_H

#include <linux/compiler.h>

typedef struct debug_info debug_info_t;
struct debug_view {
	const char *name;
};
extern struct debug_view debug_sprintf_view;

debug_info_t *debug_register(const char *name, int pages, int nr_areas,
			     int buf_size);
void debug_unregister(debug_info_t *id);
int debug_register_view(debug_info_t *id, struct debug_view *view);
void debug_set_level(debug_info_t *id, int level);
__printf(3, 4) void shim_debug_sprintf_event(debug_info_t *id, int level,
					     const char *fmt, ...);
#define debug_sprintf_event(id, level, fmt, ...) \
	shim_debug_sprintf_event(id, level, fmt, ##__VA_ARGS__)

#endif
