/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim: mediated devices (modelled in vfio/mdev.c): parents with their
 * supported types, mdev drivers, and the mdev devices made through a type's
 * `create` attribute.
 */
#ifndef SHIM_LINUX_MDEV_H
#define SHIM_LINUX_MDEV_H

#include <linux/device.h>
#include <linux/uuid.h>
#include <linux/mutex.h>

struct mdev_type;

struct mdev_device {
	struct device dev;
	guid_t uuid;
	struct list_head next;
	struct mdev_type *type;
	bool active;
	bool in_tree;	/* added and not yet removed (sim; under unreg_sem) */
};

struct mdev_type {
	struct kobject kobj;
	const char *sysfs_name;
	const char *pretty_name;
	struct mdev_parent *parent;
	/* model private */
	char dirname[64];
	struct sysfs_node *dir, *devices_dir;
};

struct mdev_parent {
	struct device *dev;
	struct mdev_driver *mdrv;
	struct rw_semaphore unreg_sem;
	struct mdev_type **types;
	unsigned int nr_types;
	atomic_t available_instances;
	struct sysfs_node *types_dir;
};

struct mdev_driver {
	const char *device_api;
	unsigned int max_instances;
	int (*probe)(struct mdev_device *dev);
	void (*remove)(struct mdev_device *dev);
	struct device_driver driver;
};

static inline struct mdev_device *to_mdev_device(struct device *dev)
{
	return container_of(dev, struct mdev_device, dev);
}

static inline struct device *mdev_dev(struct mdev_device *mdev)
{
	return &mdev->dev;
}

int mdev_register_parent(struct mdev_parent *parent, struct device *dev,
			 struct mdev_driver *mdev_driver, struct mdev_type **types,
			 unsigned int nr_types);
void mdev_unregister_parent(struct mdev_parent *parent);
int mdev_register_driver(struct mdev_driver *drv);
void mdev_unregister_driver(struct mdev_driver *drv);

#endif
