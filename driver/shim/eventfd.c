// SPDX-License-Identifier: GPL-2.0
/*
 * eventfd contexts over real eventfd(2) descriptors of this process: the
 * VMM model creates an eventfd and hands its number to the driver through
 * VFIO_DEVICE_SET_IRQS; eventfd_signal writes to it and the VMM polls it.
 * References are counted; the last put closes the duplicate taken at fdget.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/eventfd.h>
#include <sim/fault.h>
#include <sim/report.h>
#include <sim/ref.h>
#include <sim/sched.h>

struct eventfd_ctx {
	int fd;
	int user_fd;	/* the descriptor the VMM registered */
	int refs;
	unsigned long long signals;
};

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
	sim_ref_get(SIM_REF_EVENTFD, ctx, NULL, __builtin_return_address(0));
	return ctx;
}

void eventfd_ctx_put(struct eventfd_ctx *ctx)
{
	sim_ref_put(SIM_REF_EVENTFD, ctx, __builtin_return_address(0));
	if (__atomic_sub_fetch(&ctx->refs, 1, __ATOMIC_SEQ_CST) == 0) {
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

static void do_signal(struct eventfd_ctx *ctx, unsigned long long n)
{
	int fd = ctx->fd;

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
	do_signal(ctx, 1);
}
#else
__u64 eventfd_signal(struct eventfd_ctx *ctx, __u64 n)
{
	do_signal(ctx, n);
	return n;
}
#endif
