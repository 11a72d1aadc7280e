/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim: the machine's facility list.  The simulated machine has QCI (12),
 * APFT (15) and AQIC (65); the driver reads QCI only when 12 is present.
 */
#ifndef SHIM_ASM_FACILITY_H
#define SHIM_ASM_FACILITY_H

#include <linux/types.h>

bool shim_test_facility(unsigned long nr);
#define test_facility(nr) shim_test_facility(nr)

#endif
