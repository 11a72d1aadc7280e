// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ap-sim --mount DIR: the simulated host's tree served through FUSE
 * (libfuse3), so that shell tools and lib/'s linux backend (with
 * VFIO_AP_SYSFS_ROOT=DIR) drive it with real open/read/write calls.
 *
 * DIR/sys/... and DIR/proc/... are the sim's sysfs, debugfs and proc
 * files; a read returns what the attribute's show gives, a write is one
 * store with the bytes written.  DIR/dev/kmsg holds the sim's kernel log
 * as text.  Files are direct I/O: nothing is cached.
 */
#define FUSE_USE_VERSION 31
#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sim/host.h>
#include <sim/sysfs.h>
#include "fuse_mount.h"

#define PAGE 4096

static bool is_kmsg(const char *path)
{
	return !strcmp(path, "/dev/kmsg");
}

/* /proc/thread-self would be the server's threads, not the caller's: not
 * served (fail-nth and make-it-fail need the in-process sim) */
static bool hidden(const char *path)
{
	return !strncmp(path, "/proc", 5) && (!path[5] || path[5] == '/');
}

static int fs_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	enum sysfs_type type;
	unsigned short mode;
	int rc;

	(void)fi;
	memset(st, 0, sizeof(*st));
	if (!strcmp(path, "/dev")) {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
		return 0;
	}
	if (is_kmsg(path)) {
		char *log = simhost_log();

		st->st_mode = S_IFREG | 0444;
		st->st_nlink = 1;
		st->st_size = log ? (off_t)strlen(log) : 0;
		free(log);
		return 0;
	}
	if (hidden(path))
		return -ENOENT;
	rc = sysfs_lstat(path, &type, &mode);
	if (rc)
		return rc;
	switch (type) {
	case SYSFS_DIR:
		st->st_mode = S_IFDIR | mode;
		st->st_nlink = 2;
		break;
	case SYSFS_LINK:
		st->st_mode = S_IFLNK | 0777;
		st->st_nlink = 1;
		break;
	default:
		st->st_mode = S_IFREG | mode;
		st->st_nlink = 1;
		st->st_size = PAGE;	/* as sysfs reports its attributes */
	}
	return 0;
}

static int fs_readlink(const char *path, char *buf, size_t size)
{
	return sysfs_readlink(path, buf, size);
}

static int fs_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off,
		      struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
	char **names;
	int i, n;

	(void)off;
	(void)fi;
	(void)flags;
	fill(buf, ".", NULL, 0, 0);
	fill(buf, "..", NULL, 0, 0);
	if (!strcmp(path, "/dev")) {
		fill(buf, "kmsg", NULL, 0, 0);
		return 0;
	}
	n = sysfs_list(path, &names);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		if (strcmp(path, "/") || strcmp(names[i], "proc"))
			fill(buf, names[i], NULL, 0, 0);
		free(names[i]);
	}
	free(names);
	if (!strcmp(path, "/"))
		fill(buf, "dev", NULL, 0, 0);
	return 0;
}

static int fs_open(const char *path, struct fuse_file_info *fi)
{
	enum sysfs_type type;
	unsigned short mode;
	int rc;

	fi->direct_io = 1;
	if (is_kmsg(path))
		return (fi->flags & O_ACCMODE) == O_RDONLY ? 0 : -EACCES;
	if (hidden(path))
		return -ENOENT;
	rc = sysfs_stat(path, &type, &mode);
	if (rc)
		return rc;
	return type == SYSFS_DIR ? -EISDIR : 0;
}

static int fs_read(const char *path, char *buf, size_t size, off_t off,
		   struct fuse_file_info *fi)
{
	char *text;
	size_t len;
	ssize_t n;

	(void)fi;
	if (is_kmsg(path)) {
		text = simhost_log();
		len = text ? strlen(text) : 0;
	} else {
		text = malloc(PAGE + 1);
		if (!text)
			return -ENOMEM;
		n = sysfs_read(path, text, PAGE + 1);
		if (n < 0) {
			free(text);
			return (int)n;
		}
		len = (size_t)n;
	}
	if ((size_t)off >= len) {
		free(text);
		return 0;
	}
	if (size > len - off)
		size = len - off;
	memcpy(buf, text + off, size);
	free(text);
	return (int)size;
}

static int fs_write(const char *path, const char *buf, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	(void)off;
	(void)fi;
	if (is_kmsg(path))
		return -EACCES;
	return (int)sysfs_write(path, buf, size);
}

/* echo's O_TRUNC: sysfs files have no length to cut */
static int fs_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	(void)path;
	(void)size;
	(void)fi;
	return 0;
}

static const struct fuse_operations ops = {
	.getattr = fs_getattr,
	.readlink = fs_readlink,
	.readdir = fs_readdir,
	.open = fs_open,
	.read = fs_read,
	.write = fs_write,
	.truncate = fs_truncate,
};

int sim_fuse_serve(const char *dir)
{
	/* no caching: a directory appears and goes with the device */
	char *argv[] = { "vfio-ap-sim", "-f", "-o",
			 "fsname=vfio-ap-sim,subtype=vfio-ap-sim,entry_timeout=0,attr_timeout=0,negative_timeout=0",
			 (char *)dir, NULL };

	return fuse_main(5, argv, &ops, NULL);
}
