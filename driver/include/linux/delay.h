/* SPDX-License-Identifier: GPL-2.0 */
/* Shim: msleep yields and advances virtual time (never a pure no-op). */
#ifndef SHIM_LINUX_DELAY_H
#define SHIM_LINUX_DELAY_H

#include <sim/sched.h>

static inline void msleep(unsigned int ms)
{
	sim_sleep_ms(ms);
}

#endif
