// SPDX-License-Identifier: GPL-2.0
/*
 * The two backends behind libvfioap's I/O primitives: the simulated host
 * in this process, and the running kernel through sysfs under a root
 * directory, /dev/kmsg and libkmod.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <libkmod.h>
#include <sim/fixes.h>
#include <sim/host.h>
#include <sim/edges.h>
#include <sim/stack.h>
#include <sim/report.h>
#include "vfio_ap.h"
#include "internal.h"

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void vap_free_list(char **names)
{
	char **p;

	for (p = names; p && *p; p++)
		free(*p);
	free(names);
}

/* ---------------------------------------------------------------- sim */

static bool sim_booted;

int vap_sim_config_check(char *err, size_t errlen)
{
	const char *cfg = getenv("VFIO_AP_SIM_CONFIG");
	int a, d;

	if (cfg && simhost_parse_config(cfg, &a, &d)) {
		snprintf(err, errlen, "VFIO_AP_SIM_CONFIG='%s': expected ADAPTERSxDOMAINS, each 1..256", cfg);
		return -EINVAL;
	}
	return 0;
}

static int sim_open(struct vap_host *h, char *err, size_t errlen)
{
	const char *cfg = getenv("VFIO_AP_SIM_CONFIG");
	int a = 4, d = 16, rc;

	/* one simulated host per process */
	if (sim_booted) {
		snprintf(err, errlen, "the simulated host is already open in this process");
		return -EBUSY;
	}
	if (cfg && simhost_parse_config(cfg, &a, &d)) {
		snprintf(err, errlen, "VFIO_AP_SIM_CONFIG='%s': expected ADAPTERSxDOMAINS, each 1..256", cfg);
		return -EINVAL;
	}
#ifdef VAP_KNOWN_ISSUES
	if (simhost_known_load(VAP_KNOWN_ISSUES, err, errlen))
		return -EINVAL;
#endif
	rc = simhost_boot(a, d);
	if (rc) {
		snprintf(err, errlen, "simulated host did not boot: %s", strerror(-rc));
		return rc;
	}
	sim_booted = true;
	h->kind = VAP_SIM;
	return 0;
}

/* --------------------------------------------------------------- linux */

static void real_path(const struct vap_host *h, const char *path, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", strcmp(h->root, "/") ? h->root : "", path);
}

static int linux_open(struct vap_host *h, char *err, size_t errlen)
{
	const char *root = getenv("VFIO_AP_SYSFS_ROOT");
	char kmsg[4096];
	struct stat st;

	snprintf(h->root, sizeof(h->root), "%s", root && *root ? root : "/");
	/* a root given as "DIR/" names the same tree as "DIR" */
	while (strlen(h->root) > 1 && h->root[strlen(h->root) - 1] == '/')
		h->root[strlen(h->root) - 1] = 0;
	real_path(h, "/sys/bus/ap", kmsg, sizeof(kmsg));
	if (stat(kmsg, &st) || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: no AP bus here (not an s390 host; VFIO_AP_SYSFS_ROOT=%s)",
			 kmsg, h->root);
		return -ENODEV;
	}
	/* the kernel log: the host's own, or the one a mounted sim serves */
	real_path(h, "/dev/kmsg", kmsg, sizeof(kmsg));
	h->kmsg_fd = open(kmsg, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (h->kmsg_fd >= 0 && !strcmp(h->root, "/"))
		lseek(h->kmsg_fd, 0, SEEK_END);
	h->kind = VAP_LINUX;
	return 0;
}

/* --------------------------------------------------------------- common */

static bool s390_with_vfio_ap(void)
{
	struct utsname u;

	return !uname(&u) && !strcmp(u.machine, "s390x") &&
	       (access("/sys/module/vfio_ap", F_OK) == 0 || access("/sys/bus/ap", F_OK) == 0);
}

const char *vap_host_default(void)
{
	const char *kind = getenv("VFIO_AP_HOST");

	if (kind && *kind)
		return kind;
	return s390_with_vfio_ap() ? "linux" : "sim";
}

struct vap_host *vap_open(const char *kind, char *err, size_t errlen)
{
	struct vap_host *h = calloc(1, sizeof(*h));
	int rc;

	if (!h) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	h->kmsg_fd = -1;
	h->journal_fd = -1;
	if (!kind || !*kind)
		kind = vap_host_default();
	if (!strcmp(kind, "sim")) {
		rc = sim_open(h, err, errlen);
	} else if (!strcmp(kind, "linux")) {
		rc = linux_open(h, err, errlen);
	} else {
		snprintf(err, errlen, "VFIO_AP_HOST='%s': expected sim or linux", kind);
		rc = -EINVAL;
	}
	if (rc) {
		free(h);
		return NULL;
	}
	return h;
}

void vap_close(struct vap_host *h)
{
	if (!h)
		return;
	if (h->kmsg_fd >= 0)
		close(h->kmsg_fd);
	if (h->journal_fd >= 0)
		close(h->journal_fd);
	free(h->log);
	free(h);
}

enum vap_kind vap_kind(const struct vap_host *h)
{
	return h->kind;
}

const char *vap_kind_name(const struct vap_host *h)
{
	return h->kind == VAP_SIM ? "sim" : "linux";
}

ssize_t vap_read(struct vap_host *h, const char *path, char *buf, size_t len)
{
	char p[4096];
	ssize_t n;
	int fd;

	if (h->kind == VAP_SIM)
		return simhost_read(path, buf, len);
	real_path(h, path, p, sizeof(p));
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len ? len - 1 : 0);
	if (n < 0)
		n = -errno;
	else if (len)
		buf[n] = 0;
	close(fd);
	return n;
}

/*
 * The journal's own test: VFIO_AP_CRASH_AFTER=N kills the session (run the
 * program under setsid) with SIGKILL right after the Nth journaled change
 * (no handler runs, as in a crash), leaving the journal for `make restore`.
 */
static void crash_point(struct vap_host *h)
{
	const char *s = getenv("VFIO_AP_CRASH_AFTER");

	if (h->journal_fd >= 0 && s && ++h->changes == atol(s)) {
		/* VFIO_AP_CRASH_SIGNAL=TERM: an orderly kill instead */
		const char *sig = getenv("VFIO_AP_CRASH_SIGNAL");
		int signo = sig && !strcmp(sig, "TERM") ? SIGTERM : SIGKILL;

		/* the session (a test harness puts each test in a process
		 * group of its own), then this process's group */
		kill(-getsid(0), signo);
		kill(0, signo);
	}
}

int vap_write(struct vap_host *h, const char *path, const char *value)
{
	char p[4096], v[4096];
	ssize_t n;
	int fd;

	if (h->journal_fd >= 0) {
		int rc = vap_journal_write(h, path, value);

		if (rc)
			return rc;
	}
	if (h->kind == VAP_SIM) {
		n = simhost_write(path, value);
		return n < 0 ? (int)n : 0;
	}
	real_path(h, path, p, sizeof(p));
	snprintf(v, sizeof(v), "%s\n", value);
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, v, strlen(v));
	n = n < 0 ? -errno : 0;
	close(fd);
	crash_point(h);
	return (int)n;
}

int vap_writef(struct vap_host *h, const char *path, const char *fmt, ...)
{
	char v[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v, sizeof(v), fmt, ap);
	va_end(ap);
	return vap_write(h, path, v);
}

int vap_list(struct vap_host *h, const char *dir, char ***names)
{
	struct dirent *e;
	char p[4096];
	char **v = NULL;
	int n = 0;
	DIR *d;

	if (h->kind == VAP_SIM)
		return simhost_ls(dir, names);
	real_path(h, dir, p, sizeof(p));
	d = opendir(p);
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		char **nv;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		nv = realloc(v, (n + 2) * sizeof(*v));
		if (!nv)
			break;
		v = nv;
		v[n++] = strdup(e->d_name);
		v[n] = NULL;
	}
	closedir(d);
	if (!v)
		v = calloc(1, sizeof(*v));
	qsort(v, n, sizeof(*v), cmpstr);
	*names = v;
	return n;
}

bool vap_exists(struct vap_host *h, const char *path)
{
	char p[4096];

	if (h->kind == VAP_SIM) {
		char **names;
		char dir[4096];
		const char *base = strrchr(path, '/');
		bool found = false;
		int i, n;

		if (!base)
			return false;
		snprintf(dir, sizeof(dir), "%.*s", (int)(base - path), path);
		n = simhost_ls(dir[0] ? dir : "/", &names);
		for (i = 0; i < n; i++)
			found |= !strcmp(names[i], base + 1);
		if (n >= 0)
			vap_free_list(names);
		return found;
	}
	real_path(h, path, p, sizeof(p));
	return access(p, F_OK) == 0;
}

void vap_settle(struct vap_host *h)
{
	char buf[64];
	int i;

	if (h->kind == VAP_SIM) {
		simhost_settle();
		return;
	}
	/* the AP bus says when its initial bindings are complete */
	for (i = 0; i < 300; i++) {
		if (vap_read(h, "/sys/bus/ap/bindings", buf, sizeof(buf)) < 0 || strstr(buf, "complete"))
			return;
		usleep(10000);
	}
}

/* The log, gathered: the sim's whole log, or what /dev/kmsg gave since
 * open (each record's text after its "prio,seq,ts,flags;" prefix). */
static void log_gather(struct vap_host *h)
{
	if (h->kind == VAP_SIM) {
		free(h->log);
		h->log = simhost_log();
		h->log_len = h->log ? strlen(h->log) : 0;
		return;
	}
	if (h->kmsg_fd < 0)
		return;
	for (;;) {
		char rec[8192];
		ssize_t n = read(h->kmsg_fd, rec, sizeof(rec) - 1);
		const char *text;
		char *nl;

		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on with the next */
		if (n <= 0)
			break;
		rec[n] = 0;
		if (strcmp(h->root, "/")) {
			/* a mounted sim serves its log as plain text */
			text = rec;
		} else {
			/* one record per read: "prio,seq,usec,flags;text" */
			text = strchr(rec, ';');
			text = text ? text + 1 : rec;
			nl = strchr(text, '\n');
			if (nl)
				nl[1] = 0;
		}
		n = strlen(text);
		if (h->log_len + n + 1 > h->log_cap) {
			size_t cap = (h->log_cap + n + 1) * 2;
			char *nlog = realloc(h->log, cap);

			if (!nlog)
				break;
			h->log = nlog;
			h->log_cap = cap;
		}
		memcpy(h->log + h->log_len, text, n + 1);
		h->log_len += n;
	}
}

size_t vap_log_mark(struct vap_host *h)
{
	log_gather(h);
	return h->log_len;
}

char *vap_log_since(struct vap_host *h, size_t mark)
{
	log_gather(h);
	if (!h->log || mark > h->log_len)
		return strdup("");
	return strdup(h->log + mark);
}

/* libkmod: load and unload vfio_ap as modprobe/rmmod would */
static int kmod_op(bool load)
{
	struct kmod_ctx *ctx = kmod_new(NULL, NULL);
	struct kmod_module *mod = NULL;
	int rc;

	if (!ctx)
		return -ENOMEM;
	rc = kmod_module_new_from_name(ctx, "vfio_ap", &mod);
	if (!rc)
		rc = load ? kmod_module_probe_insert_module(mod, KMOD_PROBE_IGNORE_LOADED,
							    NULL, NULL, NULL, NULL) :
			    kmod_module_remove_module(mod, 0);
	if (mod)
		kmod_module_unref(mod);
	kmod_unref(ctx);
	return rc > 0 ? -rc : rc;
}

int vap_modprobe(struct vap_host *h)
{
	if (h->kind == VAP_SIM)
		return simhost_modprobe();
	if (strcmp(h->root, "/"))
		return -EOPNOTSUPP;	/* not this machine's kernel */
	return kmod_op(true);
}

int vap_rmmod(struct vap_host *h)
{
	if (h->kind == VAP_SIM)
		return simhost_rmmod();
	if (strcmp(h->root, "/"))
		return -EOPNOTSUPP;
	return kmod_op(false);
}

/* The guest table: a slot is claimed and released under this lock, never
 * held across a call into the host (the deterministic scheduler would
 * stall on it). */
static pthread_mutex_t guests_mutex = PTHREAD_MUTEX_INITIALIZER;

int vap_guest_start(struct vap_host *h, const char *name, const char *uuid, int vcpus)
{
	return vap_guest_start_opts(h, name, uuid, vcpus, true);
}

int vap_guest_start_opts(struct vap_host *h, const char *name, const char *uuid, int vcpus,
			 bool own_aqic)
{
	size_t i;
	int rc;

	pthread_mutex_lock(&guests_mutex);
	for (i = 0; i < sizeof(h->guests) / sizeof(h->guests[0]) && h->guests[i].name[0]; i++)
		;
	if (i < sizeof(h->guests) / sizeof(h->guests[0]))
		snprintf(h->guests[i].name, sizeof(h->guests[i].name), "%s", name);
	pthread_mutex_unlock(&guests_mutex);
	if (i == sizeof(h->guests) / sizeof(h->guests[0]))
		return -ENOSPC;
	if (h->kind == VAP_SIM)
		rc = simhost_guest_start(name, uuid, vcpus, own_aqic);
	else
		rc = linux_guest_start(h, name, uuid, vcpus);
	pthread_mutex_lock(&guests_mutex);
	if (!rc)
		snprintf(h->guests[i].uuid, sizeof(h->guests[i].uuid), "%s", uuid);
	else
		h->guests[i].name[0] = 0;
	pthread_mutex_unlock(&guests_mutex);
	return rc;
}

int vap_guest_stop(struct vap_host *h, const char *name)
{
	size_t i;
	int rc;

	if (h->kind == VAP_SIM)
		rc = simhost_guest_stop(name);
	else
		rc = linux_guest_stop(h, name);
	pthread_mutex_lock(&guests_mutex);
	for (i = 0; i < sizeof(h->guests) / sizeof(h->guests[0]); i++)
		if (!rc && !strcmp(h->guests[i].name, name))
			h->guests[i].name[0] = 0;
	pthread_mutex_unlock(&guests_mutex);
	return rc;
}

int vap_guest_reopen(struct vap_host *h, const char *name)
{
	if (h->kind == VAP_SIM)
		return simhost_guest_reopen(name);
	return -EOPNOTSUPP;
}

int vap_guest_reach(struct vap_host *h, const char *name, struct vap_matrix *m)
{
	char buf[1 << 16];
	int rc;

	if (h->kind != VAP_SIM)
		return linux_guest_reach(h, name, m);
	rc = simhost_guest_show(name, buf, sizeof(buf));
	if (rc < 0)
		return rc;
	return vap_matrix_parse(buf, m);
}

int vap_guest_cfg_signals(struct vap_host *h, const char *name, unsigned long *signals)
{
	unsigned long changes;
	bool registered;
	int rc;

	if (h->kind != VAP_SIM)
		return linux_guest_cfg_signals(h, name, signals);
	rc = simhost_guest_events(name, signals, &changes, &registered);
	return rc ? rc : registered ? 0 : -EOPNOTSUPP;
}

/* The sim's enum and descriptor choices are lib's, one for one. */
_Static_assert(VAP_FD_VMM == SIMHOST_FD_VMM && VAP_FD_NOT_EVENTFD == SIMHOST_FD_NOT_EVENTFD &&
	       VAP_FD_CLOSED == SIMHOST_FD_CLOSED && (int)VAP_OTHER_IOCTL == (int)SIMHOST_OTHER_IOCTL,
	       "lib's and the sim's ioctl choices differ");

int vap_guest_ioctl(struct vap_host *h, const char *name, enum vap_ioctl op,
		    struct vap_ioctl_args *a)
{
	struct simhost_ioctl_args s = {
		.argsz = a->argsz, .flags = a->flags, .index = a->index,
		.start = a->start, .count = a->count, .fd = a->fd,
	};
	long rc;

	if (h->kind != VAP_SIM)
		return -EOPNOTSUPP;
	rc = simhost_guest_ioctl(name, (enum simhost_ioctl)op, &s);
	a->out_flags = s.out_flags;
	a->num_regions = s.num_regions;
	a->num_irqs = s.num_irqs;
	a->irq_count = s.irq_count;
	return (int)rc;
}

void vap_ioctl_set_irqs_args(struct vap_ioctl_args *a, unsigned int index, int fd)
{
	memset(a, 0, sizeof(*a));
	/* VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER */
	a->flags = 0x4 | 0x20;
	a->index = index;
	a->count = 1;
	a->fd = fd;
}

long vap_guest_dma_map(struct vap_host *h, const char *name, unsigned long long iova,
		       unsigned long long size)
{
	return h->kind == VAP_SIM ? simhost_guest_dma(name, true, iova, size) : -EOPNOTSUPP;
}

long vap_guest_dma_unmap(struct vap_host *h, const char *name, unsigned long long iova,
			 unsigned long long size)
{
	return h->kind == VAP_SIM ? simhost_guest_dma(name, false, iova, size) : -EOPNOTSUPP;
}

int vap_guest_pinned(struct vap_host *h, const char *name)
{
	return h->kind == VAP_SIM ? simhost_guest_pinned(name) : -EOPNOTSUPP;
}

int vap_guest_attach_second(struct vap_host *h, const char *name, const char *uuid)
{
	return h->kind == VAP_SIM ? simhost_guest_attach(name, uuid) : -EOPNOTSUPP;
}

int vap_guest_pqap(struct vap_host *h, const char *name, int vcpu, int adapter, int domain,
		   bool enable, unsigned long nib)
{
	if (adapter < 0 || adapter > 255 || domain < 0 || domain > 255)
		return -EINVAL;
	if (h->kind != VAP_SIM)
		return -EOPNOTSUPP;
	return simhost_guest_pqap(name, vcpu, adapter << 8 | domain, enable, nib);
}

int vap_ap_config(struct vap_host *h, bool adapter, int id, bool on)
{
	char path[128];

	if (id < 0 || id > 255)
		return -EINVAL;
	if (h->kind == VAP_SIM)
		return simhost_hw(adapter ? (on ? "add-adapter" : "remove-adapter") :
				  (on ? "add-domain" : "remove-domain"), id);
	if (!adapter)
		return -EOPNOTSUPP;
	snprintf(path, sizeof(path), "/sys/bus/ap/devices/card%02x/config", id);
	if (!vap_exists(h, path))
		return -EOPNOTSUPP;
	return vap_write(h, path, on ? "1" : "0");
}

int vap_sim_deterministic(const char *policy, unsigned long long seed)
{
	if (strcmp(policy, "random") && strcmp(policy, "pct"))
		return -EINVAL;
	return simhost_deterministic(!strcmp(policy, "pct"), seed) ? -EINVAL : 0;
}

void vap_sim_seed(unsigned long long seed)
{
	simhost_seed(seed);
}

struct vap_thread *vap_thread_start(struct vap_host *h, const char *name,
				    void *(*fn)(void *), void *arg)
{
	pthread_t *t;

	if (h->kind == VAP_SIM)
		return (struct vap_thread *)simhost_thread_start(name, fn, arg);
	t = malloc(sizeof(*t));
	if (t && pthread_create(t, NULL, fn, arg)) {
		free(t);
		t = NULL;
	}
	return (struct vap_thread *)t;
}

void *vap_thread_join(struct vap_host *h, struct vap_thread *t)
{
	void *ret = NULL;

	if (h->kind == VAP_SIM)
		return simhost_thread_join(t);
	pthread_join(*(pthread_t *)t, &ret);
	free(t);
	return ret;
}

_Static_assert(VAP_EDGE_MAP_SIZE == SIM_EDGE_MAP_SIZE, "one edge map size");

bool vap_sim_edges(unsigned char *map)
{
	return sim_edges_attach(map);
}

void vap_sim_edges_step(unsigned int *step)
{
	sim_edges_step(step);
}

void vap_sim_edges_tag(unsigned int tag)
{
	sim_edges_tag(tag);
}

const char *vap_sim_kernel(void)
{
	return simhost_kernel_version();
}

const char *vap_sim_fixes(void)
{
	static char buf[512];
	const struct sim_driver_fix *const *f;
	size_t used = 0;
	int n, i;

	f = sim_driver_fixes(&n);
	buf[0] = 0;
	for (i = 0; i < n && used < sizeof(buf); i++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s %s", i ? ", " : "",
					 f[i]->id, f[i]->name);
	return buf;
}

void vap_sim_log_save(void)
{
	sim_log_save_on_death();
}

int vap_findings(struct vap_host *h, struct vap_finding **out)
{
	struct vap_finding *f;
	int n, i;

	*out = NULL;
	if (h->kind != VAP_SIM)
		return 0;
	n = simhost_nr_findings();
	f = calloc(n ? n : 1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const char *body, *known, *title = simhost_finding(i, &body, &known);

		f[i].title = strdup(title);
		f[i].report = strdup(body);
		f[i].known = known;
	}
	*out = f;
	return n;
}

int vap_symbolize(void *const *pcs, int n, char *buf, size_t len)
{
	struct sim_stack st;

	if (n > SIM_STACK_DEPTH)
		n = SIM_STACK_DEPTH;
	st.n = n;
	memcpy(st.pc, pcs, sizeof(*pcs) * (size_t)n);
	sim_stack_format(&st, buf, len);
	return 0;
}

const char *vap_known_match(const char *title, const char *report)
{
	static int loaded;
	char err[256];

#ifdef VAP_KNOWN_ISSUES
	if (!loaded)
		loaded = simhost_known_load(VAP_KNOWN_ISSUES, err, sizeof(err)) ? -1 : 1;
#else
	(void)err;
	loaded = -1;
#endif
	return loaded > 0 ? simhost_known_match(title, report) : NULL;
}

const char *vap_report_anchor(const char *report, char *buf, size_t len)
{
	return simhost_report_anchor(report, buf, len);
}

int vap_crash_title(const char *out, char *why, size_t len)
{
	return simhost_crash_title(out, why, len);
}

void vap_log_reports(const char *log, void (*fn)(const char *title, const char *report, void *arg),
		     void *arg)
{
	simhost_log_reports(log, fn, arg);
}

int vap_nr_findings(struct vap_host *h)
{
	return h->kind == VAP_SIM ? simhost_nr_findings() : 0;
}

void vap_sleep_ms(struct vap_host *h, long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	if (h->kind == VAP_SIM)
		simhost_sleep_ms(ms);
	else
		nanosleep(&ts, NULL);
}

void vap_findings_free(struct vap_finding *f, int n)
{
	int i;

	for (i = 0; f && i < n; i++) {
		free(f[i].title);
		free(f[i].report);
	}
	free(f);
}

int vap_lockgraph(struct vap_host *h, FILE *out)
{
	if (h->kind != VAP_SIM)
		return -EOPNOTSUPP;
	simhost_lockgraph(out);
	return 0;
}

int vap_ap_inject(struct vap_host *h, const char *insn, int adapter, int domain, int rc,
		  long times, int probability)
{
	struct aphw_inject r = { 0 };

	if (h->kind != VAP_SIM)
		return -EOPNOTSUPP;	/* a real machine answers what it answers */
	if (!strcmp(insn, "tapq"))
		r.insns = 1 << APHW_TAPQ;
	else if (!strcmp(insn, "zapq"))
		r.insns = 1 << APHW_ZAPQ;
	else if (!strcmp(insn, "aqic"))
		r.insns = 1 << APHW_AQIC;
	else if (!strcmp(insn, "all"))
		r.insns = 1 << APHW_TAPQ | 1 << APHW_ZAPQ | 1 << APHW_AQIC;
	else
		return -EINVAL;
	if (rc < 1 || rc > 0xff || probability < 0 || probability > 100)
		return -EINVAL;
	r.qid = adapter < 0 ? -1 : (adapter << 8 | domain);
	r.rc = (unsigned int)rc;
	r.times = times;
	r.probability = (unsigned int)probability;
	return simhost_hw_inject(&r);
}

int backend_check(struct vap_host *h, FILE *out)
{
	int known;

	if (h->kind == VAP_SIM)
		return simhost_check(out, &known);
	return 0;
}
