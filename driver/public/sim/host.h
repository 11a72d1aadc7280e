/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The simulated host as one object (sim/host.c): boot, the file-level ABI
 * (read/write/ls on the sysfs tree), module load and unload, guests (a VM
 * with vCPUs and a VMM that attaches an mdev), AP configuration changes,
 * settling, and the invariant check.  Plain C types only: callers need no
 * kernel headers.
 */
#ifndef SIM_HOST_H
#define SIM_HOST_H

#include <stdio.h>
#include <stdbool.h>
#include <sys/types.h>
#include <sim/inject.h>

/* "AxD", each 1..256: 0, or -EINVAL. */
int simhost_parse_config(const char *s, int *adapters, int *domains);
int simhost_boot(int adapters, int domains);
void simhost_shutdown(void);
const char *simhost_kernel_version(void);

/* A byte count, or -errno, as read(2)/write(2) on the kernel's file. */
ssize_t simhost_read(const char *path, char *buf, size_t len);
ssize_t simhost_write(const char *path, const char *value);
/* Seeds the fault-injection draws (the schedule is seeded in sched.c). */
void simhost_seed(unsigned long long seed);
int simhost_ls(const char *path, char ***names);

int simhost_modprobe(void);
int simhost_rmmod(void);
/* aqic: whether the guest's vCPUs issue their own PQAP(AQIC) traffic. */
int simhost_guest_start(const char *name, const char *uuid, int vcpus, bool aqic);
/* cfgirq: the VMM registers the AP configuration change eventfd where the
 * driver has one (7.x); simhost_guest_start always does */
int simhost_guest_start_opts(const char *name, const char *uuid, int vcpus, bool aqic,
			     bool cfgirq);
/* that eventfd's signals and the APCB changes since it was registered */
int simhost_guest_events(const char *name, unsigned long *cfg_signals,
			 unsigned long *apcb_changes, bool *cfg_registered);
/* VFIO_DEVICE_GET_IRQ_INFO for one IRQ index; 0 or a negative errno */
long simhost_guest_irq_info(const char *name, unsigned int index, unsigned int *count,
			    unsigned int *flags);
/*
 * A VFIO device ioctl the guest's VMM issues on its open device, with the
 * arguments as given (argsz 0: the structure's own size): 0 or the
 * driver's negative errno (-ENODEV: the device is not open, -ENOENT: no
 * such guest).  SET_IRQS hands the driver the descriptor `fd` names: the
 * VMM's own eventfd for that index, one that is no eventfd, one that is not
 * open, or the number itself (-1: unregister).  A successful SET_IRQS of
 * the configuration-change index updates what the VMM model expects.
 */
enum simhost_ioctl {
	SIMHOST_GET_INFO, SIMHOST_GET_IRQ_INFO, SIMHOST_SET_IRQS, SIMHOST_RESET,
	SIMHOST_OTHER_IOCTL,
};
#define SIMHOST_FD_VMM (-1000)
#define SIMHOST_FD_NOT_EVENTFD (-1001)
#define SIMHOST_FD_CLOSED (-1002)
struct simhost_ioctl_args {
	unsigned int argsz, flags, index, start, count;
	int fd;
	/* answers: GET_INFO's flags, regions and IRQs; GET_IRQ_INFO's flags, count */
	unsigned int out_flags, num_regions, num_irqs, irq_count;
};
long simhost_guest_ioctl(const char *name, enum simhost_ioctl op, struct simhost_ioctl_args *a);
/*
 * The VMM maps or unmaps a range of guest memory in its container
 * (VFIO_IOMMU_MAP_DMA / UNMAP_DMA of type1 v2, page-aligned): an unmap
 * first calls the driver's dma_unmap for every mapping in the range that
 * has pinned pages.  Map: 0; unmap: the bytes unmapped; or -errno.
 */
long simhost_guest_dma(const char *name, bool map, unsigned long long iova,
		       unsigned long long size);
/* Pages the driver holds pinned in the guest's container. */
int simhost_guest_pinned(const char *name);
/* The guest's VMM opens a second mdev on the same VM: the open's errno
 * (the driver refuses with EPERM); what a refused open left behind, or
 * an accepted one, is reported as a finding. */
int simhost_guest_attach(const char *name, const char *uuid);
int simhost_guest_stop(const char *name);
/* kill: the VMM dies instead (its eventfds never dropped) */
int simhost_guest_stop_how(const char *name, bool kill);
int simhost_guest_reopen(const char *name);
int simhost_nr_findings(void);
const char *simhost_finding(int i, const char **body, const char **known);
int simhost_guest_show(const char *name, char *buf, size_t len);
int simhost_hw(const char *op, int id);
/* A vCPU of the guest issues PQAP(AQIC) on apqn: the response code.
 * nib: the notification byte's guest address for an enable (0: the vCPU's own) */
int simhost_guest_pqap(const char *name, int vcpu, int apqn, bool enable, unsigned long nib);
/* Adds a response-code injection rule; NULL clears them all. */
int simhost_hw_inject(const struct aphw_inject *rule);
/* Queue resets: their duration (ms; < 0 keeps it) and when their effects
 * show in the status word (late: at their completion). */
void simhost_hw_reset_model(long ms, bool late);
void simhost_settle(void);
/* The lock validator's class graph in graphviz dot; validator on/off. */
void simhost_lockgraph(FILE *out);
void simhost_set_lockdep(bool on);
/* Lets this much simulated time pass (queue resets complete, ...). */
void simhost_sleep_ms(long ms);
/* Prints each finding on its own line; returns how many. */
/* Runs the invariants; prints every finding (known driver bugs marked
 * "known KI-n:") and returns the number of findings not known. */
int simhost_check(FILE *out, int *nknown);
/* Known driver bugs (sim/known.c); 0, or -1 with a message in err. */
int simhost_known_load(const char *path, char *err, size_t errlen);
/* The known-issue id whose title and signature (its own stacks and lines)
 * the finding's report carries, or NULL: only the report is read. */
const char *simhost_known_match(const char *title, const char *report);
/* The stacks of a report (sim/known.c): its own trace (or a sanitizer's
 * access stack), the freeing and the allocating stack, the stack of the
 * fault injected into the task. */
enum {
	SIMHOST_SECTION_STACK, SIMHOST_SECTION_FREED, SIMHOST_SECTION_ALLOC,
	SIMHOST_SECTION_FAULT, SIMHOST_NR_SECTIONS
};
/* The functions of one stack of a report, innermost first: how many. */
int simhost_report_section(const char *report, int section, char fns[][64], int max);
/* The first function of the report's own stack that is not the sim's
 * runtime or an inline helper (what a crash is titled by), or NULL. */
const char *simhost_report_anchor(const char *report, char *buf, size_t len);
/* A dead host's output (the oops, a sanitizer's report) titled as
 * syzkaller titles crashes ("general protection fault in FUNC"): 1, or 0
 * when the output holds no crash report. */
int simhost_crash_title(const char *out, char *why, size_t len);
/* Each report in a kernel log (the sim prints them between two rules). */
void simhost_log_reports(const char *log, void (*fn)(const char *title, const char *report, void *arg),
			 void *arg);
char *simhost_log(void);
/* Threads the sim schedules (its tasks), and its deterministic mode
 * (before boot; pct: PCT with depth 3, else a random walk): 0 or -1. */
void *simhost_thread_start(const char *name, void *(*fn)(void *), void *arg);
void *simhost_thread_join(void *thread);
int simhost_deterministic(bool pct, unsigned long long seed);
char *simhost_uevents(void);

#endif
