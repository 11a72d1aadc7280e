/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim: the module as an object.  try_module_get fails once the module's
 * exit has started, as the AP bus and the vfio core rely on.
 */
#ifndef SHIM_LINUX_MODULE_H
#define SHIM_LINUX_MODULE_H

#include <linux/types.h>
#include <linux/compiler.h>

struct module {
	const char *name;
	int refcnt;
	int state;	/* 0 live, 1 coming, 2 going, 3 unloaded */
};

extern struct module shim_vfio_ap_module;
#define THIS_MODULE (&shim_vfio_ap_module)
#ifndef KBUILD_MODNAME
#define KBUILD_MODNAME "vfio_ap"
#endif
#define MODULE_AUTHOR(x)
#define MODULE_DESCRIPTION(x)
#define MODULE_LICENSE(x)
#define MODULE_VERSION(x)
#define MODULE_PARM_DESC(a, b)
#define EXPORT_SYMBOL(x)
#define EXPORT_SYMBOL_GPL(x)

bool try_module_get(struct module *m);
void module_put(struct module *m);
/* rmmod's half: the count from its base to 0, or false (in use) */
bool shim_module_try_stop(struct module *m);

/* The driver's init and exit become the sim's modprobe and rmmod. */
#define module_init(fn) int shim_module_init(void) { return fn(); }
#define module_exit(fn) void shim_module_exit(void) { fn(); }
int shim_module_init(void);
void shim_module_exit(void);

#endif
