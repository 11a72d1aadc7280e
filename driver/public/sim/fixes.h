/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fixes of driver/fixes/ built into this driver.  A fixed tree's copy
 * of vfio_ap_drv.c ends with one SIM_DRIVER_FIX line per fix applied
 * (driver/fixes/build.sh writes them), so every binary linking that
 * driver knows what it carries: the known-issue matcher stops excusing a
 * fixed bug (its report on this driver is a finding: the fix did not
 * hold), and the tools say which fixes ran.
 */
#ifndef SIM_FIXES_H
#define SIM_FIXES_H

#include <stdbool.h>

struct sim_driver_fix {
	const char *id;		/* the known issue: "KI-6" */
	const char *name;	/* the fix: its file's name, "ki6-stale-queue" */
};

#define SIM_FIX_CAT2(a, b) a##b
#define SIM_FIX_CAT(a, b) SIM_FIX_CAT2(a, b)
/* one entry of the "sim_fixes" section (pointers: no padding between
 * entries of several files, and no redzones, a user section's variables
 * being left alone by the sanitizer) */
#define SIM_DRIVER_FIX(ki, fixname)							\
	static const struct sim_driver_fix SIM_FIX_CAT(sim_fix_, __LINE__) = { ki, fixname }; \
	static const struct sim_driver_fix *const SIM_FIX_CAT(sim_fix_p_, __LINE__)	\
	__attribute__((used, section("sim_fixes"))) = &SIM_FIX_CAT(sim_fix_, __LINE__)

/* the fixes built in (n of them), in the order applied */
const struct sim_driver_fix *const *sim_driver_fixes(int *n);
/* whether known issue `id` is fixed in this driver */
bool sim_driver_fixed(const char *id);

#endif
