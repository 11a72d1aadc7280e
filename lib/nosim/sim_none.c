// SPDX-License-Identifier: GPL-2.0
/*
 * For builds of libvfioap without the simulated host (vfio-ap-restore,
 * built by `make restore` on a real host with no kernel tree at hand):
 * the sim backend is absent, and opening it says so.
 */
#include <errno.h>
#include <stdio.h>
#include <sim/fixes.h>
#include <sim/host.h>
#include <sim/stack.h>
#include <sim/edges.h>

int simhost_parse_config(const char *s, int *adapters, int *domains) { return 0; }
int simhost_known_load(const char *path, char *err, size_t errlen) { return 0; }
int simhost_boot(int adapters, int domains) { return -EOPNOTSUPP; }
ssize_t simhost_read(const char *path, char *buf, size_t len) { return -EOPNOTSUPP; }
ssize_t simhost_write(const char *path, const char *value) { return -EOPNOTSUPP; }
int simhost_ls(const char *path, char ***names) { return -EOPNOTSUPP; }
void simhost_settle(void) { }
bool sim_edges_attach(unsigned char *map) { return false; }
void sim_edges_step(unsigned int *step) { }
void sim_edges_tag(unsigned int tag) { }
char *simhost_log(void) { return NULL; }
int simhost_modprobe(void) { return -EOPNOTSUPP; }
int simhost_rmmod(void) { return -EOPNOTSUPP; }
int simhost_guest_start(const char *name, const char *uuid, int vcpus, bool aqic) { return -EOPNOTSUPP; }
int simhost_guest_stop(const char *name) { return -EOPNOTSUPP; }
int simhost_guest_show(const char *name, char *buf, size_t len) { return -EOPNOTSUPP; }
int simhost_guest_events(const char *name, unsigned long *cfg_signals, unsigned long *apcb_changes,
			 bool *cfg_registered) { return -EOPNOTSUPP; }
int simhost_check(FILE *out, int *nknown) { return 0; }
char *simhost_uevents(void) { return NULL; }
int simhost_hw(const char *op, int id) { return -EOPNOTSUPP; }
void *simhost_thread_start(const char *name, void *(*fn)(void *), void *arg) { return NULL; }
void *simhost_thread_join(void *thread) { return NULL; }
int simhost_deterministic(bool pct, unsigned long long seed) { return -1; }
void simhost_seed(unsigned long long seed) { }
int simhost_guest_reopen(const char *name) { return -EOPNOTSUPP; }
int simhost_nr_findings(void) { return 0; }
const char *simhost_finding(int i, const char **body, const char **known) { return NULL; }
void simhost_lockgraph(FILE *out) { }
const char *simhost_kernel_version(void) { return ""; }
const struct sim_driver_fix *const *sim_driver_fixes(int *n) { *n = 0; return NULL; }
int simhost_hw_inject(const struct aphw_inject *rule) { return -EOPNOTSUPP; }
void simhost_sleep_ms(long ms) { }
void sim_stack_format(const struct sim_stack *s, char *buf, size_t len) { if (len) buf[0] = 0; }
const char *simhost_known_match(const char *title, const char *report) { return NULL; }
const char *simhost_report_anchor(const char *report, char *buf, size_t len) { return NULL; }
int simhost_crash_title(const char *out, char *why, size_t len) { return 0; }
void simhost_log_reports(const char *log, void (*fn)(const char *, const char *, void *), void *arg) { }
void sim_log_save_on_death(void) { }
long simhost_guest_ioctl(const char *name, enum simhost_ioctl op, struct simhost_ioctl_args *a) { return -EOPNOTSUPP; }
long simhost_guest_dma(const char *name, bool map, unsigned long long iova, unsigned long long size) { return -EOPNOTSUPP; }
int simhost_guest_pinned(const char *name) { return -EOPNOTSUPP; }
int simhost_guest_attach(const char *name, const char *uuid) { return -EOPNOTSUPP; }
int simhost_guest_pqap(const char *name, int vcpu, int apqn, bool enable, unsigned long nib) { return -EOPNOTSUPP; }
