// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ap-fault: fault campaigns on the stress engine and on their own.
 *
 *   failslab       stress cases under random slab failures (probability and
 *                  interval swept), only the workers failing (task-filter)
 *   fail-function  a stress case per injectable function the driver reaches
 *   ap-response    stress cases with AP response codes (busy, reset in
 *                  progress, deconfigured, checkstopped) answered to AQIC,
 *                  ZAPQ and TAPQ
 *   fail-nth       the systematic sweep: every operation the suite drives
 *                  (sysfs writes, the VMM's open and close, configuration
 *                  changes, module load and unload) with its 1st, 2nd, ...
 *                  fault site failed until it runs clean; after each, the
 *                  answer must be a documented errno, the fault must have
 *                  fired, the invariants must hold and the undo must work
 *
 * Each case runs in its own process and lands in the same results folder
 * as vfio-ap-stress's (results/README.md); the sweep's per-operation table
 * is the summary's "fail_nth".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "options.h"

static char self[4096];
/* the host (opts.host): the sim, or a real one within the allowlist (its
 * first allowed adapter and domain stand for the sweep's adapter 1,
 * domain 5) */
static struct vap_allow allow;
/* the options of the run (the replays are made from them) */
static struct tool_opts opts;
static int sweep_a = 1, sweep_d = 5;

/* ------------------------------------------------ stress-based campaigns */

struct stress_case {
	struct stress_params p;
	char fault[160];
};

static int stress_body(void *arg, struct json_object *c)
{
	struct stress_case *sc = arg;

	sc->p.fault = sc->fault;
	return stress_case(&sc->p, c);
}


/* the replay: vfio-ap-stress (beside this binary) with the same fault */
static struct json_object *stress_argv(const struct stress_case *sc)
{
	static struct tool_opts o;
	char buf[4200], *slash;

	o = opts;
	o.p = sc->p;
	o.p.fault = sc->fault;
	snprintf(buf, sizeof(buf), "%s", self);
	slash = strrchr(buf, '/');
	if (slash)
		snprintf(slash + 1, sizeof(buf) - (size_t)(slash + 1 - buf), "vfio-ap-stress");
	return tool_opts_replay(&o, OPT_STRESS, buf);
}

static int run_stress_fault(struct campaign *cp, const struct stress_params *base,
			    const char *id, const char *fault)
{
	static struct stress_case sc;
	int rc;

	sc.p = *base;
	snprintf(sc.fault, sizeof(sc.fault), "%s", fault);
	rc = campaign_case(cp, !strncmp(fault, "failslab", 8) ? "failslab" :
			   !strncmp(fault, "fail-function", 13) ? "fail-function" : "ap-response",
			   id, stress_body, &sc, stress_argv(&sc));
	return rc;
}

/* the functions the sim's fail_function can inject, read in a child */
static int injectable(char names[][64], int max)
{
	int fds[2], n = 0;
	pid_t pid;
	FILE *f;
	char line[256];

	if (pipe(fds))
		return -errno;
	pid = fork();
	if (pid == 0) {
		/* the functions the driver calls that can be made to fail (the
		 * sim's list); on a real host, those its kernel can inject */
		static char buf[1 << 20], real[1 << 20];
		char err[256], *line, *save = NULL;
		struct vap_host *h = vap_open("sim", err, sizeof(err)), *r = NULL;
		ssize_t n = h ? vap_read(h, "/sys/kernel/debug/fail_function/injectable", buf,
					 sizeof(buf) - 1) : -1, m = 0;

		if (n <= 0)
			_exit(1);
		buf[n] = 0;
		if (!strcmp(opts.host, "linux")) {
			r = vap_open("linux", err, sizeof(err));
			m = r ? vap_read(r, "/sys/kernel/debug/fail_function/injectable", real,
					 sizeof(real) - 1) : -1;
			real[m > 0 ? m : 0] = 0;
		}
		for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char name[64], pat[80];

			if (sscanf(line, "%63s", name) != 1)
				continue;
			snprintf(pat, sizeof(pat), "\n%s\t", name);
			if (r && !strstr(real, pat) && strncmp(real, pat + 1, strlen(pat + 1)))
				continue;
			if (dprintf(fds[1], "%s\n", name) < 0)
				_exit(1);
		}
		_exit(0);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	while (f && fgets(line, sizeof(line), f) && n < max)
		if (sscanf(line, "%63s", names[n]) == 1)
			n++;
	if (f)
		fclose(f);
	waitpid(pid, NULL, 0);
	return n;
}

/* ------------------------------------------------------ the fail-nth sweep */

#define U "cccccccc-0000-4000-8000-00000000000"

struct step {
	const char *path;	/* "guest start", "guest stop", "reopen", "config", "rmmod", "modprobe", "read" or a sysfs path */
	const char *value;
};

struct sweep_op {
	const char *name;
	struct step setup[6];
	struct step op;
	struct step undo[6];
	int ok[6];		/* documented errnos, 0-terminated (ENOMEM always) */
};

#define MDEV VAP_MATRIX_DIR "/" U "1"
static const struct sweep_op sweep_ops[] = {
	{ "create an mdev", {}, { VAP_TYPE_DIR "/create", U "1" },
	  { { MDEV "/remove", "1" } }, { EEXIST } },
	{ "remove an mdev", { { VAP_TYPE_DIR "/create", U "1" } }, { MDEV "/remove", "1" },
	  { { MDEV "/remove", "1" } }, { ENODEV } },
	{ "assign_adapter", { { VAP_TYPE_DIR "/create", U "1" } }, { MDEV "/assign_adapter", "1" },
	  { { MDEV "/remove", "1" } }, { 0 } },
	{ "assign_domain", { { VAP_TYPE_DIR "/create", U "1" } }, { MDEV "/assign_domain", "5" },
	  { { MDEV "/remove", "1" } }, { 0 } },
	{ "assign_control_domain", { { VAP_TYPE_DIR "/create", U "1" } },
	  { MDEV "/assign_control_domain", "5" }, { { MDEV "/remove", "1" } }, { 0 } },
	{ "unassign_adapter", { { VAP_TYPE_DIR "/create", U "1" }, { MDEV "/assign_adapter", "1" },
			       { MDEV "/assign_domain", "5" } },
	  { MDEV "/unassign_adapter", "1" }, { { MDEV "/remove", "1" } }, { 0 } },
	{ "unassign_domain", { { VAP_TYPE_DIR "/create", U "1" }, { MDEV "/assign_adapter", "1" },
			      { MDEV "/assign_domain", "5" } },
	  { MDEV "/unassign_domain", "5" }, { { MDEV "/remove", "1" } }, { 0 } },
	{ "start a guest (open_device, set kvm)",
	  { { VAP_TYPE_DIR "/create", U "1" }, { MDEV "/assign_adapter", "1" },
	    { MDEV "/assign_domain", "5" } },
	  { "guest start", U "1" }, { { "guest stop", NULL }, { MDEV "/remove", "1" } },
	  { ENODEV, EBUSY } },
	{ "stop a guest (close_device)",
	  { { VAP_TYPE_DIR "/create", U "1" }, { MDEV "/assign_adapter", "1" },
	    { MDEV "/assign_domain", "5" }, { "guest start", U "1" } },
	  { "guest stop", NULL }, { { "guest stop", NULL }, { MDEV "/remove", "1" } }, { 0 } },
	{ "VMM reopens the device",
	  { { VAP_TYPE_DIR "/create", U "1" }, { MDEV "/assign_adapter", "1" },
	    { MDEV "/assign_domain", "5" }, { "guest start", U "1" } },
	  { "reopen", NULL }, { { "guest stop", NULL }, { MDEV "/remove", "1" } }, { ENODEV, EBUSY } },
	{ "assign_adapter (guest running)",
	  { { VAP_TYPE_DIR "/create", U "1" }, { MDEV "/assign_domain", "5" },
	    { "guest start", U "1" } },
	  { MDEV "/assign_adapter", "1" }, { { "guest stop", NULL }, { MDEV "/remove", "1" } }, { 0 } },
	{ "unassign_adapter (guest running)",
	  { { VAP_TYPE_DIR "/create", U "1" }, { MDEV "/assign_adapter", "1" },
	    { MDEV "/assign_domain", "5" }, { "guest start", U "1" } },
	  { MDEV "/unassign_adapter", "1" }, { { "guest stop", NULL }, { MDEV "/remove", "1" } }, { 0 } },
	{ "apmask: an adapter into vfio_ap (probe_queue)", { { "/sys/bus/ap/apmask", "+1" } },
	  { "/sys/bus/ap/apmask", "-1" }, { { "/sys/bus/ap/apmask", "-1" } }, { EBUSY } },
	{ "apmask: an adapter out of vfio_ap (remove_queue), assigned",
	  { { VAP_TYPE_DIR "/create", U "1" }, { MDEV "/assign_adapter", "1" },
	    { MDEV "/assign_domain", "5" } },
	  { "/sys/bus/ap/apmask", "+1" }, { { "/sys/bus/ap/apmask", "-1" }, { MDEV "/remove", "1" } },
	  { EBUSY, EADDRINUSE } },
	{ "unbind a queue", {}, { VAP_DRV_DIR "/unbind", "01.0005" },
	  { { VAP_DRV_DIR "/bind", "01.0005" } }, { ENODEV } },
	{ "bind a queue", { { VAP_DRV_DIR "/unbind", "01.0005" } }, { VAP_DRV_DIR "/bind", "01.0005" },
	  { { VAP_DRV_DIR "/bind", "01.0005" } }, { ENODEV, EBUSY } },
	{ "AP configuration: an assigned adapter removed (on_config_changed)",
	  { { VAP_TYPE_DIR "/create", U "1" }, { MDEV "/assign_adapter", "1" },
	    { MDEV "/assign_domain", "5" } },
	  { "config", "-1" }, { { "config", "+1" }, { MDEV "/remove", "1" } }, { 0 } },
	{ "AP configuration: an adapter added (on_scan_complete)",
	  { { VAP_TYPE_DIR "/create", U "1" }, { MDEV "/assign_adapter", "1" },
	    { MDEV "/assign_domain", "5" }, { "config", "-1" } },
	  { "config", "+1" }, { { "config", "+1" }, { MDEV "/remove", "1" } }, { 0 } },
	{ "read matrix (show)", { { VAP_TYPE_DIR "/create", U "1" }, { MDEV "/assign_adapter", "1" } },
	  { "read", MDEV "/matrix" }, { { MDEV "/remove", "1" } }, { 0 } },
	{ "modprobe vfio_ap (init)", { { "rmmod", NULL } }, { "modprobe", NULL }, { { "modprobe", NULL } },
	  { EEXIST, ENOENT, ENODEV } },
	{ "rmmod vfio_ap (exit)", { { VAP_TYPE_DIR "/create", U "1" } }, { "rmmod", NULL },
	  { { "modprobe", NULL } }, { EBUSY } },
};

/* The sweep's steps name adapter 1, domain 5 and queue 01.0005; on a real
 * host they become the allowlist's first adapter and domain. */
static const char *host_value(const char *path, const char *value, char *buf, size_t len)
{
	const char *base = strrchr(path, '/');

	if (!value || (sweep_a == 1 && sweep_d == 5))
		return value;
	base = base ? base + 1 : path;
	if (!strcmp(base, "assign_adapter") || !strcmp(base, "unassign_adapter"))
		snprintf(buf, len, "%d", sweep_a);
	else if (strstr(base, "domain"))
		snprintf(buf, len, "%d", sweep_d);
	else if (!strcmp(base, "apmask") || !strcmp(path, "config"))
		snprintf(buf, len, "%c%d", value[0], sweep_a);
	else if (!strcmp(base, "bind") || !strcmp(base, "unbind"))
		snprintf(buf, len, "%02x.%04x", sweep_a, sweep_d);
	else
		return value;
	return buf;
}

static int do_step(struct vap_host *h, const struct step *st)
{
	char buf[4096], vbuf[32];
	struct step mapped = { st->path, host_value(st->path, st->value, vbuf, sizeof(vbuf)) };
	const struct step *s = &mapped;
	ssize_t r;

	if (!strcmp(s->path, "guest start"))
		return vap_guest_start(h, "g1", s->value, 2);
	if (!strcmp(s->path, "guest stop"))
		return vap_guest_stop(h, "g1");
	if (!strcmp(s->path, "reopen"))
		return vap_guest_reopen(h, "g1");
	if (!strcmp(s->path, "config"))
		return vap_ap_config(h, true, atoi(s->value + 1), s->value[0] == '+');
	if (!strcmp(s->path, "rmmod"))
		return vap_rmmod(h);
	if (!strcmp(s->path, "modprobe"))
		return vap_modprobe(h);
	if (!strcmp(s->path, "read")) {
		r = vap_read(h, s->value, buf, sizeof(buf));
		return r < 0 ? (int)r : 0;
	}
	return vap_write(h, s->path, s->value);
}

/* one operation's sweep: fail site n = 1, 2, ... until it runs clean */
/* the host's findings that are not known driver bugs */
static int unknown_findings(struct vap_host *h)
{
	struct vap_finding *f;
	int n = vap_findings(h, &f), i, u = 0;

	for (i = 0; i < n; i++)
		u += !f[i].known;
	vap_findings_free(f, n);
	return u;
}

struct sweep_arg {
	const struct sweep_op *op;
	int start;		/* the first site to fail (a continuation after a crash) */
	const char *det;	/* the deterministic scheduler's policy, or NULL */
	unsigned long long seed;
};

/* one operation's sweep from site start on; each site's verdict also goes
 * to stdout, so that the sites before a crash are not lost */
static int sweep_one(const struct sweep_op *op, int start, const char *det,
		     unsigned long long seed, struct json_object *c)
{
	struct json_object *res = json_object_new_object(), *errnos = json_object_new_object();
	struct json_object *problems = json_object_new_array(), *arr = json_object_new_array();
	char err[256], nb[16], left[32], *oracle = NULL;
	int nth, sites = 0, clean = 0, i, rc, before;
	bool documented, linux_host = !strcmp(opts.host, "linux");
	static char journal[4096];
	size_t mark = 0;
	struct vap_host *h;
	size_t olen = 0;
	FILE *mem;

	if (!linux_host)
		vap_sim_seed(seed);
	if (det && vap_sim_deterministic(det, seed)) {
		json_object_object_add(c, "error", json_object_new_string("bad --deterministic"));
		return 2;
	}
	h = vap_open(opts.host, err, sizeof(err));
	if (!h) {
		json_object_object_add(c, "error", json_object_new_string(err));
		return 2;
	}
	if (linux_host) {
		snprintf(journal, sizeof(journal), "%s", vap_journal_path());
		rc = vap_restore(h, journal, stdout);	/* what a dead case left */
		if (rc < 0 || (rc = vap_journal_open(h, journal))) {
			json_object_object_add(c, "error", json_object_new_string("cannot open the journal"));
			return 2;
		}
		mark = vap_log_mark(h);
		vap_writef(h, "/sys/bus/ap/apmask", "-%d", sweep_a);
		vap_writef(h, "/sys/bus/ap/aqmask", "-%d", sweep_d);
	} else {
		vap_write(h, "/sys/bus/ap/apmask", "0x0");
		vap_write(h, "/sys/bus/ap/aqmask", "0x0");
	}
	if (vap_write(h, "/sys/kernel/debug/failslab/ignore-gfp-wait", "N") ||
	    vap_write(h, "/proc/thread-self/fail-nth", "0")) {
		json_object_object_add(c, "error", json_object_new_string(
			"no failslab or fail-nth on this host (CONFIG_FAILSLAB, CONFIG_FAULT_INJECTION, debugfs)"));
		if (linux_host)
			vap_restore(h, journal, NULL), unlink(journal);
		return 2;
	}
	vap_settle(h);
	mem = open_memstream(&oracle, &olen);
	for (nth = start; nth < 500; nth++) {
		char what[300];

		for (i = 0; i < 6 && op->setup[i].path; i++)
			if ((rc = do_step(h, &op->setup[i]))) {
				fprintf(mem, "oracle: %s: set-up step %s failed: %s\n", op->name,
					op->setup[i].path, strerror(-rc));
				goto done;
			}
		vap_settle(h);
		before = unknown_findings(h);
		printf("sweep: site %d\n", nth);
		fflush(stdout);
		vap_writef(h, "/proc/thread-self/fail-nth", "%d", nth);
		rc = do_step(h, &op->op);
		left[0] = 0;
		vap_read(h, "/proc/thread-self/fail-nth", left, sizeof(left));
		vap_write(h, "/proc/thread-self/fail-nth", "0");
		vap_settle(h);
		if (atoi(left) > 0) {
			/* fewer than nth sites: the operation ran clean */
			if (rc) {
				snprintf(what, sizeof(what), "without a fault the operation answers %s",
					 strerror(-rc));
				json_object_array_add(problems, json_object_new_string(what));
			}
			for (i = 0; i < 6 && op->undo[i].path; i++)
				do_step(h, &op->undo[i]);
			break;
		}
		sites++;
		/* the fault fired: a documented answer, the invariants held */
		documented = true;
		if (rc) {
			documented = rc == -ENOMEM;
			for (i = 0; op->ok[i]; i++)
				documented |= rc == -op->ok[i];
			json_count(errnos, errno_name(-rc, nb, sizeof(nb)), 1);
			if (!documented) {
				snprintf(what, sizeof(what), "site %d: answer %s (%s) is not documented",
					 nth, strerror(-rc), errno_name(-rc, nb, sizeof(nb)));
				json_object_array_add(problems, json_object_new_string(what));
			}
		} else {
			json_count(errnos, "success", 1);
		}
		/* a failed modprobe leaves no driver: only the host's checks */
		if ((rc && !strcmp(op->op.path, "modprobe") ? 0 : vap_check(h, mark, mem)) ||
		    unknown_findings(h) > before) {
			snprintf(what, sizeof(what), "site %d: the invariants or the host's checks failed", nth);
			json_object_array_add(problems, json_object_new_string(what));
			for (i = 0; i < 6 && op->undo[i].path; i++)
				do_step(h, &op->undo[i]);
			break;	/* one report per operation */
		}
		for (i = 0; i < 6 && op->undo[i].path; i++)
			do_step(h, &op->undo[i]);
		vap_settle(h);
		clean += documented;
		printf("sweep: site %d: %s %s\n", nth, documented ? "clean" : "undocumented",
		       rc ? errno_name(-rc, nb, sizeof(nb)) : "success");
		fflush(stdout);
	}
done:
	/* the leak check: what the failures left allocated shows at rmmod
	 * (a real host: the journal undone instead, the module left alone) */
	vap_guest_stop(h, "g1");
	vap_mdev_remove(h, U "1");
	if (linux_host) {
		rc = vap_restore(h, journal, NULL);
		if (rc < 0)
			fprintf(mem, "teardown: restoring the host from %s: %s\n", journal, strerror(-rc));
		else
			unlink(journal);
	} else {
		rc = vap_rmmod(h);
		if (rc)
			fprintf(mem, "teardown: rmmod vfio_ap: %s\n", strerror(-rc));
		else
			vap_modprobe(h);
	}
	fclose(mem);
	json_object_object_add(res, "operation", json_object_new_string(op->name));
	json_object_object_add(res, "first_site", json_object_new_int(start));
	json_object_object_add(res, "sites", json_object_new_int(sites));
	json_object_object_add(res, "clean", json_object_new_int(clean));
	json_object_object_add(res, "errnos", errnos);
	json_object_object_add(res, "problems", problems);
	json_object_array_add(arr, res);
	json_object_object_add(c, "fail_nth", arr);
	json_object_object_add(c, "operations", json_object_new_int(nth));
	rc = case_add_findings(h, c, oracle);
	/* a failure answered with an undocumented errno, or an operation
	 * that fails without a fault: findings of their own */
	{
		struct json_object *fs;
		size_t j;

		json_object_object_get_ex(c, "findings", &fs);
		for (j = 0; j < json_object_array_length(problems); j++) {
			const char *pr = json_object_get_string(json_object_array_get_idx(problems, j));
			struct json_object *f;
			char title[300];

			if (strstr(pr, "not documented"))
				snprintf(title, sizeof(title), "fail-nth: %s: a failure answered with an undocumented errno", op->name);
			else if (strstr(pr, "without a fault"))
				snprintf(title, sizeof(title), "fail-nth: %s: fails without a fault", op->name);
			else
				continue;	/* the host's or the oracle's own findings say it */
			f = json_object_new_object();
			json_object_object_add(f, "title", json_object_new_string(title));
			json_object_object_add(f, "known", NULL);
			json_object_object_add(f, "kind", json_object_new_string("unexpected-answer"));
			json_object_object_add(f, "first", json_object_new_string(pr));
			json_object_object_add(f, "report", json_object_new_string(pr));
			json_object_array_add(fs, f);
			rc++;
		}
	}
	case_add_lockgraph(h, c);
	{
		char *log = vap_log_since(h, mark);

		json_object_object_add(c, "kernel_log", json_object_new_string(log ? log : ""));
		free(log);
	}
	free(oracle);
	return rc ? 1 : 0;
}

static int sweep_body(void *arg, struct json_object *c)
{
	const struct sweep_arg *a = arg;
	double t0 = now_seconds();
	int rc;

	json_object_object_add(c, "name", json_object_new_string(a->op->name));
	rc = sweep_one(a->op, a->start, a->det, a->seed, c);

	json_object_object_add(c, "seconds", json_object_new_double(now_seconds() - t0));
	return rc;
}

/* the replay of a sweep: this tool, the fail-nth campaign, that operation */
static const char *det_policy;
static unsigned long long sweep_seed = 1;

static struct json_object *sweep_argv(const struct sweep_op *op)
{
	static struct tool_opts o;

	o = opts;
	o.campaign = "fail-nth";
	o.only = op->name;
	return tool_opts_replay(&o, OPT_FAULT, self);
}

/*
 * The sweep of operation k, as cases: a case that dies (the kernel would
 * have oopsed) is a problem at the site it was failing, and the sweep goes
 * on from the next site in a new case.  One row for the summary.
 */
static int sweep_op(struct campaign *cp, size_t k, struct json_object *table)
{
	struct json_object *row = json_object_new_object(), *errnos = json_object_new_object();
	struct json_object *problems = json_object_new_array();
	struct sweep_arg a = { &sweep_ops[k], 1, det_policy, sweep_seed };
	int sites = 0, clean = 0, part, worst = 0;
	char id[64], path[4400];

	for (part = 0; part < 16 && !campaign_stopped(); part++) {
		struct json_object *cj, *fn, *st, *fs;
		int rc;

		if (part)
			snprintf(id, sizeof(id), "fail-nth-%02zu-from%d", k + 1, a.start);
		else
			snprintf(id, sizeof(id), "fail-nth-%02zu", k + 1);
		rc = campaign_case(cp, "fail-nth", id, sweep_body, &a, sweep_argv(&sweep_ops[k]));
		if (rc == 2)
			worst = 2;
		snprintf(path, sizeof(path), "%s/cases/%s.json", cp->dir, id);
		cj = json_object_from_file(path);
		if (!cj)
			break;
		if (json_object_object_get_ex(cj, "fail_nth", &fn) && json_object_array_length(fn)) {
			struct json_object *r = json_object_array_get_idx(fn, 0), *v;

			json_object_object_get_ex(r, "sites", &v);
			sites += json_object_get_int(v);
			json_object_object_get_ex(r, "clean", &v);
			clean += json_object_get_int(v);
			json_object_object_get_ex(r, "errnos", &v);
			json_object_object_foreach(v, name, cnt)
				json_count(errnos, name, json_object_get_int64(cnt));
			json_object_object_get_ex(r, "problems", &v);
			for (size_t j = 0; j < json_object_array_length(v); j++)
				json_object_array_add(problems, json_object_get(json_object_array_get_idx(v, j)));
			json_object_put(cj);
			break;
		}
		/* the case died: its sites from its output, the last one its death */
		{
			char outp[4400], line[256], what[512];
			int last = 0, n;
			FILE *o;

			snprintf(outp, sizeof(outp), "%s/cases/%s.out", cp->dir, id);
			o = fopen(outp, "r");
			while (o && fgets(line, sizeof(line), o)) {
				char verdict[32], en[32];

				if (sscanf(line, "sweep: site %d: %31s %31s", &n, verdict, en) == 3) {
					sites++;
					clean += !strcmp(verdict, "clean");
					json_count(errnos, en, 1);
				} else if (sscanf(line, "sweep: site %d", &n) == 1) {
					last = n;
				}
			}
			if (o)
				fclose(o);
			json_object_object_get_ex(cj, "status", &st);
			snprintf(what, sizeof(what), "site %d: %s", last, st ? json_object_get_string(st) : "?");
			if (json_object_object_get_ex(cj, "findings", &fs) && json_object_array_length(fs)) {
				struct json_object *f0 = json_object_array_get_idx(fs, 0), *t, *kn;
				size_t len = strlen(what);

				json_object_object_get_ex(f0, "title", &t);
				if (!json_object_object_get_ex(f0, "known", &kn))
					kn = NULL;
				snprintf(what + len, sizeof(what) - len, ": %s%s%s%s",
					 t ? json_object_get_string(t) : "?", kn ? " (known " : "",
					 kn ? json_object_get_string(kn) : "", kn ? ")" : "");
			}
			json_object_array_add(problems, json_object_new_string(what));
			json_object_put(cj);
			if (!last)
				break;	/* died before any site: nothing to go on from */
			sites++;	/* the site it died at was reached */
			a.start = last + 1;
		}
	}
	json_object_object_add(row, "operation", json_object_new_string(sweep_ops[k].name));
	json_object_object_add(row, "sites", json_object_new_int(sites));
	json_object_object_add(row, "clean", json_object_new_int(clean));
	json_object_object_add(row, "errnos", errnos);
	json_object_object_add(row, "problems", problems);
	json_object_array_add(table, row);
	return worst;
}

int main(int argc, char **argv)
{
	static const unsigned int slab[][2] = { { 2, 1 }, { 10, 1 }, { 30, 3 } };
	struct stress_params p;
	struct campaign cp;
	const char *campaign, *only;
	unsigned long long first, seeds, s;
	struct json_object *sweep;
	char id[160], fault[160];
	int c, worst = 0;
	ssize_t n;
	size_t k;

	tool_opts_init(&opts);
	/* the fault in force is the case's: no per-step faults of the engine */
	opts.p.weights[OP_FAULT] = opts.p.weights[OP_APCODE] = 0;
	opts.p.ops = 600;
	opts.campaign = "all";
	c = tool_opts_parse(&opts, OPT_FAULT, "vfio-ap-fault", argc, argv);
	if (c)
		return c == 1 ? 0 : c;
	if (opts.which_host)
		return printf("%s\n", opts.host) < 0 ? 2 : 0;
	p = opts.p;
	cp = opts.cp;
	campaign = opts.campaign;
	only = opts.only;
	seeds = opts.seeds ? opts.seeds : 1;
	if (!strcmp(opts.host, "linux")) {
		int i;

		if (p.det) {
			fprintf(stderr, "vfio-ap-fault: --deterministic is for the simulated host\n");
			return 2;
		}
		/* every campaign scopes its faults to its own tasks */
		if (campaign_linux_host("vfio-ap-fault", &allow, true))
			return 2;
		for (i = 255; i >= 0; i--) {
			if (vap_mask_test(&allow.adapters, i))
				sweep_a = i;
			if (vap_mask_test(&allow.domains, i))
				sweep_d = i;
		}
		p.host = "linux";
		p.allow = allow;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	self[n > 0 ? n : 0] = 0;
	snprintf(cp.host, sizeof(cp.host), "%s", opts.host);
	if (campaign_init(&cp, "vfio-ap-fault", opts.results, argc, argv))
		return 2;
	/* made once the input is accepted: a refused one leaks nothing */
	sweep = json_object_new_array();
	first = p.seed;
	det_policy = p.det;
	sweep_seed = p.seed;
#define WANT(x) (!strcmp(campaign, "all") || !strcmp(campaign, x))
#define SELECTED(name) (!only || strstr(name, only))
	if (WANT("fail-nth")) {
		for (k = 0; k < sizeof(sweep_ops) / sizeof(sweep_ops[0]); k++) {
			/* --only names a sweep exactly (its operation) */
			if (campaign_stopped())
				break;
			/* a real host keeps its module loaded (every mdev hangs on it) */
			if (!strcmp(opts.host, "linux") && (!strcmp(sweep_ops[k].op.path, "rmmod") ||
							    !strcmp(sweep_ops[k].op.path, "modprobe")))
				continue;
			if ((!only || !strcmp(only, sweep_ops[k].name)) && sweep_op(&cp, k, sweep) == 2)
				worst = 2;
		}
		results_extra(cp.dir, "fail_nth", json_object_get(sweep));
	}
	for (s = first; s < first + seeds && !campaign_stopped(); s++) {
		p.seed = s;
		if (WANT("failslab"))
			for (k = 0; k < sizeof(slab) / sizeof(slab[0]); k++) {
				snprintf(fault, sizeof(fault), "failslab:%u:%u", slab[k][0], slab[k][1]);
				snprintf(id, sizeof(id), "failslab-p%u-i%u-s%llu", slab[k][0], slab[k][1], s);
				if (SELECTED(id) && !campaign_stopped() && run_stress_fault(&cp, &p, id, fault) == 2)
					worst = 2;
			}
		if (WANT("fail-function")) {
			static char names[64][64];
			int nf = injectable(names, 64), i;

			if (nf <= 0 && !strcmp(opts.host, "linux")) {
				/* none of the driver's callees is ALLOW_ERROR_INJECTION
				 * in the kernels we know */
				if (s == first && !cp.quiet)
					printf("vfio-ap-fault: fail-function: this kernel can inject none of the functions vfio_ap calls, skipped\n");
			} else if (nf <= 0) {
				fprintf(stderr, "vfio-ap-fault: the host lists no injectable function (fail_function/injectable)\n");
				worst = 2;
				break;
			}

			for (i = 0; i < nf; i++) {
				snprintf(fault, sizeof(fault), "fail-function:%.63s:20", names[i]);
				snprintf(id, sizeof(id), "failfunc-%.63s-s%llu", names[i], s);
				if (SELECTED(id) && !campaign_stopped() && run_stress_fault(&cp, &p, id, fault) == 2)
					worst = 2;
			}
		}
		if (WANT("ap-response") && !strcmp(opts.host, "linux")) {
			if (s == first && !cp.quiet)
				printf("vfio-ap-fault: ap-response: a real machine answers what it answers (sim only), skipped\n");
		} else if (WANT("ap-response"))
			for (k = 0; k < NR_AP_CODES; k++) {
				snprintf(fault, sizeof(fault), "ap:%s:%02x:30", stress_ap_codes[k].insn, stress_ap_codes[k].rc);
				snprintf(id, sizeof(id), "ap-%s-%s-s%llu", stress_ap_codes[k].insn, stress_ap_codes[k].name, s);
				if (SELECTED(id) && !campaign_stopped() && run_stress_fault(&cp, &p, id, fault) == 2)
					worst = 2;
			}
	}
	campaign_progress_end(&cp);
	json_object_put(sweep);
	campaign_write_facts(&cp, "0/1");
	c = results_finalize(cp.dir, "vfio-ap-fault", cp.command, cp.quiet);
	return worst ? worst : c;
}
