// SPDX-License-Identifier: GPL-2.0
/*
 * Guests on the running kernel (lib's linux backend).
 *
 * On s390x, built with VAP_KVM_S390 against the KVM selftests library of
 * KSRC: a VM with N vCPUs and AP instruction interpretation enabled, the
 * mdev attached as a VMM does it (vfio container and group, the kvm-vfio
 * device, the device fd, which makes vfio_ap plug the matrix into the
 * VM's crycb), and guest code that issues TAPQ on every APQN and records
 * which ones answer other than "queue not available".  Reaching a guest's
 * view runs each vCPU once over the whole APQN space.
 *
 * Elsewhere (or without the KVM library) guests are unavailable: the
 * functions answer -EOPNOTSUPP and the guest tests skip.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include "internal.h"

#ifdef VAP_KVM_S390
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/eventfd.h>
#include <linux/vfio.h>
#include "kvm_util.h"
#include "processor.h"
#include "ucall_common.h"

#define MAX_VCPUS 8
#define RESP_Q_NOT_AVAIL 0x01
#define RESP_DECONFIGURED 0x03

/* Written by the guest, read by the host: one bit per APQN. */
static uint8_t guest_reach[256 * 256 / 8];

/* PQAP(TAPQ): function code 0 in GR0 bits 32-39, the APQN in bits 48-63;
 * the status word comes back in GR1, its response code in bits 32-39. */
static inline int tapq(unsigned int apqn)
{
	register unsigned long r0 asm("0") = apqn;
	register unsigned long r1 asm("1") = 0;
	register unsigned long r2 asm("2") = 0;

	asm volatile(".insn rre,0xb2af0000,0,0"
		     : "+d" (r0), "+d" (r1), "+d" (r2) : : "cc", "memory");
	return (int)((r1 >> 24) & 0xff);
}

static void guest_code(void)
{
	for (;;) {
		unsigned int apqn;

		for (apqn = 0; apqn < 256 * 256; apqn++) {
			int rc = tapq(apqn);

			if (rc != RESP_Q_NOT_AVAIL && rc != RESP_DECONFIGURED)
				guest_reach[apqn / 8] |= 0x80 >> (apqn % 8);
			else
				guest_reach[apqn / 8] &= ~(0x80 >> (apqn % 8));
		}
		GUEST_SYNC(0);
	}
}

struct kvm_guest {
	char name[64];
	struct kvm_vm *vm;
	struct kvm_vcpu *vcpus[MAX_VCPUS];
	int nr_vcpus;
	int container, group, device, kvfio;
	int cfgfd;			/* the AP configuration change eventfd */
	unsigned long cfg_signals;
};

/* The AP device's second IRQ index, VFIO_AP_CFG_CHG_IRQ_INDEX (7.x uapi:
 * REQ 0, CFG_CHG 1); older headers do not name it. */
#define VAP_CFG_CHG_IRQ_INDEX 1

/* Registers an eventfd for it as a VMM does; -1 where the driver has none. */
static int register_cfg_chg(int device)
{
	struct {
		struct vfio_irq_set hdr;
		int32_t fd;
	} __attribute__((packed)) set = {
		.hdr = {
			.argsz = sizeof(set),
			.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
			.index = VAP_CFG_CHG_IRQ_INDEX,
			.count = 1,
		},
	};
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	if (fd < 0)
		return -1;
	set.fd = fd;
	if (ioctl(device, VFIO_DEVICE_SET_IRQS, &set)) {
		close(fd);
		return -1;
	}
	return fd;
}

static struct kvm_guest *kguests[16];

static int open_group(const char *uuid)
{
	char link[PATH_MAX], path[PATH_MAX + 64];
	ssize_t n;
	const char *id;

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/iommu_group", uuid);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -errno;
	link[n] = 0;
	id = strrchr(link, '/');
	snprintf(path, sizeof(path), "/dev/vfio/%s", id ? id + 1 : link);
	n = open(path, O_RDWR | O_CLOEXEC);
	return n < 0 ? -errno : (int)n;
}

static void kguest_free(struct kvm_guest *g)
{
	if (g->cfgfd >= 0)
		close(g->cfgfd);
	if (g->device >= 0)
		close(g->device);
	if (g->kvfio >= 0)
		close(g->kvfio);
	if (g->group >= 0)
		close(g->group);
	if (g->container >= 0)
		close(g->container);
	if (g->vm)
		kvm_vm_free(g->vm);
	free(g);
}

int linux_guest_start(struct vap_host *h, const char *name, const char *uuid, int vcpus)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	struct kvm_device_attr apie = {
		.group = KVM_S390_VM_CRYPTO, .attr = KVM_S390_VM_CRYPTO_ENABLE_APIE,
	};
	struct kvm_guest *g;
	int i, rc;

	if (strcmp(h->root, "/"))
		return -EOPNOTSUPP;	/* a mounted sim has no KVM */
	if (vcpus < 1 || vcpus > MAX_VCPUS)
		return -EINVAL;
	if (access("/dev/kvm", R_OK | W_OK))
		return -EOPNOTSUPP;
	for (i = 0; i < 16 && kguests[i]; i++)
		;
	if (i == 16)
		return -ENOSPC;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->container = g->group = g->device = g->kvfio = g->cfgfd = -1;
	snprintf(g->name, sizeof(g->name), "%s", name);
	g->nr_vcpus = vcpus;
	g->vm = vm_create_with_vcpus(vcpus, guest_code, g->vcpus);
	/* AP instructions interpreted by the machine, against the crycb */
	if (ioctl(g->vm->fd, KVM_SET_DEVICE_ATTR, &apie)) {
		rc = -errno;
		goto fail;
	}
	/* the VMM's part: container, group, kvm-vfio device, device fd */
	g->container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	rc = g->container < 0 ? -errno : open_group(uuid);
	if (rc < 0)
		goto fail;
	g->group = rc;
	if (ioctl(g->group, VFIO_GROUP_GET_STATUS, &st) || !(st.flags & VFIO_GROUP_FLAGS_VIABLE) ||
	    ioctl(g->group, VFIO_GROUP_SET_CONTAINER, &g->container) ||
	    ioctl(g->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU)) {
		rc = -errno ? -errno : -EINVAL;
		goto fail;
	}
	g->kvfio = __kvm_create_device(g->vm, KVM_DEV_TYPE_VFIO);
	if (g->kvfio < 0) {
		rc = -errno;
		goto fail;
	}
	rc = __kvm_device_attr_set(g->kvfio, KVM_DEV_VFIO_GROUP, KVM_DEV_VFIO_GROUP_ADD, &g->group);
	if (rc) {
		rc = -errno;
		goto fail;
	}
	g->device = ioctl(g->group, VFIO_GROUP_GET_DEVICE_FD, uuid);
	if (g->device < 0) {
		rc = -errno;
		goto fail;
	}
	g->cfgfd = register_cfg_chg(g->device);
	kguests[i] = g;
	return 0;
fail:
	kguest_free(g);
	return rc;
}

static struct kvm_guest *find(const char *name, int *slot)
{
	int i;

	for (i = 0; i < 16; i++)
		if (kguests[i] && !strcmp(kguests[i]->name, name)) {
			*slot = i;
			return kguests[i];
		}
	return NULL;
}

int linux_guest_stop(struct vap_host *h, const char *name)
{
	int slot;
	struct kvm_guest *g = find(name, &slot);

	(void)h;
	if (!g)
		return -ENOENT;
	kguests[slot] = NULL;
	kguest_free(g);
	return 0;
}

int linux_guest_reach(struct vap_host *h, const char *name, struct vap_matrix *m)
{
	int slot, i;
	unsigned int apqn;
	struct kvm_guest *g = find(name, &slot);
	uint8_t *reach;

	(void)h;
	if (!g)
		return -ENOENT;
	memset(m, 0, sizeof(*m));
	/* every vCPU scans once; each must see the same APQNs */
	for (i = 0; i < g->nr_vcpus; i++) {
		struct ucall uc;

		vcpu_run(g->vcpus[i]);
		if (get_ucall(g->vcpus[i], &uc) != UCALL_SYNC)
			return -EIO;
	}
	/* the guest address type is vm_vaddr_t up to 6.x, gva_t since */
	reach = addr_gva2hva(g->vm, (uintptr_t)guest_reach);
	for (apqn = 0; apqn < 256 * 256; apqn++)
		if (reach[apqn / 8] & (0x80 >> (apqn % 8))) {
			vap_mask_set(&m->apm, apqn >> 8);
			vap_mask_set(&m->aqm, apqn & 0xff);
		}
	return 0;
}

int linux_guest_cfg_signals(struct vap_host *h, const char *name, unsigned long *signals)
{
	int slot;
	struct kvm_guest *g = find(name, &slot);
	uint64_t v;

	(void)h;
	if (!g)
		return -ENOENT;
	if (g->cfgfd < 0)
		return -EOPNOTSUPP;
	while (read(g->cfgfd, &v, sizeof(v)) == sizeof(v))
		g->cfg_signals += v;
	*signals = g->cfg_signals;
	return 0;
}

#else

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

int linux_guest_cfg_signals(struct vap_host *h, const char *name, unsigned long *signals)
{
	(void)h; (void)name; (void)signals;
	return -EOPNOTSUPP;
}

#endif
