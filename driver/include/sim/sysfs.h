/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The simulated host's sysfs/debugfs tree (shim/sysfs.c): directories,
 * attributes with show/store callbacks, and symlinks, under one root that
 * holds "sys" (and later "proc").  An attribute in use holds an active
 * reference; removing it waits for its users to leave, as kernfs drains.
 */
#ifndef SIM_SYSFS_H
#define SIM_SYSFS_H

#include "sim/hash.h"
#include <linux/types.h>
#include <linux/list.h>
#include <sim/sched.h>

struct sysfs_node;
typedef ssize_t (*sysfs_show_fn)(struct sysfs_node *n, char *buf);
typedef ssize_t (*sysfs_store_fn)(struct sysfs_node *n, const char *buf, size_t count);

enum sysfs_type { SYSFS_DIR, SYSFS_ATTR, SYSFS_LINK };

struct sysfs_node {
	char *name;
	enum sysfs_type type;
	unsigned short mode;
	struct sysfs_node *parent;
	struct list_head children;
	struct list_head sibling;
	struct sim_hnode hnode;	/* in the by-name table while linked */
	bool hashed;
	sysfs_show_fn show;
	sysfs_store_fn store;
	void *priv, *priv2;
	struct sysfs_node *target;
	int active;
	int refs;
	bool dead;
	struct sim_waitq drain;
};

struct sysfs_node *sysfs_root(void);
struct sysfs_node *sysfs_mkdir(struct sysfs_node *parent, const char *name);
/* Creates the missing directories of an absolute path ("/sys/bus/ap"). */
struct sysfs_node *sysfs_mkdir_p(const char *path);
struct sysfs_node *sysfs_add_attr(struct sysfs_node *parent, const char *name,
				  unsigned short mode, sysfs_show_fn show,
				  sysfs_store_fn store, void *priv, void *priv2);
struct sysfs_node *sysfs_symlink(struct sysfs_node *parent, const char *name,
				 struct sysfs_node *target);
struct sysfs_node *sysfs_child(struct sysfs_node *dir, const char *name);
void sysfs_remove(struct sysfs_node *n);
void sysfs_remove_child(struct sysfs_node *dir, const char *name);
/* From inside a store: drop the caller's own active reference (kernfs
 * "remove self"), so that the node can be removed under it. */
bool sysfs_break_active_self(struct sysfs_node *n);
char *sysfs_path(struct sysfs_node *n);

/* Path operations (the file-level ABI): a byte count or -errno. */
ssize_t sysfs_read(const char *path, char *out, size_t size);
ssize_t sysfs_write(const char *path, const char *buf, size_t count);
/* Names in a directory, sorted, NULL-terminated (caller frees). */
int sysfs_list(const char *path, char ***names);
int sysfs_stat(const char *path, enum sysfs_type *type, unsigned short *mode);
/* The same without following a final symlink, and a link's target
 * relative to its directory. */
int sysfs_lstat(const char *path, enum sysfs_type *type, unsigned short *mode);
int sysfs_readlink(const char *path, char *buf, size_t len);

#endif
