// SPDX-License-Identifier: GPL-2.0
/*
 * Guests on the running kernel.  A guest needs an s390x KVM VM whose vCPUs
 * probe the APQN space with TAPQ under AP interpretation, built with the
 * KVM selftests library; that part is not written yet, so the linux
 * backend answers -EOPNOTSUPP and the guest tests skip there.
 */
#include <errno.h>
#include "internal.h"

int linux_guest_start(struct vap_host *h, const char *name, const char *uuid, int vcpus)
{
	(void)h; (void)name; (void)uuid; (void)vcpus;
	return -EOPNOTSUPP;
}

int linux_guest_stop(struct vap_host *h, const char *name)
{
	(void)h; (void)name;
	return -EOPNOTSUPP;
}

int linux_guest_reach(struct vap_host *h, const char *name, struct vap_matrix *m)
{
	(void)h; (void)name; (void)m;
	return -EOPNOTSUPP;
}
