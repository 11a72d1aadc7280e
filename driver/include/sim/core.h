/* SPDX-License-Identifier: GPL-2.0 */
/* Driver-core internals the models share (shim/device.c). */
#ifndef SIM_CORE_H
#define SIM_CORE_H

#include <linux/device.h>
#include <sim/sysfs.h>

struct sysfs_node *shim_bus_dir(SHIM_CONST_BUS struct bus_type *bus);
struct sysfs_node *shim_driver_dir(struct device_driver *drv);
struct device *shim_bus_find_device(SHIM_CONST_BUS struct bus_type *bus, const char *name);
/* Number of devices on a bus, and how many of them have a driver. */
void shim_bus_count(SHIM_CONST_BUS struct bus_type *bus, unsigned int *total,
		    unsigned int *bound);
/* A uevent on a device (kept in the sim's uevent log). */
void shim_uevent(struct device *dev, const char *action, const char *env);
char *shim_uevent_dump(void);

#endif
