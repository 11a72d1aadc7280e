/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvfioap: the test library of vfio-ap-stress.
 *
 * One interface over two hosts: `sim`, the simulated host in this process
 * (driver/), and `linux`, the running kernel through its sysfs (under a
 * configurable root), debugfs and /dev/kmsg.  Everything above the I/O
 * primitives (the kernel's formats, mdev and AP-bus helpers, the invariant
 * checks, the kernel-log scanner, the allowlist and the journal) is the
 * same code for both.
 *
 * Paths are the kernel's absolute paths ("/sys/bus/ap/apmask"); the linux
 * backend prefixes its sysfs root.  Functions return 0 (or a count) on
 * success and -errno on failure, as the kernel's file would answer.
 */
#ifndef VFIO_AP_H
#define VFIO_AP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include "abi.h"

#define VAP_MATRIX_DIR "/sys/devices/vfio_ap/matrix"
#define VAP_TYPE_DIR VAP_MATRIX_DIR "/mdev_supported_types/vfio_ap-passthrough"
#define VAP_DRV_DIR "/sys/bus/ap/drivers/vfio_ap"
#define VAP_UUID_LEN 36

struct vap_host;

/* ------------------------------------------------------------------ hosts */

enum vap_kind { VAP_SIM, VAP_LINUX };

/*
 * Opens a host.  `kind` NULL: the default rule, vap_host_default().  The linux backend's
 * sysfs root is $VFIO_AP_SYSFS_ROOT (default "/").  NULL on error, with a
 * one-line reason in err.
 */
struct vap_host *vap_open(const char *kind, char *err, size_t errlen);
/* The suite's one rule for which host to drive when none is named (the
 * tools' --host, make run, the selftests): $VFIO_AP_HOST if set, else
 * "linux" on an s390x machine with the AP bus (its destructive tests then
 * need the allowlist, VFIO_AP_TEST_APQNS), else "sim". */
const char *vap_host_default(void);
void vap_close(struct vap_host *h);
/* $VFIO_AP_SIM_CONFIG ("AxD", each 1..256) if set: 0, or -EINVAL with the
 * reason in err (a program checks it before touching anything). */
int vap_sim_config_check(char *err, size_t errlen);
enum vap_kind vap_kind(const struct vap_host *h);
const char *vap_kind_name(const struct vap_host *h);

/*
 * Threads of a test program that the host can schedule: on the sim they
 * are its tasks (so that the deterministic scheduler runs them one at a
 * time), elsewhere plain pthreads.  vap_sim_deterministic, before
 * vap_open, makes the sim's schedule a function of the seed ("random" or
 * "pct"); 0 or -EINVAL.
 */
int vap_sim_deterministic(const char *policy, unsigned long long seed);
/* The sim's fault-injection draws (failslab's and fail_function's
 * probabilities, the AP answers' probability) as a function of the case's
 * seed, whatever the scheduler: a campaign calls it for every case (the
 * deterministic scheduler seeds them as well). */
void vap_sim_seed(unsigned long long seed);
/* The driver's edges, hashed, counted into MAP (VAP_EDGE_MAP_SIZE bytes;
 * NULL: stop): false when this sim's driver is not instrumented (a COV=1
 * build is).  The sim's edges only: a caller on another host passes no
 * map. */
#define VAP_EDGE_MAP_SIZE 65536
bool vap_sim_edges(unsigned char *map);
/* and for each of the map's slots, the tag of the step that first hit it
 * (NULL: not kept), the tag a task sets for the step it begins
 * (vap_sim_edges_tag; 0: none) */
void vap_sim_edges_step(unsigned int *step);
void vap_sim_edges_tag(unsigned int tag);
struct vap_thread;
struct vap_thread *vap_thread_start(struct vap_host *h, const char *name,
				    void *(*fn)(void *), void *arg);
void *vap_thread_join(struct vap_host *h, struct vap_thread *t);

ssize_t vap_read(struct vap_host *h, const char *path, char *buf, size_t len);
/* Writes the value and a newline in one write(2), as echo(1) does. */
int vap_write(struct vap_host *h, const char *path, const char *value);
__attribute__((format(printf, 3, 4)))
int vap_writef(struct vap_host *h, const char *path, const char *fmt, ...);
/* Names in a directory, sorted, NULL-terminated; free with vap_free_list. */
int vap_list(struct vap_host *h, const char *dir, char ***names);
void vap_free_list(char **names);
bool vap_exists(struct vap_host *h, const char *path);

/* Everything pending done (sim: the workqueue; linux: udev settled). */
void vap_settle(struct vap_host *h);
/* The kernel log from the mark on (vap_log_mark returns the mark). */
size_t vap_log_mark(struct vap_host *h);
char *vap_log_since(struct vap_host *h, size_t mark);

/* Module load/unload (sim: the driver's init/exit; linux: libkmod). */
int vap_modprobe(struct vap_host *h);
int vap_rmmod(struct vap_host *h);

/* Guests: a VM with vCPUs whose VMM attaches the mdev.  -EOPNOTSUPP where
 * the backend cannot run one (the linux backend off s390x). */
int vap_guest_start(struct vap_host *h, const char *name, const char *uuid, int vcpus);
/* own_aqic false: the sim's vCPUs issue no PQAP(AQIC) of their own, so a
 * machine answer injected for the next AQIC meets the caller's
 * (vap_guest_pqap) */
int vap_guest_start_opts(struct vap_host *h, const char *name, const char *uuid, int vcpus,
			 bool own_aqic);
int vap_guest_stop(struct vap_host *h, const char *name);
/* The VMM closes the guest's vfio-ap device and opens it again (sim;
 * -EOPNOTSUPP on a real host for now). */
int vap_guest_reopen(struct vap_host *h, const char *name);
/* The APQNs the guest's vCPUs reach, as a matrix. */
struct vap_matrix;
int vap_guest_reach(struct vap_host *h, const char *name, struct vap_matrix *m);
/* How many times the driver signalled the AP configuration change eventfd
 * (VFIO_AP_CFG_CHG_IRQ_INDEX) the guest's VMM registered after its open;
 * -EOPNOTSUPP where the driver has none (before 7.x) or the host cannot. */
int vap_guest_cfg_signals(struct vap_host *h, const char *name, unsigned long *signals);

/*
 * What a VMM does to its guest's vfio-ap device beyond start and stop.
 * sim only for now: the linux backend answers -EOPNOTSUPP (its KVM guest,
 * s390x only, does not issue these yet).  Each returns the driver's
 * answer: 0 or -errno (-ENOENT: no such guest, -ENODEV: its device is
 * not open).  Answers by kernel (the driver's vfio_ap_mdev_ioctl):
 *  - GET_INFO: flags VFIO_DEVICE_FLAGS_AP | RESET (0x21), no regions, IRQs
 *    0 (6.1), 1 (6.12: the request), 2 (7.x: and the AP configuration
 *    change); argsz below 16: EINVAL;
 *  - GET_IRQ_INFO (6.2+; 6.1: EOPNOTSUPP): count 1, flags EVENTFD for each
 *    index; argsz below 16 or an index past the last: EINVAL;
 *  - SET_IRQS (6.2+; 6.1: EOPNOTSUPP): the core's header checks (argsz
 *    below 20, an index past the last, start/count past the one vector,
 *    unknown flag bits, no room for the data: EINVAL), then only an
 *    eventfd trigger (other data types or actions: EINVAL); the fd -1
 *    unregisters, another negative is EINVAL, a closed one EBADF, one
 *    that is no eventfd EINVAL;
 *  - RESET: the queues' reset (0); any other command: EOPNOTSUPP.
 */
enum vap_ioctl { VAP_GET_INFO, VAP_GET_IRQ_INFO, VAP_SET_IRQS, VAP_RESET, VAP_OTHER_IOCTL };
/* SET_IRQS data: the VMM's own eventfd for the index, a descriptor that
 * is no eventfd, one that is not open; or the number itself (-1) */
#define VAP_FD_VMM (-1000)
#define VAP_FD_NOT_EVENTFD (-1001)
#define VAP_FD_CLOSED (-1002)
struct vap_ioctl_args {
	unsigned int argsz;	/* 0: the structure's own size */
	unsigned int flags, index, start, count;	/* SET_IRQS; index also GET_IRQ_INFO */
	int fd;
	unsigned int out_flags, num_regions, num_irqs, irq_count;	/* answers */
};
int vap_guest_ioctl(struct vap_host *h, const char *name, enum vap_ioctl op,
		    struct vap_ioctl_args *a);
/* An eventfd trigger of one vector on `index` with descriptor fd. */
void vap_ioctl_set_irqs_args(struct vap_ioctl_args *a, unsigned int index, int fd);
/*
 * The VMM maps or unmaps guest memory in its container (type1 v2:
 * page-aligned, an unmap may not split a mapping: EINVAL).  An unmap makes
 * the IOMMU call the driver's dma_unmap for each mapping with pages the
 * driver pinned (a queue's notification byte): it must disable those
 * queues' interrupts and unpin.  Unmap returns the bytes unmapped.
 */
long vap_guest_dma_map(struct vap_host *h, const char *name, unsigned long long iova,
		       unsigned long long size);
long vap_guest_dma_unmap(struct vap_host *h, const char *name, unsigned long long iova,
			 unsigned long long size);
/* Pages the driver holds pinned for the guest (notification bytes). */
int vap_guest_pinned(struct vap_host *h, const char *name);
/* The VMM opens a second mdev on the guest's VM: the driver must refuse
 * (EPERM) and leave nothing behind (the sim reports what it left). */
int vap_guest_attach_second(struct vap_host *h, const char *name, const char *uuid);
/* vCPU `vcpu` issues PQAP(AQIC) on adapter.domain, enabling with the
 * notification byte at guest address nib (0: the vCPU's own) or
 * disabling: the machine's response code, 0x100 when the driver answered
 * the guest itself (no AQIC), or -errno (ENOENT: no such vCPU). */
int vap_guest_pqap(struct vap_host *h, const char *name, int vcpu, int adapter, int domain,
		   bool enable, unsigned long nib);

/* ------------------------------------------ values and their answers */

/*
 * Bad and edge values for every attribute the hammer writes, each with the
 * errno the kernel's source gives in the state lib/values.c states (the
 * mdev's matrix empty, adapter {a} and domain {d} released and free):
 * the one table to judge answers by.
 */
enum vap_input {
	VAP_IN_ID,		/* an mdev's assign_* and unassign_* (adapter, domain, control domain) */
	VAP_IN_AP_CONFIG,	/* an mdev's ap_config (6.12+) */
	VAP_IN_BUS_MASK,	/* /sys/bus/ap/apmask, aqmask */
	VAP_IN_BIND,		/* the vfio_ap driver's bind and unbind */
	VAP_NR_INPUTS
};
struct vap_value {
	const char *text;	/* with placeholders, see vap_value_text */
	int expect;		/* 0: accepted; else the errno */
	const char *why;	/* the rule it checks */
};
/* The values of one input, ended by a NULL text. */
const struct vap_value *vap_values(enum vap_input in);
/* What the placeholders stand for: {id} (also {id:x}, {id:o}) the
 * attribute's released id, {a}/{d} the released adapter and domain (as
 * {mask:a}, {mask:d}: full masks with that bit), {max} and {max+1} the
 * attribute's maximum id, {cur} the mask as read, {long} 4096 digits. */
struct vap_values_ctx {
	int id, a, d, max;
	const char *cur;
};
/* The value to write (malloc'ed), or NULL when it does not apply to this
 * host (a bit past 255). */
char *vap_value_text(const struct vap_value *v, const struct vap_values_ctx *c);
/* 0 when rc (0 or -errno) is the expected answer; else 1 and why. */
int vap_value_judge(const struct vap_value *v, int rc, char *why, size_t len);

/* ----------------------------------------------------------- AP and mdevs */

/* Creates an mdev with a fresh UUID (written to uuid, 37 bytes). */
int vap_mdev_create(struct vap_host *h, char *uuid);
int vap_mdev_remove(struct vap_host *h, const char *uuid);
/* what: "adapter", "domain" or "control_domain" */
int vap_mdev_assign(struct vap_host *h, const char *uuid, const char *what, int id);
int vap_mdev_unassign(struct vap_host *h, const char *uuid, const char *what, int id);
/* attr: "matrix" or "guest_matrix" */
int vap_mdev_matrix(struct vap_host *h, const char *uuid, const char *attr, struct vap_matrix *m);
int vap_mdev_list(struct vap_host *h, char ***uuids);
long vap_available_instances(struct vap_host *h);
bool vap_queue_bound(struct vap_host *h, int adapter, int domain);
/*
 * Takes an adapter (adapter=true) or a domain out of the host's AP
 * configuration and puts it back, as the machine's operator does; the
 * bus rescans.  sim: its AP configuration; linux: an adapter's
 * /sys/bus/ap/devices/cardXX/config (SCLP configure/deconfigure), and
 * -EOPNOTSUPP for a domain (only the HMC changes those).
 */
int vap_ap_config(struct vap_host *h, bool adapter, int id, bool on);

/* ---------------------------------------------------------------- uevents */

/*
 * Events instead of sleeps: on a real host libudev's monitor on the
 * kernel's uevent socket (NULL with a sysfs root other than "/": a mounted
 * sim sends none), on the sim its uevent log.  Open before the action,
 * then wait for ACTION on a devpath containing `devpath` ("/devices/...")
 * with property `prop` ("KEY=value", or NULL): 0 and the event as
 * "ACTION DEVPATH" in out, or -ETIMEDOUT.
 */
struct vap_uevents;
struct vap_uevents *vap_uevents_open(struct vap_host *h, const char *subsystem);
/* libudev on this machine's own kernel, whatever the host under test */
struct vap_uevents *vap_uevents_open_kernel(const char *subsystem);
int vap_uevents_wait(struct vap_uevents *u, const char *action, const char *devpath,
		     const char *prop, int timeout_ms, char *out, size_t len);
void vap_uevents_close(struct vap_uevents *u);

/* ------------------------------------------------------------ the oracle */

/*
 * The invariants of DESIGN.md ("What is checked") read through the ABI:
 * every mdev's guest_matrix lies within its matrix, every APQN of a
 * guest_matrix is bound to vfio_ap, no APQN is in two mdevs' matrices, a
 * running guest reaches exactly its guest_matrix; then the kernel log from
 * `mark` on, scanned for reports.  One line per finding to `out`; returns
 * the number of findings.  The sim backend adds its own checks (the
 * vCPUs' isolation at every instruction, lock validator, leaks).
 */
int vap_check(struct vap_host *h, size_t mark, FILE *out);

/* The host's own reports so far (sim: the lock validator's, the models',
 * the leak checker's), each with its known-issue id if it is a known bug
 * of the driver (driver/known-issues.txt).  0 on a real host, where the
 * kernel log is the report (vap_log_scan). */
struct vap_finding {
	char *title, *report;
	const char *known;
};
int vap_findings(struct vap_host *h, struct vap_finding **out);
void vap_findings_free(struct vap_finding *f, int n);
/* The known-issue id of a report of the sim's kernel (its title and the
 * report's own text and stacks), or NULL: for reports the host could not
 * keep (a crash, a sanitizer, a hang). */
const char *vap_known_match(const char *title, const char *report);
/* The function a crash report is titled by: the first of its own stack
 * that is not the runtime's (syzkaller's "... in FUNC"), or NULL. */
const char *vap_report_anchor(const char *report, char *buf, size_t len);
/* A dead sim's output titled ("general protection fault in FUNC"): 1, or
 * 0 when it holds no crash report (why is left as it was). */
int vap_crash_title(const char *out, char *why, size_t len);
/* Each report a sim's kernel log holds, with its title. */
void vap_log_reports(const char *log, void (*fn)(const char *title, const char *report, void *arg),
		     void *arg);
/* " function (file:line)" lines for code addresses of this binary (a
 * forked child's crash: the same address space). */
int vap_symbolize(void *const *pcs, int n, char *buf, size_t len);
/* how many of those so far (cheap: for a watcher thread) */
int vap_nr_findings(struct vap_host *h);
/* sleeps (sim: in the scheduler's clock, a scheduling point) */
void vap_sleep_ms(struct vap_host *h, long ms);
/* The lock-class dependency graph in graphviz form (sim; -EOPNOTSUPP). */
int vap_lockgraph(struct vap_host *h, FILE *out);
/* The kernel release the simulated host was built from (no boot needed). */
const char *vap_sim_kernel(void);
/* The fixes of driver/fixes/ the simulated host's driver carries, as
 * "KI-n NAME" separated by ", " ("" for none; the real host: none). */
const char *vap_sim_fixes(void);
/* A dying sim's kernel log to $VFIO_AP_CASE_LOG (async-signal use: no
 * lock is taken). */
void vap_sim_log_save(void);
/* AP response-code faults (sim only): the next TIMES answers (-1: all)
 * of INSN ("tapq", "zapq", "aqic", "all") for APQN adapter.domain
 * (adapter -1: every queue) are RC, with PROBABILITY percent (0: always). */
int vap_ap_inject(struct vap_host *h, const char *insn, int adapter, int domain, int rc,
		  long times, int probability);

/* The kernel-log scanner: the report lines of the kernel's own formats
 * (lockdep, hung task, WARNING, BUG, KASAN, kmemleak), one per finding
 * written to out (may be NULL); returns how many. */
int vap_log_scan(const char *log, FILE *out);

/* ------------------------------------------------- safety on a real host */

/*
 * The allowlist: the adapters and domains destructive tests may touch,
 * from $VFIO_AP_TEST_APQNS or the file $VFIO_AP_TEST_CONFIG, as
 * "adapters=1,2-3 domains=5,6" (whitespace or newlines between items).
 * 1: an allowlist is set and parsed; 0: none is set (destructive tests
 * skip); -EINVAL: malformed, with the reason in err.
 */
struct vap_allow {
	struct vap_mask adapters, domains;
};
int vap_allowlist(struct vap_allow *a, char *err, size_t errlen);
int vap_allowlist_parse(const char *text, struct vap_allow *a, char *err, size_t errlen);

/*
 * The journal: every setting a test changes on a real host, written
 * (path and old value, fsync'ed) before the change; vap_restore puts the
 * journal's oldest value of each path back, newest first.
 */
int vap_journal_open(struct vap_host *h, const char *file);
/* The journal's file: $VFIO_AP_JOURNAL, else /var/tmp/vfio-ap-stress.journal
 * (the one default of every tool, selftest and `make restore`). */
const char *vap_journal_path(void);
int vap_journal_write(struct vap_host *h, const char *path, const char *value);
int vap_restore(struct vap_host *h, const char *file, FILE *out);

#endif
