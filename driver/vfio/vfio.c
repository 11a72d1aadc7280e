// SPDX-License-Identifier: GPL-2.0
/*
 * The mdev core and the vfio core as the vfio_ap driver meets them.
 *
 * mdev: the mdev bus (mdev_match never matches: binding is explicit),
 * parents and their supported types with create/name/device_api/
 * available_instances, mdev devices with their `remove` file, and parent
 * unregistration under the parent's unreg_sem.
 *
 * vfio: device allocation and release, the emulated-IOMMU group of each
 * device, registration references, unregistration that calls the
 * driver's request op (6.12) and waits for the VMM to close the device,
 * open/close in each version's lock order (6.1: dev_set -> group;
 * 6.12: group -> dev_set, with the core's own kvm reference), the device
 * ioctls, and a type1 container's page pins.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <linux/kernel.h>
#include <linux/device.h>
#include <linux/mdev.h>
#include <linux/string.h>
#include <linux/vfio.h>
#include <linux/kvm_host.h>
#include <sim/origin.h>
#include <sim/ref.h>
#include <linux/module.h>
#include <sim/fault.h>
#include <sim/slab.h>
#include <sim/fixes.h>
#include <sim/core.h>
#include <sim/kvm.h>
#include <sim/report.h>
#include <sim/lockdep.h>
#include <sim/ap.h>
#include <sim/sched.h>

/* ------------------------------------------------------------------ mdev */

static DEFINE_MUTEX(mdev_list_lock);
static LIST_HEAD(mdev_list);

static int mdev_match(struct device *dev, SHIM_CONST_DRV struct device_driver *drv)
{
	(void)dev;
	(void)drv;
	return 0;
}

/* What the driver took for an mdev (its vfio device, the registration,
 * the eventfds of the device's file) it must have given back when the
 * mdev goes, or when its probe failed. */
#define MDEV_REFS (SIM_REF_BIT(SIM_REF_VFIO_DEVICE) | SIM_REF_BIT(SIM_REF_VFIO_REG) | \
		   SIM_REF_BIT(SIM_REF_EVENTFD))

static int mdev_probe(struct device *dev)
{
	struct mdev_driver *drv = container_of(dev->driver, struct mdev_driver, driver);
	int ret = drv->probe ? drv->probe(to_mdev_device(dev)) : 0;

	if (ret)
		sim_ref_check(MDEV_REFS, NULL, dev, 0, "a failed mdev probe", dev_name(dev), NULL);
	return ret;
}

static void mdev_remove(struct device *dev)
{
	struct mdev_driver *drv = container_of(dev->driver, struct mdev_driver, driver);

	if (drv->remove)
		drv->remove(to_mdev_device(dev));
	sim_ref_check(MDEV_REFS, NULL, dev, 0, "the mdev's removal", dev_name(dev), NULL);
}

static struct bus_type mdev_bus_type = {
	.name = "mdev",
	.match = mdev_match,
	.probe = mdev_probe,
	.remove = mdev_remove,
};

int sim_mdev_core_init(void)
{
	return bus_register(&mdev_bus_type);
}

void sim_mdev_core_exit(void)
{
	bus_unregister(&mdev_bus_type);
}

int sim_mdev_count(void)
{
	struct mdev_device *m;
	int n = 0;

	mutex_lock(&mdev_list_lock);
	list_for_each_entry(m, &mdev_list, next)
		n++;
	mutex_unlock(&mdev_list_lock);
	return n;
}

int mdev_register_driver(struct mdev_driver *drv)
{
	SIM_FAIL_FUNCTION(mdev_register_driver, int);
	if (!drv->device_api)
		return -EINVAL;
	drv->driver.bus = &mdev_bus_type;
	return driver_register(&drv->driver);
}

void mdev_unregister_driver(struct mdev_driver *drv)
{
	driver_unregister(&drv->driver);
}

static void mdev_device_release(struct device *dev)
{
	struct mdev_device *mdev = to_mdev_device(dev);
	struct mdev_parent *parent = mdev->type->parent;

	mutex_lock(&mdev_list_lock);
	list_del(&mdev->next);
	mutex_unlock(&mdev_list_lock);
	__atomic_fetch_add(&parent->available_instances.counter, 1, __ATOMIC_SEQ_CST);
	kfree(mdev);
}

static void uuid_str(const guid_t *g, char *out)
{
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 g->b[3], g->b[2], g->b[1], g->b[0], g->b[5], g->b[4], g->b[7], g->b[6],
		 g->b[8], g->b[9], g->b[10], g->b[11], g->b[12], g->b[13], g->b[14], g->b[15]);
}

static int mdev_device_remove(struct mdev_device *mdev);

static ssize_t remove_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t count)
{
	unsigned long val;
	int ret;

	if (kstrtoul(buf, 0, &val) < 0)
		return -EINVAL;
	if (val && device_remove_file_self(dev, attr)) {
		ret = mdev_device_remove(to_mdev_device(dev));
		if (ret)
			return ret;
	}
	return count;
}
static DEVICE_ATTR_WO(remove);

static void mdev_remove_common(struct mdev_device *mdev)
{
	struct mdev_type *type = mdev->type;
	char name[40];

	mdev->in_tree = false;
	uuid_str(&mdev->uuid, name);
	sysfs_remove_child(type->devices_dir, name);
	sysfs_remove_child(mdev->dev.kobj.sd, "mdev_type");
	device_del(&mdev->dev);
}

static int mdev_device_create(struct mdev_type *type, const guid_t *uuid)
{
	struct mdev_parent *parent = type->parent;
	struct mdev_driver *drv = parent->mdrv;
	struct mdev_device *mdev, *tmp;
	char name[40];
	int ret;

	mutex_lock(&mdev_list_lock);
	list_for_each_entry(tmp, &mdev_list, next) {
		if (guid_equal(&tmp->uuid, uuid)) {
			mutex_unlock(&mdev_list_lock);
			return -EEXIST;
		}
	}
	if (!__atomic_load_n(&parent->available_instances.counter, __ATOMIC_SEQ_CST)) {
		mutex_unlock(&mdev_list_lock);
		return -EUSERS;
	}
	mdev = kzalloc_at(sizeof(*mdev), GFP_KERNEL, "drivers/vfio/mdev/mdev_core.c:mdev_device_create");
	if (!mdev) {
		mutex_unlock(&mdev_list_lock);
		return -ENOMEM;
	}
	__atomic_fetch_sub(&parent->available_instances.counter, 1, __ATOMIC_SEQ_CST);
	mdev->uuid = *uuid;
	list_add(&mdev->next, &mdev_list);
	mutex_unlock(&mdev_list_lock);

	device_initialize(&mdev->dev);
	mdev->dev.parent = parent->dev;
	mdev->dev.bus = &mdev_bus_type;
	mdev->dev.release = mdev_device_release;
	mdev->type = type;
	uuid_str(uuid, name);
	dev_set_name(&mdev->dev, "%s", name);

	if (!down_read_trylock(&parent->unreg_sem)) {
		ret = -ENODEV;
		goto out_put;
	}
	ret = device_add(&mdev->dev);
	if (ret)
		goto out_unlock;
	ret = device_driver_attach(&drv->driver, &mdev->dev);
	if (ret)
		goto out_del;
	device_create_file(&mdev->dev, &dev_attr_remove);
	sysfs_symlink(mdev->dev.kobj.sd, "mdev_type", type->dir);
	sysfs_symlink(type->devices_dir, name, mdev->dev.kobj.sd);
	mdev->in_tree = true;
	mdev->active = true;
	up_read(&parent->unreg_sem);
	return 0;

out_del:
	device_del(&mdev->dev);
out_unlock:
	up_read(&parent->unreg_sem);
out_put:
	put_device(&mdev->dev);
	return ret;
}

static int mdev_device_remove(struct mdev_device *mdev)
{
	struct mdev_device *tmp;
	struct mdev_parent *parent = mdev->type->parent;

	mutex_lock(&mdev_list_lock);
	list_for_each_entry(tmp, &mdev_list, next)
		if (tmp == mdev)
			break;
	if (tmp != mdev) {
		mutex_unlock(&mdev_list_lock);
		return -ENODEV;
	}
	if (!mdev->active) {
		mutex_unlock(&mdev_list_lock);
		return -EAGAIN;
	}
	mdev->active = false;
	mutex_unlock(&mdev_list_lock);

	if (!down_read_trylock(&parent->unreg_sem))
		return -ENODEV;
	mdev_remove_common(mdev);
	up_read(&parent->unreg_sem);
	put_device(&mdev->dev);
	return 0;
}

static ssize_t create_store(struct sysfs_node *n, const char *buf, size_t count)
{
	struct mdev_type *type = n->priv;
	guid_t uuid;
	char *str;
	int ret;

	if (count != 36 && count != 37)
		return -EINVAL;
	str = shim_kstrndup(buf, count, GFP_KERNEL, "drivers/vfio/mdev/mdev_sysfs.c:create_store");
	if (!str)
		return -ENOMEM;
	ret = guid_parse(str, &uuid);
	kfree(str);
	if (ret)
		return ret;
	ret = mdev_device_create(type, &uuid);
	return ret ? ret : (ssize_t)count;
}

static ssize_t name_show(struct sysfs_node *n, char *buf)
{
	struct mdev_type *type = n->priv;

	return sysfs_emit(buf, "%s\n", type->pretty_name ? type->pretty_name : type->sysfs_name);
}

static ssize_t device_api_show(struct sysfs_node *n, char *buf)
{
	struct mdev_type *type = n->priv;

	return sysfs_emit(buf, "%s\n", type->parent->mdrv->device_api);
}

static ssize_t available_instances_show(struct sysfs_node *n, char *buf)
{
	struct mdev_type *type = n->priv;

	return sysfs_emit(buf, "%d\n", __atomic_load_n(&type->parent->available_instances.counter,
						       __ATOMIC_SEQ_CST));
}

int mdev_register_parent(struct mdev_parent *parent, struct device *dev,
			 struct mdev_driver *mdev_driver, struct mdev_type **types,
			 unsigned int nr_types)
{
	unsigned int i;

	SIM_FAIL_FUNCTION(mdev_register_parent, int);
	memset(parent, 0, sizeof(*parent));
	init_rwsem(&parent->unreg_sem);
	parent->dev = dev;
	parent->mdrv = mdev_driver;
	parent->types = types;
	parent->nr_types = nr_types;
	parent->available_instances.counter = mdev_driver->max_instances;
	parent->types_dir = sysfs_mkdir(dev->kobj.sd, "mdev_supported_types");
	if (!parent->types_dir)
		return -EEXIST;
	for (i = 0; i < nr_types; i++) {
		struct mdev_type *t = types[i];

		t->parent = parent;
		snprintf(t->dirname, sizeof(t->dirname), "%s-%s", dev_driver_string(dev),
			 t->sysfs_name);
		t->dir = sysfs_mkdir(parent->types_dir, t->dirname);
		sysfs_add_attr(t->dir, "create", 0200, NULL, create_store, t, NULL);
		sysfs_add_attr(t->dir, "name", 0444, name_show, NULL, t, NULL);
		sysfs_add_attr(t->dir, "device_api", 0444, device_api_show, NULL, t, NULL);
		sysfs_add_attr(t->dir, "available_instances", 0444, available_instances_show,
			       NULL, t, NULL);
		t->devices_dir = sysfs_mkdir(t->dir, "devices");
	}
	shim_uevent(dev, "change", "MDEV_STATE=registered");
	return 0;
}

void mdev_unregister_parent(struct mdev_parent *parent)
{
	struct mdev_device *mdev;

	down_write(&parent->unreg_sem);
	for (;;) {
		struct mdev_device *found = NULL;

		mutex_lock(&mdev_list_lock);
		list_for_each_entry(mdev, &mdev_list, next) {
			/* every child, as device_for_each_child: also one whose
			 * remove lost the race to this unregistration (inactive) */
			if (mdev->type->parent == parent && mdev->in_tree) {
				mdev->active = false;
				found = mdev;
				break;
			}
		}
		mutex_unlock(&mdev_list_lock);
		if (!found)
			break;
		mdev_remove_common(found);
		put_device(&found->dev);
	}
	sysfs_remove(parent->types_dir);
	shim_uevent(parent->dev, "change", "MDEV_STATE=unregistered");
	up_write(&parent->unreg_sem);
}

/* ------------------------------------------------------------------ vfio */

struct vfio_group {
	struct mutex group_lock;
	/* 6.2+: group->kvm is set under this spinlock, not group_lock */
	spinlock_t kvm_ref_lock;
	struct kvm *kvm;
	int id;
	/* type1 container: pinned iovas */
	struct mutex iommu_lock;
	struct pin {
		dma_addr_t iova;
		int count;
		struct page page;
		/* where each of the count pins came from, oldest first
		 * (all of them: a leak report names the pins still held) */
		struct sim_origin **origin;
		int norigin_max;
	} pins[64];
	/*
	 * The container's DMA mappings (VFIO_IOMMU_MAP_DMA of the VMM), each
	 * a page-aligned iova range; the pins above must lie in one.
	 */
	struct dma_map {
		u64 iova, size;
	} maps[64];
	/* the dma_unmap notifications are sent under it, iommu_lock dropped */
	struct mutex device_list_lock;
	/* the unmaps whose notifications are under way (iommu_lock) */
	struct unmap_note *notes;
	/* pages whose last pin a dma_unmap call let go, and that mapping */
	struct unmap_gone {
		u64 page, map_iova, map_size;
	} gone[8];
	unsigned int ngone;
};

/*
 * What the driver's dma_unmap callbacks did with one mapping: the calls,
 * and each address they unpinned (how often, how often nothing was pinned
 * there).  The reports of an unmap end with it, so that a report tells
 * one way of mishandling the notification from another.
 */
struct unmap_note {
	struct task *task;
	u64 iova, size;
	int calls, more;
	unsigned int nunpins;
	struct {
		u64 iova;
		int times, missed;
	} unpin[8];
	struct unmap_note *next;
};

static pthread_mutex_t vfio_lock = PTHREAD_MUTEX_INITIALIZER;
static LIST_HEAD(vfio_devices);
static int next_group_id;

static void vfio_device_release(struct device *dev)
{
	struct vfio_device *vdev = container_of(dev, struct vfio_device, device);
	struct vfio_group *g = vdev->group;

	if (g) {
		unsigned int i;

		vdev->group = NULL;
		for (i = 0; i < ARRAY_SIZE(g->pins); i++)
			free(g->pins[i].origin);
		kfree(g);
	}
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	if (vdev->ops->release)
		vdev->ops->release(vdev);
	kvfree(vdev);
#else
	vdev->ops->release(vdev);
#endif
}

struct vfio_device *_vfio_alloc_device(size_t size, struct device *dev,
				       const struct vfio_device_ops *ops)
{
	struct vfio_device *vdev;
	int ret;

	SIM_FAIL_FUNCTION(_vfio_alloc_device, struct vfio_device *);
	vdev = kzalloc_at(size, GFP_KERNEL, "drivers/vfio/vfio_main.c:_vfio_alloc_device");
	if (!vdev)
		return ERR_PTR(-ENOMEM);
	vdev->dev = dev;
	vdev->ops = ops;
	init_completion(&vdev->comp);
	sim_mutex_init_as(&vdev->dev_set_lock, "&dev_set->lock");
	INIT_LIST_HEAD(&vdev->group_next);
	if (ops->init) {
		ret = ops->init(vdev);
		if (ret) {
			kvfree(vdev);
			return ERR_PTR(ret);
		}
	}
	device_initialize(&vdev->device);
	vdev->device.release = vfio_device_release;
	dev_set_name(&vdev->device, "vfio-dev");
	/* the caller's reference, for the device it serves (the mdev) */
	sim_ref_get(SIM_REF_VFIO_DEVICE, vdev, dev, __builtin_return_address(0));
	return vdev;
}

void vfio_free_device(struct vfio_device *device)
{
	kvfree(device);
}

void vfio_put_device(struct vfio_device *device)
{
	sim_ref_put(SIM_REF_VFIO_DEVICE, device, __builtin_return_address(0));
	put_device(&device->device);
}

int vfio_register_emulated_iommu_dev(struct vfio_device *device)
{
	struct vfio_group *g;

	SIM_FAIL_FUNCTION(vfio_register_emulated_iommu_dev, int);
	/* vfio_create_group allocates the group: a failslab site */
	g = kzalloc_at(sizeof(*g), GFP_KERNEL, "drivers/vfio/group.c:vfio_create_group");
	if (!g)
		return -ENOMEM;
	sim_mutex_init_as(&g->group_lock, "&group->group_lock");
	sim_spin_lock_init_as(&g->kvm_ref_lock, "&group->kvm_ref_lock");
	sim_mutex_init_as(&g->iommu_lock, "&iommu->lock");
	sim_mutex_init_as(&g->device_list_lock, "&iommu->device_list_lock");
	pthread_mutex_lock(&vfio_lock);
	g->id = next_group_id++;
	device->group = g;
	device->registrations = 1;
	device->registered = true;
	list_add_tail(&device->group_next, &vfio_devices);
	pthread_mutex_unlock(&vfio_lock);
	dev_set_name(&device->device, "vfio%d", g->id);
	sim_ref_get(SIM_REF_VFIO_REG, device, device->dev, __builtin_return_address(0));
	return 0;
}

static void put_registration(struct vfio_device *vdev)
{
	if (__atomic_sub_fetch(&vdev->registrations, 1, __ATOMIC_SEQ_CST) == 0)
		complete(&vdev->comp);
}

static void unlink_device(struct vfio_device *vdev)
{
	pthread_mutex_lock(&vfio_lock);
	if (vdev->registered) {
		vdev->registered = false;
		list_del_init(&vdev->group_next);
	}
	pthread_mutex_unlock(&vfio_lock);
}

void vfio_unregister_group_dev(struct vfio_device *device)
{
	unsigned int i = 0;

	sim_ref_put(SIM_REF_VFIO_REG, device, __builtin_return_address(0));
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	unlink_device(device);
#endif
	put_registration(device);
	/* ask the driver to have the user let go, then wait; every 10 s again */
	while (!completion_done(&device->comp)) {
		if (device->ops->request) {
			int depth = sim_lockdep_depth();

			/* 7.x's takes the update locks: each must be let go */
			device->ops->request(device, i++);
			sim_lockdep_check_return(depth, "the request callback", false);
		}
		if (wait_for_completion_timeout(&device->comp, 10000))
			break;
	}
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
	unlink_device(device);
#endif
}

/* The VMM's handle on a device's group: a device reference, no registration. */
struct vfio_device *sim_vfio_find(const char *uuid)
{
	struct vfio_device *v, *found = NULL;

	pthread_mutex_lock(&vfio_lock);
	list_for_each_entry(v, &vfio_devices, group_next) {
		if (v->registered && !strcasecmp(dev_name(v->dev), uuid)) {
			found = v;
			get_device(&v->device);
			/* referenced from the harness (the VMM and its VM): not a
			 * leak for the ledger while held */
			shim_slab_pin(v, 1);
			shim_slab_pin(v->group, 1);
			break;
		}
	}
	pthread_mutex_unlock(&vfio_lock);
	return found;
}

void sim_vfio_put(struct vfio_device *vdev)
{
	shim_slab_pin(vdev->group, -1);
	shim_slab_pin(vdev, -1);
	put_device(&vdev->device);
}

/* An open device fd holds a registration: refcount_inc_not_zero. */
static bool try_get_registration(struct vfio_device *vdev)
{
	int r = __atomic_load_n(&vdev->registrations, __ATOMIC_SEQ_CST);

	while (r > 0 && !__atomic_compare_exchange_n(&vdev->registrations, &r, r + 1, false,
						     __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		;
	return r > 0;
}

int sim_vfio_group_set_kvm(struct vfio_device *vdev, struct kvm *kvm)
{
	struct vfio_group *g = vdev->group;

	if (!g)
		return -ENODEV;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	/* vfio_group_set_kvm (2b48f52f2bff in 6.2): no group_lock here */
	spin_lock(&g->kvm_ref_lock);
	g->kvm = kvm;
	spin_unlock(&g->kvm_ref_lock);
#else
	if (sim_driver_fixed("KI-3")) {
		/* KI-3's fix, 2b48f52f2bff taken back to 6.1: the
		 * kvm-vfio device's release, which holds kvm->lock, no
		 * longer waits for the group lock an open holds while the
		 * driver takes kvm->lock */
		spin_lock(&g->kvm_ref_lock);
		g->kvm = kvm;
		spin_unlock(&g->kvm_ref_lock);
		return 0;
	}
	/* vfio_file_set_kvm of 6.1: under the group lock */
	mutex_lock(&g->group_lock);
	g->kvm = kvm;
	mutex_unlock(&g->group_lock);
#endif
	return 0;
}

/* The driver's open/close callbacks must return with no more locks held;
 * what the driver takes while it serves the device's file (here and in
 * its ioctls) belongs to the device's mdev (sim/ref.h's scope). */
static int call_open_device(struct vfio_device *vdev)
{
	int depth = sim_lockdep_depth(), ret;
	const void *scope = sim_ref_scope(vdev->dev);

	ret = vdev->ops->open_device ? vdev->ops->open_device(vdev) : 0;
	sim_ref_scope(scope);
	sim_lockdep_check_return(depth, "the open_device callback", false);
	return ret;
}

static void call_close_device(struct vfio_device *vdev)
{
	int depth = sim_lockdep_depth();
	const void *scope = sim_ref_scope(vdev->dev);

	if (vdev->ops->close_device)
		vdev->ops->close_device(vdev);
	sim_ref_scope(scope);
	sim_lockdep_check_return(depth, "the close_device callback", false);
	/* as vfio-pci's close does, the driver lets go of the eventfds the
	 * file gave it, whether or not the user dropped them first */
	sim_ref_check(SIM_REF_BIT(SIM_REF_EVENTFD), NULL, vdev->dev, 0, "the vfio device's last close",
		      dev_name(vdev->dev),
		      vdev->user_eventfds ?
		      "the user closed the device without dropping its eventfds (VFIO_DEVICE_SET_IRQS with fd -1)" :
		      "the user dropped its eventfds (VFIO_DEVICE_SET_IRQS with fd -1) before the last close");
	/* the next file's user starts with none */
	__atomic_store_n(&vdev->user_eventfds, 0, __ATOMIC_SEQ_CST);
}

/* VFIO_GROUP_GET_DEVICE_FD: the first open calls the driver's open_device. */
int sim_vfio_open(struct vfio_device *vdev)
{
	struct vfio_group *g = vdev->group;
	int ret = 0;

	if (!try_get_registration(vdev))
		return -ENODEV;

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	mutex_lock(&g->group_lock);
	mutex_lock(&vdev->dev_set_lock);
	/*
	 * As vfio_df_open: the count goes up before the first open runs, so
	 * that a vCPU reaching the driver's PQAP hook (installed by
	 * open_device) finds the device open when it pins the NIB.
	 */
	if (++vdev->open_count == 1) {
		spin_lock(&g->kvm_ref_lock);
		if (!g->kvm) {
			vdev->kvm = NULL;
		} else {
			kvm_get_kvm(g->kvm);
			vdev->kvm = g->kvm;
		}
		spin_unlock(&g->kvm_ref_lock);
		if (!try_module_get(THIS_MODULE)) {
			ret = -ENODEV;
		} else {
			mutex_lock(&g->iommu_lock);
			mutex_unlock(&g->iommu_lock);
			ret = call_open_device(vdev);
			if (ret)
				module_put(THIS_MODULE);
		}
		if (ret && vdev->kvm) {
			kvm_put_kvm(vdev->kvm);
			vdev->kvm = NULL;
		}
		if (ret)
			vdev->open_count--;
	}
	mutex_unlock(&vdev->dev_set_lock);
	mutex_unlock(&g->group_lock);
	if (ret)
		put_registration(vdev);
#else
	/* 6.1's vfio_device_open: a module reference for every open file */
	if (!try_module_get(THIS_MODULE)) {
		put_registration(vdev);
		return -ENODEV;
	}
	mutex_lock(&vdev->dev_set_lock);
	if (++vdev->open_count == 1) {
		mutex_lock(&g->group_lock);
		if (sim_driver_fixed("KI-3")) {
			/* the fix reads it under its own lock */
			spin_lock(&g->kvm_ref_lock);
			vdev->kvm = g->kvm;
			spin_unlock(&g->kvm_ref_lock);
		} else {
			vdev->kvm = g->kvm;
		}
		ret = call_open_device(vdev);
		if (ret)
			vdev->kvm = NULL;
		mutex_unlock(&g->group_lock);
		if (!ret) {
			mutex_lock(&g->iommu_lock);
			mutex_unlock(&g->iommu_lock);
		}
		if (ret)
			vdev->open_count--;
	}
	mutex_unlock(&vdev->dev_set_lock);
	if (ret) {
		module_put(THIS_MODULE);
		put_registration(vdev);
	}
#endif
	return ret;
}

static void check_pins(struct vfio_device *vdev)
{
	struct vfio_group *g = vdev->group;
	unsigned int i;

	mutex_lock(&g->iommu_lock);
	for (i = 0; i < ARRAY_SIZE(g->pins); i++) {
		struct pin *p = &g->pins[i];

		if (p->count) {
			char *origins = calloc(1, ORIGINS_LEN);
			int k;

			for (k = 0; origins && k < p->count; k++)
				sim_origin_format(p->origin[k], origins, ORIGINS_LEN);
			sim_report("vfio: pages still pinned after close",
				   "%s: iova 0x%llx pinned %d time(s) after the last close\n%s",
				   dev_name(vdev->dev), (unsigned long long)p->iova, p->count,
				   origins ? origins : "");
			free(origins);
			/* the driver still believes it holds them */
			for (k = 0; k < p->count; k++) {
				sim_origin_leak(p->origin[k], g, (unsigned long)p->iova);
				p->origin[k] = NULL;
			}
			p->count = 0;
		}
	}
	mutex_unlock(&g->iommu_lock);
}

void sim_vfio_close(struct vfio_device *vdev)
{
	struct vfio_group *g = vdev->group;

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	mutex_lock(&g->group_lock);
	mutex_lock(&vdev->dev_set_lock);
	if (vdev->open_count == 1) {
		call_close_device(vdev);
		check_pins(vdev);
		module_put(THIS_MODULE);
		if (vdev->kvm) {
			kvm_put_kvm(vdev->kvm);
			vdev->kvm = NULL;
		}
	}
	vdev->open_count--;
	mutex_unlock(&vdev->dev_set_lock);
	mutex_unlock(&g->group_lock);
#else
	mutex_lock(&vdev->dev_set_lock);
	mutex_lock(&g->group_lock);
	if (vdev->open_count == 1) {
		call_close_device(vdev);
		check_pins(vdev);
	}
	vdev->open_count--;
	if (!vdev->open_count)
		vdev->kvm = NULL;
	mutex_unlock(&g->group_lock);
	mutex_unlock(&vdev->dev_set_lock);
	module_put(THIS_MODULE);
#endif
	put_registration(vdev);
}

/* What the user's VFIO_DEVICE_SET_IRQS that took asked for: one eventfd
 * set (fd >= 0) or dropped (fd -1) on an IRQ index. */
static void note_user_eventfd(struct vfio_device *vdev, unsigned int cmd, const void *arg, long ret)
{
	const struct vfio_irq_set *hdr = arg;
	s32 fd;

	if (ret || cmd != VFIO_DEVICE_SET_IRQS || !(hdr->flags & VFIO_IRQ_SET_DATA_EVENTFD) ||
	    hdr->count != 1 || hdr->index >= BITS_PER_LONG)
		return;
	memcpy(&fd, hdr + 1, sizeof(fd));
	if (fd >= 0)
		__atomic_fetch_or(&vdev->user_eventfds, 1UL << hdr->index, __ATOMIC_SEQ_CST);
	else
		__atomic_fetch_and(&vdev->user_eventfds, ~(1UL << hdr->index), __ATOMIC_SEQ_CST);
}

long sim_vfio_ioctl(struct vfio_device *vdev, unsigned int cmd, void *arg)
{
	int depth = sim_lockdep_depth();
	const void *scope;
	long ret;

	if (!vdev->ops->ioctl)
		return -ENOTTY;
	scope = sim_ref_scope(vdev->dev);
	ret = vdev->ops->ioctl(vdev, cmd, (unsigned long)arg);
	sim_ref_scope(scope);
	note_user_eventfd(vdev, cmd, arg, ret);
	sim_lockdep_check_return(depth, "a vfio device ioctl", true);
	return ret;
}

/* The host address of a guest page: distinct per container. */
static u64 pin_phys(struct vfio_group *g, u64 iova)
{
	return 0x80000000ULL + ((u64)g->id << 36) + iova;
}

/* The mapping holding iova, or NULL (iommu_lock held). */
static struct dma_map *find_map(struct vfio_group *g, u64 iova)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(g->maps); i++)
		if (g->maps[i].size && iova >= g->maps[i].iova &&
		    iova - g->maps[i].iova < g->maps[i].size)
			return &g->maps[i];
	return NULL;
}

/* Pinned pages within [iova, iova + size) (iommu_lock held). */
static int pins_in(struct vfio_group *g, u64 iova, u64 size)
{
	unsigned int i;
	int n = 0;

	for (i = 0; i < ARRAY_SIZE(g->pins); i++)
		if (g->pins[i].count && g->pins[i].iova >= iova && g->pins[i].iova - iova < size)
			n += g->pins[i].count;
	return n;
}

int sim_vfio_pinned(struct vfio_device *vdev)
{
	struct vfio_group *g = vdev->group;
	int n;

	mutex_lock(&g->iommu_lock);
	n = pins_in(g, 0, ~0ULL);
	mutex_unlock(&g->iommu_lock);
	return n;
}

/*
 * VFIO_IOMMU_MAP_DMA of type1: a page-aligned range that overlaps no
 * mapping (EEXIST), no wrap (EINVAL), at most 64 mappings here (ENOSPC).
 */
int sim_vfio_dma_map(struct vfio_device *vdev, u64 iova, u64 size)
{
	struct vfio_group *g = vdev->group;
	struct dma_map *slot = NULL;
	unsigned int i;

	if (!size || (iova | size) & ~PAGE_MASK || iova + size - 1 < iova)
		return -EINVAL;
	mutex_lock(&g->iommu_lock);
	for (i = 0; i < ARRAY_SIZE(g->maps); i++) {
		struct dma_map *m = &g->maps[i];

		if (!m->size) {
			if (!slot)
				slot = m;
		} else if (iova < m->iova + m->size && m->iova < iova + size) {
			mutex_unlock(&g->iommu_lock);
			return -EEXIST;
		}
	}
	if (slot) {
		slot->iova = iova;
		slot->size = size;
	}
	mutex_unlock(&g->iommu_lock);
	return slot ? 0 : -ENOSPC;
}

/*
 * The driver's dma_unmap callback, as vfio_notify_dma_unmap calls it: the
 * device list locked, the container's lock dropped (the driver unpins,
 * which takes it).  The kernel takes the list lock before it drops the
 * container's; the model takes it after, so that the validator does not
 * see the vfio core's own inversion of the two (two unmaps racing in one
 * container), which is no part of the driver.
 */
static void notify_dma_unmap(struct vfio_device *vdev, struct unmap_note *note)
{
	struct vfio_group *g = vdev->group;
	u64 iova = note->iova, size = note->size;
	int depth;

	note->calls++;
	mutex_unlock(&g->iommu_lock);
	mutex_lock(&g->device_list_lock);
	depth = sim_lockdep_depth();
	if (vdev->ops->dma_unmap)
		vdev->ops->dma_unmap(vdev, iova, size);
	sim_lockdep_check_return(depth, "the dma_unmap callback", false);
	mutex_unlock(&g->device_list_lock);
	mutex_lock(&g->iommu_lock);
}

/* The note of this task's unmap under way, or NULL (iommu_lock held). */
static struct unmap_note *current_note(struct vfio_group *g)
{
	struct unmap_note *n;

	for (n = g->notes; n; n = n->next)
		if (n->task == sim_current())
			return n;
	return NULL;
}

static void unlink_note(struct vfio_group *g, struct unmap_note *note)
{
	struct unmap_note **pp;

	for (pp = &g->notes; *pp; pp = &(*pp)->next)
		if (*pp == note) {
			*pp = note->next;
			return;
		}
}

/* The record of a page a dma_unmap call unpinned, or NULL (iommu_lock). */
static struct unmap_gone *find_gone(struct vfio_group *g, u64 page)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(g->gone); i++)
		if (g->gone[i].map_size && g->gone[i].page == page)
			return &g->gone[i];
	return NULL;
}

static void note_unpin(struct unmap_note *n, u64 iova, bool pinned)
{
	unsigned int i;

	for (i = 0; i < n->nunpins && n->unpin[i].iova != iova; i++)
		;
	if (i == ARRAY_SIZE(n->unpin)) {
		n->more++;
		return;
	}
	if (i == n->nunpins) {
		n->unpin[i].iova = iova;
		n->nunpins++;
	}
	n->unpin[i].times++;
	n->unpin[i].missed += !pinned;
}

/*
 * One line: "the driver's dma_unmap (N calls) unpinned: ...", each address
 * with where it lies (the mapping's first page or not) and whether a pin
 * was there; "nothing" when the calls unpinned nothing.
 */
static void format_note(const struct unmap_note *n, char *buf, size_t len)
{
	size_t k;
	unsigned int i;

	if (!n->calls) {
		snprintf(buf, len, "the driver's dma_unmap was not called: no page pinned in the mapping\n");
		return;
	}
	k = (size_t)snprintf(buf, len, "the driver's dma_unmap (%d call%s) unpinned:%s", n->calls,
			     n->calls == 1 ? "" : "s", n->nunpins ? "" : " nothing");
	for (i = 0; i < n->nunpins && k < len; i++) {
		const char *pin = !n->unpin[i].missed ? "pinned" :
				  n->unpin[i].missed == n->unpin[i].times ? "not pinned" : "pinned only at times";

		k += (size_t)snprintf(buf + k, len - k, "%s iova 0x%llx (%s, %s)", i ? "," : "",
				      (unsigned long long)n->unpin[i].iova,
				      (n->unpin[i].iova & PAGE_MASK) == n->iova ? "the mapping's first page" :
				      "not the mapping's first page", pin);
		if (n->unpin[i].times > 1 && k < len)
			k += (size_t)snprintf(buf + k, len - k, " x%d", n->unpin[i].times);
	}
	if (n->more && k < len)
		k += (size_t)snprintf(buf + k, len - k, ", %d more", n->more);
	if (k < len)
		snprintf(buf + k, len - k, "\n");
}

/*
 * VFIO_IOMMU_UNMAP_DMA of type1 (v2): the range must not split a
 * mapping (EINVAL); every mapping in it with pinned pages is first
 * announced to the device (its dma_unmap: the driver must unpin them), up
 * to 11 times, after which the kernel BUG()s; then it goes.  The bytes
 * unmapped, or -errno.  A queue whose interrupts stay enabled with the
 * notification byte in an unmapped page is reported: the machine would
 * write to a page the host no longer holds for the guest.  Both reports
 * end with what the driver's dma_unmap calls unpinned.
 */
long sim_vfio_dma_unmap(struct vfio_device *vdev, u64 iova, u64 size)
{
	struct vfio_group *g = vdev->group;
	struct dma_map *m;
	long unmapped = 0;
	unsigned int i;
	int tries, apqn;

	if (!size || (iova | size) & ~PAGE_MASK || iova + size - 1 < iova)
		return -EINVAL;
	mutex_lock(&g->iommu_lock);
	m = find_map(g, iova);
	if (m && m->iova != iova)
		goto split;
	m = find_map(g, iova + size - 1);
	if (m && m->iova + m->size != iova + size)
		goto split;
	for (i = 0; i < ARRAY_SIZE(g->maps); i++) {
		struct dma_map e = g->maps[i];

		struct unmap_note note = { .task = sim_current(), .iova = e.iova, .size = e.size };
		char did[512];

		if (!e.size || e.iova < iova || e.iova - iova >= size)
			continue;
		note.next = g->notes;
		g->notes = &note;
		for (tries = 0; pins_in(g, e.iova, e.size) && tries <= 10; tries++)
			notify_dma_unmap(vdev, &note);
		unlink_note(g, &note);
		format_note(&note, did, sizeof(did));
		if (pins_in(g, e.iova, e.size)) {
			char *origins = calloc(1, ORIGINS_LEN);
			unsigned int k;
			int left = pins_in(g, e.iova, e.size);

			/* where each pin left came from: the driver's own stack */
			for (k = 0; origins && k < ARRAY_SIZE(g->pins); k++)
				if (g->pins[k].count && g->pins[k].iova - e.iova < e.size)
					sim_origin_format(g->pins[k].origin[0], origins, ORIGINS_LEN);
			mutex_unlock(&g->iommu_lock);
			sim_report("kernel BUG at drivers/vfio/vfio_iommu_type1.c: pages still pinned after dma_unmap",
				   "%s: iova 0x%llx..0x%llx: %d page pin(s) left after 11 dma_unmap notifications (vfio_dma_do_unmap's BUG_ON)\n%s%s",
				   dev_name(vdev->dev), (unsigned long long)e.iova,
				   (unsigned long long)(e.iova + e.size - 1), left, origins ? origins : "", did);
			free(origins);
			return -EBUSY;
		}
		g->maps[i].size = 0;
		unmapped += (long)e.size;
		apqn = aphw_irq_nib_in(pin_phys(g, e.iova), pin_phys(g, e.iova) + e.size);
		if (apqn >= 0) {
			/* what the queue's resources and the machine went through */
			char *hist = calloc(1, 2 * ORIGINS_LEN);

			if (hist) {
				int n = sim_origin_describe_apqn(apqn, hist, ORIGINS_LEN) ? (int)strlen(hist) : 0;

				sim_origin_describe_answers(apqn, hist + n, 2 * ORIGINS_LEN - (size_t)n);
			}
			sim_report("vfio: interrupts left enabled on an unmapped notification byte",
				   "%s: APQN %02x.%04x keeps interrupts enabled with its notification byte in iova 0x%llx..0x%llx, unmapped\n%s%s",
				   dev_name(vdev->dev), apqn >> 8, apqn & 0xff,
				   (unsigned long long)e.iova, (unsigned long long)(e.iova + e.size - 1),
				   hist ? hist : "", did);
			free(hist);
		}
	}
	mutex_unlock(&g->iommu_lock);
	return unmapped;
split:
	mutex_unlock(&g->iommu_lock);
	return -EINVAL;
}

/* The container goes with the VMM: every mapping (pins were checked at close). */
void sim_vfio_dma_unmap_all(struct vfio_device *vdev)
{
	struct vfio_group *g = vdev->group;

	mutex_lock(&g->iommu_lock);
	memset(g->maps, 0, sizeof(g->maps));
	mutex_unlock(&g->iommu_lock);
}

/* the origin of a pin the page gets (under iommu_lock); 0, or -ENOMEM */
static int pin_add_origin(struct pin *p, struct sim_origin *o)
{
	if (p->count == p->norigin_max) {
		int max = p->norigin_max ? 2 * p->norigin_max : 8;
		struct sim_origin **n = realloc(p->origin, sizeof(*n) * (size_t)max);

		if (!n) {
			sim_origin_free(o);
			return -ENOMEM;
		}
		p->origin = n;
		p->norigin_max = max;
	}
	p->origin[p->count++] = o;
	return 0;
}

static struct sim_origin *pin_origin(dma_addr_t iova, dma_addr_t full)
{
	struct sim_origin *o;
	char what[64];

	snprintf(what, sizeof(what), "pin of iova 0x%llx", (unsigned long long)iova);
	o = sim_origin_new(what);
	/* the address the driver will unpin: queues sharing a page differ */
	sim_origin_set_key(o, (unsigned long)full);
	return o;
}

int vfio_pin_pages(struct vfio_device *device, dma_addr_t iova, int npage,
		   int prot, struct page **pages)
{
	struct vfio_group *g = device->group;
	struct pin *free_slot = NULL;
	dma_addr_t full;
	unsigned int i;

	SIM_FAIL_FUNCTION(vfio_pin_pages, int);
	(void)prot;
	if (WARN_ON(!READ_ONCE(device->open_count)) || npage != 1 || !pages)
		return -EINVAL;
	full = iova;
	iova &= PAGE_MASK;
	mutex_lock(&g->iommu_lock);
	/* type1: an iova outside every mapping of the container */
	if (!find_map(g, iova)) {
		mutex_unlock(&g->iommu_lock);
		return -EINVAL;
	}
	for (i = 0; i < ARRAY_SIZE(g->pins); i++) {
		if (g->pins[i].count && g->pins[i].iova == iova) {
			if (pin_add_origin(&g->pins[i], pin_origin(iova, full))) {
				mutex_unlock(&g->iommu_lock);
				return -ENOMEM;
			}
			pages[0] = &g->pins[i].page;
			mutex_unlock(&g->iommu_lock);
			return 1;
		}
		if (!g->pins[i].count && !free_slot)
			free_slot = &g->pins[i];
	}
	if (!free_slot) {
		mutex_unlock(&g->iommu_lock);
		return -ENOSPC;
	}
	if (find_gone(g, iova))
		find_gone(g, iova)->map_size = 0;
	free_slot->iova = iova;
	free_slot->count = 0;
	if (pin_add_origin(free_slot, pin_origin(iova, full))) {
		mutex_unlock(&g->iommu_lock);
		return -ENOMEM;
	}
	free_slot->page.phys = pin_phys(g, iova);
	pages[0] = &free_slot->page;
	mutex_unlock(&g->iommu_lock);
	return 1;
}

void vfio_unpin_pages(struct vfio_device *device, dma_addr_t iova, int npage)
{
	struct vfio_group *g = device->group;
	struct unmap_note *note;
	char during[192] = "";
	dma_addr_t full;
	unsigned int i;

	full = iova;
	iova &= PAGE_MASK;
	if (!READ_ONCE(device->open_count)) {
		char *origins = calloc(1, ORIGINS_LEN);

		struct sim_origin *o = sim_origin_find_leaked(g, (unsigned long)iova);

		/* the pin's own history says how it outlived the device */
		mutex_lock(&g->iommu_lock);
		for (i = 0; i < ARRAY_SIZE(g->pins); i++)
			if (origins && g->pins[i].count && g->pins[i].iova == iova)
				sim_origin_format(g->pins[i].origin[0], origins, ORIGINS_LEN);
		mutex_unlock(&g->iommu_lock);
		if (origins && o)
			sim_origin_format(o, origins, ORIGINS_LEN);
		WARN(1, "vfio_unpin_pages: %s is not open (iova 0x%llx)\n%s", dev_name(device->dev),
		     (unsigned long long)iova, origins ? origins : "");
		free(origins);
		sim_origin_free(o);
		return;
	}
	if (npage != 1)
		return;
	mutex_lock(&g->iommu_lock);
	note = current_note(g);
	for (i = 0; i < ARRAY_SIZE(g->pins); i++) {
		struct pin *p = &g->pins[i];

		if (p->count && p->iova == iova) {
			int pick = sim_origin_pick_release_key(p->origin, p->count, (unsigned long)full);

			if (pick < 0)
				pick = p->count - 1;
			/* the rest keep their order, oldest first */
			sim_origin_free(p->origin[pick]);
			memmove(&p->origin[pick], &p->origin[pick + 1],
				sizeof(p->origin[0]) * (size_t)(p->count - 1 - pick));
			p->origin[p->count - 1] = NULL;
			p->count--;
			if (note) {
				struct unmap_gone *gn = find_gone(g, iova);

				note_unpin(note, full, true);
				if (!gn)
					gn = &g->gone[g->ngone++ % ARRAY_SIZE(g->gone)];
				*gn = (struct unmap_gone){ iova, note->iova, note->size };
			}
			mutex_unlock(&g->iommu_lock);
			return;
		}
	}
	if (note) {
		note_unpin(note, full, false);
		/* where the address lies in the mapping being unmapped */
		snprintf(during, sizeof(during), "during the dma_unmap of iova 0x%llx..0x%llx: %s\n",
			 (unsigned long long)note->iova, (unsigned long long)(note->iova + note->size - 1),
			 iova == note->iova ? "the mapping's first page" :
			 iova - note->iova < note->size ? "not the mapping's first page" : "outside the mapping");
	} else if (find_gone(g, iova)) {
		struct unmap_gone *gn = find_gone(g, iova);

		/* the page's pin went earlier, with a dma_unmap call */
		snprintf(during, sizeof(during),
			 "its pin was let go by the driver's dma_unmap of iova 0x%llx..0x%llx, %s\n",
			 (unsigned long long)gn->map_iova, (unsigned long long)(gn->map_iova + gn->map_size - 1),
			 iova == gn->map_iova ? "the mapping's first page" : "not the mapping's first page");
	}
	mutex_unlock(&g->iommu_lock);
	WARN(1, "vfio_unpin_pages: iova 0x%llx is not pinned\n%s", (unsigned long long)iova, during);
}

int vfio_set_irqs_validate_and_prepare(struct vfio_irq_set *hdr, int num_irqs,
				       int max_irq_type, size_t *data_size)
{
	unsigned long minsz = offsetofend(struct vfio_irq_set, count);
	size_t size = 0;

	if (hdr->argsz < minsz || hdr->index >= (unsigned int)max_irq_type ||
	    hdr->count >= (UINT32_MAX - hdr->start) ||
	    hdr->flags & ~(VFIO_IRQ_SET_DATA_TYPE_MASK | VFIO_IRQ_SET_ACTION_TYPE_MASK))
		return -EINVAL;
	if (data_size)
		*data_size = 0;
	if (hdr->start >= (unsigned int)num_irqs ||
	    hdr->start + hdr->count > (unsigned int)num_irqs)
		return -EINVAL;
	switch (hdr->flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
	case VFIO_IRQ_SET_DATA_NONE:
		size = 0;
		break;
	case VFIO_IRQ_SET_DATA_BOOL:
		size = sizeof(u8);
		break;
	case VFIO_IRQ_SET_DATA_EVENTFD:
		size = sizeof(s32);
		break;
	default:
		return -EINVAL;
	}
	if (size) {
		if (hdr->argsz - minsz < hdr->count * size)
			return -EINVAL;
		if (!data_size)
			return -EINVAL;
		*data_size = hdr->count * size;
	}
	return 0;
}

int vfio_iommufd_emulated_bind(struct vfio_device *vdev, struct iommufd_ctx *ictx,
			       u32 *out_device_id)
{
	(void)vdev;
	(void)ictx;
	(void)out_device_id;
	return -EOPNOTSUPP;
}

void vfio_iommufd_emulated_unbind(struct vfio_device *vdev)
{
	(void)vdev;
}

int vfio_iommufd_emulated_attach_ioas(struct vfio_device *vdev, u32 *pt_id)
{
	(void)vdev;
	(void)pt_id;
	return -EOPNOTSUPP;
}

void vfio_iommufd_emulated_detach_ioas(struct vfio_device *vdev)
{
	(void)vdev;
}
