// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated host: boots the models and the driver, serves the file
 * ABI, runs guests with a VMM each, and checks the invariants of the
 * design (isolation, exclusivity, consistency, no leak).
 *
 * The VMM of a guest behaves like QEMU's vfio-ap device: it sets the
 * kvm-vfio association, opens the device, registers a REQ eventfd where
 * the kernel has one (6.12), and when the eventfd fires it unregisters it
 * and closes the device, leaving the guest running without crypto.
 */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <linux/kernel.h>
#include <linux/bitops.h>
#include <linux/module.h>
#include <linux/vfio.h>
#include <linux/kvm_host.h>
#include <linux/workqueue.h>
#include "ap_bus.h"
#include <sim/ap.h>
#include <sim/host.h>
#include <sim/kvm.h>
#include <sim/report.h>
#include <sim/lockdep.h>
#include <sim/ref.h>
#include <sim/slab.h>
#include "abi.h"
#include <sim/fault.h>
#include <sim/stack.h>
#include <sim/sysfs.h>
#include <sim/core.h>

#define MAX_GUESTS 64

struct guest {
	char name[64];
	char uuid[40];
	struct kvm *kvm;
	struct vfio_device *vdev;
	struct mutex lock;	/* the VMM's own, not validated */
	struct mutex kv_lock;	/* the kvm-vfio device's kv->lock */
	bool open;
	int reqfd;
	bool stopping;
	struct task *vmm;
	/*
	 * The AP configuration change eventfd (drivers that have it, 7.x):
	 * registered unless the guest was started with cfgirq=off.  The
	 * eventfd observer counts its signals and keeps the masks the guest
	 * had at the last one: what the guest was told.
	 */
	bool cfg_wanted, cfg_registered;
	int cfgfd;
	pthread_mutex_t cfg_mu;
	unsigned long cfg_base;		/* the VM's APCB changes at registration */
	unsigned long cfg_signals;
	unsigned long told[3][4];	/* apm, aqm, adm */
	bool requested;			/* a device request was signalled */
	bool killed;			/* the VMM died: its files closed as they were */
};

static struct guest *guests[MAX_GUESTS];
/* the harness's guest table; a scheduler-aware lock, not validated */
static DEFINE_MUTEX(guests_lock);
/* guests[] as the eventfd observer reads it (from driver tasks, which must
 * not take guests_lock): a plain rwlock, never held across a sleep */
static pthread_rwlock_t guests_rw = PTHREAD_RWLOCK_INITIALIZER;
static unsigned long modprobe_mark, modprobe_ref_mark;
static void vmm_observe_signal(int fd);
static bool loaded;

#define STR2(x) #x
#define STR(x) STR2(x)

const char *simhost_kernel_version(void)
{
	return STR(KERNEL_RELEASE);
}

ssize_t simhost_read(const char *path, char *buf, size_t len)
{
	return sysfs_read(path, buf, len);
}

ssize_t simhost_write(const char *path, const char *value)
{
	char buf[4096];
	size_t n = strlen(value);

	/* as echo(1) writes it: the value and a newline, in one write */
	if (n > sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	memcpy(buf, value, n);
	buf[n++] = '\n';
	buf[n] = 0;
	return sysfs_write(path, buf, n);
}

int simhost_ls(const char *path, char ***names)
{
	return sysfs_list(path, names);
}

/* modprobe and rmmod one at a time, as the kernel's module_mutex */
static DEFINE_MUTEX(module_mutex);

int simhost_modprobe(void)
{
	int ret;

	mutex_lock(&module_mutex);
	if (loaded) {
		mutex_unlock(&module_mutex);
		return -EEXIST;
	}
	modprobe_mark = shim_slab_mark();
	modprobe_ref_mark = sim_ref_mark();
	__atomic_store_n(&THIS_MODULE->refcnt, 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&THIS_MODULE->state, 1, __ATOMIC_SEQ_CST);
	/* the module's data starts over (the lockset detector's shadow) */
	sim_race_forget_globals();
	ret = shim_module_init();
	if (ret) {
		__atomic_store_n(&THIS_MODULE->state, 3, __ATOMIC_SEQ_CST);
		__atomic_store_n(&THIS_MODULE->refcnt, 0, __ATOMIC_SEQ_CST);
		/* an init that fails must undo what it took (KI-14) */
		sim_ref_check(SIM_REF_ALL, NULL, NULL, modprobe_ref_mark, "a failed modprobe vfio_ap",
			      "module vfio_ap", NULL);
		mutex_unlock(&module_mutex);
		return ret;
	}
	__atomic_store_n(&THIS_MODULE->state, 0, __ATOMIC_SEQ_CST);
	loaded = true;
	mutex_unlock(&module_mutex);
	return 0;
}

int simhost_rmmod(void)
{
	mutex_lock(&module_mutex);
	if (!loaded) {
		mutex_unlock(&module_mutex);
		return -ENOENT;
	}
	if (!shim_module_try_stop(THIS_MODULE)) {
		mutex_unlock(&module_mutex);
		return -EBUSY;
	}
	__atomic_store_n(&THIS_MODULE->state, 2, __ATOMIC_SEQ_CST);
	shim_module_exit();
	shim_workqueue_drain();
	__atomic_store_n(&THIS_MODULE->state, 3, __ATOMIC_SEQ_CST);
	loaded = false;
	shim_slab_report_leaks(modprobe_mark, "still allocated after rmmod vfio_ap");
	/* every reference the module took since it was loaded */
	sim_ref_check(SIM_REF_ALL, NULL, NULL, modprobe_ref_mark, "rmmod vfio_ap", "module vfio_ap", NULL);
	mutex_unlock(&module_mutex);
	return 0;
}

void *simhost_thread_start(const char *name, void *(*fn)(void *), void *arg)
{
	return sim_thread_start(name, fn, arg);
}

void *simhost_thread_join(void *thread)
{
	return sim_thread_join(thread);
}

int simhost_deterministic(bool pct, unsigned long long seed)
{
	sim_fault_seed(seed);
	return sim_sched_deterministic(pct ? SIM_SCHED_PCT : SIM_SCHED_RANDOM, seed, 3, 20000);
}

void simhost_seed(unsigned long long seed)
{
	sim_fault_seed(seed);
}

int simhost_parse_config(const char *s, int *adapters, int *domains)
{
	char x, extra;

	if (sscanf(s, "%d%c%d%c", adapters, &x, domains, &extra) != 3 || x != 'x' ||
	    *adapters < 1 || *adapters > 256 || *domains < 1 || *domains > 256)
		return -EINVAL;
	return 0;
}

int simhost_boot(int adapters, int domains)
{
	int ret;

	sim_stack_init();
#ifndef __SANITIZE_ADDRESS__
	sim_crash_handler_init();	/* ASan has its own, better */
#endif
	sim_task_adopt("init");
	sim_lockdep_set_novalidate(&guests_lock.dep);
	sim_hung_task_start();
	sim_eventfd_observer = vmm_observe_signal;
	sysfs_root();
	sysfs_mkdir_p("/sys/devices");
	sysfs_mkdir_p("/sys/bus");
	sysfs_mkdir_p("/sys/kernel/debug");
	sim_fault_init();
	aphw_init(adapters, domains);
	ret = sim_mdev_core_init();
	if (ret)
		return ret;
	ret = apbus_init();
	if (ret)
		return ret;
	return simhost_modprobe();
}

static struct guest *find_guest(const char *name)
{
	int i;

	for (i = 0; i < MAX_GUESTS; i++)
		if (guests[i] && !strcmp(guests[i]->name, name))
			return guests[i];
	return NULL;
}

#ifdef SIM_TREE_REQ_IRQ
/* VFIO_DEVICE_SET_IRQS: fd for the driver's IRQ index, or -1 to drop it */
static long set_irq(struct guest *g, unsigned int index, int fd)
{
	struct {
		struct vfio_irq_set hdr;
		s32 fd;
	} __attribute__((packed)) req = {
		.hdr = {
			.argsz = sizeof(req),
			.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
			.index = index,
			.start = 0,
			.count = 1,
		},
		.fd = fd,
	};

	return sim_vfio_ioctl(g->vdev, VFIO_DEVICE_SET_IRQS, &req);
}
#endif

/* The eventfd observer: a signal of one of the VMMs' eventfds. */
static void vmm_observe_signal(int fd)
{
	int i;

	pthread_rwlock_rdlock(&guests_rw);
	for (i = 0; i < MAX_GUESTS; i++) {
		struct guest *g = guests[i];

		if (!g)
			continue;
		if (fd == g->reqfd)
			__atomic_store_n(&g->requested, true, __ATOMIC_RELEASE);
		if (fd == g->cfgfd) {
			/* no scheduling point under these plain locks: in the
			 * deterministic mode another task could not run them */
			pthread_mutex_lock(&g->cfg_mu);
			g->cfg_signals++;
			sim_kvm_masks_raw(g->kvm, g->told[0], g->told[1], g->told[2]);
			pthread_mutex_unlock(&g->cfg_mu);
		}
	}
	pthread_rwlock_unlock(&guests_rw);
}

/* After each open: the VMM registers its eventfds, as QEMU does. */
static void vmm_register(struct guest *g)
{
#ifdef SIM_TREE_REQ_IRQ
	long ret;

	__atomic_store_n(&g->requested, false, __ATOMIC_RELEASE);
	ret = set_irq(g, VFIO_AP_REQ_IRQ_INDEX, g->reqfd);
	if (ret)
		sim_log("vmm: %s: VFIO_DEVICE_SET_IRQS (request) failed: %ld", g->name, ret);
#ifdef SIM_TREE_CFG_CHG_IRQ
	if (!g->cfg_wanted)
		return;
	pthread_mutex_lock(&g->cfg_mu);
	g->cfg_signals = 0;
	pthread_mutex_unlock(&g->cfg_mu);
	ret = set_irq(g, VFIO_AP_CFG_CHG_IRQ_INDEX, g->cfgfd);
	if (ret) {
		sim_log("vmm: %s: VFIO_DEVICE_SET_IRQS (AP config change) failed: %ld", g->name, ret);
		return;
	}
	/* from here on every change is signalled; what it has now it knows
	 * (a change signalled in between is counted on both sides) */
	pthread_mutex_lock(&g->cfg_mu);
	g->cfg_base = sim_kvm_apcb_changes(g->kvm);
	sim_kvm_masks_raw(g->kvm, g->told[0], g->told[1], g->told[2]);
	g->cfg_registered = true;
	pthread_mutex_unlock(&g->cfg_mu);
#endif
#endif
}

/* Detach the device as QEMU does on a device request or on shutdown. */
static void vmm_detach(struct guest *g)
{
	mutex_lock(&g->lock);
	if (g->open) {
#ifdef SIM_TREE_REQ_IRQ
		if (!g->killed)
			set_irq(g, VFIO_AP_REQ_IRQ_INDEX, -1);
#endif
#ifdef SIM_TREE_CFG_CHG_IRQ
		if (g->cfg_registered && !g->killed)
			set_irq(g, VFIO_AP_CFG_CHG_IRQ_INDEX, -1);
		g->cfg_registered = false;
#endif
		sim_vfio_close(g->vdev);
		g->open = false;
		sim_log("vmm: %s: vfio-ap device %s detached", g->name, g->uuid);
	}
	mutex_unlock(&g->lock);
}

static void *vmm_fn(void *arg)
{
	struct guest *g = arg;

	for (;;) {
		struct pollfd p[2] = { { g->reqfd, POLLIN, 0 }, { g->cfgfd, POLLIN, 0 } };
		unsigned long long v;
		bool stop;

		/* QEMU's main loop, waiting for the device's eventfds */
		sched_lock();
		while (!(stop = g->stopping) && poll(p, g->cfgfd >= 0 ? 2 : 1, 0) <= 0)
			sched_wait(&sim_eventfd_wq, "vmm main loop", -1);
		sched_unlock();
		if (stop)
			break;
		/* an AP configuration change: QEMU tells the guest (a CRW) */
		if (g->cfgfd >= 0 && read(g->cfgfd, &v, sizeof(v)) == sizeof(v))
			sim_log("vmm: %s: AP configuration change signalled (%llu)", g->name, v);
		if (read(g->reqfd, &v, sizeof(v)) == sizeof(v)) {
			unsigned long m[3][4];

			/* 7.x's request clears the guest's masks before it
			 * signals; 6.2..6.x leave them to the close */
			sim_kvm_masks(g->kvm, m[0], m[1], m[2]);
			sim_log("vmm: %s: device request received; the guest's APCB %s", g->name,
				bitmap_empty(m[0], 256) && bitmap_empty(m[1], 256) ?
				"is empty" : "still holds its queues");
			vmm_detach(g);
		}
	}
	return NULL;
}

int simhost_guest_start(const char *name, const char *uuid, int vcpus, bool aqic)
{
	return simhost_guest_start_opts(name, uuid, vcpus, aqic, true);
}

int simhost_guest_start_opts(const char *name, const char *uuid, int vcpus, bool aqic,
			     bool cfgirq)
{
	struct guest *g;
	int i, ret;

	mutex_lock(&guests_lock);
	if (find_guest(name)) {
		mutex_unlock(&guests_lock);
		return -EEXIST;
	}
	for (i = 0; i < MAX_GUESTS && guests[i]; i++)
		;
	if (i == MAX_GUESTS) {
		mutex_unlock(&guests_lock);
		return -ENOSPC;
	}
	g = calloc(1, sizeof(*g));
	snprintf(g->name, sizeof(g->name), "%s", name);
	snprintf(g->uuid, sizeof(g->uuid), "%s", uuid);
	mutex_init(&g->lock);
	sim_lockdep_set_novalidate(&g->lock.dep);
	sim_mutex_init_as(&g->kv_lock, "&kv->lock");
	g->reqfd = -1;
	g->cfgfd = -1;
	pthread_mutex_init(&g->cfg_mu, NULL);
	g->vdev = sim_vfio_find(uuid);
	if (!g->vdev) {
		ret = -ENODEV;
		goto fail;
	}
	/* the group's file: one VMM at a time */
	if (__atomic_exchange_n(&g->vdev->vmm_claimed, 1, __ATOMIC_SEQ_CST)) {
		sim_vfio_put(g->vdev);
		g->vdev = NULL;
		ret = -EBUSY;
		goto fail;
	}
	g->kvm = sim_kvm_create(name, vcpus, aqic);
	if (!g->kvm) {
		ret = -EINVAL;
		goto fail;
	}
	/* KVM_DEV_VFIO_FILE_ADD / GROUP_ADD on the kvm-vfio device: kv->lock */
	mutex_lock(&g->kv_lock);
	sim_vfio_group_set_kvm(g->vdev, g->kvm);
	mutex_unlock(&g->kv_lock);
	/* the VMM maps the guest's memory into its container first */
	sim_vfio_dma_unmap_all(g->vdev);
	sim_vfio_dma_map(g->vdev, 0, SIM_GUEST_MEM_BYTES);
	ret = sim_vfio_open(g->vdev);
	if (ret)
		goto fail_kvm;
	g->open = true;
	g->reqfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
#ifdef SIM_TREE_CFG_CHG_IRQ
	g->cfg_wanted = cfgirq;
	if (cfgirq)
		g->cfgfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
#else
	(void)cfgirq;
#endif
	/*
	 * In the table before the VMM registers its eventfds: from then on the
	 * driver may signal them, and the eventfd observer finds the guest
	 * there (the harness's own lookups wait for guests_lock).
	 */
	pthread_rwlock_wrlock(&guests_rw);
	guests[i] = g;
	pthread_rwlock_unlock(&guests_rw);
	vmm_register(g);
	g->vmm = sim_thread_start("qemu-vmm", vmm_fn, g);
	mutex_unlock(&guests_lock);
	return 0;

fail_kvm:
	/* closing the kvm-vfio device: kvm_device_release takes kvm->lock */
	mutex_lock(&g->kvm->lock);
	sim_vfio_group_set_kvm(g->vdev, NULL);
	mutex_unlock(&g->kvm->lock);
	sim_kvm_destroy(g->kvm);
fail:
	if (g->vdev) {
		__atomic_store_n(&g->vdev->vmm_claimed, 0, __ATOMIC_SEQ_CST);
		sim_vfio_put(g->vdev);
	}
	free(g);
	mutex_unlock(&guests_lock);
	return ret;
}

static void guest_teardown(struct guest *g)
{
	sched_lock();
	g->stopping = true;
	sched_wake_all(&sim_eventfd_wq);
	sched_unlock();
	sim_thread_join(g->vmm);
	vmm_detach(g);
	/* kvm_vfio_release runs with kvm->lock held */
	mutex_lock(&g->kvm->lock);
	sim_vfio_group_set_kvm(g->vdev, NULL);
	mutex_unlock(&g->kvm->lock);
	sim_kvm_destroy(g->kvm);
	sim_vfio_dma_unmap_all(g->vdev);
	__atomic_store_n(&g->vdev->vmm_claimed, 0, __ATOMIC_SEQ_CST);
	sim_vfio_put(g->vdev);
	close(g->reqfd);
	if (g->cfgfd >= 0)
		close(g->cfgfd);
	pthread_mutex_destroy(&g->cfg_mu);
	free(g);
}

/* kill: the VMM dies (SIGKILL) instead of shutting down; the kernel
 * closes its files without the VFIO_DEVICE_SET_IRQS that would have
 * dropped its eventfds. */
int simhost_guest_stop_how(const char *name, bool kill)
{
	struct guest *g;
	int i;

	mutex_lock(&guests_lock);
	g = find_guest(name);
	if (!g) {
		mutex_unlock(&guests_lock);
		return -ENOENT;
	}
	pthread_rwlock_wrlock(&guests_rw);
	for (i = 0; i < MAX_GUESTS; i++)
		if (guests[i] == g)
			guests[i] = NULL;
	pthread_rwlock_unlock(&guests_rw);
	mutex_unlock(&guests_lock);
	g->killed = kill;
	guest_teardown(g);
	return 0;
}

int simhost_guest_stop(const char *name)
{
	return simhost_guest_stop_how(name, false);
}

/* The VMM closes the device and opens it again (a hot-unplug and replug
 * of the vfio-ap device in QEMU, or a VMM restart keeping the VM). */
int simhost_guest_reopen(const char *name)
{
	struct guest *g;
	int ret = 0;

	mutex_lock(&guests_lock);
	g = find_guest(name);
	mutex_unlock(&guests_lock);
	if (!g)
		return -ENOENT;
	vmm_detach(g);
	mutex_lock(&g->lock);
	if (!g->open) {
		ret = sim_vfio_open(g->vdev);
		if (!ret) {
			g->open = true;
			sim_log("vmm: %s: vfio-ap device %s attached again", g->name, g->uuid);
			vmm_register(g);
		}
	}
	mutex_unlock(&g->lock);
	return ret;
}

int simhost_guest_events(const char *name, unsigned long *cfg_signals,
			 unsigned long *apcb_changes, bool *cfg_registered)
{
	struct guest *g;

	mutex_lock(&guests_lock);
	g = find_guest(name);
	if (g) {
		pthread_mutex_lock(&g->cfg_mu);
		*cfg_signals = g->cfg_signals;
		*cfg_registered = g->cfg_registered;
		*apcb_changes = sim_kvm_apcb_changes(g->kvm) - (g->cfg_registered ? g->cfg_base : 0);
		pthread_mutex_unlock(&g->cfg_mu);
	}
	mutex_unlock(&guests_lock);
	return g ? 0 : -ENOENT;
}

/* A guest by name, or NULL. */
static struct guest *get_guest(const char *name)
{
	struct guest *g;

	mutex_lock(&guests_lock);
	g = find_guest(name);
	mutex_unlock(&guests_lock);
	return g;
}

/* The descriptor SET_IRQS hands the driver for a SIMHOST_FD_* choice. */
static int irq_fd(struct guest *g, unsigned int index, int choice, int *tmp)
{
	*tmp = -1;
	switch (choice) {
	case SIMHOST_FD_VMM:
#ifdef SIM_TREE_CFG_CHG_IRQ
		if (index == VFIO_AP_CFG_CHG_IRQ_INDEX && g->cfgfd >= 0)
			return g->cfgfd;
#endif
		if (index == 0)
			return g->reqfd;
		/* an index the VMM has no eventfd for: a fresh one, closed after */
		return *tmp = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	case SIMHOST_FD_NOT_EVENTFD:
		return *tmp = open("/dev/null", O_RDONLY | O_CLOEXEC);
	case SIMHOST_FD_CLOSED:
		/* a number no descriptor of this process has */
		return 1 << 20;
	default:
		return choice;
	}
}

/* What a successful SET_IRQS changed of the VMM's registrations. */
static void irq_registered(struct guest *g, const struct simhost_ioctl_args *a, int fd)
{
#ifdef SIM_TREE_CFG_CHG_IRQ
	if (a->index != VFIO_AP_CFG_CHG_IRQ_INDEX)
		return;
	pthread_mutex_lock(&g->cfg_mu);
	if (fd >= 0 && fd == g->cfgfd) {
		g->cfg_signals = 0;
		g->cfg_base = sim_kvm_apcb_changes(g->kvm);
		sim_kvm_masks_raw(g->kvm, g->told[0], g->told[1], g->told[2]);
		g->cfg_registered = true;
	} else {
		/* unregistered, or another eventfd the VMM does not read */
		g->cfg_registered = false;
	}
	pthread_mutex_unlock(&g->cfg_mu);
#else
	(void)g;
	(void)a;
	(void)fd;
#endif
}

long simhost_guest_ioctl(const char *name, enum simhost_ioctl op, struct simhost_ioctl_args *a)
{
	/* room for any argsz the caller gives: the driver reads what it asks */
	union {
		struct vfio_device_info info;
		struct vfio_irq_info irq;
		struct {
			struct vfio_irq_set hdr;
			s32 fd;
		} __attribute__((packed)) set;
		unsigned char raw[64];
	} u;
	struct guest *g = get_guest(name);
	unsigned int cmd;
	int tmp = -1, fd = -1;
	long ret = -ENODEV;

	if (!g)
		return -ENOENT;
	memset(&u, 0, sizeof(u));
	switch (op) {
	case SIMHOST_GET_INFO:
		cmd = VFIO_DEVICE_GET_INFO;
		u.info.argsz = a->argsz ? a->argsz : sizeof(u.info);
		break;
	case SIMHOST_GET_IRQ_INFO:
		cmd = VFIO_DEVICE_GET_IRQ_INFO;
		u.irq.argsz = a->argsz ? a->argsz : sizeof(u.irq);
		u.irq.index = a->index;
		break;
	case SIMHOST_SET_IRQS:
		cmd = VFIO_DEVICE_SET_IRQS;
		fd = irq_fd(g, a->index, a->fd, &tmp);
		u.set.hdr.argsz = a->argsz ? a->argsz : sizeof(u.set);
		u.set.hdr.flags = a->flags;
		u.set.hdr.index = a->index;
		u.set.hdr.start = a->start;
		u.set.hdr.count = a->count;
		u.set.fd = fd;
		break;
	case SIMHOST_RESET:
		cmd = VFIO_DEVICE_RESET;
		break;
	default:
		/* a command no vfio device implements (VFIO_DEVICE_GET_REGION_INFO
		 * is not the driver's either: it has no regions) */
		cmd = VFIO_DEVICE_GET_REGION_INFO;
		break;
	}
	mutex_lock(&g->lock);
	if (g->open)
		ret = sim_vfio_ioctl(g->vdev, cmd, &u);
	if (!ret && op == SIMHOST_SET_IRQS)
		irq_registered(g, a, fd);
	mutex_unlock(&g->lock);
	if (tmp >= 0)
		close(tmp);
	if (ret)
		return ret;
	if (op == SIMHOST_GET_INFO) {
		a->out_flags = u.info.flags;
		a->num_regions = u.info.num_regions;
		a->num_irqs = u.info.num_irqs;
	} else if (op == SIMHOST_GET_IRQ_INFO) {
		a->out_flags = u.irq.flags;
		a->irq_count = u.irq.count;
	}
	return 0;
}

long simhost_guest_irq_info(const char *name, unsigned int index, unsigned int *count,
			    unsigned int *flags)
{
	struct simhost_ioctl_args a = { .index = index };
	long ret = simhost_guest_ioctl(name, SIMHOST_GET_IRQ_INFO, &a);

	if (!ret) {
		*count = a.irq_count;
		*flags = a.out_flags;
	}
	return ret;
}

long simhost_guest_dma(const char *name, bool map, unsigned long long iova,
		       unsigned long long size)
{
	struct guest *g = get_guest(name);

	if (!g)
		return -ENOENT;
	return map ? sim_vfio_dma_map(g->vdev, iova, size) : sim_vfio_dma_unmap(g->vdev, iova, size);
}

int simhost_guest_pinned(const char *name)
{
	struct guest *g = get_guest(name);

	return g ? sim_vfio_pinned(g->vdev) : -ENOENT;
}

/*
 * The VMM of a running guest opens a second mdev for the same VM: the
 * driver must refuse (its set_kvm finds the VM's PQAP hook taken) and
 * leave nothing behind.  The open's errno (the device is closed and let
 * go again if it was accepted, which is itself a finding); anything the
 * refused open changed is reported.  Only while the guest's own device
 * is open does the VM have an mdev: a guest whose device was closed (its
 * mdev removed, a reopen that failed) has none, and an open then would
 * be the VM's first, which the driver rightly accepts; so the guest's
 * lock is held throughout (its VMM closes and reopens its device under
 * it), and without an open device of its own the answer is ENODEV.
 */
int simhost_guest_attach(const char *name, const char *uuid)
{
	struct guest *g = get_guest(name);
	struct vfio_device *vdev;
	unsigned long apcb_writes;
	void *hook;
	int users, pins, ret;

	if (!g)
		return -ENOENT;
	vdev = sim_vfio_find(uuid);
	if (!vdev)
		return -ENODEV;
	/* the device's own VMM, or another's, has its group open */
	if (vdev == g->vdev || __atomic_exchange_n(&vdev->vmm_claimed, 1, __ATOMIC_SEQ_CST)) {
		sim_vfio_put(vdev);
		return -EBUSY;
	}
	mutex_lock(&g->lock);
	if (!g->open) {
		mutex_unlock(&g->lock);
		__atomic_store_n(&vdev->vmm_claimed, 0, __ATOMIC_SEQ_CST);
		sim_vfio_put(vdev);
		return -ENODEV;
	}
	sim_kvm_watch_writes(g->kvm, true);
	hook = g->kvm->arch.crypto.pqap_hook;
	users = __atomic_load_n(&g->kvm->users_count.refs.counter, __ATOMIC_SEQ_CST);
	mutex_lock(&g->kv_lock);
	sim_vfio_group_set_kvm(vdev, g->kvm);
	mutex_unlock(&g->kv_lock);
	sim_vfio_dma_unmap_all(vdev);
	sim_vfio_dma_map(vdev, 0, SIM_GUEST_MEM_BYTES);
	ret = sim_vfio_open(vdev);
	if (!ret) {
		sim_report("vfio_ap: a second mdev opened on a VM that has one",
			   "guest %s: %s opened beside %s; the driver must refuse it (EPERM)\n",
			   g->name, uuid, g->uuid);
		sim_vfio_close(vdev);
	}
	mutex_lock(&g->kvm->lock);
	sim_vfio_group_set_kvm(vdev, NULL);
	mutex_unlock(&g->kvm->lock);
	pins = sim_vfio_pinned(vdev);
	/* the APCB: the refused open's own writes of it (other workers of a
	 * campaign change it meanwhile) */
	apcb_writes = sim_kvm_watch_writes(g->kvm, false);
	if (ret && (g->kvm->arch.crypto.pqap_hook != hook || vdev->kvm || pins ||
		    __atomic_load_n(&g->kvm->users_count.refs.counter, __ATOMIC_SEQ_CST) != users ||
		    apcb_writes))
		sim_report("vfio_ap: a refused open left state behind",
			   "guest %s: opening %s failed (%d) but %s%s%s%s%s\n", g->name, uuid, ret,
			   g->kvm->arch.crypto.pqap_hook != hook ? "the VM's PQAP hook changed; " : "",
			   vdev->kvm ? "the device keeps a KVM pointer; " : "",
			   pins ? "pages stay pinned; " : "",
			   __atomic_load_n(&g->kvm->users_count.refs.counter, __ATOMIC_SEQ_CST) != users ?
			   "the VM's reference count changed; " : "",
			   apcb_writes ? "the driver wrote the guest's APCB" : "");
	mutex_unlock(&g->lock);
	sim_vfio_dma_unmap_all(vdev);
	__atomic_store_n(&vdev->vmm_claimed, 0, __ATOMIC_SEQ_CST);
	sim_vfio_put(vdev);
	return ret;
}

int simhost_guest_show(const char *name, char *buf, size_t len)
{
	struct guest *g;
	int n;

	mutex_lock(&guests_lock);
	g = find_guest(name);
	n = g ? sim_kvm_reachable(g->kvm, buf, len) : -ENOENT;
	mutex_unlock(&guests_lock);
	return n;
}

int simhost_guest_pqap(const char *name, int vcpu, int apqn, bool enable, unsigned long nib)
{
	struct guest *g;
	int rc;

	mutex_lock(&guests_lock);
	g = find_guest(name);
	rc = g ? sim_kvm_pqap(g->kvm, vcpu, apqn, enable, nib) : -ENOENT;
	mutex_unlock(&guests_lock);
	return rc;
}

int simhost_hw_inject(const struct aphw_inject *rule)
{
	if (!rule) {
		aphw_inject_clear();
		return 0;
	}
	return aphw_inject_add(rule);
}

void simhost_hw_reset_model(long ms, bool late)
{
	aphw_reset_model(ms, late);
}

int simhost_hw(const char *op, int id)
{
	if (id < 0 || id > 255)
		return -EINVAL;
	if (!strcmp(op, "remove-adapter"))
		aphw_set_adapter(id, false);
	else if (!strcmp(op, "add-adapter"))
		aphw_set_adapter(id, true);
	else if (!strcmp(op, "remove-domain"))
		aphw_set_domain(id, false);
	else if (!strcmp(op, "add-domain"))
		aphw_set_domain(id, true);
	else
		return -EINVAL;
	/* the configuration-change notification makes the bus rescan */
	apbus_scan();
	return 0;
}

void simhost_sleep_ms(long ms)
{
	sim_sleep_ms(ms);
}

void simhost_settle(void)
{
	shim_workqueue_drain();
}

/* ---------------------------------------------------------------- check */

/* A violated invariant: reported under a title without the instance's
 * names (so that a campaign counts one kind once), the details in the body. */
static int finding(FILE *out, const char *title, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int finding(FILE *out, const char *title, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (out)
		fprintf(out, "%s\n", buf);
	sim_report(title, "%s\n", buf);
	return 1;
}

/* abi/'s invariants report here: the host's own report */
static void violation(void *arg, const char *title, const char *line)
{
	sim_report(title, "%s\n", line);
}

static bool bound_to_vfio(void *ctx, int a, int d)
{
	return apbus_owner(AP_MKQID(a, d)) == AP_OWNER_VFIO;
}

#define MDEV_DIR "/sys/devices/vfio_ap/matrix"

/* an mdev's matrix or guest_matrix as its file answers: 0; -1 when the
 * file is gone (the mdev was removed meanwhile); a text not in the
 * kernel's format is a finding of its own, and -1 */
static int read_matrix(const char *uuid, const char *attr, struct vap_matrix *m)
{
	static char buf[1 << 20];
	char path[256];

	snprintf(path, sizeof(path), MDEV_DIR "/%s/%s", uuid, attr);
	if (sysfs_read(path, buf, sizeof(buf)) < 0)
		return -1;
	if (vap_matrix_parse(buf, m)) {
		finding(NULL, "consistency: an mdev's matrix file not in the kernel's format",
			"consistency: mdev %s: %s does not parse: %.60s", uuid, attr, buf);
		return -1;
	}
	return 0;
}

/* a kernel bitmap (bit n as set_bit_inv numbers it) as abi/'s mask */
static void mask_of(const unsigned long *bits, struct vap_mask *m)
{
	memset(m, 0, sizeof(*m));
	for (int i = 0; i < VAP_BITS; i++)
		if (test_bit_inv(i, bits))
			vap_mask_set(m, i);
}

/* The invariants of abi/ over the mdevs' files, with what only the sim
 * knows: the host's configuration and who owns each queue. */
static void check_mdevs(void)
{
	static struct vap_matrix matrix[64];
	static char *uuids[64];
	struct vap_matrix cfg, gm;
	char **names = NULL;
	int n, i, nm = 0;

	memset(&cfg, 0, sizeof(cfg));
	for (i = 0; i < VAP_BITS; i++) {
		if (aphw_adapter_configured(i))
			vap_mask_set(&cfg.apm, i);
		if (aphw_domain_configured(i))
			vap_mask_set(&cfg.aqm, i);
	}
	n = sysfs_list(MDEV_DIR, &names);
	for (i = 0; i < n; i++) {
		struct vap_matrix mm;

		if (strlen(names[i]) != 36 || read_matrix(names[i], "matrix", &mm) ||
		    read_matrix(names[i], "guest_matrix", &gm)) {
			free(names[i]);
			continue;
		}
		vap_inv_guest_within(names[i], &mm, &gm, &cfg, violation, NULL);
		vap_inv_guest_bound(names[i], &gm, bound_to_vfio, NULL, violation, NULL);
		/* exclusivity over the first 64 (a host has a handful) */
		if (nm == 64) {
			free(names[i]);
			continue;
		}
		matrix[nm] = mm;
		uuids[nm++] = names[i];
	}
	vap_inv_exclusive(nm, uuids, matrix, violation, NULL);
	for (i = 0; i < nm; i++)
		free(uuids[i]);
	free(names);
}

/*
 * A guest whose VMM registered the AP configuration change eventfd must be
 * told of every change of its APCB: as many signals as changes at least
 * (set/clear_masks calls that changed the masks, since the registration),
 * and the masks it has now are those it had at the last signal.
 */
static int check_told(FILE *out, struct guest *g)
{
	unsigned long now[3][4], changes = 0, signals = 0;
	bool registered;
	int k = 3;

	sim_kvm_masks(g->kvm, now[0], now[1], now[2]);
	/* nothing under cfg_mu may reach a scheduling point (no report) */
	pthread_mutex_lock(&g->cfg_mu);
	registered = g->cfg_registered;
	if (registered) {
		changes = sim_kvm_apcb_changes(g->kvm) - g->cfg_base;
		signals = g->cfg_signals;
		for (k = 0; k < 3; k++)
			if (!bitmap_equal(now[k], g->told[k], 256))
				break;
	}
	pthread_mutex_unlock(&g->cfg_mu);
	if (!registered || (changes <= signals && k == 3))
		return 0;
	return finding(out, "consistency: a guest's APCB changed without a configuration-change signal",
		       "consistency: guest %s: %lu change(s) of its APCB since its VMM registered the AP configuration change eventfd, %lu signal(s); its %s",
		       g->name, changes, signals,
		       k == 0 ? "apm now differs from what the last signal told" :
		       k == 1 ? "aqm now differs from what the last signal told" :
		       k == 2 ? "adm now differs from what the last signal told" :
		       "masks are those it was last told");
}

static int check_guests(FILE *out)
{
	int i, j, bad = 0;
	unsigned long am[MAX_GUESTS][4], qm[MAX_GUESTS][4], dm[4];

	mutex_lock(&guests_lock);
	for (i = 0; i < MAX_GUESTS; i++) {
		struct guest *g = guests[i];
		struct vap_matrix gm, mm, crycb = { 0 };
		struct vap_mask ca, cq;

		if (!g)
			continue;
		sim_kvm_masks(g->kvm, am[i], qm[i], dm);
		if (!g->open) {
			if (!bitmap_empty(am[i], 256) || !bitmap_empty(qm[i], 256))
				bad += finding(out, "consistency: crycb not empty after the device was closed",
					"consistency: guest %s: crycb not empty after its device was closed",
					       g->name);
			continue;
		}
		bad += check_told(out, g);
		if (read_matrix(g->uuid, "guest_matrix", &gm))
			continue;
		mask_of(am[i], &ca);
		mask_of(qm[i], &cq);
		/* 7.x: a request clears the guest's masks while the device is
		 * still open, until the VMM lets it go */
		if (__atomic_load_n(&g->requested, __ATOMIC_ACQUIRE) &&
		    bitmap_empty(am[i], 256) && bitmap_empty(qm[i], 256))
			continue;
		/* the guest reaches (its crycb gives it) exactly the APQNs
		 * of guest_matrix: abi/'s invariant, under the title lib/'s
		 * oracle uses for the same (one finding); masks that differ
		 * but give the same APQNs only the sim can see */
		crycb.apm = ca;
		crycb.aqm = cq;
		if (vap_inv_guest_reach(g->name, g->uuid, 0, &crycb, &gm, violation, NULL))
			bad++;
		else if (memcmp(&gm.apm, &ca, sizeof(ca)) || memcmp(&gm.aqm, &cq, sizeof(cq)))
			bad += finding(out, "consistency: crycb masks differ from guest_matrix",
					"consistency: guest %s: crycb masks differ from guest_matrix of %s (the same APQNs)",
				       g->name, g->uuid);
		/* isolation: the guest reaches nothing its mdev does not have */
		if (read_matrix(g->uuid, "matrix", &mm))
			continue;
		if (!vap_mask_subset(&ca, &mm.apm) || !vap_mask_subset(&cq, &mm.aqm))
			bad += finding(out, "isolation: a guest reaches APQNs not assigned to its mdev",
					"isolation: guest %s reaches APQNs not assigned to %s",
				       g->name, g->uuid);
	}
	/* no APQN in two guests */
	for (i = 0; i < MAX_GUESTS; i++) {
		for (j = i + 1; j < MAX_GUESTS; j++) {
			unsigned long a[4], q[4];

			if (!guests[i] || !guests[j])
				continue;
			if (bitmap_and(a, am[i], am[j], 256) && bitmap_and(q, qm[i], qm[j], 256))
				bad += finding(out, "exclusivity: two guests reach one APQN",
					"exclusivity: guests %s and %s both reach APQN %02lx.%04lx",
					       guests[i]->name, guests[j]->name,
					       find_first_bit_inv(a, 256), find_first_bit_inv(q, 256));
		}
	}
	mutex_unlock(&guests_lock);
	return bad;
}

/* Once settled, the bus's kept queue counts must match a walk of the bus. */
static void check_bus_counts(void)
{
	unsigned int t1, b1, t2, b2;

	apbus_queue_counts(&t1, &b1);
	apbus_queue_counts_walk(&t2, &b2);
	if (t1 != t2 || b1 != b2)
		sim_report("BUG: sim: AP bus queue counts drifted",
			   "kept %u/%u bound/total, walked %u/%u\n", b1, t1, b2, t2);
}

int simhost_check(FILE *out, int *nknown)
{
	int i, n, unknown = 0, known = 0;
	struct task *t = sim_current();

	/* the checks read sysfs as an observer: no fault is injected there */
	t->no_fault = true;
	simhost_settle();
	check_bus_counts();
	check_mdevs();
	check_guests(NULL);
	t->no_fault = false;
	n = sim_nr_findings();
	for (i = 0; i < n; i++) {
		const char *body, *title = sim_finding(i, &body);
		const char *id = simhost_known_match(title, body);
		char first[512];

		snprintf(first, sizeof(first), "%.*s", (int)strcspn(body, "\n"), body);
		if (id)
			known++;
		else
			unknown++;
		if (out && id)
			fprintf(out, "known %s: %s: %s\n", id, title, first);
		else if (out)
			fprintf(out, "%s: %s\n", title, first);
	}
	if (nknown)
		*nknown = known;
	return unknown;
}

int simhost_nr_findings(void)
{
	return sim_nr_findings();
}

/* Finding i: its title and report; the known-issue id it matches, if any. */
const char *simhost_finding(int i, const char **body, const char **known)
{
	const char *title = sim_finding(i, body);

	*known = simhost_known_match(title, *body);
	return title;
}

char *simhost_log(void)
{
	return sim_log_dump();
}

char *simhost_uevents(void)
{
	return shim_uevent_dump();
}

void simhost_lockgraph(FILE *out)
{
	sim_lockdep_dot(out);
}

void simhost_set_lockdep(bool on)
{
	sim_lockdep_enabled = on;
}

void simhost_shutdown(void)
{
	int i;

	for (i = 0; i < MAX_GUESTS; i++) {
		struct guest *g = guests[i];

		if (g) {
			pthread_rwlock_wrlock(&guests_rw);
			guests[i] = NULL;
			pthread_rwlock_unlock(&guests_rw);
			guest_teardown(g);
		}
	}
}
