// SPDX-License-Identifier: GPL-2.0
/*
 * The shim API families, used beyond today's call sites: each member the
 * way a driver would call it, with what the kernel's own does; and the
 * rules of the reference ledger the leak checks stand on.  Built with
 * every sim (driver/sim.mk) and run by driver/tests/scenarios.sh; exits 1 and
 * names the first member that misbehaves.
 */
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <limits.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/bitmap.h>
#include <linux/hashtable.h>
#include <linux/err.h>
#include <linux/mutex.h>
#include <linux/cleanup.h>
#include <sim/slab.h>
#include <sim/ref.h>
#include <sim/report.h>
#include <sim/sched.h>

/* a function of the driver's own files: a return address inside it is a
 * call made by the driver */
int vfio_ap_mdev_register(void);

static int failed;

#define EXPECT(cond)							\
	do {								\
		if (!(cond)) {						\
			printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			failed = 1;					\
		}							\
	} while (0)

struct thing {
	int a;
	long b;
};

struct flex {
	int n;
	u16 item[];
};

struct hnode {
	int key;
	struct hlist_node node;
};

static void allocation(void)
{
	struct thing *t = kzalloc_obj(*t), *ts = kmalloc_objs(struct thing, 4, GFP_KERNEL);
	struct thing *tv = kvzalloc_objs(*t, 3);
	struct flex *f = kzalloc_flex(*f, item, 5);
	char *dup;

	EXPECT(t && t->a == 0 && t->b == 0);
	EXPECT(ts && tv && tv[2].b == 0);
	EXPECT(f && f->item[4] == 0);
	EXPECT(struct_size(f, item, 5) == sizeof(*f) + 5 * sizeof(u16));
	EXPECT(size_mul(SIZE_MAX / 2, 3) == SIZE_MAX);
	/* an overflowing count saturates and the allocation fails */
	EXPECT(kmalloc_objs(struct thing, SIZE_MAX / 4) == NULL);
	EXPECT(kcalloc(SIZE_MAX / 2, 4, GFP_KERNEL) == NULL);
	dup = kmemdup("abc", 4, GFP_KERNEL);
	EXPECT(dup && !strcmp(dup, "abc"));
	dup = krealloc(dup, 64, GFP_KERNEL);
	EXPECT(dup && !strcmp(dup, "abc"));
	kfree(dup);
	kfree(krealloc(NULL, 8, GFP_KERNEL));
	kfree(t);
	kfree(ts);
	kvfree(tv);
	kfree(f);
}

static void numbers(void)
{
	unsigned long ul;
	unsigned int ui;
	long l;
	long long ll;
	u8 u8v;
	u16 u16v;
	s8 s8v;
	bool b;

	EXPECT(kstrtoul("0x1f\n", 0, &ul) == 0 && ul == 31);
	EXPECT(kstrtoul("017", 0, &ul) == 0 && ul == 15);
	EXPECT(kstrtoul("-1", 0, &ul) == -EINVAL);
	EXPECT(kstrtoul("12x", 10, &ul) == -EINVAL);
	EXPECT(kstrtoul("", 10, &ul) == -EINVAL);
	EXPECT(kstrtoul("18446744073709551616", 10, &ul) == -ERANGE);
	EXPECT(kstrtouint("4294967296", 10, &ui) == -ERANGE);
	EXPECT(kstrtou8("255", 10, &u8v) == 0 && u8v == 255);
	EXPECT(kstrtou8("256", 10, &u8v) == -ERANGE);
	EXPECT(kstrtou16("0xffff", 16, &u16v) == 0 && u16v == 0xffff);
	EXPECT(kstrtos8("-128", 10, &s8v) == 0 && s8v == -128);
	EXPECT(kstrtos8("128", 10, &s8v) == -ERANGE);
	EXPECT(kstrtol("-42\n", 10, &l) == 0 && l == -42);
	EXPECT(kstrtoll("-9223372036854775808", 10, &ll) == 0 && ll == LLONG_MIN);
	EXPECT(kstrtoll("9223372036854775808", 10, &ll) == -ERANGE);
	EXPECT(kstrtobool("Y", &b) == 0 && b);
	EXPECT(kstrtobool("off", &b) == 0 && !b);
	EXPECT(kstrtobool("x", &b) == -EINVAL);
}

static void strings(void)
{
	char buf[8], sp[] = "  padded \n";
	char *s;

	EXPECT(strscpy(buf, "abc", sizeof(buf)) == 3 && !strcmp(buf, "abc"));
	EXPECT(strscpy(buf, "abcdefghij", sizeof(buf)) == -E2BIG && !strcmp(buf, "abcdefg"));
	EXPECT(!strcmp(strim(sp), "padded"));
	EXPECT(sysfs_streq("on\n", "on") && sysfs_streq("on", "on\n") && !sysfs_streq("on", "onx"));
	EXPECT(str_has_prefix("assign_adapter", "assign_") == 7 && !str_has_prefix("x", "y"));
	s = kasprintf(GFP_KERNEL, "%02x.%04x", 1, 2);
	EXPECT(s && !strcmp(s, "01.0002"));
	kfree(s);
	s = kstrndup("abcdef", 3, GFP_KERNEL);
	EXPECT(s && !strcmp(s, "abc"));
	kfree(s);
}

static void bitmaps(void)
{
	DECLARE_BITMAP(a, 256);
	DECLARE_BITMAP(b, 256);
	DECLARE_BITMAP(c, 256);
	unsigned long bit, n = 0, *z;

	bitmap_zero(a, 256);
	bitmap_zero(b, 256);
	bitmap_set(a, 3, 4);
	EXPECT(bitmap_weight(a, 256) == 4 && test_bit(6, a) && !test_bit(7, a));
	set_bit_inv(0, b);
	EXPECT(test_bit(63, b) && test_bit_inv(0, b) && find_first_bit_inv(b, 256) == 0);
	EXPECT(test_and_clear_bit_inv(0, b) && !test_bit_inv(0, b));
	bitmap_fill(b, 256);
	EXPECT(bitmap_full(b, 256) && bitmap_subset(a, b, 256) && !bitmap_subset(b, a, 256));
	bitmap_xor(c, a, b, 256);
	EXPECT(bitmap_weight(c, 256) == 252 && !bitmap_intersects(a, c, 256));
	bitmap_complement(c, c, 256);
	EXPECT(bitmap_equal(a, c, 256));
	EXPECT(find_first_zero_bit(a, 256) == 0 && find_next_zero_bit(a, 256, 3) == 7);
	EXPECT(find_last_bit(a, 256) == 6);
	EXPECT(bitmap_weight_and(a, b, 256) == 4);
	for_each_clear_bit(bit, a, 8)
		n++;
	EXPECT(n == 4);
	EXPECT(!test_and_set_bit(100, a) && test_and_set_bit(100, a));
	assign_bit(101, a, true);
	change_bit(101, a);
	EXPECT(!test_bit(101, a));
	/* the word-at-a-time searches, against a bit-by-bit walk: every
	 * offset, sizes that end inside a word */
	bitmap_zero(c, 256);
	for (bit = 0; bit < 256; bit += 1 + bit % 37)
		set_bit_inv(bit, c);
	set_bit(255, c);
	for (n = 0; n < 260; n++) {
		unsigned long size = n % 3 ? 256 : 200, inv = size, lsb = size, k;

		for (k = n; k < size && inv == size; k++)
			if (test_bit_inv(k, c))
				inv = k;
		for (k = n; k < size && lsb == size; k++)
			if (test_bit(k, c))
				lsb = k;
		EXPECT(find_next_bit_inv(c, size, n) == inv && find_next_bit(c, size, n) == lsb);
	}
	z = bitmap_zalloc(256, GFP_KERNEL);
	EXPECT(z && bitmap_empty(z, 256));
	bitmap_free(z);
}

static void hashtable(void)
{
	DEFINE_HASHTABLE(h, 4);
	struct hnode nodes[20], *p;
	struct hlist_node *tmp;
	int i, bkt, found = 0, count = 0;

	hash_init(h);
	EXPECT(hash_empty(h));
	for (i = 0; i < 20; i++) {
		nodes[i].key = i * 7;
		hash_add(h, &nodes[i].node, nodes[i].key);
	}
	EXPECT(!hash_empty(h) && hash_hashed(&nodes[3].node));
	hash_for_each_possible(h, p, node, 21)
		found += p->key == 21;
	EXPECT(found == 1);
	hash_for_each_safe(h, bkt, tmp, p, node)
		if (p->key % 2)
			hash_del(&p->node);
	hash_for_each(h, bkt, p, node)
		count++;
	EXPECT(count == 10 && !hash_hashed(&nodes[1].node));
}

static DEFINE_MUTEX(guarded);

static int guarded_early_return(void)
{
	guard(mutex)(&guarded);
	if (!mutex_is_locked(&guarded))
		return -1;
	return 0;	/* unlocked on the way out */
}

static char *kept(void)
{
	char *p __free(kfree) = kmalloc(16, GFP_KERNEL);

	if (p)
		strcpy(p, "kept");
	return_ptr(p);
}

static void cleanup(void)
{
	unsigned long live = shim_slab_live();
	char *k;
	int n = 0;

	EXPECT(guarded_early_return() == 0 && !mutex_is_locked(&guarded));
	scoped_guard(mutex, &guarded) {
		EXPECT(mutex_is_locked(&guarded));
		n++;
	}
	EXPECT(n == 1 && !mutex_is_locked(&guarded));
	scoped_cond_guard(mutex_intr, return, &guarded) {
		EXPECT(mutex_is_locked(&guarded));
		n++;
	}
	EXPECT(n == 2 && !mutex_is_locked(&guarded));
	{
		void *p __free(kfree) = kmalloc(32, GFP_KERNEL);
		unsigned long *b __free(bitmap) = bitmap_zalloc(256, GFP_KERNEL);

		EXPECT(p && b && shim_slab_live() == live + 2);
	}
	EXPECT(shim_slab_live() == live);
	k = kept();
	EXPECT(k && !strcmp(k, "kept") && shim_slab_live() == live + 1);
	kfree(k);
}

/*
 * The reference ledger's rules (sim/ref.h), with gets and puts made on
 * behalf of the driver (a return address in its code) and of a model
 * (this file's): only the driver's references are reported, a put drops
 * its own side's, each leftover is reported once, scopes and marks.
 */
static void references(void)
{
	const void *drv = (const char *)vfio_ap_mdev_register + 1;
	const void *mdl = __builtin_return_address(0);
	static int vm, ctx, mdev, other;
	const char *body;
	unsigned long mark;
	const void *old;
	int base;

	sim_clear_findings();
	sim_ref_get(SIM_REF_KVM, &vm, NULL, mdl);
	EXPECT(sim_ref_check(SIM_REF_ALL, &vm, NULL, 0, "a test", "test", NULL) == 0);
	sim_ref_get(SIM_REF_KVM, &vm, NULL, drv);
	/* the model's put takes the model's reference, not the driver's */
	sim_ref_put(SIM_REF_KVM, &vm, mdl);
	EXPECT(sim_ref_check(SIM_REF_BIT(SIM_REF_EVENTFD), &vm, NULL, 0, "a test", "test", NULL) == 0);
	EXPECT(sim_ref_check(SIM_REF_BIT(SIM_REF_KVM), &vm, NULL, 0, "a test", "test", NULL) == 1);
	EXPECT(sim_nr_findings() == 1 &&
	       !strcmp(sim_finding(0, &body), "leak: kvm reference held after a test") &&
	       strstr(body, "kvm reference acquired by:\n references (driver/tests/shim-families.c"));
	/* once */
	EXPECT(sim_ref_check(SIM_REF_ALL, &vm, NULL, 0, "a test", "test", NULL) == 0);
	/* a put with none of its side left takes the other side's */
	sim_ref_put(SIM_REF_KVM, &vm, mdl);
	sim_ref_get(SIM_REF_KVM, &vm, NULL, drv);
	sim_ref_put(SIM_REF_KVM, &vm, mdl);
	EXPECT(sim_ref_check(SIM_REF_ALL, &vm, NULL, 0, "a test", "test", NULL) == 0);
	/* taken in a device's scope: that device's */
	old = sim_ref_scope(&mdev);
	sim_ref_get(SIM_REF_EVENTFD, &ctx, NULL, drv);
	sim_ref_scope(old);
	EXPECT(sim_ref_check(SIM_REF_ALL, NULL, &other, 0, "a test", "test", NULL) == 0);
	EXPECT(sim_ref_check(SIM_REF_ALL, NULL, &mdev, 0, "a test", "test", NULL) == 1);
	/* a mark: what was taken before it is not counted after it */
	sim_ref_get(SIM_REF_DEBUG, &other, NULL, drv);
	mark = sim_ref_mark();
	sim_ref_get(SIM_REF_MODULE, &other, NULL, drv);
	EXPECT(sim_ref_check(SIM_REF_ALL, NULL, NULL, mark, "a test", "test", NULL) == 1);
	base = sim_nr_findings();
	EXPECT(sim_ref_check(SIM_REF_ALL, NULL, NULL, 0, "a test", "test", NULL) == 1 &&
	       sim_nr_findings() == base + 1 &&
	       !strcmp(sim_finding(base, &body), "leak: debug feature registration held after a test"));
	sim_clear_findings();
}

/*
 * Scopes are per task: under the deterministic scheduler the tasks share
 * one thread, and a task switched out between setting its scope and
 * taking a reference (a driver blocking on a lock in an ioctl) must still
 * take it for its own device, not for the one the task that ran meanwhile
 * serves.
 */
static struct sim_waitq scope_wq = SIM_WAITQ_INIT(scope_wq);
static int scope_stage;
static int scope_dev_a, scope_dev_b, scope_ctx;

static void scope_step(int wait_for, int then)
{
	sched_lock();
	while (scope_stage < wait_for)
		sched_wait(&scope_wq, "scope test", -1);
	if (then)
		scope_stage = then;
	sched_wake_all(&scope_wq);
	sched_unlock();
}

static void *scope_task_a(void *arg)
{
	const void *old = sim_ref_scope(&scope_dev_a);

	scope_step(0, 1);
	/* task b has set its own scope meanwhile */
	scope_step(2, 0);
	sim_ref_get(SIM_REF_EVENTFD, &scope_ctx, NULL, arg);
	sim_ref_scope(old);
	scope_step(0, 3);
	return NULL;
}

static void *scope_task_b(void *arg)
{
	const void *old;

	(void)arg;
	scope_step(1, 0);
	old = sim_ref_scope(&scope_dev_b);
	scope_step(0, 2);
	scope_step(3, 0);
	sim_ref_scope(old);
	return NULL;
}

static void task_scopes(void)
{
	const void *drv = (const char *)vfio_ap_mdev_register + 1;
	struct task *a, *b;

	sim_clear_findings();
	a = sim_thread_start("scope-a", scope_task_a, (void *)drv);
	b = sim_thread_start("scope-b", scope_task_b, NULL);
	sim_thread_join(a);
	sim_thread_join(b);
	EXPECT(sim_ref_check(SIM_REF_ALL, NULL, &scope_dev_b, 0, "a test", "test", NULL) == 0);
	EXPECT(sim_ref_check(SIM_REF_ALL, NULL, &scope_dev_a, 0, "a test", "test", NULL) == 1);
	/* and the main task's scope is its own again */
	EXPECT(sim_ref_scope(NULL) == NULL);
	sim_clear_findings();
}

int main(void)
{
	/* one task at a time, on one thread (the campaigns' mode) */
	if (sim_sched_deterministic(SIM_SCHED_RANDOM, 1, 3, 20000) < 0) {
		printf("FAIL: the deterministic scheduler could not be set up\n");
		return 2;
	}
	allocation();
	numbers();
	strings();
	bitmaps();
	hashtable();
	cleanup();
	references();
	task_scopes();
	if (!failed)
		printf("ok: allocation, kstrtox, string, bitmap, hashtable and cleanup/guard families, the reference ledger (scopes per task)\n");
	return failed;
}
