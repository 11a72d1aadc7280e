// SPDX-License-Identifier: GPL-2.0
/*
 * eventfd contexts over real eventfd(2) descriptors of this process: the
 * VMM model creates an eventfd and hands its number to the driver through
 * VFIO_DEVICE_SET_IRQS; eventfd_signal writes to it and the VMM polls it.
 * References are counted; the last put closes the duplicate taken at fdget.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/eventfd.h>
#include <linux/list.h>
#include <sim/fault.h>
#include <sim/report.h>
#include <sim/ref.h>
#include <sim/sched.h>
#include <sim/stack.h>

struct eventfd_ctx {
	struct list_head node;	/* on live_ctx */
	int fd;
	int user_fd;	/* the descriptor the VMM registered */
	int refs;
	unsigned long long signals;
};

/*
 * The contexts the driver holds a reference to, and where the last
 * reference of the most recent dead ones was put: a signal or put through
 * a context that is not live is reported with both stacks (whatever the
 * build: the check reads the list, never the context itself).
 */
static pthread_mutex_t ctx_lock = PTHREAD_MUTEX_INITIALIZER;
static LIST_HEAD(live_ctx);
#define DEAD_CTX 64
static struct {
	const void *ctx;
	struct sim_stack put;
} dead_ctx[DEAD_CTX];
static unsigned int dead_next;

static bool ctx_live(const struct eventfd_ctx *ctx)
{
	struct eventfd_ctx *c;
	bool live = false;

	pthread_mutex_lock(&ctx_lock);
	list_for_each_entry(c, &live_ctx, node)
		if (c == ctx) {
			live = true;
			break;
		}
	pthread_mutex_unlock(&ctx_lock);
	return live;
}

/* fn (its stack: st, fn innermost) was called on a context whose last
 * reference was put, or on NULL */
static void report_dead(const char *fn, const struct eventfd_ctx *ctx, const struct sim_stack *st)
{
	char now[4096], put[4096] = "", title[96];
	unsigned int i;

	sim_stack_format(st, now, sizeof(now));
	if (!ctx) {
		/* the kernel faults on the context's lock (the title is not an
		 * oops's: that would be read as the host's own crash) */
		snprintf(title, sizeof(title), "BUG: %s on a NULL eventfd context", fn);
		sim_report(title, "%s(NULL)\nCall Trace:\n%s", fn, now);
		return;
	}
	pthread_mutex_lock(&ctx_lock);
	for (i = 1; i <= DEAD_CTX; i++) {
		unsigned int k = (dead_next + DEAD_CTX - i) % DEAD_CTX;

		if (dead_ctx[k].ctx == ctx) {
			sim_stack_format(&dead_ctx[k].put, put, sizeof(put));
			break;
		}
	}
	pthread_mutex_unlock(&ctx_lock);
	snprintf(title, sizeof(title), "BUG: %s on an eventfd context already put", fn);
	sim_report(title, "%s(%p) after the last reference was put (freed memory once the VMM closes its descriptor)\n"
		   "Call Trace:\n%s\nFreed by task (the last eventfd_ctx_put):\n%s",
		   fn, ctx, now, put[0] ? put : " (not recorded)\n");
}

static bool is_eventfd(int fd)
{
	char path[64], target[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = 0;
	return strcmp(target, "anon_inode:[eventfd]") == 0;
}

struct eventfd_ctx *eventfd_ctx_fdget(int fd)
{
	struct eventfd_ctx *ctx;
	int dup;

	SIM_FAIL_FUNCTION(eventfd_ctx_fdget, struct eventfd_ctx *);
	if (fd < 0 || fcntl(fd, F_GETFD) < 0)
		return ERR_PTR(-EBADF);
	if (!is_eventfd(fd))
		return ERR_PTR(-EINVAL);
	/* the kernel's context exists with the file: no fault site */
	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL | __GFP_NOFAIL);
	if (!ctx)
		return ERR_PTR(-ENOMEM);
	dup = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (dup < 0) {
		kfree(ctx);
		return ERR_PTR(-EMFILE);
	}
	ctx->fd = dup;
	ctx->user_fd = fd;
	ctx->refs = 1;
	pthread_mutex_lock(&ctx_lock);
	list_add(&ctx->node, &live_ctx);
	pthread_mutex_unlock(&ctx_lock);
	sim_ref_get(SIM_REF_EVENTFD, ctx, NULL, __builtin_return_address(0));
	return ctx;
}

void eventfd_ctx_put(struct eventfd_ctx *ctx)
{
	struct sim_stack st;

	sim_stack_save(&st, 0);
	if (!ctx_live(ctx)) {
		report_dead("eventfd_ctx_put", ctx, &st);
		return;
	}
	sim_ref_put(SIM_REF_EVENTFD, ctx, __builtin_return_address(0));
	if (__atomic_sub_fetch(&ctx->refs, 1, __ATOMIC_SEQ_CST) == 0) {
		pthread_mutex_lock(&ctx_lock);
		list_del(&ctx->node);
		dead_ctx[dead_next].ctx = ctx;
		dead_ctx[dead_next].put = st;
		dead_next = (dead_next + 1) % DEAD_CTX;
		pthread_mutex_unlock(&ctx_lock);
		close(ctx->fd);
		kfree(ctx);
	}
}

/*
 * The write wakes the VMM, which may at once drop the driver's reference
 * (SET_IRQS with fd -1) and free this context: nothing of ctx is touched
 * after the write.  (In the kernel the open file keeps the context alive
 * longer; this shim frees it at the driver's last put.)
 */
struct sim_waitq sim_eventfd_wq = SIM_WAITQ_INIT(sim_eventfd_wq);

void (*sim_eventfd_observer)(int user_fd);

static void do_signal(struct eventfd_ctx *ctx, unsigned long long n, const struct sim_stack *st)
{
	int fd;

	if (!ctx_live(ctx)) {
		report_dead("eventfd_signal", ctx, st);
		return;
	}
	fd = ctx->fd;

	ctx->signals++;
	if (sim_eventfd_observer)
		sim_eventfd_observer(ctx->user_fd);
	if (write(fd, &n, sizeof(n)) != sizeof(n))
		sim_report("WARNING in eventfd_signal", "eventfd_signal: write to eventfd %d failed\n", fd);
	/* the readers (the VMM models) wait in the scheduler, not in poll(2) */
	sched_lock();
	sched_wake_all(&sim_eventfd_wq);
	sched_unlock();
}

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
void eventfd_signal(struct eventfd_ctx *ctx)
{
	struct sim_stack st;

	sim_stack_save(&st, 0);
	do_signal(ctx, 1, &st);
}
#else
__u64 eventfd_signal(struct eventfd_ctx *ctx, __u64 n)
{
	struct sim_stack st;

	sim_stack_save(&st, 0);
	do_signal(ctx, n, &st);
	return n;
}
#endif
