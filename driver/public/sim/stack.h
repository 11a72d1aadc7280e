/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stack traces for reports (shim/stack.c): saved as return addresses,
 * printed symbolized to function and source line (DWARF, via libdw), with
 * the driver's files named as in the kernel tree.
 */
#ifndef SIM_STACK_H
#define SIM_STACK_H

#include <stdbool.h>
#include <stddef.h>

#define SIM_STACK_DEPTH 16

struct sim_stack {
	int n;
	void *pc[SIM_STACK_DEPTH];
};

/* Loads the debug information up front (at boot), so that the first
 * report does not stall the simulated clock while it is read. */
void sim_stack_init(void);
/* The caller's stack, without the innermost `skip` frames of the caller. */
void sim_stack_save(struct sim_stack *s, int skip);
/* The bounds the frame walk stays within on this thread: its own stack
 * unless set (the deterministic scheduler sets those of each task it
 * switches to: its tasks share one thread, each on a stack of its own). */
void sim_stack_bounds(void **lo, void **hi);
void sim_stack_set_bounds(void *lo, void *hi);
/* SIGSEGV/SIGBUS print an oops with the faulting stack (crash.c) */
void sim_crash_handler_init(void);
/* " function (file:line)" lines, innermost first, each ending in a newline;
 * frames without line information (the C library) are left out. */
void sim_stack_format(const struct sim_stack *s, char *buf, size_t len);
/* The same from the innermost frame on, whichever file it is in (a stack
 * saved in a get function: kvm_get_kvm, debug_register, ...). */
void sim_stack_format_get(const struct sim_stack *s, char *buf, size_t len);

/* The code at a return address belongs to the driver's own files (its
 * compilation unit is vfio_ap_*.c). */
bool sim_pc_in_driver(const void *ret);

/*
 * One frame line of a report, ours (" fn (file:line)") or a sanitizer's
 * ("#3 0x55d1c0 in fn /path/file.c:12"): 1 with its function in fn, 0 if
 * the line is no frame.  *generic: the sim's runtime (locks, slab,
 * reporting) or an inline helper of our headers, or no file of ours (the
 * C library, a sanitizer runtime): frames that name no bug, as syzkaller
 * skips mutex_lock and friends when it titles a crash.
 */
int sim_frame_parse(const char *line, size_t len, char *fn, size_t fnlen, bool *generic);
/* The first frame of a formatted trace that is not generic: true, with
 * its function in fn (what a report is titled by). */
bool sim_trace_anchor(const char *trace, char *fn, size_t len);


/* What an address of the driver's data is (a report's location): objsize
 * 0, a global's symbol and offset; else the struct of that size among the
 * types of the unit holding driver_pc, and its member at off
 * ("struct ap_matrix_mdev: shadow_apcb.apm[1]").  False if none. */
bool sim_data_describe(const void *addr, const void *driver_pc, size_t objsize, size_t off,
		       char *buf, size_t len);

/* Driver file names as in the kernel tree. */
const char *sim_tree_path(const char *file, char *buf, size_t len);

#endif
