/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fault injection (shim/fault.c), the kernel's interfaces and semantics:
 * /sys/kernel/debug/failslab/ over every allocation of the driver and of
 * the models on its behalf, /sys/kernel/debug/fail_function/ over the
 * kernel functions the driver calls that can fail, and the per-task
 * /proc/thread-self/fail-nth and make-it-fail.
 */
#ifndef SIM_FAULT_H
#define SIM_FAULT_H

#include <stdbool.h>
#include <stddef.h>

/* Creates the debugfs and proc files; once, at boot. */
void sim_fault_init(void);
/* The seed of the probability draws (--seed). */
void sim_fault_seed(unsigned long long seed);

/* failslab's decision for one allocation of `size` bytes; `site` names
 * it in the verbose report.  True: the allocation fails. */
bool sim_should_failslab(size_t size, unsigned int gfp, const char *site);

/* fail_function: true if an injection point is armed on `func` and fires;
 * *retval is then what the function returns instead of running. */
bool sim_fei_should_fail(const char *func, long *retval);

/* Entry of a model function listed as injectable:
 *   SIM_FAIL_FUNCTION(vfio_pin_pages, int);
 * returns the injected value, cast to the function's return type. */
extern int sim_fei_armed;
#define SIM_FAIL_FUNCTION(func, type) do {				\
	long __rv;							\
	if (__atomic_load_n(&sim_fei_armed, __ATOMIC_RELAXED) &&	\
	    sim_fei_should_fail(#func, &__rv))				\
		return (type)__rv;					\
} while (0)

/* Where the last injected failure hit ("failslab at FILE:LINE" or
 * "fail_function FUNC"), for the fail-nth sweep's report. */
void sim_fault_last_injected(char *buf, size_t len);
/* The last fault injected into the calling task and the stack it hit
 * (NULL: none), for its crash report (async-signal safe). */
struct sim_stack;
const char *sim_fault_task_last(struct sim_stack *st);

#endif
