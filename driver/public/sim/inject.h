/* SPDX-License-Identifier: GPL-2.0 */
/* AP response-code injection rules (apbus/aphw.c); plain C types only. */
#ifndef SIM_INJECT_H
#define SIM_INJECT_H

enum { APHW_TAPQ, APHW_ZAPQ, APHW_AQIC };

struct aphw_inject {
	unsigned int insns;		/* 1 << APHW_TAPQ | ... */
	int qid;			/* APQN, or -1 for every queue */
	unsigned int rc;		/* response code to answer, 01..ff */
	long times;			/* answers left; -1 without limit */
	unsigned int probability;	/* percent; 0 means always */
};

#endif
