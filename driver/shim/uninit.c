// SPDX-License-Identifier: GPL-2.0
/*
 * Uninitialized memory, made visible (sim/uninit.h).  The driver's two
 * files are built with -ftrivial-auto-var-init=pattern (every local it
 * does not initialise starts as SIM_UNINIT_BYTE bytes) and the slab fills
 * what it allocates without __GFP_ZERO with the same byte, so a read of
 * memory nobody wrote is a wrong value; the bitmap helpers the driver
 * decides by (test, compare, weigh, search, and/andnot's result) look
 * for a whole word of the pattern and report it as KMSAN would.  The
 * pattern, not a shadow: a word written with exactly that value would be
 * reported too (the driver's bitmaps hold adapter and domain numbers a
 * user assigns one by one; such a word needs 56 particular ones).
 */
#include <stdio.h>
#include <string.h>
#include <pthread.h>
#include <sim/report.h>
#include <sim/stack.h>
#include <sim/uninit.h>

void sim_uninit_report(const volatile void *addr)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static char seen[32][128];
	static int nseen;
	struct sim_stack st;
	char trace[4096], fn[128], title[200];
	int i;

	sim_stack_save(&st, 1);
	sim_stack_format(&st, trace, sizeof(trace));
	if (!sim_trace_anchor(trace, fn, sizeof(fn)))
		snprintf(fn, sizeof(fn), "%s", "unknown");
	/* once per function that reads one */
	pthread_mutex_lock(&lock);
	for (i = 0; i < nseen; i++)
		if (!strcmp(seen[i], fn)) {
			pthread_mutex_unlock(&lock);
			return;
		}
	if (nseen < (int)(sizeof(seen) / sizeof(seen[0])))
		snprintf(seen[nseen++], sizeof(seen[0]), "%s", fn);
	pthread_mutex_unlock(&lock);
	snprintf(title, sizeof(title), "KMSAN: uninit-value in %s", fn);
	sim_report(title,
		   "BUG: KMSAN: uninit-value in %s\n"
		   "a bitmap word at %p holds the uninitialized-memory pattern (%016lx): "
		   "read before anything wrote it (a local of the driver's, or an allocation "
		   "without __GFP_ZERO)\nCall Trace:\n%s",
		   fn, (const void *)addr, SIM_UNINIT_WORD, trace);
}
