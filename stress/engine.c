// SPDX-License-Identifier: GPL-2.0
/*
 * The stress engine: one case is a seed's run on a freshly booted host.
 * Worker threads (the sim's tasks, so --deterministic replays a case from
 * its seed) draw weighted operations on the adapters and domains of the
 * host: masks, queue bind/unbind, mdev create/remove, assignments, guests
 * started and stopped, the VMM closing and reopening the device, AP
 * configuration changes, module unload and load.  Every answer must be one
 * the kernel documents for the operation.  A watcher thread follows the
 * host's own checks while the workers run (the vCPUs check isolation at
 * every instruction, the lock validator every acquisition) and ends the
 * case at the first finding; after every round, with the workers stopped,
 * the whole oracle runs.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "engine.h"

const struct ap_code stress_ap_codes[NR_AP_CODES] = {
	{ "aqic", "busy", 0x05 }, { "aqic", "reset", 0x02 },
	{ "aqic", "deconfigured", 0x03 }, { "aqic", "checkstopped", 0x04 },
	{ "zapq", "reset", 0x02 }, { "zapq", "deconfigured", 0x03 },
	{ "zapq", "checkstopped", 0x04 },
	{ "tapq", "deconfigured", 0x03 }, { "tapq", "checkstopped", 0x04 },
};

#define MDEVS_PER_WORKER 3

struct worker {
	int id;
	unsigned long long rng;		/* the running step's choices */
	const struct prog_step *steps;	/* the worker's program */
	int len, pos;
	char uuid[MDEVS_PER_WORKER][VAP_UUID_LEN + 1];
	bool guest_on[MDEVS_PER_WORKER];
	int vcpus[MDEVS_PER_WORKER];	/* of the slot's guest */
	long done[NR_OPS], failed[NR_OPS];
	struct json_object *errnos[NR_OPS];
	unsigned long created;
	int fail_nth;			/* a "fault" step armed the next one */
	bool armed;			/* the running step fails a fault site */
	char unexpected[4][256];
	int nunexpected;
};

static struct vap_host *host;
static const struct stress_params *P;
static int nadapters = 4, ndomains = 16;
/* the adapters and domains the workers use: 0..n-1 on the sim, the
 * allowlist's on a real host */
static int adapters[256], domains[256];
static volatile int stop_now;		/* the watcher saw a finding */
static volatile int round_over;
/* a queue may have answered the driver with a code other than 00: an
 * apcode step injected one (the model took the rule), or a config step
 * took an adapter or domain out of the configuration (its queues answer
 * 01 until the bus scan that follows removes them; a reset in between
 * ends in EIO, as one after an injected 01 does) */
static volatile int ap_abnormal;
static int guests_running;

void stress_defaults(struct stress_params *p)
{
	memset(p, 0, sizeof(*p));
	p->seed = 1;
	p->ops = 2000;
	p->threads = 2;
	p->vcpus = 2;
	p->guests = 4;
	for (int i = 0; i < NR_OPS; i++)
		p->weights[i] = op_weight(i);
}

int stress_parse_mix(struct stress_params *p, const char *s, char *bad, size_t badlen)
{
	char *copy = strdup(s), *tok, *save = NULL, *end;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		long w;
		int i;

		if (!eq)
			goto bad;
		*eq = 0;
		i = op_lookup(tok);
		w = strtol(eq + 1, &end, 10);
		if (i < 0 || *end || end == eq + 1 || w < 0 || w > 1000) {
			*eq = '=';
			goto bad;
		}
		p->weights[i] = (int)w;
	}
	free(copy);
	return 0;
bad:
	snprintf(bad, badlen, "%s", tok);
	free(copy);
	return -1;
}

void stress_format_mix(const struct stress_params *p, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = 0;
	for (i = 0; i < NR_OPS && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s=%d", i ? "," : "", op_name(i),
					p->weights[i]);
}

static int pick(struct worker *w, int n)
{
	return (int)(stress_rand(&w->rng) % (unsigned int)n);
}

static bool op_reaches_queues(enum op op);
static const int *op_ok(enum op op);

/* An answer the kernel documents for the operation (or the fault in
 * force adds), or an unexpected answer: a finding. */
static void judge(struct worker *w, enum op op, int rc, const int *ok, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void judge(struct worker *w, enum op op, int rc, const int *ok, const char *fmt, ...)
{
	char what[200], nb[16];
	va_list ap;
	int i;

	w->done[op]++;
	if (campaign_case_ops)
		__atomic_add_fetch(campaign_case_ops, 1, __ATOMIC_RELAXED);
	if (!rc)
		return;
	w->failed[op]++;
	json_count(w->errnos[op], errno_name(-rc, nb, sizeof(nb)), 1);
	for (i = 0; ok[i]; i++)
		if (rc == -ok[i])
			return;
	for (i = 0; P->extra_ok[i]; i++)
		if (rc == -P->extra_ok[i])
			return;
	/* a step after a "fault" step: its allocation failed */
	if (w->armed && rc == -ENOMEM)
		return;
	/* a queue that answered deconfigured or checkstopped is not probed,
	 * nor reset: an operation that probes or resets queues may say so
	 * once a code was injected */
	if (ap_abnormal && rc == -EIO && op_reaches_queues(op))
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (w->nunexpected < 4)
		snprintf(w->unexpected[w->nunexpected++], sizeof(w->unexpected[0]),
			 "%s: %s: %s (%s)", op_name(op), what, strerror(-rc),
			 errno_name(-rc, nb, sizeof(nb)));
}

/* A step being run: its worker, its operation and the choices its value
 * made (an adapter, a domain, one of the worker's mdev slots). */
struct step_ctx {
	struct worker *w;
	enum op op;
	unsigned int arg;	/* the step's value */
	int a, d, s;
	char name[32];		/* the guest of slot s */
};

static void judge_step(struct step_ctx *c, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The name of the guest of a worker's slot (its step_ctx name). */
static void slot_name(const struct worker *w, int s, char name[32])
{
	snprintf(name, 32, "w%d-g%d", w->id, s);
}

static void op_apmask(struct step_ctx *c)
{
	int rc = vap_writef(host, "/sys/bus/ap/apmask", "%c%d", pick(c->w, 2) ? '+' : '-', c->a);

	judge_step(c, rc, "adapter %d", c->a);
}

static void op_aqmask(struct step_ctx *c)
{
	int rc = vap_writef(host, "/sys/bus/ap/aqmask", "%c%d", pick(c->w, 2) ? '+' : '-', c->d);

	judge_step(c, rc, "domain %d", c->d);
}

static void op_bind(struct step_ctx *c)
{
	char path[128];
	int rc;

	snprintf(path, sizeof(path), VAP_DRV_DIR "/%s", pick(c->w, 2) ? "bind" : "unbind");
	rc = vap_writef(host, path, "%02x.%04x", c->a, c->d);
	judge_step(c, rc, "%s %02x.%04x", path, c->a, c->d);
}

static void op_create(struct step_ctx *c)
{
	struct worker *w = c->w;
	char *uuid = w->uuid[c->s];
	int rc;

	if (uuid[0])
		return;
	/* UUIDs from the step's value: a replay creates the same mdevs */
	snprintf(uuid, sizeof(w->uuid[0]), "%08x-%04x-4%03x-8%03x-%012llx",
		 (unsigned int)stress_rand(&w->rng), w->id, c->s, (unsigned int)(w->created++ & 0xfff),
		 stress_rand(&w->rng) & 0xffffffffffffULL);
	rc = vap_write(host, VAP_TYPE_DIR "/create", uuid);
	judge_step(c, rc, "slot %d", c->s);
	if (rc)
		uuid[0] = 0;
}

static void op_remove(struct step_ctx *c)
{
	char *uuid = c->w->uuid[c->s];
	int rc;

	if (!uuid[0] || c->w->guest_on[c->s])
		return;
	rc = vap_mdev_remove(host, uuid);
	judge_step(c, rc, "%s", uuid);
	/* gone, or gone already (a module unload removes every mdev) */
	if (!rc || rc == -ENOENT || rc == -ENODEV)
		uuid[0] = 0;
}

static void op_assign(struct step_ctx *c)
{
	static const char *const what[] = { "adapter", "domain", "control_domain" };
	const char *uuid = c->w->uuid[c->s];
	int k = pick(c->w, 3), id = k == 0 ? c->a : c->d, rc;

	if (!uuid[0])
		return;
	rc = c->op == OP_ASSIGN ? vap_mdev_assign(host, uuid, what[k], id) :
				  vap_mdev_unassign(host, uuid, what[k], id);
	judge_step(c, rc, "%s %s %d", uuid, what[k], id);
}

static void op_guest(struct step_ctx *c)
{
	struct worker *w = c->w;
	int rc;

	if (!P->guests || !w->uuid[c->s][0])
		return;
	if (w->guest_on[c->s]) {
		rc = vap_guest_stop(host, c->name);
		judge_step(c, rc, "stop %s", c->name);
		if (!rc) {
			w->guest_on[c->s] = false;
			__atomic_sub_fetch(&guests_running, 1, __ATOMIC_SEQ_CST);
		}
		return;
	}
	if (__atomic_add_fetch(&guests_running, 1, __ATOMIC_SEQ_CST) > P->guests) {
		__atomic_sub_fetch(&guests_running, 1, __ATOMIC_SEQ_CST);
		return;
	}
	w->vcpus[c->s] = 1 + pick(w, P->vcpus);
	rc = vap_guest_start(host, c->name, w->uuid[c->s], w->vcpus[c->s]);
	judge_step(c, rc, "start %s on %s", c->name, w->uuid[c->s]);
	if (!rc)
		w->guest_on[c->s] = true;
	else
		__atomic_sub_fetch(&guests_running, 1, __ATOMIC_SEQ_CST);
}

static void op_reopen(struct step_ctx *c)
{
	if (!c->w->guest_on[c->s])
		return;
	judge_step(c, vap_guest_reopen(host, c->name), "reopen the device of %s", c->name);
}

static void op_config(struct step_ctx *c)
{
	struct worker *w = c->w;
	/* drawn in this order: the one the programs recorded so far had */
	bool on = pick(w, 2);
	int id = pick(w, 2) ? c->a : c->d;
	bool adapter = pick(w, 2);
	int rc;

	/* before the change: another worker's reset may meet it at once */
	if (!on)
		ap_abnormal = 1;
	rc = vap_ap_config(host, adapter, id, on);
	judge_step(c, rc, "configuration change");
}

static void op_reload(struct step_ctx *c)
{
	int rc = vap_rmmod(host);

	if (!rc || rc == -ENOENT)
		rc = vap_modprobe(host);
	judge_step(c, rc, "rmmod and modprobe vfio_ap");
}

/* what a monitoring agent reads: every attribute with a show callback
 * (ap_config and the matrix device's features exist from 6.x on: ENOENT
 * before) */
static void op_read(struct step_ctx *c)
{
	static const char *const mdev_attrs[] = {
		"matrix", "guest_matrix", "control_domains", "ap_config",
	};
	char path[128], buf[8192];
	ssize_t r;

	switch (pick(c->w, 5)) {
	case 0:
		snprintf(path, sizeof(path), "/sys/bus/ap/devices/%02x.%04x/status", c->a, c->d);
		break;
	case 1:
	case 2:
		if (!c->w->uuid[c->s][0])
			return;
		snprintf(path, sizeof(path), VAP_MATRIX_DIR "/%s/%s", c->w->uuid[c->s],
			 mdev_attrs[pick(c->w, 4)]);
		break;
	case 3:
		snprintf(path, sizeof(path), VAP_MATRIX_DIR "/features");
		break;
	default:
		snprintf(path, sizeof(path), VAP_TYPE_DIR "/available_instances");
		break;
	}
	r = vap_read(host, path, buf, sizeof(buf));
	judge_step(c, r < 0 ? (int)r : 0, "%s", path);
}

/* the worker's next step fails its N-th fault site (fail-nth): N up to
 * 16, small ones likelier (most steps reach a few sites), read from the
 * step's value (stress_fault_arg) so that a guided campaign can ask for
 * an exact N */
static void op_fault(struct step_ctx *c)
{
	c->w->fail_nth = stress_fault_nth(c->arg);
	judge_step(c, 0, "fail-nth");
}

/* the machine answers the queue's next instruction(s) with a code it
 * can give */
static void op_apcode(struct step_ctx *c)
{
	const struct ap_code *code = &stress_ap_codes[pick(c->w, NR_AP_CODES)];
	int rc;

	rc = vap_ap_inject(host, code->insn, c->a, c->d, code->rc, 1 + pick(c->w, 3), 0);
	if (!rc)
		ap_abnormal = 1;
	judge_step(c, rc, "%s answers %s on %02x.%04x", code->insn, code->name, c->a, c->d);
}


/* An answer that is not the kernel's whatever its errno (a refused write
 * that changed something, a success the driver must refuse). */
static void unexpected_step(struct step_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void unexpected_step(struct step_ctx *c, const char *fmt, ...)
{
	struct worker *w = c->w;
	char what[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (w->nunexpected < 4)
		snprintf(w->unexpected[w->nunexpected++], sizeof(w->unexpected[0]), "%s: %s",
			 op_name(c->op), what);
}

/* the matrix file's lines (a set of "aa.dddd" texts) in b that a lacks */
static bool lines_added(const char *before, const char *after, char *first, size_t len)
{
	const char *p;

	for (p = after; *p; p += strcspn(p, "\n"), p += *p == '\n') {
		size_t n = strcspn(p, "\n");
		const char *q;
		bool found = false;

		if (!n)
			continue;
		for (q = before; *q && !found; q += strcspn(q, "\n"), q += *q == '\n')
			found = strcspn(q, "\n") == n && !strncmp(p, q, n);
		if (!found) {
			snprintf(first, len, "%.*s", (int)n, p);
			return true;
		}
	}
	return false;
}

static int max_adapter = -1, max_domain = -1;

static int read_max(const char *path)
{
	char buf[32];

	return vap_read(host, path, buf, sizeof(buf)) > 0 ? atoi(buf) : 255;
}

/*
 * A value of lib/values.c written to an attribute the hammer drives: an
 * mdev's assign_/unassign_ (adapter, domain, control domain) and
 * ap_config, the bus's masks, the driver's bind/unbind.  A value the
 * kernel's source refuses (malformed, out of range) must get exactly its
 * errno, and a refused write to the worker's own mdev must add nothing to
 * its matrix (only its worker assigns to it; a configuration change may
 * take from it meanwhile); a value it accepts may meet a state other than
 * the table's here, so the attribute's own errnos stand.
 */
static void op_value(struct step_ctx *c)
{
	static const char *const ids[] = {
		"assign_adapter", "unassign_adapter", "assign_domain", "unassign_domain",
		"assign_control_domain", "unassign_control_domain",
	};
	struct worker *w = c->w;
	const char *uuid = w->uuid[c->s];
	struct vap_values_ctx vc = { .a = c->a, .d = c->d };
	const struct vap_value *vals, *v;
	char path[256], state[256] = "", cur[128] = "", before[8192] = "", after[8192], *text;
	const int *ok;
	int kind = pick(w, 4), n, rc, k = 0;

	if (max_adapter < 0) {
		max_adapter = read_max("/sys/bus/ap/ap_max_adapter_id");
		max_domain = read_max("/sys/bus/ap/ap_max_domain_id");
	}
	switch (kind) {
	case 0:		/* an mdev's assign_ and unassign_ */
	case 1:		/* ap_config */
		if (!uuid[0])
			return;
		if (kind == 0) {
			k = pick(w, 6);
			snprintf(path, sizeof(path), VAP_MATRIX_DIR "/%s/%s", uuid, ids[k]);
			vc.id = k < 2 ? c->a : c->d;
			vc.max = k < 2 ? max_adapter : max_domain;
		} else {
			snprintf(path, sizeof(path), VAP_MATRIX_DIR "/%s/ap_config", uuid);
			if (!vap_exists(host, path))
				return;		/* 6.1 */
			vc.max = max_adapter;
		}
		snprintf(state, sizeof(state), VAP_MATRIX_DIR "/%s/%s", uuid,
			 k >= 4 ? "control_domains" : "matrix");
		ok = op_ok(OP_ASSIGN);
		break;
	case 2:		/* the bus's masks */
		snprintf(path, sizeof(path), "/sys/bus/ap/%s", pick(w, 2) ? "apmask" : "aqmask");
		vc.id = path[13] == 'p' ? c->a : c->d;
		if (vap_read(host, path, cur, sizeof(cur)) > 0)
			cur[strcspn(cur, "\n")] = 0;
		vc.cur = cur;
		ok = op_ok(OP_APMASK);
		break;
	default:	/* bind, unbind */
		snprintf(path, sizeof(path), VAP_DRV_DIR "/%s", pick(w, 2) ? "bind" : "unbind");
		ok = op_ok(OP_BIND);
		break;
	}
	vals = vap_values(kind == 0 ? VAP_IN_ID : kind == 1 ? VAP_IN_AP_CONFIG :
			  kind == 2 ? VAP_IN_BUS_MASK : VAP_IN_BIND);
	for (n = 0; vals[n].text; n++)
		;
	v = &vals[pick(w, n)];
	text = vap_value_text(v, &vc);
	if (!text)
		return;
	if (state[0] && vap_read(host, state, before, sizeof(before)) < 0)
		state[0] = 0;
	rc = vap_write(host, path, text);
	if ((rc == -ENOENT || rc == -ENODEV) && !vap_exists(host, path)) {
		/* the attribute is gone, or went while written (kernfs answers
		 * ENODEV): another worker's module reload */
		judge(w, c->op, rc, (const int[]){ ENOENT, ENODEV, 0 }, "%s", path);
	} else if (!v->expect) {
		judge(w, c->op, rc, ok, "%s '%.40s'", path, text);
	} else if (!rc) {
		judge_step(c, 0, "%s", path);
		unexpected_step(c, "%s '%.40s' (%s) accepted; the kernel's source gives %s", path,
				text, v->why, strerrorname_np(v->expect));
	} else {
		judge(w, c->op, rc, (const int[]){ v->expect, 0 }, "%s '%.40s' (%s)", path, text, v->why);
		if (state[0] && vap_read(host, state, after, sizeof(after)) >= 0 &&
		    lines_added(before, after, cur, sizeof(cur)))
			unexpected_step(c, "%s '%.40s' refused, yet %s gained '%s'", path, text, state, cur);
	}
	free(text);
}

/* The VMM's device ioctls, with good and bad arguments (lib/vfio_ap.h
 * says what the driver answers): an argsz below the header is EINVAL,
 * a command the driver lacks EOPNOTSUPP, wherever the device is. */
static void op_ioctl(struct step_ctx *c)
{
	static const int fds[] = { VAP_FD_VMM, -1, VAP_FD_NOT_EVENTFD, VAP_FD_CLOSED, -2 };
	struct worker *w = c->w;
	struct vap_ioctl_args a = { 0 };
	enum vap_ioctl which = (enum vap_ioctl)pick(w, 5);
	int rc;

	if (!w->guest_on[c->s])
		return;
	if (which == VAP_SET_IRQS)
		vap_ioctl_set_irqs_args(&a, (unsigned int)pick(w, 3), fds[pick(w, 5)]);
	else
		a.index = (unsigned int)pick(w, 3);
	if (pick(w, 4) == 0)
		a.argsz = (unsigned int)pick(w, 16);	/* short */
	rc = vap_guest_ioctl(host, c->name, which, &a);
	if (which == VAP_OTHER_IOCTL && rc != -EOPNOTSUPP && rc != -ENOENT && rc != -ENODEV)
		unexpected_step(c, "%s: an unknown command answered %d", c->name, rc);
	else if (a.argsz && a.argsz < 16 && (which == VAP_GET_INFO || which == VAP_GET_IRQ_INFO) &&
		 !rc)
		unexpected_step(c, "%s: argsz %u accepted", c->name, a.argsz);
	judge_step(c, rc, "%s: ioctl %d index %u argsz %u", c->name, which, a.index, a.argsz);
}

/* The VMM unmaps the guest's memory (the driver's dma_unmap must let go
 * of notification bytes there and disable those queues' interrupts) and
 * maps it again, whole or as three mappings around a page.  Mostly the
 * guest is one of the worker's whose device holds pinned pages, where the
 * driver has something to let go of, if any does. */
static void op_dma(struct step_ctx *c)
{
	const unsigned long long mem = 64ULL << 20, page = 4096;
	struct worker *w = c->w;
	unsigned long long p = (unsigned long long)pick(w, 64) * page;
	long rc;
	int k, look = pick(w, 4);

	for (k = 0; look && k < MDEVS_PER_WORKER; k++) {
		int s = (c->s + k) % MDEVS_PER_WORKER;
		char name[sizeof(c->name)];

		slot_name(w, s, name);
		if (w->guest_on[s] && vap_guest_pinned(host, name) > 0) {
			c->s = s;
			memcpy(c->name, name, sizeof(name));
			break;
		}
	}
	if (!w->guest_on[c->s])
		return;
	rc = vap_guest_dma_unmap(host, c->name, 0, mem);
	judge_step(c, rc < 0 ? (int)rc : 0, "%s: unmap all", c->name);
	if (rc < 0)
		return;
	if (pick(w, 2)) {
		rc = vap_guest_dma_map(host, c->name, 0, mem);
	} else {
		rc = p ? vap_guest_dma_map(host, c->name, 0, p) : 0;
		if (!rc)
			rc = vap_guest_dma_map(host, c->name, p, page);
		if (!rc)
			rc = vap_guest_dma_map(host, c->name, p + page, mem - p - page);
	}
	judge_step(c, rc < 0 ? (int)rc : 0, "%s: map again", c->name);
}

/* The VMM opens a second mdev (another of the worker's) on the guest's
 * VM: the driver must refuse it. */
static void op_second(struct step_ctx *c)
{
	struct worker *w = c->w;
	int o = (c->s + 1 + pick(w, MDEVS_PER_WORKER - 1)) % MDEVS_PER_WORKER, rc;

	if (!w->guest_on[c->s] || !w->uuid[o][0])
		return;
	rc = vap_guest_attach_second(host, c->name, w->uuid[o]);
	if (!rc)
		unexpected_step(c, "%s: a second mdev %s opened on its VM", c->name, w->uuid[o]);
	judge_step(c, rc, "%s: second mdev %s", c->name, w->uuid[o]);
}

/* The n-th id set in a mask (of VAP_LONGS words), or -1. */
static int nth_set(const struct vap_mask *m, int n)
{
	int i;

	for (i = 0; i < (int)(VAP_LONGS * 8 * sizeof(long)); i++)
		if (vap_mask_test(m, i) && n-- == 0)
			return i;
	return -1;
}

/* A vCPU's PQAP(AQIC) on a queue, enabling with its own notification
 * byte, one elsewhere in (or past) the guest's memory, or disabling.  The
 * queue is mostly one the guest has (as its AP bus would choose; an
 * enable that works holds a pin, which the dma step's unmap must see
 * released), else the step's own APQN, which the guest may not have. */
static void op_pqap(struct step_ctx *c)
{
	struct worker *w = c->w;
	struct vap_matrix m;
	unsigned long nib = 0;
	int rc, on = pick(w, 3), a = c->a, d = c->d, na, nd;

	if (!w->guest_on[c->s])
		return;
	if (on == 2)
		nib = (unsigned long)pick(w, 1 << 16) << 10;	/* up to 64 MiB, and past it */
	if (pick(w, 4) && !vap_guest_reach(host, c->name, &m) && (na = vap_mask_weight(&m.apm)) &&
	    (nd = vap_mask_weight(&m.aqm))) {
		a = nth_set(&m.apm, pick(w, na));
		d = nth_set(&m.aqm, pick(w, nd));
	}
	rc = vap_guest_pqap(host, c->name, pick(w, w->vcpus[c->s] + 1), a, d, on != 0, nib);
	judge_step(c, rc < 0 ? rc : 0, "%s: PQAP(AQIC) %s on %02x.%04x", c->name, on ? "enable" : "disable",
		   a, d);
}

#define OK(...) ((const int[]){ __VA_ARGS__, 0 })
/*
 * The operations: name (--mix, programs), default weight, what runs, and
 * the errnos the kernel documents for it (0-terminated; what a fault in
 * force adds comes on top).
 */
static const struct op_def {
	const char *name;
	int weight;
	void (*run)(struct step_ctx *c);
	const int *ok;
	/* it probes or resets queues: EIO once a response code was injected */
	bool queues;
} op_table[NR_OPS] = {
	[OP_APMASK] = { "apmask", 6, op_apmask, OK(EBUSY, EADDRINUSE), true },
	[OP_AQMASK] = { "aqmask", 6, op_aqmask, OK(EBUSY, EADDRINUSE), true },
	[OP_BIND] = { "bind", 8, op_bind, OK(ENODEV, EBUSY, ENOENT, EINVAL), true },
	[OP_CREATE] = { "create", 4, op_create, OK(EEXIST, EUSERS, ENOENT, ENODEV) },
	[OP_REMOVE] = { "remove", 2, op_remove, OK(ENOENT, ENODEV, EBUSY, EAGAIN), true },
	[OP_ASSIGN] = { "assign", 16, op_assign, OK(EADDRINUSE, EADDRNOTAVAIL, ENODEV, ENOENT), true },
	[OP_UNASSIGN] = { "unassign", 12, op_assign, OK(EADDRINUSE, EADDRNOTAVAIL, ENODEV, ENOENT), true },
	/* EOPNOTSUPP: no KVM guest on this host (the linux backend off s390x) */
	[OP_GUEST] = { "guest", 4, op_guest, OK(ENODEV, EBUSY, ENOENT, EEXIST, EOPNOTSUPP), true },
	[OP_REOPEN] = { "reopen", 2, op_reopen, OK(ENODEV, EBUSY, ENOENT, EEXIST, EOPNOTSUPP), true },
	[OP_CONFIG] = { "config", 2, op_config, OK(EOPNOTSUPP), true },
	[OP_RELOAD] = { "reload", 1, op_reload, OK(EBUSY, ENOENT, EEXIST), true },
	[OP_READ] = { "read", 6, op_read, OK(ENOENT, ENODEV) },
	[OP_FAULT] = { "fault", 2, op_fault, OK(0) },
	/* ENOSPC: the model's rules are all in use (not the driver's) */
	[OP_APCODE] = { "apcode", 2, op_apcode, OK(ENOSPC) },
	/* judged by the value's own errno, or its attribute's */
	[OP_VALUE] = { "value", 4, op_value, OK(0), true },
	/* ENOENT, ENODEV: the guest is gone, its device closed (a module
	 * reload); EBUSY: a queue reset the machine did not confirm */
	[OP_IOCTL] = { "ioctl", 2, op_ioctl, OK(EINVAL, EBADF, EOPNOTSUPP, ENOENT, ENODEV, EBUSY), true },
	/* EBUSY: pins left after type1's retries, which the model reports
	 * as the kernel's BUG_ON would crash (a finding of its own) */
	[OP_DMA] = { "dma", 1, op_dma, OK(ENOENT, ENODEV, EOPNOTSUPP, EBUSY) },
	[OP_SECOND] = { "second", 1, op_second, OK(EPERM, EBUSY, ENOENT, ENODEV, EOPNOTSUPP), true },
	/* ENOENT: a vCPU number past the guest's */
	[OP_PQAP] = { "pqap", 2, op_pqap, OK(ENOENT, ENODEV, EOPNOTSUPP) },
};
#undef OK

static bool op_reaches_queues(enum op op)
{
	return op_table[op].queues;
}

static const int *op_ok(enum op op)
{
	return op_table[op].ok;
}

const char *op_name(int op)
{
	return op >= 0 && op < NR_OPS ? op_table[op].name : "?";
}

int op_weight(int op)
{
	return op >= 0 && op < NR_OPS ? op_table[op].weight : 0;
}

int op_lookup(const char *name)
{
	int i;

	for (i = 0; i < NR_OPS; i++)
		if (!strcmp(op_table[i].name, name))
			return i;
	return -1;
}

static void judge_step(struct step_ctx *c, int rc, const char *fmt, ...)
{
	char what[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	judge(c->w, c->op, rc, op_table[c->op].ok, "%s", what);
}

static void do_op(struct worker *w, enum op op, unsigned int arg)
{
	struct step_ctx c = { .w = w, .op = op, .arg = arg };

	/* an operation the case's mix leaves out (a replayed program under
	 * another --mix; a module reload on a real host) is not run */
	if (!P->weights[op])
		return;
	/* the step's value decides every choice the operation makes */
	w->rng = (unsigned long long)arg << 8 | (unsigned int)w->id;
	c.a = adapters[pick(w, nadapters)];
	c.d = domains[pick(w, ndomains)];
	c.s = pick(w, MDEVS_PER_WORKER);
	slot_name(w, c.s, c.name);
	op_table[op].run(&c);
}

/* Under a fault, only the workers fail (task-filter, make-it-fail): the
 * harness's own set-up, checks and teardown run clean. */
static void fault_self(bool on)
{
	if (P->fault && strncmp(P->fault, "ap:", 3))
		vap_write(host, "/proc/thread-self/make-it-fail", on ? "1" : "0");
}

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	int i;

	fault_self(true);
	for (i = 0; i < STRESS_ROUND_OPS && w->pos < w->len && !stop_now; i++, w->pos++) {
		const struct prog_step *st = &w->steps[w->pos];

		/* the driver edges this step (or work it set off) hits first
		 * are its own (a guided campaign's mix; the sim's: a tag
		 * nothing reads on another host) */
		vap_sim_edges_tag(stress_step_tag(w->id, w->pos));
		if (w->fail_nth && st->op != OP_FAULT) {
			w->armed = !vap_writef(host, "/proc/thread-self/fail-nth", "%d", w->fail_nth);
			w->fail_nth = 0;
		}
		do_op(w, (enum op)st->op, st->arg);
		if (w->armed) {
			/* not reached by the step: disarmed */
			vap_write(host, "/proc/thread-self/fail-nth", "0");
			w->armed = false;
		}
	}
	vap_sim_edges_tag(0);
	fault_self(false);
	return NULL;
}

/* The host's findings that are not known driver bugs, from index *seen
 * on (a known bug does not end a case; the report keeps it). */
static int new_unknown(int *seen)
{
	struct vap_finding *f;
	int n = vap_nr_findings(host), i, unknown = 0;

	if (n <= *seen)
		return 0;
	n = vap_findings(host, &f);
	for (i = *seen; i < n; i++)
		unknown += !f[i].known;
	vap_findings_free(f, n);
	*seen = n;
	return unknown;
}

/* Follows the host's own checks while the workers run. */
static void *watcher_fn(void *arg)
{
	int *seen = arg;

	while (!round_over) {
		if (new_unknown(seen))
			stop_now = 1;
		vap_sleep_ms(host, 2);
	}
	return NULL;
}

/* Stop every guest, remove every mdev: the host as the case found it. */
static void teardown(struct worker *ws, int n)
{
	int i, s;

	for (i = 0; i < n; i++)
		for (s = 0; s < MDEVS_PER_WORKER; s++) {
			char name[32];

			slot_name(&ws[i], s, name);
			if (ws[i].guest_on[s])
				vap_guest_stop(host, name);
			ws[i].guest_on[s] = false;
			if (ws[i].uuid[s][0])
				vap_mdev_remove(host, ws[i].uuid[s]);
			ws[i].uuid[s][0] = 0;
		}
}


/* Sets up the case's fault; the errnos it adds go to extra_ok. */
static int apply_fault(struct stress_params *p, char *err, size_t errlen)
{
	char func[128], insn[8];
	unsigned int prob, interval, rc;

	if (!p->fault)
		return 0;
	if (sscanf(p->fault, "failslab:%u:%u", &prob, &interval) == 2) {
		if (vap_write(host, "/sys/kernel/debug/failslab/ignore-gfp-wait", "N") ||
		    vap_write(host, "/sys/kernel/debug/failslab/task-filter", "Y") ||
		    vap_writef(host, "/sys/kernel/debug/failslab/probability", "%u", prob) ||
		    vap_writef(host, "/sys/kernel/debug/failslab/interval", "%u", interval) ||
		    vap_write(host, "/sys/kernel/debug/failslab/times", "-1")) {
			snprintf(err, errlen, "failslab is not available on this host");
			return -1;
		}
		p->extra_ok[0] = ENOMEM;
		return 0;
	}
	if (sscanf(p->fault, "fail-function:%127[^:]:%u", func, &prob) == 2) {
		char path[256], val[64];
		unsigned long long r;

		snprintf(path, sizeof(path), "/sys/kernel/debug/fail_function/%s/retval", func);
		if (vap_write(host, "/sys/kernel/debug/fail_function/inject", func) ||
		    vap_read(host, path, val, sizeof(val)) <= 0 ||
		    vap_write(host, "/sys/kernel/debug/fail_function/task-filter", "Y") ||
		    vap_writef(host, "/sys/kernel/debug/fail_function/probability", "%u", prob) ||
		    vap_write(host, "/sys/kernel/debug/fail_function/interval", "1") ||
		    vap_write(host, "/sys/kernel/debug/fail_function/times", "-1")) {
			snprintf(err, errlen, "fail_function cannot inject %s on this host", func);
			return -1;
		}
		r = strtoull(val, NULL, 16);	/* printed as %lx */
		p->extra_ok[0] = (int)-(long long)r;
		p->extra_ok[1] = ENOMEM;	/* a failed allocation wrapper */
		return 0;
	}
	if (sscanf(p->fault, "ap:%7[^:]:%x:%u", insn, &rc, &prob) == 3) {
		if (vap_ap_inject(host, insn, -1, 0, (int)rc, -1, (int)prob)) {
			snprintf(err, errlen, "cannot inject AP response code %02x into %s on this host",
				 rc, insn);
			return -1;
		}
		/* a queue that answers deconfigured or checkstopped is not probed */
		p->extra_ok[0] = EIO;
		return 0;
	}
	snprintf(err, errlen, "fault '%s': expected failslab:P:I, fail-function:FUNC:P or ap:INSN:RC:P",
		 p->fault);
	return -1;
}

/*
 * Fault sites for the "fault" steps (fail-nth).  failslab exempts
 * GFP_KERNEL allocations by default (ignore-gfp-wait Y), and those are
 * all the driver makes: off, a step's Nth allocation fails, while
 * failslab's probability 0 fails nothing else.  fail_function's points
 * (the functions the driver calls that the sim can fail: beyond the
 * kernel's, which annotates none of them) count for fail-nth once armed,
 * here with probability 0 and -ENOMEM, unless --fault arms fail_function
 * itself.  The sim's case process is thrown away: nothing to put back.
 */
static void arm_step_faults(const struct stress_params *p)
{
	char list[4096], *line, *save;

	vap_write(host, "/sys/kernel/debug/failslab/ignore-gfp-wait", "N");
	if (p->fault && !strncmp(p->fault, "fail-function:", 14))
		return;
	if (vap_read(host, "/sys/kernel/debug/fail_function/injectable", list, sizeof(list)) <= 0)
		return;
	vap_write(host, "/sys/kernel/debug/fail_function/probability", "0");
	for (line = strtok_r(list, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char path[256];

		/* "name\ttype": a NULL-typed point returns NULL whatever its retval */
		line[strcspn(line, "\t")] = 0;
		if (vap_write(host, "/sys/kernel/debug/fail_function/inject", line))
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/debug/fail_function/%s/retval", line);
		vap_writef(host, path, "%lu", (unsigned long)-ENOMEM);
	}
}

static void add_timeline_point(struct json_object *tl, double t, long ops, int findings)
{
	struct json_object *pt = json_object_new_array();

	json_object_array_add(pt, json_object_new_double(t));
	json_object_array_add(pt, json_object_new_int64(ops));
	json_object_array_add(pt, json_object_new_int(findings));
	json_object_array_add(tl, pt);
}

int stress_case(const struct stress_params *params, struct json_object *c)
{
	static struct stress_params p;
	static struct worker ws[STRESS_MAX_THREADS];
	static struct program own;
	const struct program *prog;
	struct json_object *per = json_object_new_object(), *tl = json_object_new_array();
	struct json_object *unexp = json_object_new_array();
	char err[512], *oracle = NULL, *log;
	size_t olen = 0;
	double t0, t_oracle, oracle_secs = 0;
	long total = 0, round;
	int i, k, bad = 0, nunexp = 0, seen = 0;
	static char journal[4096];
	bool linux_host;
	size_t mark = 0;
	FILE *mem;

	p = *params;
	P = &p;
	json_object_object_add(c, "seed", json_object_new_uint64(p.seed));
	if (p.fault)
		json_object_object_add(c, "fault", json_object_new_string(p.fault));
	linux_host = p.host && !strcmp(p.host, "linux");
	if (p.config[0]) {
		setenv("VFIO_AP_SIM_CONFIG", p.config, 1);
		sscanf(p.config, "%dx%d", &nadapters, &ndomains);
	}
	if (linux_host) {
		for (nadapters = ndomains = 0, i = 0; i < 256; i++) {
			if (vap_mask_test(&p.allow.adapters, i))
				adapters[nadapters++] = i;
			if (vap_mask_test(&p.allow.domains, i))
				domains[ndomains++] = i;
		}
		/* a module reload would take every mdev of the host with it;
		 * per-step faults are the sim's */
		p.weights[OP_RELOAD] = 0;
		p.weights[OP_FAULT] = 0;
		p.weights[OP_APCODE] = 0;
	} else {
		for (i = 0; i < nadapters; i++)
			adapters[i] = i;
		for (i = 0; i < ndomains; i++)
			domains[i] = i;
	}
	if (!linux_host)
		vap_sim_seed(p.seed);
	if (p.det && vap_sim_deterministic(p.det, p.seed)) {
		json_object_object_add(c, "error", json_object_new_string("bad --deterministic"));
		return 2;
	}
	host = vap_open(linux_host ? "linux" : "sim", err, sizeof(err));
	if (!host) {
		json_object_object_add(c, "error", json_object_new_string(err));
		return 2;
	}
	if (linux_host) {
		int rc;

		snprintf(journal, sizeof(journal), "%s", vap_journal_path());
		/* a journal left by a case that died: put the host back first */
		rc = vap_restore(host, journal, stdout);
		if (rc < 0 || (rc = vap_journal_open(host, journal))) {
			snprintf(err, sizeof(err), "journal %.400s: %s", journal, strerror(-rc));
			json_object_object_add(c, "error", json_object_new_string(err));
			return 2;
		}
		mark = vap_log_mark(host);
		/* the allowed adapters and domains to vfio_ap, nothing else */
		for (i = 0; i < nadapters; i++)
			vap_writef(host, "/sys/bus/ap/apmask", "-%d", adapters[i]);
		for (i = 0; i < ndomains; i++)
			vap_writef(host, "/sys/bus/ap/aqmask", "-%d", domains[i]);
	} else {
		/* everything to vfio_ap, as an administrator dedicating the machine */
		vap_write(host, "/sys/bus/ap/apmask", "0x0");
		vap_write(host, "/sys/bus/ap/aqmask", "0x0");
	}
	vap_settle(host);
	/* a fault is scoped to the workers (task-filter, make-it-fail): a host
	 * without the per-task switch gets no fault at all */
	if (p.fault && strncmp(p.fault, "ap:", 3) &&
	    vap_write(host, "/proc/thread-self/make-it-fail", "0")) {
		snprintf(err, sizeof(err), "cannot scope the fault to the workers: no /proc/thread-self/make-it-fail on this host (CONFIG_FAULT_INJECTION)");
		json_object_object_add(c, "error", json_object_new_string(err));
		if (linux_host)
			vap_restore(host, journal, NULL), unlink(journal);
		return 2;
	}
	if (apply_fault(&p, err, sizeof(err))) {
		json_object_object_add(c, "error", json_object_new_string(err));
		if (linux_host)
			vap_restore(host, journal, NULL), unlink(journal);
		return 2;
	}
	/* the workers' program: given, or the seed's own */
	prog = p.program;
	if (!prog) {
		program_generate(&own, &p, p.seed);
		prog = &own;
	}
	if (!linux_host && program_has(prog, OP_FAULT))
		arm_step_faults(&p);
	p.threads = prog->nworkers;
	for (i = 0; i < p.threads; i++) {
		ws[i].id = i;
		ws[i].steps = prog->steps[i];
		ws[i].len = prog->len[i];
		ws[i].pos = 0;
		for (k = 0; k < NR_OPS; k++)
			ws[i].errnos[k] = json_object_new_object();
	}
	mem = open_memstream(&oracle, &olen);
	t0 = now_seconds();
	add_timeline_point(tl, 0, 0, 0);
	/* rounds until every worker's program is done (a step counts, judged
	 * or not: a mix of only "remove" runs nothing until something exists) */
	for (round = 0; !stop_now; round++) {
		struct vap_thread *t[STRESS_MAX_THREADS], *watcher;

		for (i = 0; i < p.threads && ws[i].pos >= ws[i].len; i++)
			;
		if (i == p.threads)
			break;
		round_over = 0;
		watcher = vap_thread_start(host, "watcher", watcher_fn, &seen);
		for (i = 0; i < p.threads; i++)
			t[i] = vap_thread_start(host, "stress", worker_fn, &ws[i]);
		for (i = 0; i < p.threads; i++)
			vap_thread_join(host, t[i]);
		round_over = 1;
		vap_thread_join(host, watcher);
		for (total = 0, i = 0; i < p.threads; i++)
			for (k = 0; k < NR_OPS; k++)
				total += ws[i].done[k];
		/* a modprobe failed under the fault leaves no driver: the harness
		 * (not failed) loads it again, then the whole oracle */
		if (!vap_exists(host, VAP_MATRIX_DIR))
			vap_modprobe(host);
		t_oracle = now_seconds();
		bad = vap_check(host, mark, mem);
		oracle_secs += now_seconds() - t_oracle;
		fflush(mem);
		add_timeline_point(tl, now_seconds() - t0, total, bad);
		if (bad || stop_now)
			break;
	}
	/* the edges the teardown hits first are no step's */
	vap_sim_edges_tag(STRESS_TAG_TEARDOWN);
	teardown(ws, p.threads);
	/* the last look; the leak check at rmmod; the driver loaded again */
	if (!bad)
		bad = vap_check(host, mark, mem);
	if (linux_host) {
		/* the host as the case found it: the journal undone */
		int rc = vap_restore(host, journal, NULL);

		if (rc < 0)
			fprintf(mem, "teardown: restoring the host from %s: %s\n", journal, strerror(-rc));
		else
			unlink(journal);
	} else if (!bad) {
		int rc = vap_rmmod(host);

		if (rc && rc != -ENOENT)
			fprintf(mem, "teardown: rmmod vfio_ap: %s\n", strerror(-rc));
		rc = vap_modprobe(host);
		if (rc)
			fprintf(mem, "teardown: modprobe vfio_ap: %s\n", strerror(-rc));
		bad = vap_check(host, mark, mem);
	}
	fclose(mem);
	json_object_object_add(c, "seconds", json_object_new_double(now_seconds() - t0));
	/* of which the whole oracle after each round (it reads every APQN) */
	json_object_object_add(c, "oracle_seconds", json_object_new_double(oracle_secs));
	json_object_object_add(c, "operations", json_object_new_int64(total));
	for (k = 0; k < NR_OPS; k++) {
		struct json_object *o = json_object_new_object(), *e = json_object_new_object();
		long done = 0, failed = 0;

		for (i = 0; i < p.threads; i++) {
			done += ws[i].done[k];
			failed += ws[i].failed[k];
			json_object_object_foreach(ws[i].errnos[k], key, val)
				json_count(e, key, json_object_get_int64(val));
			json_object_put(ws[i].errnos[k]);
		}
		json_object_object_add(o, "done", json_object_new_int64(done));
		json_object_object_add(o, "errors", json_object_new_int64(failed));
		json_object_object_add(o, "errnos", e);
		json_object_object_add(per, op_name(k), o);
	}
	json_object_object_add(c, "per_operation", per);
	json_object_object_add(c, "timeline", tl);
	for (i = 0; i < p.threads; i++)
		for (k = 0; k < ws[i].nunexpected; k++) {
			json_object_array_add(unexp, json_object_new_string(ws[i].unexpected[k]));
			nunexp++;
		}
	json_object_object_add(c, "unexpected", unexp);
	bad = case_add_findings(host, c, oracle);
	case_add_lockgraph(host, c);
	log = vap_log_since(host, mark);
	case_add_apcb(c, log);
	json_object_object_add(c, "kernel_log", json_object_new_string(log ? log : ""));
	free(log);
	free(oracle);
	return bad || nunexp ? 1 : 0;
}
