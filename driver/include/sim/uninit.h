/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Uninitialized memory (shim/uninit.c): the byte the driver's locals and
 * the slab's non-zeroed allocations start as, and the check of a bitmap's
 * words before the driver decides by them.
 */
#ifndef SIM_UNINIT_H
#define SIM_UNINIT_H

/* gcc's -ftrivial-auto-var-init=pattern byte */
#define SIM_UNINIT_BYTE 0xfe
#define SIM_UNINIT_WORD (~0UL / 0xff * SIM_UNINIT_BYTE)
/* what the slab fills a non-zeroed allocation with (NOUNINIT=1: nothing) */
#ifdef SIM_NO_UNINIT
#define SIM_UNINIT_FILL 0
#else
#define SIM_UNINIT_FILL 1
#endif

void sim_uninit_report(const volatile void *addr);

static inline void sim_uninit_check(const volatile unsigned long *a, unsigned int words)
{
#ifndef SIM_NO_UNINIT
	unsigned int k;

	for (k = 0; k < words; k++)
		if (__builtin_expect(a[k] == SIM_UNINIT_WORD, 0)) {
			sim_uninit_report(a + k);
			return;
		}
#endif
}

#endif
