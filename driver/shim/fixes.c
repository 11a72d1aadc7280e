// SPDX-License-Identifier: GPL-2.0
/*
 * The fixes built into this driver (sim/fixes.h): the records a fixed
 * tree's vfio_ap_drv.c adds to the "sim_fixes" section, read here, below
 * everything that asks (the models take a fixed path, the known-issue
 * matcher stops excusing a fixed bug, the tools say which fixes ran).
 */
#include <stdlib.h>
#include <string.h>
#include <sim/fixes.h>

extern const struct sim_driver_fix *const __start_sim_fixes[] __attribute__((weak));
extern const struct sim_driver_fix *const __stop_sim_fixes[] __attribute__((weak));

static int fix_cmp(const void *a, const void *b)
{
	const struct sim_driver_fix *x = *(const struct sim_driver_fix *const *)a;
	const struct sim_driver_fix *y = *(const struct sim_driver_fix *const *)b;
	int nx = atoi(x->id + strcspn(x->id, "0123456789"));
	int ny = atoi(y->id + strcspn(y->id, "0123456789"));

	return nx != ny ? nx - ny : strcmp(x->name, y->name);
}

/* in the issues' number order (the linker's is not the files') */
const struct sim_driver_fix *const *sim_driver_fixes(int *n)
{
	static const struct sim_driver_fix **sorted;
	static int nsorted = -1;

	if (nsorted < 0) {
		nsorted = __start_sim_fixes ? (int)(__stop_sim_fixes - __start_sim_fixes) : 0;
		sorted = nsorted ? calloc((size_t)nsorted, sizeof(*sorted)) : NULL;
		if (nsorted && !sorted)
			nsorted = 0;
		if (nsorted) {
			memcpy(sorted, __start_sim_fixes, (size_t)nsorted * sizeof(*sorted));
			qsort(sorted, (size_t)nsorted, sizeof(*sorted), fix_cmp);
		}
	}
	*n = nsorted;
	return (const struct sim_driver_fix *const *)sorted;
}

/* (the section itself, unsorted: the models ask from any thread) */
bool sim_driver_fixed(const char *id)
{
	const struct sim_driver_fix *const *f;

	if (!__start_sim_fixes)
		return false;
	for (f = __start_sim_fixes; f < __stop_sim_fixes; f++)
		if (!strcmp((*f)->id, id))
			return true;
	return false;
}
