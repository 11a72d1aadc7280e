/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Findings and the kernel log of the simulated host (shim/log.c).
 *
 * A finding is a kernel-format report (WARNING, BUG, lockdep, hung task,
 * leak, model oracle) written to the kernel log and kept in a list that
 * `check` prints.  Identical reports are kept once.
 */
#ifndef SIM_REPORT_H
#define SIM_REPORT_H

#include <stddef.h>

__attribute__((format(printf, 2, 3)))
void sim_report(const char *title, const char *fmt, ...);
__attribute__((format(printf, 1, 2)))
void sim_log(const char *fmt, ...);

/* Walk findings: returns the title and body of finding i, or NULL. */
const char *sim_finding(int i, const char **body);
int sim_nr_findings(void);
void sim_clear_findings(void);

/* The kernel log as one string (caller frees). */
char *sim_log_dump(void);
/* the log to $VFIO_AP_CASE_LOG when the host dies (hang, fault, sanitizer) */
void sim_log_save_on_death(void);
size_t sim_log_lines(void);
/* A host that cannot go on (a hang, a soft lockup): every finding so far
 * on stderr, as "--- finding: TITLE" and its report after the line
 * "vfio-ap-sim: the simulated host hung; findings:" (what a campaign
 * reads back), the log saved, exit 1. */
__attribute__((noreturn)) void sim_host_died(void);

#endif
