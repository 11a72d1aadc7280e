// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection with the kernel's interfaces and decision order.
 *
 * One decision function serves every fault type, in the order the kernel's
 * generic fault attribute applies its tests: a task's pending fail-nth
 * count first (it overrides everything else), then probability 0 (never),
 * task-filter (make-it-fail), times (0: exhausted), space (a budget of
 * bytes that must be used up first), interval (every Nth eligible call)
 * and last the probability draw.  failslab filters before that: with
 * ignore-gfp-wait set (the kernel's default) allocations that may sleep
 * are not fault sites at all, and __GFP_NOWARN silences the report.
 *
 * fail_function arms injection points on functions of the sim's
 * injectable list; a model function on the list starts with
 * SIM_FAIL_FUNCTION(), which returns the point's retval when the fault
 * attribute says so.
 */
#include <pthread.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <sim/sched.h>
#include <sim/sysfs.h>
#include <sim/report.h>
#include <sim/fault.h>
#include <sim/slab.h>
#include <linux/device.h>
#include <sim/lockdep.h>
#include <sim/stack.h>

#define MAX_ERRNO 4095

struct fault_attr {
	const char *dname;
	unsigned long probability;
	unsigned long interval;
	int times;
	int space;
	unsigned long verbose;
	unsigned int ratelimit_interval;
	unsigned int ratelimit_burst;
	bool task_filter;
	unsigned long count;
};

#define FAULT_ATTR_INIT(name) {			\
	.dname = name, .interval = 1, .times = 1, .verbose = 2 }

static pthread_mutex_t fault_lock = PTHREAD_MUTEX_INITIALIZER;
static struct fault_attr failslab = FAULT_ATTR_INIT("failslab");
static bool failslab_ignore_gfp_wait = true;
static bool failslab_cache_filter;
static struct fault_attr fei_attr = FAULT_ATTR_INIT("fail_function");
static unsigned long long rng_state = 0x9e3779b97f4a7c15ULL;
static char last_injected[256];

void sim_fault_seed(unsigned long long seed)
{
	pthread_mutex_lock(&fault_lock);
	rng_state = seed * 0x9e3779b97f4a7c15ULL + 1;
	pthread_mutex_unlock(&fault_lock);
}

static unsigned int random_below(unsigned int n)
{
	/* xorshift64*; called with fault_lock held */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (unsigned int)((rng_state * 0x2545f4914f6cdd1dULL) >> 33) % n;
}

static void fail_dump(struct fault_attr *a, const char *where)
{
	if (!a->verbose)
		return;
	sim_log("FAULT_INJECTION: forcing a failure.\nname %s, interval %lu, probability %lu, space %d, times %d",
		a->dname, a->interval, a->probability, a->space, a->times);
	if (a->verbose == 1)
		sim_log("%s", where);
	if (a->verbose > 1) {
		struct sim_stack st;
		char trace[2048];

		size_t n;

		sim_stack_save(&st, 3);
		sim_stack_format(&st, trace, sizeof(trace));
		n = strlen(trace);
		if (n && trace[n - 1] == '\n')
			trace[n - 1] = 0;
		sim_log("%s\nCall Trace:\n%s", where, trace);
	}
}

/* The generic decision; fault_lock held. */
static bool should_fail_locked(struct fault_attr *a, long size, bool nowarn, const char *where)
{
	struct task *t = sim_current();

	if (t->fail_nth) {
		if (--t->fail_nth == 0)
			goto fail;
		return false;
	}
	if (a->probability == 0)
		return false;
	if (a->task_filter && !t->make_it_fail)
		return false;
	if (a->times == 0)
		return false;
	if (a->space > size) {
		a->space -= size;
		return false;
	}
	if (a->interval > 1) {
		a->count++;
		if (a->count % a->interval)
			return false;
	}
	if (a->probability <= random_below(100))
		return false;
fail:
	snprintf(last_injected, sizeof(last_injected), "%s", where);
	/* the last fault injected into this task, and where: a crash report
	 * names it (a NULL dereference of the allocation that failed) */
	snprintf(sim_current()->fault_note, sizeof(sim_current()->fault_note), "%s", where);
	sim_stack_save(&sim_current()->fault_stack, 2);
	if (!nowarn)
		fail_dump(a, where);
	if (a->times != -1 && a->times != 0)
		a->times--;
	return true;
}

bool sim_should_failslab(size_t size, unsigned int gfp, const char *site)
{
	char where[200], path[160];
	bool ret;

	if (sim_current()->no_fault || (gfp & __GFP_NOFAIL))
		return false;
	pthread_mutex_lock(&fault_lock);
	/* cache-filter: only caches created with SLAB_FAILSLAB, and the
	 * kmalloc caches the driver allocates from are not */
	if ((failslab_ignore_gfp_wait && (gfp & __GFP_DIRECT_RECLAIM)) || failslab_cache_filter) {
		pthread_mutex_unlock(&fault_lock);
		return false;
	}
	snprintf(where, sizeof(where), "failslab: %s", sim_tree_path(site, path, sizeof(path)));
	ret = should_fail_locked(&failslab, (long)size, gfp & __GFP_NOWARN, where);
	pthread_mutex_unlock(&fault_lock);
	return ret;
}

const char *sim_fault_task_last(struct sim_stack *st)
{
	struct task *t = sim_current();

	if (!t->fault_note[0])
		return NULL;
	*st = t->fault_stack;
	return t->fault_note;
}

void sim_fault_last_injected(char *buf, size_t len)
{
	pthread_mutex_lock(&fault_lock);
	snprintf(buf, len, "%s", last_injected);
	pthread_mutex_unlock(&fault_lock);
}

/*
 * fail_function.  The injectable list: functions outside the driver that
 * it calls, whose failure it must handle, with the kernel's error types.
 */
enum ei_type { EI_ERRNO, EI_NULL };

static const struct injectable {
	const char *name;
	enum ei_type type;
} injectable[] = {
	{ "ap_driver_register", EI_ERRNO },
	{ "driver_register", EI_ERRNO },
	{ "root_device_register", EI_ERRNO },
	{ "device_register", EI_ERRNO },
	{ "mdev_register_parent", EI_ERRNO },
	{ "_vfio_alloc_device", EI_ERRNO },
	{ "vfio_register_emulated_iommu_dev", EI_ERRNO },
	{ "vfio_pin_pages", EI_ERRNO },
	{ "eventfd_ctx_fdget", EI_ERRNO },
	{ "kvm_s390_gisc_register", EI_ERRNO },
};

#define NR_INJECTABLE ARRAY_SIZE(injectable)

static struct fei_point {
	bool armed;
	unsigned long retval;
	struct sysfs_node *dir;
} points[NR_INJECTABLE];
static int armed_order[NR_INJECTABLE], nr_armed;
int sim_fei_armed;
static struct sysfs_node *fei_dir;

static int find_injectable(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < NR_INJECTABLE; i++)
		if (strlen(injectable[i].name) == len && !strncmp(injectable[i].name, name, len))
			return (int)i;
	return -1;
}

static unsigned long adjust_retval(int i, unsigned long v)
{
	if (injectable[i].type == EI_NULL)
		return 0;
	if (v < (unsigned long)-MAX_ERRNO)
		return (unsigned long)-EINVAL;
	return v;
}

bool sim_fei_should_fail(const char *func, long *retval)
{
	char where[96];
	int i = find_injectable(func, strlen(func));
	bool ret;

	if (i < 0 || sim_current()->no_fault)
		return false;
	pthread_mutex_lock(&fault_lock);
	if (!points[i].armed) {
		pthread_mutex_unlock(&fault_lock);
		return false;
	}
	snprintf(where, sizeof(where), "fail_function: %s", func);
	ret = should_fail_locked(&fei_attr, 1, false, where);
	*retval = (long)points[i].retval;
	pthread_mutex_unlock(&fault_lock);
	return ret;
}

/* debugfs attribute files */

static bool parse_bool(const char *s, bool *v)
{
	switch (s[0]) {
	case 'y': case 'Y': case 't': case 'T': case '1':
		*v = true;
		return true;
	case 'n': case 'N': case 'f': case 'F': case '0':
		*v = false;
		return true;
	case 'o': case 'O':
		if (s[1] == 'n' || s[1] == 'N') {
			*v = true;
			return true;
		}
		if (s[1] == 'f' || s[1] == 'F') {
			*v = false;
			return true;
		}
	}
	return false;
}

/* simple_attr_write copies at most 23 bytes and parses them whole */
static int copy_arg(char *dst, size_t dlen, const char *buf, size_t count)
{
	if (count >= dlen)
		count = dlen - 1;
	memcpy(dst, buf, count);
	dst[count] = 0;
	return 0;
}

/* The value files, typed as the kernel's debugfs helpers type them
 * (debugfs_create_ul, _atomic_t, _u32, _bool): priv2 says which. */
enum val_type { VAL_UL, VAL_INT, VAL_U32, VAL_BOOL };

static ssize_t val_show(struct sysfs_node *n, char *buf)
{
	ssize_t ret;

	pthread_mutex_lock(&fault_lock);
	switch ((enum val_type)(long)n->priv2) {
	case VAL_UL:
		ret = sysfs_emit(buf, "%lu\n", *(unsigned long *)n->priv);
		break;
	case VAL_INT:
		ret = sysfs_emit(buf, "%d\n", *(int *)n->priv);
		break;
	case VAL_U32:
		ret = sysfs_emit(buf, "%u\n", *(unsigned int *)n->priv);
		break;
	default:
		ret = sysfs_emit(buf, "%c\n", *(bool *)n->priv ? 'Y' : 'N');
	}
	pthread_mutex_unlock(&fault_lock);
	return ret;
}

static ssize_t val_store(struct sysfs_node *n, const char *buf, size_t count)
{
	enum val_type type = (enum val_type)(long)n->priv2;
	unsigned long ul = 0;
	unsigned int u = 0;
	int i = 0, err = 0;
	bool b = false;
	char arg[24];

	copy_arg(arg, sizeof(arg), buf, count);
	if (type == VAL_UL)
		err = kstrtoul(arg, 0, &ul);
	else if (type == VAL_INT)
		err = kstrtoint(arg, 0, &i);
	else if (type == VAL_U32)
		err = kstrtouint(arg, 0, &u);
	else if (!parse_bool(arg, &b))
		err = -EINVAL;
	if (err)
		return err;
	pthread_mutex_lock(&fault_lock);
	if (type == VAL_UL)
		*(unsigned long *)n->priv = ul;
	else if (type == VAL_INT)
		*(int *)n->priv = i;
	else if (type == VAL_U32)
		*(unsigned int *)n->priv = u;
	else
		*(bool *)n->priv = b;
	pthread_mutex_unlock(&fault_lock);
	return count;
}

static void add_val(struct sysfs_node *d, const char *name, void *val, enum val_type type)
{
	sysfs_add_attr(d, name, 0600, val_show, val_store, val, (void *)(long)type);
}

static struct sysfs_node *fault_attr_dir(const char *name, struct fault_attr *a)
{
	struct sysfs_node *d = sysfs_mkdir(sysfs_mkdir_p("/sys/kernel/debug"), name);

	add_val(d, "probability", &a->probability, VAL_UL);
	add_val(d, "interval", &a->interval, VAL_UL);
	add_val(d, "times", &a->times, VAL_INT);
	add_val(d, "space", &a->space, VAL_INT);
	add_val(d, "verbose", &a->verbose, VAL_UL);
	add_val(d, "verbose_ratelimit_interval_ms", &a->ratelimit_interval, VAL_U32);
	add_val(d, "verbose_ratelimit_burst", &a->ratelimit_burst, VAL_U32);
	add_val(d, "task-filter", &a->task_filter, VAL_BOOL);
	return d;
}

/* fail_function/inject, injectable and <func>/retval */

static ssize_t retval_show(struct sysfs_node *n, char *buf)
{
	struct fei_point *p = n->priv;
	unsigned long v;

	pthread_mutex_lock(&fault_lock);
	v = p->retval;
	pthread_mutex_unlock(&fault_lock);
	return sysfs_emit(buf, "%lx\n", v);
}

static ssize_t retval_store(struct sysfs_node *n, const char *buf, size_t count)
{
	struct fei_point *p = n->priv;
	int i = (int)(p - points);
	char arg[24];
	unsigned long v;
	int err;

	copy_arg(arg, sizeof(arg), buf, count);
	err = kstrtoul(arg, 0, &v);
	if (err)
		return err;
	pthread_mutex_lock(&fault_lock);
	if (!p->armed)
		err = -ENOENT;
	else if (adjust_retval(i, v) != v)
		err = -EINVAL;
	else
		p->retval = v;
	pthread_mutex_unlock(&fault_lock);
	return err ? err : (ssize_t)count;
}

static ssize_t inject_show(struct sysfs_node *n, char *buf)
{
	int i, len = 0;

	pthread_mutex_lock(&fault_lock);
	for (i = 0; i < nr_armed; i++)
		len += sysfs_emit_at(buf, len, "%s\n", injectable[armed_order[i]].name);
	pthread_mutex_unlock(&fault_lock);
	return len;
}

static void disarm_locked(int i)
{
	int j;

	points[i].armed = false;
	for (j = 0; j < nr_armed && armed_order[j] != i; j++)
		;
	if (j < nr_armed) {
		memmove(&armed_order[j], &armed_order[j + 1], (nr_armed - j - 1) * sizeof(int));
		nr_armed--;
	}
	__atomic_store_n(&sim_fei_armed, nr_armed, __ATOMIC_RELAXED);
}

static ssize_t inject_store(struct sysfs_node *n, const char *buf, size_t count)
{
	struct sysfs_node *gone[NR_INJECTABLE], *dir = NULL;
	const char *s = buf, *e = buf + count;
	int i, ngone = 0;
	ssize_t ret = count;

	/* strstrip */
	while (s < e && isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	pthread_mutex_lock(&fault_lock);
	if (s == e) {
		/* only blanks: every injection point goes */
		while (nr_armed) {
			i = armed_order[0];
			gone[ngone++] = points[i].dir;
			points[i].dir = NULL;
			disarm_locked(i);
		}
	} else if (*s == '!') {
		i = find_injectable(s + 1, e - s - 1);
		if (i < 0 || !points[i].armed) {
			ret = -ENOENT;
		} else {
			gone[ngone++] = points[i].dir;
			points[i].dir = NULL;
			disarm_locked(i);
		}
	} else {
		i = find_injectable(s, e - s);
		if (i < 0)
			ret = -ERANGE;	/* a symbol, but not on the injectable list */
		else if (points[i].armed)
			ret = -EBUSY;
		else {
			points[i].armed = true;
			points[i].retval = adjust_retval(i, 0);
			armed_order[nr_armed++] = i;
			__atomic_store_n(&sim_fei_armed, nr_armed, __ATOMIC_RELAXED);
			dir = (struct sysfs_node *)1;
		}
	}
	pthread_mutex_unlock(&fault_lock);
	if (dir) {
		dir = sysfs_mkdir(fei_dir, injectable[i].name);
		sysfs_add_attr(dir, "retval", 0600, retval_show, retval_store, &points[i], NULL);
		pthread_mutex_lock(&fault_lock);
		points[i].dir = dir;
		pthread_mutex_unlock(&fault_lock);
	}
	for (i = 0; i < ngone; i++)
		if (gone[i])
			sysfs_remove(gone[i]);
	return ret;
}

static ssize_t injectable_show(struct sysfs_node *n, char *buf)
{
	size_t i;
	int len = 0;

	for (i = 0; i < NR_INJECTABLE; i++)
		len += sysfs_emit_at(buf, len, "%s\t%s\n", injectable[i].name,
				     injectable[i].type == EI_NULL ? "NULL" : "ERRNO");
	return len;
}

/* /proc/thread-self: the calling task's own settings */

static ssize_t fail_nth_show(struct sysfs_node *n, char *buf)
{
	return sysfs_emit(buf, "%u\n", sim_current()->fail_nth);
}

static ssize_t fail_nth_store(struct sysfs_node *n, const char *buf, size_t count)
{
	char arg[24];
	unsigned int v;
	int err;

	copy_arg(arg, sizeof(arg), buf, count);
	err = kstrtouint(arg, 0, &v);
	if (err)
		return err;
	sim_current()->fail_nth = v;
	return count;
}

static ssize_t make_it_fail_show(struct sysfs_node *n, char *buf)
{
	return sysfs_emit(buf, "%d\n", sim_current()->make_it_fail);
}

static ssize_t make_it_fail_store(struct sysfs_node *n, const char *buf, size_t count)
{
	char arg[24];
	int v, err;

	copy_arg(arg, sizeof(arg), buf, count);
	err = kstrtoint(arg, 0, &v);
	if (err)
		return err;
	sim_current()->make_it_fail = v != 0;
	return count;
}

void sim_fault_init(void)
{
	struct sysfs_node *d, *proc;

	d = fault_attr_dir("failslab", &failslab);
	add_val(d, "ignore-gfp-wait", &failslab_ignore_gfp_wait, VAL_BOOL);
	add_val(d, "cache-filter", &failslab_cache_filter, VAL_BOOL);
	fei_dir = fault_attr_dir("fail_function", &fei_attr);
	sysfs_add_attr(fei_dir, "inject", 0600, inject_show, inject_store, NULL, NULL);
	sysfs_add_attr(fei_dir, "injectable", 0444, injectable_show, NULL, NULL, NULL);
	proc = sysfs_mkdir_p("/proc/thread-self");
	sysfs_add_attr(proc, "fail-nth", 0644, fail_nth_show, fail_nth_store, NULL, NULL);
	sysfs_add_attr(proc, "make-it-fail", 0644, make_it_fail_show, make_it_fail_store,
		       NULL, NULL);
	shim_slab_should_fail = sim_should_failslab;
}
