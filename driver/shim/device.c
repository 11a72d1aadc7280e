// SPDX-License-Identifier: GPL-2.0
/*
 * The driver core: device lifetime (refcount, release), buses and drivers,
 * matching and probing on device add and driver register, unbinding on
 * device del and driver unregister, attribute groups, the bus `bind` and
 * `unbind` files, and device locks.
 *
 * Probe and remove callbacks run with the device lock held and never under
 * the core's own list lock: the lists are snapshotted (with references)
 * before callbacks are made.
 */
#include <pthread.h>
#include <stdlib.h>
#include <linux/kernel.h>
#include <linux/device.h>
#include <linux/slab.h>
#include <sim/fault.h>
#include <sim/core.h>
#include <sim/report.h>
#include <sim/lockdep.h>

static pthread_mutex_t core_lock = PTHREAD_MUTEX_INITIALIZER;
/* Registered devices by (bus, name), under core_lock. */
static struct sim_htab bus_by_name;

struct bus_priv {
	SHIM_CONST_BUS struct bus_type *bus;
	struct sysfs_node *dir, *devices, *drivers;
	struct list_head devs;
	struct list_head drvs;
	struct list_head node;
};

struct driver_private {
	struct device_driver *drv;
	struct sysfs_node *dir;
	struct list_head node;
	/* iterations of the bus's drivers holding this one (a klist node's
	 * references): driver_unregister waits for them after unlinking */
	int pins;
	struct sim_waitq unpinned;
};

static LIST_HEAD(buses);

static struct bus_priv *bus_priv(SHIM_CONST_BUS struct bus_type *bus)
{
	struct bus_priv *b;

	pthread_mutex_lock(&core_lock);
	list_for_each_entry(b, &buses, node) {
		if (b->bus == bus) {
			pthread_mutex_unlock(&core_lock);
			return b;
		}
	}
	pthread_mutex_unlock(&core_lock);
	return NULL;
}

struct sysfs_node *shim_bus_dir(SHIM_CONST_BUS struct bus_type *bus)
{
	struct bus_priv *b = bus_priv(bus);

	return b ? b->dir : NULL;
}

struct sysfs_node *shim_driver_dir(struct device_driver *drv)
{
	return drv->p ? drv->p->dir : NULL;
}

int dev_set_name(struct device *dev, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	free(dev->kobj.name);
	dev->kobj.name = strdup(buf);
	return 0;
}

const char *dev_driver_string(const struct device *dev)
{
	struct device_driver *drv = READ_ONCE(dev->driver);

	return drv ? drv->name : dev->bus ? dev->bus->name : "";
}

void device_initialize(struct device *dev)
{
	sim_mutex_init_as(&dev->mutex, "&dev->mutex");
	/* device mutexes nest parent/child: the kernel leaves them unvalidated */
	sim_lockdep_set_novalidate(&dev->mutex.dep);
	dev->refcount = 1;
	dev->initialized = true;
	INIT_LIST_HEAD(&dev->bus_node);
	INIT_LIST_HEAD(&dev->drv_node);
}

struct device *get_device(struct device *dev)
{
	if (dev)
		__atomic_fetch_add(&dev->refcount, 1, __ATOMIC_SEQ_CST);
	return dev;
}

void put_device(struct device *dev)
{
	int r;

	if (!dev)
		return;
	r = __atomic_sub_fetch(&dev->refcount, 1, __ATOMIC_SEQ_CST);
	if (r < 0) {
		sim_report("refcount_t: underflow; use-after-free.",
			   "put_device on '%s' with no reference left\n", dev_name(dev));
		return;
	}
	if (r)
		return;
	free(dev->kobj.name);
	dev->kobj.name = NULL;
	if (dev->release)
		dev->release(dev);
	else
		sim_report("WARNING in device_release", "Device '%s' does not have a release() function, it is broken and must be fixed.\n",
			   dev->init_name ? dev->init_name : "?");
}

void shim_device_lock(struct device *dev, const char *site)
{
	shim_mutex_lock(&dev->mutex, site);
}

void shim_device_unlock(struct device *dev, const char *site)
{
	shim_mutex_unlock(&dev->mutex, site);
}

static ssize_t dev_attr_show(struct sysfs_node *n, char *buf)
{
	struct device *dev = n->priv;
	struct device_attribute *da = n->priv2;

	return da->show(dev, da, buf);
}

static ssize_t dev_attr_store(struct sysfs_node *n, const char *buf, size_t count)
{
	struct device *dev = n->priv;
	struct device_attribute *da = n->priv2;

	return da->store(dev, da, buf, count);
}

int device_create_file(struct device *dev, const struct device_attribute *attr)
{
	struct sysfs_node *n;

	n = sysfs_add_attr(dev->kobj.sd, attr->attr.name, attr->attr.mode,
			   attr->show ? dev_attr_show : NULL,
			   attr->store ? dev_attr_store : NULL, dev, (void *)attr);
	return n ? 0 : -EEXIST;
}

void device_remove_file(struct device *dev, const struct device_attribute *attr)
{
	sysfs_remove_child(dev->kobj.sd, attr->attr.name);
}

bool device_remove_file_self(struct device *dev, const struct device_attribute *attr)
{
	struct sysfs_node *n = sysfs_child(dev->kobj.sd, attr->attr.name);

	if (!n)
		return false;
	sysfs_break_active_self(n);
	sysfs_remove(n);
	return true;
}

int sysfs_create_group(struct kobject *kobj, const struct attribute_group *grp)
{
	struct device *dev = container_of(kobj, struct device, kobj);
	struct sysfs_node *dir = kobj->sd;
	struct attribute **a;
	int i = 0;

	if (!dir)
		return -EINVAL;
	if (grp->name) {
		dir = sysfs_mkdir(dir, grp->name);
		if (!dir)
			return -EEXIST;
	}
	for (a = grp->attrs; a && *a; a++, i++) {
		struct device_attribute *da = container_of(*a, struct device_attribute, attr);
		unsigned short mode = (*a)->mode;

		if (grp->is_visible) {
			mode = grp->is_visible(kobj, *a, i);
			if (!mode)
				continue;
		}
		if (!sysfs_add_attr(dir, (*a)->name, mode, da->show ? dev_attr_show : NULL,
				    da->store ? dev_attr_store : NULL, dev, da)) {
			/* undo what this group created */
			struct attribute **b;

			for (b = grp->attrs; b != a; b++)
				sysfs_remove_child(dir, (*b)->name);
			return -EEXIST;
		}
	}
	return 0;
}

void sysfs_remove_group(struct kobject *kobj, const struct attribute_group *grp)
{
	struct attribute **a;

	if (!kobj->sd)
		return;
	if (grp->name) {
		sysfs_remove_child(kobj->sd, grp->name);
		return;
	}
	for (a = grp->attrs; a && *a; a++)
		sysfs_remove_child(kobj->sd, (*a)->name);
}

int sysfs_create_groups(struct kobject *kobj, const struct attribute_group **groups)
{
	int i, ret;

	for (i = 0; groups && groups[i]; i++) {
		ret = sysfs_create_group(kobj, groups[i]);
		if (ret) {
			while (--i >= 0)
				sysfs_remove_group(kobj, groups[i]);
			return ret;
		}
	}
	return 0;
}

void sysfs_remove_groups(struct kobject *kobj, const struct attribute_group **groups)
{
	int i;

	for (i = 0; groups && groups[i]; i++)
		sysfs_remove_group(kobj, groups[i]);
}

static int match(struct device_driver *drv, struct device *dev)
{
	return dev->bus->match ? dev->bus->match(dev, drv) : 1;
}

/* Called with the device lock held. */
static int really_probe(struct device *dev, struct device_driver *drv)
{
	int ret, depth;

	if (dev->driver)
		return -EBUSY;
	dev->driver = drv;
	if (drv->p && drv->p->dir) {
		sysfs_symlink(drv->p->dir, dev_name(dev), dev->kobj.sd);
		sysfs_symlink(dev->kobj.sd, "driver", drv->p->dir);
	}
	depth = sim_lockdep_depth();
	if (dev->bus->probe)
		ret = dev->bus->probe(dev);
	else if (drv->probe)
		ret = drv->probe(dev);
	else
		ret = 0;
	sim_lockdep_check_return(depth, "the probe callback", false);
	if (!ret && drv->dev_groups)
		ret = sysfs_create_groups(&dev->kobj, drv->dev_groups);
	if (ret) {
		if (ret != -ENODEV && ret != -ENXIO)
			shim_dev_printk(KERN_ERR, dev, "probe with driver %s failed with error %d\n",
					drv->name, ret);
		sysfs_remove_child(dev->kobj.sd, "driver");
		if (drv->p && drv->p->dir)
			sysfs_remove_child(drv->p->dir, dev_name(dev));
		dev->driver = NULL;
		dev->driver_data = NULL;
		return ret;
	}
	return 0;
}

int device_driver_attach(SHIM_CONST_DRV struct device_driver *cdrv, struct device *dev)
{
	struct device_driver *drv = (struct device_driver *)cdrv;
	int ret;

	device_lock(dev);
	/* driver_probe_device: a device being deleted is not probed */
	ret = dev->dead || !dev->kobj.sd ? -ENODEV : really_probe(dev, drv);
	device_unlock(dev);
	return ret;
}

/* Snapshot of the drivers on a bus, each pinned by the caller's use. */
static int bus_drivers(struct bus_priv *b, struct device_driver **v, int max)
{
	struct driver_private *p;
	int n = 0;

	pthread_mutex_lock(&core_lock);
	list_for_each_entry(p, &b->drvs, node)
		if (n < max) {
			__atomic_add_fetch(&p->pins, 1, __ATOMIC_SEQ_CST);
			v[n++] = p->drv;
		}
	pthread_mutex_unlock(&core_lock);
	return n;
}

static void bus_drivers_put(struct device_driver **v, int n)
{
	int i;

	sched_lock();
	for (i = 0; i < n; i++)
		if (!__atomic_sub_fetch(&v[i]->p->pins, 1, __ATOMIC_SEQ_CST))
			sched_wake_all(&v[i]->p->unpinned);
	sched_unlock();
}

static int bus_devices(struct bus_priv *b, struct device ***out)
{
	struct device *d, **v;
	int n = 0, i = 0;

	pthread_mutex_lock(&core_lock);
	list_for_each_entry(d, &b->devs, bus_node)
		n++;
	v = calloc(n + 1, sizeof(*v));
	list_for_each_entry(d, &b->devs, bus_node)
		v[i++] = get_device(d);
	pthread_mutex_unlock(&core_lock);
	*out = v;
	return n;
}

int device_attach(struct device *dev)
{
	struct bus_priv *b = bus_priv(dev->bus);
	struct device_driver *drvs[32];
	int n, i, ret = 0;

	if (!b)
		return 0;
	n = bus_drivers(b, drvs, 32);
	device_lock(dev);
	/* __device_attach: a device being deleted (dev->p->dead) is left alone */
	if (dev->dead || !dev->kobj.sd) {
		device_unlock(dev);
		bus_drivers_put(drvs, n);
		return 0;
	}
	if (dev->driver) {
		device_unlock(dev);
		bus_drivers_put(drvs, n);
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (!match(drvs[i], dev))
			continue;
		if (!really_probe(dev, drvs[i])) {
			ret = 1;
			break;
		}
	}
	device_unlock(dev);
	bus_drivers_put(drvs, n);
	return ret;
}

static void release_driver_locked(struct device *dev)
{
	struct device_driver *drv = dev->driver;
	int depth;

	if (!drv)
		return;
	if (drv->dev_groups)
		sysfs_remove_groups(&dev->kobj, drv->dev_groups);
	depth = sim_lockdep_depth();
	if (dev->bus->remove)
		dev->bus->remove(dev);
	else if (drv->remove)
		drv->remove(dev);
	sim_lockdep_check_return(depth, "the remove callback", false);
	sysfs_remove_child(dev->kobj.sd, "driver");
	if (drv->p && drv->p->dir)
		sysfs_remove_child(drv->p->dir, dev_name(dev));
	dev->driver = NULL;
	dev->driver_data = NULL;
}

void device_release_driver(struct device *dev)
{
	device_lock(dev);
	release_driver_locked(dev);
	device_unlock(dev);
}

int device_reprobe(struct device *dev)
{
	device_release_driver(dev);
	return device_attach(dev);
}

int device_add(struct device *dev)
{
	struct sysfs_node *parent_dir;
	struct bus_priv *b = NULL;

	if (!dev->kobj.name && dev->init_name)
		dev->kobj.name = strdup(dev->init_name);
	if (!dev->kobj.name)
		return -EINVAL;
	parent_dir = dev->parent ? dev->parent->kobj.sd : sysfs_mkdir_p("/sys/devices");
	dev->kobj.sd = sysfs_mkdir(parent_dir, dev->kobj.name);
	if (!dev->kobj.sd)
		return -EEXIST;
	get_device(dev->parent);
	if (dev->bus) {
		b = bus_priv(dev->bus);
		if (b) {
			if (dev->bus->dev_groups)
				sysfs_create_groups(&dev->kobj, dev->bus->dev_groups);
			sysfs_symlink(b->devices, dev->kobj.name, dev->kobj.sd);
			pthread_mutex_lock(&core_lock);
			list_add_tail(&dev->bus_node, &b->devs);
			sim_hash_add(&bus_by_name, &dev->bus_hnode, b, dev->kobj.name);
			pthread_mutex_unlock(&core_lock);
		}
	}
	if (dev->groups)
		sysfs_create_groups(&dev->kobj, dev->groups);
	dev->registered = true;
	shim_uevent(dev, "add", NULL);
	if (b)
		device_attach(dev);
	return 0;
}

int device_register(struct device *dev)
{
	/* injected as a failing device_add: the caller's put_device after a
	 * failed device_register must find the reference it expects */
	device_initialize(dev);
	SIM_FAIL_FUNCTION(device_register, int);
	return device_add(dev);
}

void device_del(struct device *dev)
{
	struct bus_priv *b;

	if (!dev->registered)
		return;
	/* kill_device, under the device lock: a probe racing with the
	 * deletion sees it and leaves the device alone */
	device_lock(dev);
	dev->dead = true;
	device_unlock(dev);
	device_release_driver(dev);
	if (dev->bus) {
		b = bus_priv(dev->bus);
		if (b) {
			sysfs_remove_child(b->devices, dev->kobj.name);
			pthread_mutex_lock(&core_lock);
			list_del_init(&dev->bus_node);
			sim_hash_del(&bus_by_name, &dev->bus_hnode);
			pthread_mutex_unlock(&core_lock);
		}
	}
	shim_uevent(dev, "remove", NULL);
	sysfs_remove(dev->kobj.sd);
	dev->kobj.sd = NULL;
	dev->registered = false;
	put_device(dev->parent);
}

void device_unregister(struct device *dev)
{
	device_del(dev);
	put_device(dev);
}

static void root_device_release(struct device *dev)
{
	kfree(dev);
}

struct device *root_device_register(const char *name)
{
	struct device *root;
	int err;

	SIM_FAIL_FUNCTION(root_device_register, struct device *);
	root = kzalloc_at(sizeof(*root), GFP_KERNEL, "drivers/base/core.c:root_device_register");
	if (!root)
		return ERR_PTR(-ENOMEM);
	dev_set_name(root, "%s", name);
	root->release = root_device_release;
	err = device_register(root);
	if (err) {
		put_device(root);
		return ERR_PTR(err);
	}
	return root;
}

void root_device_unregister(struct device *root)
{
	device_unregister(root);
}

int bus_register(SHIM_CONST_BUS struct bus_type *bus)
{
	struct bus_priv *b;
	char path[128];

	SIM_FAIL_FUNCTION(bus_register, int);
	if (bus_priv(bus))
		return -EEXIST;
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->bus = bus;
	snprintf(path, sizeof(path), "/sys/bus/%s", bus->name);
	if (sysfs_child(sysfs_mkdir_p("/sys/bus"), bus->name)) {
		free(b);
		return -EEXIST;
	}
	b->dir = sysfs_mkdir_p(path);
	b->devices = sysfs_mkdir(b->dir, "devices");
	b->drivers = sysfs_mkdir(b->dir, "drivers");
	INIT_LIST_HEAD(&b->devs);
	INIT_LIST_HEAD(&b->drvs);
	pthread_mutex_lock(&core_lock);
	list_add_tail(&b->node, &buses);
	pthread_mutex_unlock(&core_lock);
	return 0;
}

void bus_unregister(SHIM_CONST_BUS struct bus_type *bus)
{
	struct bus_priv *b = bus_priv(bus);

	if (!b)
		return;
	pthread_mutex_lock(&core_lock);
	list_del(&b->node);
	pthread_mutex_unlock(&core_lock);
	sysfs_remove(b->dir);
	free(b);
}

struct device *shim_bus_find_device(SHIM_CONST_BUS struct bus_type *bus, const char *name)
{
	struct bus_priv *b = bus_priv(bus);
	struct device *found = NULL;
	struct sim_hnode *h;

	if (!b)
		return NULL;
	pthread_mutex_lock(&core_lock);
	h = sim_hash_find(&bus_by_name, b, name, strlen(name));
	if (h)
		found = get_device(container_of(h, struct device, bus_hnode));
	pthread_mutex_unlock(&core_lock);
	return found;
}

void shim_bus_count(SHIM_CONST_BUS struct bus_type *bus, unsigned int *total,
		    unsigned int *bound)
{
	struct bus_priv *b = bus_priv(bus);
	struct device *d;

	*total = *bound = 0;
	if (!b)
		return;
	pthread_mutex_lock(&core_lock);
	list_for_each_entry(d, &b->devs, bus_node) {
		(*total)++;
		if (READ_ONCE(d->driver))
			(*bound)++;
	}
	pthread_mutex_unlock(&core_lock);
}

int bus_for_each_dev(SHIM_CONST_BUS struct bus_type *bus, struct device *start,
		     void *data, int (*fn)(struct device *dev, void *data))
{
	struct bus_priv *b = bus_priv(bus);
	struct device **v;
	int n, i, ret = 0;

	(void)start;
	if (!b)
		return 0;
	n = bus_devices(b, &v);
	for (i = 0; i < n; i++) {
		if (!ret)
			ret = fn(v[i], data);
		put_device(v[i]);
	}
	free(v);
	return ret;
}

int bus_for_each_drv(SHIM_CONST_BUS struct bus_type *bus, struct device_driver *start,
		     void *data, int (*fn)(struct device_driver *drv, void *data))
{
	struct bus_priv *b = bus_priv(bus);
	struct device_driver *drvs[32];
	int n, i, ret = 0;

	(void)start;
	if (!b)
		return 0;
	n = bus_drivers(b, drvs, 32);
	for (i = 0; i < n && !ret; i++)
		ret = fn(drvs[i], data);
	bus_drivers_put(drvs, n);
	return ret;
}

/* /sys/bus/X/drivers/Y/bind and unbind. */
static ssize_t bind_store(struct sysfs_node *n, const char *buf, size_t count)
{
	struct device_driver *drv = n->priv;
	char name[128];
	struct device *dev;
	int err;

	snprintf(name, sizeof(name), "%.*s", (int)strcspn(buf, "\n"), buf);
	dev = shim_bus_find_device(drv->bus, name);
	if (!dev)
		return -ENODEV;
	if (!match(drv, dev)) {
		put_device(dev);
		return -ENODEV;
	}
	err = device_driver_attach(drv, dev);
	put_device(dev);
	return err ? err : (ssize_t)count;
}

static ssize_t unbind_store(struct sysfs_node *n, const char *buf, size_t count)
{
	struct device_driver *drv = n->priv;
	char name[128];
	struct device *dev;
	int err = -ENODEV;

	snprintf(name, sizeof(name), "%.*s", (int)strcspn(buf, "\n"), buf);
	dev = shim_bus_find_device(drv->bus, name);
	if (!dev)
		return -ENODEV;
	if (READ_ONCE(dev->driver) == drv) {
		device_lock(dev);
		if (dev->driver == drv) {
			release_driver_locked(dev);
			err = 0;
		}
		device_unlock(dev);
	}
	put_device(dev);
	return err ? err : (ssize_t)count;
}

int driver_register(struct device_driver *drv)
{
	struct bus_priv *b = bus_priv(drv->bus);
	struct driver_private *p;
	struct device **v;
	int n, i;

	SIM_FAIL_FUNCTION(driver_register, int);
	if (!b)
		return -EINVAL;
	if (sysfs_child(b->drivers, drv->name))
		return -EBUSY;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->drv = drv;
	sim_waitq_init(&p->unpinned);
	p->dir = sysfs_mkdir(b->drivers, drv->name);
	drv->p = p;
	if (!drv->suppress_bind_attrs) {
		sysfs_add_attr(p->dir, "bind", 0200, NULL, bind_store, drv, NULL);
		sysfs_add_attr(p->dir, "unbind", 0200, NULL, unbind_store, drv, NULL);
	}
	pthread_mutex_lock(&core_lock);
	list_add_tail(&p->node, &b->drvs);
	pthread_mutex_unlock(&core_lock);

	n = bus_devices(b, &v);
	for (i = 0; i < n; i++) {
		if (match(drv, v[i])) {
			device_lock(v[i]);
			/* __driver_attach: not a device being deleted */
			if (!v[i]->driver && !v[i]->dead && v[i]->kobj.sd)
				really_probe(v[i], drv);
			device_unlock(v[i]);
		}
		put_device(v[i]);
	}
	free(v);
	return 0;
}

void driver_unregister(struct device_driver *drv)
{
	struct bus_priv *b = bus_priv(drv->bus);
	struct driver_private *p = drv->p;
	struct device **v;
	int n, i;

	if (!b || !p)
		return;
	/* bus_remove_driver's order: the bind files first (waiting for a
	 * bind or unbind in flight), off the bus, then every device detached */
	sysfs_remove_child(p->dir, "bind");
	sysfs_remove_child(p->dir, "unbind");
	pthread_mutex_lock(&core_lock);
	list_del(&p->node);
	pthread_mutex_unlock(&core_lock);
	/* klist_remove: wait until no iteration holds the driver */
	sched_lock();
	while (__atomic_load_n(&p->pins, __ATOMIC_SEQ_CST))
		sched_wait(&p->unpinned, "klist_remove", -1);
	sched_unlock();
	n = bus_devices(b, &v);
	for (i = 0; i < n; i++) {
		if (READ_ONCE(v[i]->driver) == drv) {
			device_lock(v[i]);
			if (v[i]->driver == drv)
				release_driver_locked(v[i]);
			device_unlock(v[i]);
		}
		put_device(v[i]);
	}
	free(v);
	sysfs_remove(p->dir);
	drv->p = NULL;
	free(p);
}

/* uevents: kept as the udev monitor would print them. */
static pthread_mutex_t uevent_lock = PTHREAD_MUTEX_INITIALIZER;
static char *uevents;
static size_t uevents_len;

void shim_uevent(struct device *dev, const char *action, const char *env)
{
	char *path = dev->kobj.sd ? sysfs_path(dev->kobj.sd) : strdup(dev_name(dev));
	char line[1024];
	size_t n;

	snprintf(line, sizeof(line), "%s %s%s%s\n", action, path,
		 env ? " " : "", env ? env : "");
	free(path);
	n = strlen(line);
	pthread_mutex_lock(&uevent_lock);
	uevents = realloc(uevents, uevents_len + n + 1);
	memcpy(uevents + uevents_len, line, n + 1);
	uevents_len += n;
	pthread_mutex_unlock(&uevent_lock);
}

char *shim_uevent_dump(void)
{
	char *s;

	pthread_mutex_lock(&uevent_lock);
	s = strdup(uevents ? uevents : "");
	pthread_mutex_unlock(&uevent_lock);
	return s;
}
