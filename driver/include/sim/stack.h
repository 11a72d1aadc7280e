/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stack traces for reports (shim/stack.c): saved as return addresses,
 * printed symbolized to function and source line (DWARF, via libdw), with
 * the driver's files named as in the kernel tree.
 */
#ifndef SIM_STACK_H
#define SIM_STACK_H

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
/* SIGSEGV/SIGBUS print an oops with the faulting stack (crash.c) */
void sim_crash_handler_init(void);
/* " function (file:line)" lines, innermost first, each ending in a newline;
 * frames without line information (the C library) are left out. */
void sim_stack_format(const struct sim_stack *s, char *buf, size_t len);

#endif
