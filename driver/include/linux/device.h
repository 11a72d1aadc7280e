/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim: the driver core as the driver and the models use it (shim/device.c):
 * devices with refcounts and release, buses with match/probe/remove,
 * drivers that bind on registration, attribute groups in the sysfs tree,
 * device locks, and the dev_* log helpers.
 */
#ifndef SHIM_LINUX_DEVICE_H
#define SHIM_LINUX_DEVICE_H

#include <sim/hash.h>
#include <linux/version.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/slab.h>

struct sysfs_node;
struct module;
struct device;
struct device_driver;
struct bus_type;

typedef unsigned short umode_t;

/* ap_bus.h embeds a timer; the sim's AP bus rescans on demand instead. */
struct timer_list {
	void (*function)(struct timer_list *t);
	unsigned long expires;
};

struct kobject {
	char *name;
	struct sysfs_node *sd;
};

struct attribute {
	const char *name;
	umode_t mode;
};

struct attribute_group {
	const char *name;
	umode_t (*is_visible)(struct kobject *kobj, struct attribute *attr, int n);
	struct attribute **attrs;
};

struct device_attribute {
	struct attribute attr;
	ssize_t (*show)(struct device *dev, struct device_attribute *attr, char *buf);
	ssize_t (*store)(struct device *dev, struct device_attribute *attr,
			 const char *buf, size_t count);
};

#define __ATTR(_name, _mode, _show, _store) { \
	.attr = { .name = #_name, .mode = _mode }, .show = _show, .store = _store }
#define __ATTR_RO(_name) __ATTR(_name, 0444, _name##_show, NULL)
#define __ATTR_WO(_name) __ATTR(_name, 0200, NULL, _name##_store)
#define __ATTR_RW(_name) __ATTR(_name, 0644, _name##_show, _name##_store)
#define DEVICE_ATTR(_name, _mode, _show, _store) \
	struct device_attribute dev_attr_##_name = __ATTR(_name, _mode, _show, _store)
#define DEVICE_ATTR_RO(_name) struct device_attribute dev_attr_##_name = __ATTR_RO(_name)
#define DEVICE_ATTR_WO(_name) struct device_attribute dev_attr_##_name = __ATTR_WO(_name)
#define DEVICE_ATTR_RW(_name) struct device_attribute dev_attr_##_name = __ATTR_RW(_name)

#define ATTRIBUTE_GROUPS(_name)						\
	static const struct attribute_group _name##_group = {		\
		.attrs = _name##_attrs,					\
	};								\
	static const struct attribute_group *_name##_groups[] = {	\
		&_name##_group,						\
		NULL,							\
	}

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define SHIM_CONST_DRV const
#else
#define SHIM_CONST_DRV
#endif
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define SHIM_CONST_BUS const
#else
#define SHIM_CONST_BUS
#endif

struct bus_type {
	const char *name;
	const struct attribute_group **bus_groups;
	const struct attribute_group **dev_groups;
	const struct attribute_group **drv_groups;
	int (*match)(struct device *dev, SHIM_CONST_DRV struct device_driver *drv);
	int (*probe)(struct device *dev);
	void (*remove)(struct device *dev);
};

struct driver_private;

struct device_driver {
	const char *name;
	SHIM_CONST_BUS struct bus_type *bus;
	struct module *owner;
	const char *mod_name;
	bool suppress_bind_attrs;
	const struct attribute_group **groups;
	const struct attribute_group **dev_groups;
	int (*probe)(struct device *dev);
	int (*remove)(struct device *dev);
	struct driver_private *p;
};

struct device {
	struct kobject kobj;
	struct device *parent;
	const char *init_name;
	SHIM_CONST_BUS struct bus_type *bus;
	struct device_driver *driver;
	void *driver_data;
	const struct attribute_group **groups;
	void (*release)(struct device *dev);
	/* driver-core private */
	struct mutex mutex;
	int refcount;
	bool registered;
	bool dead;		/* device_del started: no more probing (kill_device) */
	bool initialized;
	struct list_head bus_node;
	struct sim_hnode bus_hnode;	/* bus lookup by name */
	struct list_head drv_node;
	struct sysfs_node *groups_dirs;
};

static inline const char *dev_name(const struct device *dev)
{
	return dev->kobj.name ? dev->kobj.name : dev->init_name;
}

static inline void *dev_get_drvdata(const struct device *dev)
{
	return dev->driver_data;
}

static inline void dev_set_drvdata(struct device *dev, void *data)
{
	dev->driver_data = data;
}

__printf(2, 3) int dev_set_name(struct device *dev, const char *fmt, ...);
const char *dev_driver_string(const struct device *dev);
void device_initialize(struct device *dev);
int device_add(struct device *dev);
int device_register(struct device *dev);
void device_del(struct device *dev);
void device_unregister(struct device *dev);
struct device *get_device(struct device *dev);
void put_device(struct device *dev);
struct device *root_device_register(const char *name);
void root_device_unregister(struct device *root);
int bus_register(SHIM_CONST_BUS struct bus_type *bus);
void bus_unregister(SHIM_CONST_BUS struct bus_type *bus);
int driver_register(struct device_driver *drv);
void driver_unregister(struct device_driver *drv);
int device_attach(struct device *dev);
int device_driver_attach(SHIM_CONST_DRV struct device_driver *drv, struct device *dev);
void device_release_driver(struct device *dev);
int device_reprobe(struct device *dev);
int bus_for_each_dev(SHIM_CONST_BUS struct bus_type *bus, struct device *start,
		     void *data, int (*fn)(struct device *dev, void *data));
int bus_for_each_drv(SHIM_CONST_BUS struct bus_type *bus, struct device_driver *start,
		     void *data, int (*fn)(struct device_driver *drv, void *data));

void shim_device_lock(struct device *dev, const char *site);
void shim_device_unlock(struct device *dev, const char *site);
#define device_lock(dev) shim_device_lock(dev, SHIM_SITE_STR)
#define device_unlock(dev) shim_device_unlock(dev, SHIM_SITE_STR)

int sysfs_create_group(struct kobject *kobj, const struct attribute_group *grp);
void sysfs_remove_group(struct kobject *kobj, const struct attribute_group *grp);
int sysfs_create_groups(struct kobject *kobj, const struct attribute_group **groups);
void sysfs_remove_groups(struct kobject *kobj, const struct attribute_group **groups);
int device_create_file(struct device *dev, const struct device_attribute *attr);
void device_remove_file(struct device *dev, const struct device_attribute *attr);
bool device_remove_file_self(struct device *dev, const struct device_attribute *attr);

__printf(2, 3) int sysfs_emit(char *buf, const char *fmt, ...);
__printf(3, 4) int sysfs_emit_at(char *buf, int at, const char *fmt, ...);

__printf(3, 4) void shim_dev_printk(const char *level, const struct device *dev,
				    const char *fmt, ...);
#define dev_err(dev, fmt, ...) shim_dev_printk(KERN_ERR, dev, fmt, ##__VA_ARGS__)
#define dev_warn(dev, fmt, ...) shim_dev_printk(KERN_WARNING, dev, fmt, ##__VA_ARGS__)
#define dev_notice(dev, fmt, ...) shim_dev_printk(KERN_NOTICE, dev, fmt, ##__VA_ARGS__)
#define dev_info(dev, fmt, ...) shim_dev_printk(KERN_INFO, dev, fmt, ##__VA_ARGS__)
#define dev_dbg(dev, fmt, ...) do { (void)(dev); } while (0)
#define dev_notice_ratelimited(dev, fmt, ...) dev_notice(dev, fmt, ##__VA_ARGS__)
#define dev_warn_ratelimited(dev, fmt, ...) dev_warn(dev, fmt, ##__VA_ARGS__)

#endif
