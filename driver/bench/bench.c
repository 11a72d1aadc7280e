// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ap-bench: throughput and start-up figures of the simulated host,
 * measured inside one process so that ratios compare like with like.
 *
 *   vfio-ap-bench ops THREADS OPS [AxD] [nolockdep]
 *                                         sysfs stores per second: each thread
 *                                         assigns and unassigns domains on its
 *                                         own mdev (the driver's real store
 *                                         functions, under its real locks)
 *   vfio-ap-bench sched random|pct THREADS OPS
 *                                         the same stores under the
 *                                         deterministic scheduler: stores,
 *                                         scheduling points and task switches
 *                                         per second
 *   vfio-ap-bench boot AxD                host start-up: seconds until every
 *                                         queue is bound, and peak RSS
 *
 * Output: one "key value" line per figure, for bench.sh to combine.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <sim/host.h>
#include <sim/sched.h>

#define MDEV_DIR "/sys/devices/vfio_ap/matrix/"
#define CREATE MDEV_DIR "mdev_supported_types/vfio_ap-passthrough/create"

static int domains = 16;
static long ops_per_thread;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what, long rc)
{
	fprintf(stderr, "vfio-ap-bench: %s failed (%ld)\n", what, rc);
	exit(1);
}

/* The paths and values are formatted before the clock starts: the figure
 * is the host's cost of a store, not snprintf's. */
static void *worker(void *arg)
{
	long t = (long)arg, i;
	char assign[256], unassign[256], val[256][24];

	snprintf(assign, sizeof(assign), MDEV_DIR "bbbbbbbb-0000-0000-0000-%012lx/assign_domain", t);
	snprintf(unassign, sizeof(unassign), MDEV_DIR "bbbbbbbb-0000-0000-0000-%012lx/unassign_domain", t);
	for (i = 0; i < domains; i++)
		snprintf(val[i], sizeof(val[i]), "%ld", i);
	for (i = 0; i < ops_per_thread / 2; i++) {
		ssize_t rc;

		rc = simhost_write(assign, val[i % domains]);
		if (rc < 0)
			die("assign_domain", rc);
		rc = simhost_write(unassign, val[i % domains]);
		if (rc < 0)
			die("unassign_domain", rc);
	}
	return NULL;
}

static int bench_ops(int threads, long ops, int adapters, bool det)
{
	struct task *task[64];
	pthread_t tid[64];
	char uuid[64], path[256], val[16];
	double t0, t1;
	long t;
	ssize_t rc;

	ops_per_thread = ops / threads;
	if ((rc = simhost_boot(adapters, domains)))
		die("boot", rc);
	if ((rc = simhost_write("/sys/bus/ap/apmask", "0x0")) < 0)
		die("apmask", rc);
	for (t = 0; t < threads; t++) {
		snprintf(uuid, sizeof(uuid), "bbbbbbbb-0000-0000-0000-%012lx", t);
		if ((rc = simhost_write(CREATE, uuid)) < 0)
			die("create", rc);
		/* each mdev its own adapter, so that no assignment overlaps */
		snprintf(path, sizeof(path), MDEV_DIR "%s/assign_adapter", uuid);
		snprintf(val, sizeof(val), "%d", (int)t);
		if ((rc = simhost_write(path, val)) < 0)
			die("assign_adapter", rc);
	}
	t0 = now();
	for (t = 0; t < threads; t++) {
		if (det)
			task[t] = sim_thread_start("bench", worker, (void *)t);
		else
			pthread_create(&tid[t], NULL, worker, (void *)t);
	}
	for (t = 0; t < threads; t++) {
		if (det)
			sim_thread_join(task[t]);
		else
			pthread_join(tid[t], NULL);
	}
	t1 = now();
	printf("ops_per_second %.0f\n", (double)(ops_per_thread / 2 * 2 * threads) / (t1 - t0));
	if (det) {
		unsigned long long steps, switches, digest;

		sim_sched_stats(&steps, &switches, &digest);
		printf("schedules_per_second %.0f\n", steps / (t1 - t0));
		printf("switches_per_second %.0f\n", switches / (t1 - t0));
	}
	simhost_shutdown();
	return 0;
}

static int bench_boot(int adapters, int doms)
{
	struct rusage ru;
	char buf[64];
	double t0 = now();
	int rc = simhost_boot(adapters, doms);

	if (rc)
		die("boot", rc);
	simhost_settle();
	if (simhost_read("/sys/bus/ap/bindings", buf, sizeof(buf)) < 0 || !strstr(buf, "complete"))
		die("bindings complete", -1);
	printf("boot_seconds %.3f\n", now() - t0);
	getrusage(RUSAGE_SELF, &ru);
	printf("peak_rss_kib %ld\n", ru.ru_maxrss);
	return 0;
}

int main(int argc, char **argv)
{
	int a = 4, d = 16;

	if (argc >= 4 && argc <= 6 && !strcmp(argv[1], "ops")) {
		int threads = atoi(argv[2]);
		long ops = atol(argv[3]);

		if (argc == 6 && !strcmp(argv[5], "nolockdep")) {
			simhost_set_lockdep(false);
			argc--;
		}
		if (threads < 1 || threads > 64 || ops < 2 * threads || argc == 6 ||
		    (argc == 5 && simhost_parse_config(argv[4], &a, &d)) || threads > a) {
			fprintf(stderr, "vfio-ap-bench: ops THREADS(1..64, at most one per adapter) OPS(>=2 per thread) [AxD] [nolockdep]\n");
			return 2;
		}
		domains = d;
		return bench_ops(threads, ops, a, false);
	}
	if (argc == 5 && !strcmp(argv[1], "sched")) {
		int threads = atoi(argv[3]);
		long ops = atol(argv[4]);
		bool pct = !strcmp(argv[2], "pct");

		if ((!pct && strcmp(argv[2], "random")) || threads < 1 || threads > a ||
		    ops < 2 * threads) {
			fprintf(stderr, "vfio-ap-bench: sched random|pct THREADS(1..4) OPS(>=2 per thread)\n");
			return 2;
		}
		sim_sched_deterministic(pct ? SIM_SCHED_PCT : SIM_SCHED_RANDOM, 1, 3, 20000);
		return bench_ops(threads, ops, a, true);
	}
	if (argc == 3 && !strcmp(argv[1], "boot")) {
		if (simhost_parse_config(argv[2], &a, &d)) {
			fprintf(stderr, "vfio-ap-bench: boot: '%s' is not AxD (1..256 each)\n", argv[2]);
			return 2;
		}
		return bench_boot(a, d);
	}
	fprintf(stderr, "usage: vfio-ap-bench ops THREADS OPS [AxD] [nolockdep] | sched random|pct THREADS OPS | boot AxD\n");
	return 2;
}
