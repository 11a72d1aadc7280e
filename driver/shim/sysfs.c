// SPDX-License-Identifier: GPL-2.0
/*
 * The sysfs tree.  Structure changes happen under tree_lock (a plain lock:
 * no callback runs under it).  A show or store runs with an active
 * reference on its node and without tree_lock; sysfs_remove marks the node
 * dead, unlinks it and then waits for the active references to drain.
 *
 * Reads hand show() one page-aligned 4096-byte buffer followed by an
 * inaccessible guard page, as the driver's unbounded sprintf loops assume
 * a page; an overflow faults here as it would corrupt memory there.
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <linux/kernel.h>
#include <sim/sysfs.h>
#include <sim/report.h>
#include <sim/lockdep.h>
#include <sim/slab.h>
#include <linux/slab.h>

static pthread_mutex_t tree_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sysfs_node *root;
/* Every linked node by (parent, name), under tree_lock. */
static struct sim_htab by_name;

static struct sysfs_node *node_new(const char *name, enum sysfs_type type)
{
	struct sysfs_node *n = calloc(1, sizeof(*n));

	if (!n)
		abort();
	n->name = strdup(name);
	n->type = type;
	n->refs = 1;
	INIT_LIST_HEAD(&n->children);
	INIT_LIST_HEAD(&n->sibling);
	sim_waitq_init(&n->drain);
	return n;
}

static void node_put_locked(struct sysfs_node *n)
{
	if (--n->refs == 0) {
		free(n->name);
		free(n);
	}
}

struct sysfs_node *sysfs_root(void)
{
	pthread_mutex_lock(&tree_lock);
	if (!root) {
		root = node_new("", SYSFS_DIR);
		root->mode = 0755;
	}
	pthread_mutex_unlock(&tree_lock);
	return root;
}

static struct sysfs_node *child_locked(struct sysfs_node *dir, const char *name,
				       size_t len)
{
	struct sim_hnode *h = sim_hash_find(&by_name, dir, name, len);

	return h ? container_of(h, struct sysfs_node, hnode) : NULL;
}

struct sysfs_node *sysfs_child(struct sysfs_node *dir, const char *name)
{
	struct sysfs_node *c;

	pthread_mutex_lock(&tree_lock);
	c = child_locked(dir, name, strlen(name));
	pthread_mutex_unlock(&tree_lock);
	return c;
}

static struct sysfs_node *add_locked(struct sysfs_node *parent, struct sysfs_node *n)
{
	if (child_locked(parent, n->name, strlen(n->name))) {
		char *p;

		pthread_mutex_unlock(&tree_lock);
		p = sysfs_path(parent);
		sim_report("WARNING: sysfs: cannot create duplicate filename",
			   "sysfs: cannot create duplicate filename '%s/%s'\n", p, n->name);
		free(p);
		pthread_mutex_lock(&tree_lock);
		node_put_locked(n);
		return NULL;
	}
	n->parent = parent;
	list_add_tail(&n->sibling, &parent->children);
	sim_hash_add(&by_name, &n->hnode, parent, n->name);
	n->hashed = true;
	return n;
}

struct sysfs_node *sysfs_mkdir(struct sysfs_node *parent, const char *name)
{
	struct sysfs_node *n = node_new(name, SYSFS_DIR);

	n->mode = 0755;
	pthread_mutex_lock(&tree_lock);
	n = add_locked(parent ? parent : root, n);
	pthread_mutex_unlock(&tree_lock);
	return n;
}

struct sysfs_node *sysfs_mkdir_p(const char *path)
{
	struct sysfs_node *d = sysfs_root(), *c;
	const char *p = path;

	pthread_mutex_lock(&tree_lock);
	while (*p) {
		size_t len;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		len = strcspn(p, "/");
		c = child_locked(d, p, len);
		if (!c) {
			char *name = strndup(p, len);

			c = node_new(name, SYSFS_DIR);
			c->mode = 0755;
			free(name);
			add_locked(d, c);
		}
		d = c;
		p += len;
	}
	pthread_mutex_unlock(&tree_lock);
	return d;
}

struct sysfs_node *sysfs_add_attr(struct sysfs_node *parent, const char *name,
				  unsigned short mode, sysfs_show_fn show,
				  sysfs_store_fn store, void *priv, void *priv2)
{
	struct sysfs_node *n = node_new(name, SYSFS_ATTR);

	n->mode = mode;
	n->show = show;
	n->store = store;
	n->priv = priv;
	n->priv2 = priv2;
	pthread_mutex_lock(&tree_lock);
	n = add_locked(parent, n);
	pthread_mutex_unlock(&tree_lock);
	return n;
}

struct sysfs_node *sysfs_symlink(struct sysfs_node *parent, const char *name,
				 struct sysfs_node *target)
{
	struct sysfs_node *n = node_new(name, SYSFS_LINK);

	n->mode = 0777;
	pthread_mutex_lock(&tree_lock);
	n->target = target;
	target->refs++;
	n = add_locked(parent, n);
	pthread_mutex_unlock(&tree_lock);
	return n;
}

static void kill_locked(struct sysfs_node *n, struct sysfs_node **drainlist, int *nd, int max)
{
	struct sysfs_node *c, *tmp;

	list_for_each_entry_safe(c, tmp, &n->children, sibling)
		kill_locked(c, drainlist, nd, max);
	n->dead = true;
	list_del_init(&n->sibling);
	if (n->hashed) {
		sim_hash_del(&by_name, &n->hnode);
		n->hashed = false;
	}
	if (n->type == SYSFS_LINK && n->target) {
		node_put_locked(n->target);
		n->target = NULL;
	}
	if (*nd < max)
		drainlist[(*nd)++] = n;
	else
		node_put_locked(n);
}

void sysfs_remove(struct sysfs_node *n)
{
	struct sysfs_node *list[4096];
	int nd = 0, i;

	if (!n)
		return;
	pthread_mutex_lock(&tree_lock);
	if (n->dead) {
		pthread_mutex_unlock(&tree_lock);
		return;
	}
	kill_locked(n, list, &nd, (int)ARRAY_SIZE(list));
	pthread_mutex_unlock(&tree_lock);

	/* kernfs_drain: wait for every show/store still running on them */
	sched_lock();
	sim_current()->hung_check = true;
	for (i = 0; i < nd; i++)
		while (list[i]->active)
			sched_wait(&list[i]->drain, "kernfs_drain", -1);
	sim_current()->hung_check = false;
	sched_unlock();

	pthread_mutex_lock(&tree_lock);
	for (i = 0; i < nd; i++)
		node_put_locked(list[i]);
	pthread_mutex_unlock(&tree_lock);
}

void sysfs_remove_child(struct sysfs_node *dir, const char *name)
{
	if (dir)
		sysfs_remove(sysfs_child(dir, name));
}

bool sysfs_break_active_self(struct sysfs_node *n)
{
	struct task *t = sim_current();

	if (t->sysfs_op != n || t->sysfs_op_broken)
		return false;
	sched_lock();
	n->active--;
	t->sysfs_op_broken = true;
	if (!n->active)
		sched_wake_all(&n->drain);
	sched_unlock();
	return true;
}

char *sysfs_path(struct sysfs_node *n)
{
	char buf[1024] = "", tmp[1024];

	pthread_mutex_lock(&tree_lock);
	for (; n && n != root; n = n->parent) {
		size_t len = strlen(n->name);

		if (len + 1 + strlen(buf) >= sizeof(tmp))
			break;
		tmp[0] = '/';
		memcpy(tmp + 1, n->name, len);
		strcpy(tmp + 1 + len, buf);
		memcpy(buf, tmp, sizeof(buf));
	}
	pthread_mutex_unlock(&tree_lock);
	return strdup(buf[0] ? buf : "/");
}

/* Resolve an absolute path (following links, the last one too unless
 * told not to) and take a reference. */
static struct sysfs_node *lookup_at(const char *path, int *err, bool follow_last)
{
	struct sysfs_node *d, *c = NULL;
	const char *p = path;
	int hops = 0;

	if (!root)
		sysfs_root();
	if (*p != '/') {
		*err = -ENOENT;
		return NULL;
	}
	pthread_mutex_lock(&tree_lock);
	d = root;
	while (*p) {
		size_t len;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		len = strcspn(p, "/");
		if (d->type != SYSFS_DIR) {
			*err = -ENOTDIR;
			goto fail;
		}
		if (len == 1 && p[0] == '.') {
			c = d;
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			c = d->parent ? d->parent : d;
		} else {
			c = child_locked(d, p, len);
			if (!c || c->dead) {
				*err = -ENOENT;
				goto fail;
			}
		}
		while (c->type == SYSFS_LINK && (follow_last || p[len + strspn(p + len, "/")])) {
			if (++hops > 40 || !c->target || c->target->dead) {
				*err = -ENOENT;
				goto fail;
			}
			c = c->target;
		}
		d = c;
		p += len;
	}
	d->refs++;
	pthread_mutex_unlock(&tree_lock);
	return d;
fail:
	pthread_mutex_unlock(&tree_lock);
	return NULL;
}

static struct sysfs_node *lookup(const char *path, int *err)
{
	return lookup_at(path, err, true);
}

static void unref(struct sysfs_node *n)
{
	pthread_mutex_lock(&tree_lock);
	node_put_locked(n);
	pthread_mutex_unlock(&tree_lock);
}

static bool get_active(struct sysfs_node *n)
{
	bool ok;

	sched_lock();
	ok = !n->dead;
	if (ok)
		n->active++;
	sched_unlock();
	return ok;
}

static void put_active(struct sysfs_node *n)
{
	if (sim_current()->sysfs_op_broken)
		return;
	sched_lock();
	if (--n->active == 0)
		sched_wake_all(&n->drain);
	sched_unlock();
}

/* The attribute at path, if it may be read (or written): a referenced
 * node, or NULL with the errno open(2) would give in *err. */
static struct sysfs_node *open_attr(const char *path, bool write, int *err)
{
	struct sysfs_node *n = lookup(path, err);

	if (!n)
		return NULL;
	if (n->type == SYSFS_DIR) {
		*err = -EISDIR;
	} else if (write ? (!n->store || !(n->mode & 0222)) :
			   (!n->show || !(n->mode & 0444))) {
		*err = -EACCES;
	} else {
		return n;
	}
	unref(n);
	return NULL;
}

/* One show or store under an active reference, as kernfs runs them. */
static ssize_t call_attr(struct sysfs_node *n, const char *path, char *page, size_t count)
{
	struct task *t = sim_current();
	ssize_t ret;
	int depth;

	if (!get_active(n))
		return -ENODEV;
	depth = sim_lockdep_depth();
	t->sysfs_op = n;
	t->sysfs_op_broken = false;
	ret = count ? n->store(n, page, count) : n->show(n, page);
	sim_lockdep_check_return(depth, path, true);
	put_active(n);
	t->sysfs_op = NULL;
	t->sysfs_op_broken = false;
	return ret;
}

/* sysfs files are kernfs files; debugfs and proc files have their own
 * file operations, with no allocation on the way to show/store. */
static bool is_kernfs(const char *path)
{
	return !strncmp(path, "/sys/", 5) && strncmp(path, "/sys/kernel/debug/", 18);
}

ssize_t sysfs_read(const char *path, char *out, size_t size)
{
	struct sysfs_node *n;
	ssize_t ret;
	char *page;
	int err = 0;

	n = open_attr(path, false, &err);
	if (!n)
		return err;
	/* seq_read_iter's first read allocates the page the show fills */
	if (is_kernfs(path) &&
	    shim_slab_fault(PAGE_SIZE, GFP_KERNEL_ACCOUNT, "fs/seq_file.c:seq_read_iter")) {
		unref(n);
		return -ENOMEM;
	}
	page = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED) {
		unref(n);
		return -ENOMEM;
	}
	mprotect(page + PAGE_SIZE, PAGE_SIZE, PROT_NONE);
	ret = call_attr(n, path, page, 0);
	if (ret > (ssize_t)PAGE_SIZE)
		ret = PAGE_SIZE;
	if (ret >= 0 && out && size) {
		size_t c = (size_t)ret < size - 1 ? (size_t)ret : size - 1;

		memcpy(out, page, c);
		out[c] = 0;
	}
	munmap(page, 2 * PAGE_SIZE);
	unref(n);
	return ret;
}

ssize_t sysfs_write(const char *path, const char *buf, size_t count)
{
	struct sysfs_node *n;
	char *page;
	ssize_t ret;
	bool kernfs;
	int err = 0;

	n = open_attr(path, true, &err);
	if (!n)
		return err;
	if (count == 0) {
		unref(n);
		return 0;	/* sysfs_kf_write: an empty write calls no store */
	}
	if (count >= PAGE_SIZE)
		count = PAGE_SIZE - 1;
	/* kernfs_fop_write_iter copies the write into a kmalloc'ed buffer of
	 * the write's length plus a terminating NUL: a failslab site.  The
	 * debugfs and proc files parse from a buffer of their own (on the
	 * stack): no slab object, none for a leak check to count while such
	 * a write is in flight in another task */
	kernfs = is_kernfs(path);
	page = kernfs ? shim_kmalloc(count + 1, GFP_KERNEL, "fs/kernfs/file.c:kernfs_fop_write_iter") :
			malloc(count + 1);
	if (!page) {
		unref(n);
		return -ENOMEM;
	}
	memcpy(page, buf, count);
	page[count] = 0;
	ret = call_attr(n, path, page, count);
	if (kernfs)
		kfree(page);
	else
		free(page);
	unref(n);
	return ret;
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int sysfs_list(const char *path, char ***names)
{
	struct sysfs_node *n, *c;
	int err = 0, cnt = 0, i = 0;
	char **v;

	n = lookup(path, &err);
	if (!n)
		return err;
	if (n->type != SYSFS_DIR) {
		unref(n);
		return -ENOTDIR;
	}
	pthread_mutex_lock(&tree_lock);
	list_for_each_entry(c, &n->children, sibling)
		cnt++;
	v = calloc(cnt + 1, sizeof(*v));
	list_for_each_entry(c, &n->children, sibling)
		v[i++] = strdup(c->name);
	node_put_locked(n);
	pthread_mutex_unlock(&tree_lock);
	qsort(v, cnt, sizeof(*v), cmpstr);
	*names = v;
	return cnt;
}

int sysfs_lstat(const char *path, enum sysfs_type *type, unsigned short *mode)
{
	struct sysfs_node *n;
	int err = 0;

	n = lookup_at(path, &err, false);
	if (!n)
		return err;
	*type = n->type;
	*mode = n->mode;
	unref(n);
	return 0;
}

/* A link's target relative to the link's directory, as sysfs shows it
 * ("../../devices/..."). */
int sysfs_readlink(const char *path, char *buf, size_t len)
{
	struct sysfs_node *n;
	char *from, *to;
	const char *f, *t;
	size_t used = 0;
	int err = 0;

	n = lookup_at(path, &err, false);
	if (!n)
		return err;
	if (n->type != SYSFS_LINK || !n->target) {
		unref(n);
		return -EINVAL;
	}
	from = sysfs_path(n->parent);
	to = sysfs_path(n->target);
	unref(n);
	/* drop the common leading components */
	f = from;
	t = to;
	for (;;) {
		size_t lf = strcspn(f + 1, "/"), lt = strcspn(t + 1, "/");

		if (!*f || !*t || lf != lt || strncmp(f + 1, t + 1, lf))
			break;
		f += 1 + lf;
		t += 1 + lt;
	}
	buf[0] = 0;
	for (; *f; f += 1 + strcspn(f + 1, "/"))
		used += snprintf(buf + used, used < len ? len - used : 0, "../");
	snprintf(buf + used, used < len ? len - used : 0, "%s", *t ? t + 1 : ".");
	free(from);
	free(to);
	return 0;
}

int sysfs_stat(const char *path, enum sysfs_type *type, unsigned short *mode)
{
	struct sysfs_node *n;
	int err = 0;

	n = lookup(path, &err);
	if (!n)
		return err;
	*type = n->type;
	*mode = n->mode;
	unref(n);
	return 0;
}
