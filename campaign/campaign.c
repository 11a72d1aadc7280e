// SPDX-License-Identifier: GPL-2.0
/*
 * The campaign runner: every case runs in a process of its own (the sim is
 * one host per process, and a crash, a sanitizer report or a hang ends
 * only that case), its stdout and stderr in cases/<id>.out, its result in
 * cases/<id>.json.  A case that dies or outlives its time is a failed case
 * with a finding of its own.  A progress line goes to a terminal.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "campaign.h"

/* The operations of the running case, in memory the child shares with
 * the campaign: a case that dies still has its count. */
long *campaign_case_ops;

double campaign_elapsed(const struct campaign *cp)
{
	return now_seconds() - cp->started;
}

/* Ctrl-C or SIGTERM: the case running ends, no other starts, and the
 * results folder is written from the cases done */
static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

bool campaign_stopped(void)
{
	return stop_requested;
}

bool campaign_time_left(const struct campaign *cp)
{
	return !stop_requested && (cp->duration <= 0 || campaign_elapsed(cp) < cp->duration);
}

static int mkdirs(const char *dir)
{
	char tmp[4400], *p;

	snprintf(tmp, sizeof(tmp), "%s", dir);
	for (p = tmp + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			if (mkdir(tmp, 0755) && errno != EEXIST)
				return -errno;
			*p = '/';
		}
	if (mkdir(tmp, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

/* true for a folder that does not exist or holds nothing */
static bool dir_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	bool empty = true;

	if (!d)
		return true;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = false;
	closedir(d);
	return empty;
}

int campaign_init(struct campaign *cp, const char *tool, const char *results, int argc,
		  char **argv)
{
	char cases[4200], stamp[32];
	struct utsname u;
	time_t now = time(NULL);
	size_t off = 0;
	int i, rc;

	cp->tool = tool;
	cp->started = now_seconds();
	uname(&u);
	if (!cp->host[0])
		snprintf(cp->host, sizeof(cp->host), "sim");
	if (!strcmp(cp->host, "linux"))
		snprintf(cp->kernel, sizeof(cp->kernel), "%s", u.release);
	else
		snprintf(cp->kernel, sizeof(cp->kernel), "%s", vap_sim_kernel());
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", localtime(&now));
	if (results)
		snprintf(cp->dir, sizeof(cp->dir), "%s", results);
	else
		snprintf(cp->dir, sizeof(cp->dir), "results/%s-%s-%s", stamp, cp->host, cp->kernel);
	for (i = 0; i < argc && off < sizeof(cp->command); i++)
		off += (size_t)snprintf(cp->command + off, sizeof(cp->command) - off, "%s%s",
					i ? " " : "", argv[i]);
	snprintf(cases, sizeof(cases), "%s/cases", cp->dir);
	if (!dir_empty(cases)) {
		fprintf(stderr, "%s: %s already holds a run's cases: give --results a new folder\n", tool,
			cp->dir);
		return 2;
	}
	if (cp->coverage && !coverage_available()) {
		fprintf(stderr, "%s: --coverage: this build counts no driver coverage (build it with COV=1: make sim-one TREE=<tree> COV=1)\n",
			tool);
		return 2;
	}
	rc = mkdirs(cases);
	if (rc) {
		fprintf(stderr, "%s: cannot create %s: %s\n", tool, cases, strerror(-rc));
		return 2;
	}
	rc = cp->coverage ? coverage_begin(cp->dir) : 0;
	if (rc) {
		fprintf(stderr, "%s: --coverage: %s\n", tool, strerror(-rc));
		return 2;
	}
	campaign_case_ops = mmap(NULL, sizeof(long), PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (campaign_case_ops == MAP_FAILED) {
		fprintf(stderr, "%s: mmap: %s\n", tool, strerror(errno));
		return 2;
	}
	cp->progress = isatty(STDERR_FILENO) && !cp->quiet;
	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	if (!cp->timeout)
		cp->timeout = 600;
	return 0;
}

static void progress(struct campaign *cp, const char *id)
{
	double t = campaign_elapsed(cp);
	char left[32] = "";

	if (!cp->progress)
		return;
	if (cp->duration > 0)
		snprintf(left, sizeof(left), ", %.0f s left", cp->duration > t ? cp->duration - t : 0);
	else if (cp->total)
		snprintf(left, sizeof(left), ", case %d/%d", cp->done + 1, cp->total);
	fprintf(stderr, "\r\033[K%s: %s: %ld ops, %.0f ops/s, %d findings (+%d known)%s", cp->tool, id,
		cp->ops, t > 0 ? cp->ops / t : 0, cp->findings, cp->known, left);
}

void campaign_progress_end(struct campaign *cp)
{
	if (cp->progress)
		fprintf(stderr, "\r\033[K");
}

/* written whole or not at all (a temporary file renamed) */
static int write_json(const char *path, struct json_object *o)
{
	char tmp[4400];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	fprintf(f, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
							    JSON_C_TO_STRING_NOSLASHESCAPE));
	if (fclose(f) || rename(tmp, path)) {
		unlink(tmp);
		return -EIO;
	}
	return 0;
}

static void on_case_deadline(int sig)
{
	(void)sig;
	vap_sim_log_save();
	_exit(124);
}

/* The child: the case body, its JSON, its kernel log. */
static void run_child(struct campaign *cp, const char *id, case_fn fn, void *arg,
		      struct json_object *c)
{
	char path[4300];
	int fd, status;

	/* Ctrl-C stops the campaign after this case, not the case; the
	 * campaign's SIGTERM at the case's deadline leaves its kernel log */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, on_case_deadline);
	/* where a dying host leaves its kernel log */
	snprintf(path, sizeof(path), "%s/cases/%s.log", cp->dir, id);
	setenv("VFIO_AP_CASE_LOG", path, 1);
	snprintf(path, sizeof(path), "%s/cases/%s.out", cp->dir, id);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	status = fn(arg, c);
	json_object_object_add(c, "status", json_object_new_string(status == 0 ? "pass" :
								   status == 1 ? "fail" : "error"));
	snprintf(path, sizeof(path), "%s/cases/%s.json", cp->dir, id);
	if (write_json(path, c))
		_exit(3);
	fflush(NULL);
	coverage_flush();	/* _exit runs no atexit: the counts now */
	_exit(status);
}

static void save_log(struct campaign *cp, const char *id, struct json_object *c)
{
	struct json_object *log;
	char path[4300];
	FILE *f;

	/* the child put its kernel log into the case as "kernel_log" */
	if (!json_object_object_get_ex(c, "kernel_log", &log))
		return;
	snprintf(path, sizeof(path), "%s/cases/%s.log", cp->dir, id);
	f = fopen(path, "w");
	if (f) {
		fputs(json_object_get_string(log), f);
		fclose(f);
	}
	json_object_object_del(c, "kernel_log");
}

/* The oops's "pcs:" lines symbolized here (the child was forked from this
 * process: same addresses), each in place of the child's own Call Trace
 * after it. */
static char *symbolize_pcs(char *out)
{
	char *from = out;

	while (from && (from = strstr(from, "pcs:"))) {
		char *p = from, *q, *res, trace[8192];
		void *pcs[64];
		int n = 0;
		size_t keep;

		for (q = p + 4; n < 64 && *q == ' ';) {
			char *end;
			unsigned long v = strtoul(q + 1, &end, 16);

			if (end == q + 1)
				break;
			pcs[n++] = (void *)v;
			q = end;
		}
		vap_symbolize(pcs, n, trace, sizeof(trace));
		/* the pcs line and the child's own trace after it (up to a
		 * line that is no frame) give way to ours; the rest stays */
		q = strchr(p, '\n');
		q = q ? q + 1 : p + strlen(p);
		if (!strncmp(q, "Call Trace:\n", 12)) {
			q += 12;
			while (*q == ' ')
				q += strcspn(q, "\n") + (q[strcspn(q, "\n")] == '\n');
		}
		keep = (size_t)(p - out) + 12 + strlen(trace);
		if (asprintf(&res, "%.*sCall Trace:\n%s%s", (int)(p - out), out, trace, q) < 0)
			return out;
		free(out);
		out = res;
		from = out + keep;
	}
	return out;
}

/* cases/<id>.<ext> (up to its last max - 1 bytes), or NULL */
static char *read_file_tail(struct campaign *cp, const char *id, const char *ext, long max)
{
	char path[4400], *buf;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/cases/%s.%s", cp->dir, id, ext);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && ftell(f) > max - 1)
		fseek(f, -(max - 1), SEEK_END);
	else
		fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)max);
	n = buf ? fread(buf, 1, (size_t)max - 1, f) : 0;
	if (buf)
		buf[n] = 0;
	fclose(f);
	return buf;
}

/* A finding of a case that died, unless the case has it already. */
static void add_dead_finding(struct json_object *arr, const char *title, const char *report,
			     const char *kind)
{
	size_t i;

	for (i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *o = json_object_array_get_idx(arr, i), *t, *r;

		if (json_object_object_get_ex(o, "title", &t) &&
		    json_object_object_get_ex(o, "report", &r) &&
		    !strcmp(json_object_get_string(t), title) &&
		    !strcmp(json_object_get_string(r), report))
			return;
	}
	json_object_array_add(arr, finding_obj(title, vap_known_match(title, report), kind, title,
					       report));
}

/* "--- finding: TITLE" then its report, for each finding of a hung host */
static void add_hung_findings(struct json_object *arr, const char *out)
{
	const char *p = strstr(out, "--- finding: ");

	while (p) {
		const char *t = p + 13, *nl = strchr(t, '\n'), *next;
		char *title, *body;

		if (!nl)
			break;
		next = strstr(nl, "--- finding: ");
		title = strndup(t, (size_t)(nl - t));
		body = next ? strndup(nl + 1, (size_t)(next - nl - 1)) : strdup(nl + 1);
		add_dead_finding(arr, title, body, NULL);
		free(title);
		free(body);
		p = next;
	}
}

/* The reports a dead host's kernel log holds: what the case raised
 * before it died, also in a round the crash interrupted. */
static void log_finding(const char *title, const char *report, void *arr)
{
	add_dead_finding(arr, title, report, NULL);
}

/* cases/<id>.out, the last MiB (the report is at the end), as JSON can
 * hold it: printable ASCII, newlines, tabs */
static char *read_case_out(struct campaign *cp, const char *id)
{
	char *out = read_file_tail(cp, id, "out", 1 << 20);
	size_t k;

	for (k = 0; out && out[k]; k++)
		if ((unsigned char)out[k] >= 0x7f ||
		    ((unsigned char)out[k] < 0x20 && out[k] != '\n' && out[k] != '\t'))
			out[k] = '?';
	return out;
}

/*
 * A case that died (a crash, a sanitizer's abort, a hung host) or outlived
 * its deadline: what the child could not write, made here.  It keeps every
 * finding it raised before (from its kernel log), the crash as one more,
 * and the operations it ran.
 */
static struct json_object *dead_case(struct campaign *cp, const char *id, struct json_object *c,
				     char *why, size_t whylen, double t0)
{
	struct json_object *arr = json_object_new_array(), *crash;
	char *out = read_case_out(cp, id), *caselog = read_file_tail(cp, id, "log", 4 << 20);
	bool timeout = !strncmp(why, "timeout", 7), cut = !strncmp(why, "cut", 3), hung;
	const char *known;

	json_object_object_add(c, "status", json_object_new_string(timeout ? "timeout" :
								   cut ? "cut" : "crash"));
	json_object_object_add(c, "seconds", json_object_new_double(now_seconds() - t0));
	json_object_object_add(c, "operations",
			       json_object_new_int64(campaign_case_ops ? *campaign_case_ops : 0));
	vap_crash_title(out, why, whylen);
	out = symbolize_pcs(out);
	/* a hung host says its findings before it ends the run */
	hung = out && strstr(out, "the simulated host hung; findings:");
	if (hung) {
		add_hung_findings(arr, out);
		snprintf(why, whylen, "%s", strstr(out, "watchdog: BUG: soft lockup") ?
			 "watchdog: BUG: soft lockup" : "INFO: task hung");
	}
	vap_log_reports(caselog, log_finding, arr);
	if (cut) {
		/* not the case's fault: what it found stands */
		json_object_object_add(c, "findings", arr);
		free(out);
		free(caselog);
		return c;
	}
	crash = json_object_new_object();
	json_object_object_add(crash, "title", json_object_new_string(why));
	if (!hung) {
		add_dead_finding(arr, why, out ? out : why, timeout ? "timeout" : "crash");
		known = vap_known_match(why, out ? out : why);
	} else {
		/* the hang's own report is among the findings */
		char title[256] = "";

		known = NULL;
		for (size_t i = 0; i < json_object_array_length(arr) && !title[0]; i++) {
			struct json_object *f = json_object_array_get_idx(arr, i), *t, *k;

			if (!json_object_object_get_ex(f, "title", &t) ||
			    strncmp(json_object_get_string(t), why, strlen(why)))
				continue;
			snprintf(title, sizeof(title), "%s", json_object_get_string(t));
			if (json_object_object_get_ex(f, "known", &k) && k)
				known = json_object_get_string(k);
		}
		if (title[0])
			snprintf(why, whylen, "%s", title);
		json_object_object_add(crash, "title", json_object_new_string(why));
	}
	json_object_object_add(crash, "known", known ? json_object_new_string(known) : NULL);
	json_object_object_add(c, "crash", crash);
	json_object_object_add(c, "findings", arr);
	free(out);
	free(caselog);
	return c;
}

/*
 * The symbolizer reads (and inflates) the binary's debug information once,
 * here, so that every forked case inherits it: each case's host boot
 * would otherwise do it again, a good part of a short case's time.
 */
static void warm_symbolizer(void)
{
	static bool warm;
	void *pc = (void *)warm_symbolizer;
	char buf[256];

	if (!warm) {
		warm = true;
		vap_symbolize(&pc, 1, buf, sizeof(buf));
	}
}

int campaign_case(struct campaign *cp, const char *campaign, const char *id, case_fn fn,
		  void *arg, struct json_object *argv_json)
{
	struct json_object *c = json_object_new_object(), *res, *st, *ops, *f;
	char path[4300], why[256];
	double t0 = now_seconds(), deadline = cp->timeout;
	int status = 0, ret;
	pid_t pid, w;

	json_object_object_add(c, "id", json_object_new_string(id));
	json_object_object_add(c, "campaign", json_object_new_string(campaign));
	json_object_object_add(c, "argv", argv_json);
	progress(cp, id);
	{
		static const char *const ext[] = { "json", "log", "out" };

		for (size_t e = 0; e < 3; e++) {
			snprintf(path, sizeof(path), "%s/cases/%s.%s", cp->dir, id, ext[e]);
			unlink(path);
		}
	}
	/* a --duration campaign ends on time: no case outlives it by more
	 * than CAMPAIGN_GRACE seconds */
	if (cp->duration > 0 && cp->duration - campaign_elapsed(cp) + CAMPAIGN_GRACE < deadline)
		deadline = cp->duration - campaign_elapsed(cp) + CAMPAIGN_GRACE;
	if (deadline < CAMPAIGN_GRACE)
		deadline = CAMPAIGN_GRACE;
	if (campaign_case_ops)
		*campaign_case_ops = 0;
	warm_symbolizer();
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "%s: fork: %s\n", cp->tool, strerror(errno));
		json_object_put(c);
		return 2;
	}
	if (pid == 0)
		run_child(cp, id, fn, arg, c);
	/* the parent waits, with the case's deadline: SIGTERM (the child
	 * leaves its kernel log), SIGKILL two seconds later */
	why[0] = 0;
	for (;;) {
		struct timespec ts = { 0, 50 * 1000000L };

		w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			break;
		if (now_seconds() - t0 > deadline) {
			kill(pid, SIGTERM);
			for (int i = 0; i < 40 && waitpid(pid, &status, WNOHANG) != pid; i++)
				nanosleep(&ts, NULL);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			if (deadline < cp->timeout)
				snprintf(why, sizeof(why), "cut: the campaign's %.0f s were over",
					 cp->duration);
			else
				snprintf(why, sizeof(why), "timeout: the case ran longer than %.0f s",
					 deadline);
			break;
		}
		nanosleep(&ts, NULL);
	}
	if (!why[0] && WIFSIGNALED(status))
		snprintf(why, sizeof(why), "crash: the case died of signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else if (!why[0] && WIFEXITED(status) && WEXITSTATUS(status) > 2)
		snprintf(why, sizeof(why), "crash: the case exited with status %d (a sanitizer report?)",
			 WEXITSTATUS(status));
	snprintf(path, sizeof(path), "%s/cases/%s.json", cp->dir, id);
	res = json_object_from_file(path);
	if (why[0] || !res) {
		if (!why[0])
			snprintf(why, sizeof(why), "crash: the case wrote no result (exit status %d)",
				 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		if (res)
			json_object_put(res);
		res = dead_case(cp, id, c, why, sizeof(why), t0);
		c = NULL;
	}
	save_log(cp, id, res);
	if (cp->annotate)
		cp->annotate(cp->annotate_arg, id, res);
	write_json(path, res);
	ret = json_object_object_get_ex(res, "status", &st) ?
		      (!strcmp(json_object_get_string(st), "pass") ? 0 :
		       !strcmp(json_object_get_string(st), "error") ? 2 : 1) : 1;
	if (ret == 1 && !strcmp(json_object_get_string(st), "cut")) {
		ret = 0;
		if (json_object_object_get_ex(res, "findings", &f))
			for (size_t k = 0; k < json_object_array_length(f); k++) {
				struct json_object *kn;

				if (!json_object_object_get_ex(json_object_array_get_idx(f, k),
							       "known", &kn) || !kn)
					ret = 1;
			}
	}
	if (ret == 2 && json_object_object_get_ex(res, "error", &f))
		fprintf(stderr, "%s: %s: %s\n", cp->tool, id, json_object_get_string(f));
	if (json_object_object_get_ex(res, "operations", &ops))
		cp->ops += json_object_get_int64(ops);
	if (json_object_object_get_ex(res, "findings", &f))
		for (size_t k = 0; k < json_object_array_length(f); k++) {
			struct json_object *kn;

			if (json_object_object_get_ex(json_object_array_get_idx(f, k), "known", &kn) && kn)
				cp->known++;
			else
				cp->findings++;
		}
	cp->done++;
	cp->failed += ret != 0;
	json_object_put(res);
	if (c)
		json_object_put(c);
	progress(cp, id);
	return ret;
}

/*
 * --host linux: the allowlist ($VFIO_AP_TEST_APQNS) must name adapters and
 * domains; with faults, the host must be able to scope them to one task
 * (failslab's task-filter, /proc/thread-self/make-it-fail and fail-nth),
 * or it gets none.  0, or 2 with one line on stderr and nothing touched.
 */
int campaign_linux_host(const char *tool, struct vap_allow *allow, bool faults)
{
	struct vap_host *h;
	char err[512];
	int rc = vap_allowlist(allow, err, sizeof(err));

	if (rc < 0) {
		fprintf(stderr, "%s: %s\n", tool, err);
		return 2;
	}
	if (rc == 0 || !vap_mask_weight(&allow->adapters) || !vap_mask_weight(&allow->domains)) {
		fprintf(stderr, "%s: --host linux changes only what VFIO_AP_TEST_APQNS allows, adapters and domains: set it, e.g. VFIO_AP_TEST_APQNS=\"adapters=5,6 domains=0x10,0x11\"\n",
			tool);
		return 2;
	}
	if (!faults)
		return 0;
	h = vap_open("linux", err, sizeof(err));
	if (!h) {
		fprintf(stderr, "%s: %s\n", tool, err);
		return 2;
	}
	rc = vap_write(h, "/proc/thread-self/make-it-fail", "0") ||
	     vap_write(h, "/proc/thread-self/fail-nth", "0") ||
	     !vap_exists(h, "/sys/kernel/debug/failslab/task-filter");
	vap_close(h);
	if (rc) {
		fprintf(stderr, "%s: this host cannot scope faults to a task (/proc/thread-self/make-it-fail and fail-nth, debugfs failslab: CONFIG_FAULT_INJECTION, CONFIG_FAILSLAB)\n",
			tool);
		return 2;
	}
	return 0;
}

/* summary.json's facts of the run itself, read back by results_finalize
 * (and joined by a merge) */
int campaign_write_facts(struct campaign *cp, const char *shard)
{
	struct json_object *sum = json_object_new_object(), *shards = json_object_new_array();
	char stamp[32], path[4300];
	time_t started = time(NULL) - (time_t)campaign_elapsed(cp);
	int rc;

	/* the cases are done: their driver coverage, counted */
	if (cp->coverage && coverage_collect(cp->dir))
		fprintf(stderr, "%s: --coverage: no case left coverage counts\n", cp->tool);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime(&started));
	json_object_array_add(shards, json_object_new_string(shard));
	json_object_object_add(sum, "host", json_object_new_string(cp->host));
	json_object_object_add(sum, "kernel", json_object_new_string(cp->kernel));
	/* the fixes of driver/fixes/ the driver under test carries */
	json_object_object_add(sum, "fixes", json_object_new_string(!strcmp(cp->host, "linux") ? "" : vap_sim_fixes()));
	json_object_object_add(sum, "started", json_object_new_string(stamp));
	json_object_object_add(sum, "shards", shards);
	json_object_object_add(sum, "seconds", json_object_new_double(campaign_elapsed(cp)));
	snprintf(path, sizeof(path), "%s/summary.json", cp->dir);
	rc = json_object_to_file(path, sum);
	json_object_put(sum);
	return rc ? -EIO : 0;
}
