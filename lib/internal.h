/* SPDX-License-Identifier: GPL-2.0 */
/* libvfioap's private parts: the host object and the backends' hooks. */
#ifndef VAP_INTERNAL_H
#define VAP_INTERNAL_H

#include "vfio_ap.h"

struct vap_host {
	enum vap_kind kind;
	char root[2048];	/* linux: the sysfs root ("/" for this machine) */
	int kmsg_fd;
	char *log;		/* the kernel log gathered so far */
	size_t log_len, log_cap;
	int journal_fd;
	char journal[2048];
	long changes;		/* journaled writes done (VFIO_AP_CRASH_AFTER) */
	/* the guests started through this host: name and mdev */
	struct { char name[64]; char uuid[VAP_UUID_LEN + 1]; } guests[16];
};

/* linux guests (guest_linux.c) */
int linux_guest_start(struct vap_host *h, const char *name, const char *uuid, int vcpus);
int linux_guest_stop(struct vap_host *h, const char *name);
int linux_guest_reach(struct vap_host *h, const char *name, struct vap_matrix *m);
int linux_guest_cfg_signals(struct vap_host *h, const char *name, unsigned long *signals);
/* the backend's own checks (the sim's invariants and validator); the
 * number of findings, printed one a line */
int backend_check(struct vap_host *h, FILE *out);

#endif
