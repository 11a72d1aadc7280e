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
#include <sys/types.h>

int simhost_boot(int adapters, int domains);
void simhost_shutdown(void);
const char *simhost_kernel_version(void);

/* A byte count, or -errno, as read(2)/write(2) on the kernel's file. */
ssize_t simhost_read(const char *path, char *buf, size_t len);
ssize_t simhost_write(const char *path, const char *value);
int simhost_ls(const char *path, char ***names);

int simhost_modprobe(void);
int simhost_rmmod(void);
int simhost_guest_start(const char *name, const char *uuid, int vcpus);
int simhost_guest_stop(const char *name);
int simhost_guest_show(const char *name, char *buf, size_t len);
int simhost_hw(const char *op, int id);
void simhost_settle(void);
/* Prints each finding on its own line; returns how many. */
int simhost_check(FILE *out);
char *simhost_log(void);
char *simhost_uevents(void);

#endif
