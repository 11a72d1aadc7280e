// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel log of the simulated host, in the kernel's line format
 * ("[    1.234567] text"), printk levels, WARN/BUG reports, the dev_*
 * helpers, s390dbf areas, and the list of findings.
 *
 * Times in the log are virtual (sim_now_ms), so a replayed run logs the
 * same timestamps only in deterministic mode.
 */
#include <pthread.h>
#include <stdlib.h>
#include <stdarg.h>
#include <unistd.h>
#include <linux/kernel.h>
#include <linux/device.h>
#include <asm/debug.h>
#include <sim/sched.h>
#include <sim/ref.h>
#include <sim/report.h>
#include <sim/stack.h>
#include <sim/lockdep.h>
#include <sim/origin.h>

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char *logbuf;
static size_t loglen, logcap, nlines;

struct finding {
	char *title;
	char *body;
};
static struct finding *findings;
static int nfindings, capfindings;

/* Format with the kernel's %p extensions the driver and models use:
 * %pad (dma_addr_t by reference), %pUl/%pUb (UUID bytes). */
static int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	char f2[1024];
	size_t i = 0, o = 0;
	char tmp[64];
	va_list aq;
	int n;

	/* rewrite the extensions into plain conversions on a copy */
	while (fmt[i] && o < sizeof(f2) - 8) {
		if (fmt[i] == '%' && fmt[i + 1] == 'p' &&
		    (fmt[i + 2] == 'a' || fmt[i + 2] == 'U')) {
			f2[o++] = '%';
			f2[o++] = '@';
			f2[o++] = fmt[i + 2];
			i += 3;
			if (fmt[i - 1] == 'a' && fmt[i] == 'd')
				i++;
			else if (fmt[i - 1] == 'U' && (fmt[i] == 'l' || fmt[i] == 'b'))
				i++;
			continue;
		}
		f2[o++] = fmt[i++];
	}
	f2[o] = 0;
	if (!strstr(f2, "%@"))
		return vsnprintf(buf, size, fmt, ap);

	/* walk the conversions by hand */
	va_copy(aq, ap);
	o = 0;
	for (i = 0; f2[i]; ) {
		size_t j;
		char spec[32];

		if (f2[i] != '%') {
			if (o + 1 < size)
				buf[o] = f2[i];
			o++;
			i++;
			continue;
		}
		if (f2[i + 1] == '@') {
			if (f2[i + 2] == 'a') {
				const u64 *a = va_arg(aq, const u64 *);

				snprintf(tmp, sizeof(tmp), "0x%016llx",
					 (unsigned long long)*a);
			} else {
				const unsigned char *u = va_arg(aq, const unsigned char *);

				snprintf(tmp, sizeof(tmp),
					 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
					 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8],
					 u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
			}
			for (j = 0; tmp[j]; j++, o++)
				if (o + 1 < size)
					buf[o] = tmp[j];
			i += 3;
			continue;
		}
		/* copy one ordinary conversion spec */
		j = 0;
		spec[j++] = f2[i++];
		while (f2[i] && !strchr("diouxXcspn%", f2[i]) && j < sizeof(spec) - 2)
			spec[j++] = f2[i++];
		spec[j++] = f2[i] ? f2[i++] : 0;
		spec[j] = 0;
		if (strchr(spec, 'l') && strpbrk(spec, "diouxX"))
			n = snprintf(tmp, sizeof(tmp), spec, va_arg(aq, long));
		else if (strpbrk(spec, "diouxXc"))
			n = snprintf(tmp, sizeof(tmp), spec, va_arg(aq, int));
		else if (strchr(spec, 's'))
			n = snprintf(tmp, sizeof(tmp), spec, va_arg(aq, const char *));
		else if (strchr(spec, 'p'))
			n = snprintf(tmp, sizeof(tmp), spec, va_arg(aq, void *));
		else
			n = snprintf(tmp, sizeof(tmp), "%%");
		for (j = 0; j < (size_t)n && tmp[j]; j++, o++)
			if (o + 1 < size)
				buf[o] = tmp[j];
	}
	va_end(aq);
	if (size)
		buf[o < size ? o : size - 1] = 0;
	return (int)o;
}

static void log_append_locked(const char *line)
{
	size_t n = strlen(line);

	if (loglen + n + 2 > logcap) {
		logcap = (loglen + n + 2) * 2;
		logbuf = realloc(logbuf, logcap);
		if (!logbuf)
			abort();
	}
	memcpy(logbuf + loglen, line, n);
	loglen += n;
	if (!n || line[n - 1] != '\n')
		logbuf[loglen++] = '\n';
	logbuf[loglen] = 0;
	nlines++;
}

/* Append text (possibly several lines) with kernel timestamps. */
static void log_text(const char *text)
{
	long now = sim_now_ms();
	char line[1200];
	const char *p = text;

	pthread_mutex_lock(&log_lock);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (n > 1000)
			n = 1000;
		snprintf(line, sizeof(line), "[%5ld.%06ld] %.*s", now / 1000,
			 (now % 1000) * 1000, (int)n, p);
		log_append_locked(line);
		p += n;
		if (*p == '\n')
			p++;
	}
	pthread_mutex_unlock(&log_lock);
}

void sim_log(const char *fmt, ...)
{
	char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_text(buf);
}

int printk(const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	int n;

	if (fmt[0] == KERN_SOH[0] && fmt[1])
		fmt += 2;
	va_start(ap, fmt);
	n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_text(buf);
	return n;
}

int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!size)
		return 0;
	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n < (int)size ? n : (int)size - 1;
}

void shim_dev_printk(const char *level, const struct device *dev,
		     const char *fmt, ...)
{
	char msg[3000], buf[3200];
	const char *drv = dev->driver ? dev->driver->name :
			  dev->bus ? dev->bus->name : "";
	va_list ap;

	(void)level;
	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(buf, sizeof(buf), "%s %s: %s", drv, dev_name(dev), msg);
	log_text(buf);
}

/*
 * A finding: its title and report, kept for the checks and printed to the
 * log between two rules, as KASAN prints its reports, so that the reports
 * of a host that died can be read back from its log.  The report carries
 * the stack it was raised on, unless it brings its own stacks (or, for a
 * hung task, the reporter's stack would say nothing): a known driver bug
 * is recognised by its report alone.
 */
void sim_report(const char *title, const char *fmt, ...)
{
	static const char rule[] = "======================================================";
	char body[8192], trace[4096] = "", *full;
	size_t n;
	va_list ap;
	int i;

	va_start(ap, fmt);
	kvsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	if (!strstr(body, "backtrace") && !strstr(body, "Call Trace") &&
	    strncmp(title, "INFO: task hung", 15)) {
		struct sim_stack st;

		sim_stack_save(&st, 1);
		sim_stack_format(&st, trace, sizeof(trace));
	}

	pthread_mutex_lock(&log_lock);
	/* one report of a kind and text (not of every stack it is seen on) */
	for (i = 0; i < nfindings; i++) {
		if (!strcmp(findings[i].title, title) &&
		    !strncmp(findings[i].body, body, strlen(body)) &&
		    (!findings[i].body[strlen(body)] ||
		     !strncmp(findings[i].body + strlen(body), "Call Trace:\n", 12))) {
			pthread_mutex_unlock(&log_lock);
			return;
		}
	}
	if (nfindings == capfindings) {
		capfindings = capfindings ? capfindings * 2 : 16;
		findings = realloc(findings, capfindings * sizeof(*findings));
		if (!findings)
			abort();
	}
	n = strlen(body);
	if (asprintf(&full, "%s%s%s%s", body, n && body[n - 1] != '\n' && trace[0] ? "\n" : "",
		     trace[0] ? "Call Trace:\n" : "", trace) < 0)
		abort();
	findings[nfindings].title = strdup(title);
	findings[nfindings].body = full;
	nfindings++;
	pthread_mutex_unlock(&log_lock);

	log_text("");
	log_text(rule);
	log_text(title);
	log_text("------------------------------------------------------");
	log_text(body);
	if (trace[0]) {
		log_text("Call Trace:");
		log_text(trace);
	}
	log_text(rule);
}

const char *sim_finding(int i, const char **body)
{
	const char *t = NULL;

	pthread_mutex_lock(&log_lock);
	if (i >= 0 && i < nfindings) {
		t = findings[i].title;
		if (body)
			*body = findings[i].body;
	}
	pthread_mutex_unlock(&log_lock);
	return t;
}

int sim_nr_findings(void)
{
	return nfindings;
}

void sim_clear_findings(void)
{
	int i;

	pthread_mutex_lock(&log_lock);
	for (i = 0; i < nfindings; i++) {
		free(findings[i].title);
		free(findings[i].body);
	}
	nfindings = 0;
	pthread_mutex_unlock(&log_lock);
}

char *sim_log_dump(void)
{
	char *s;

	pthread_mutex_lock(&log_lock);
	s = strdup(logbuf ? logbuf : "");
	pthread_mutex_unlock(&log_lock);
	return s;
}

/* A dying host's kernel log to $VFIO_AP_CASE_LOG (a campaign's case file),
 * without taking the log lock: the dying task may hold it. */
#ifdef SIM_COVERAGE
extern void __gcov_dump(void);
#endif

void sim_log_save_on_death(void)
{
	const char *path = getenv("VFIO_AP_CASE_LOG");
	FILE *f;

#ifdef SIM_COVERAGE
	/* a coverage build (COV=1): what the dying case reached counts too */
	__gcov_dump();
#endif

	if (!path || !*path || !logbuf)
		return;
	f = fopen(path, "w");
	if (!f)
		return;
	fputs(logbuf, f);
	fclose(f);
}

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/common_interface_defs.h>
#include <sim/fault.h>

/* A sanitizer's report comes with its stack (UBSan's too), and the fault
 * injected into the dying task last: what a check-less caller of a
 * failed allocation trips on. */
const char *__ubsan_default_options(void)
{
	return "print_stacktrace=1";
}

static void on_sanitizer_death(void)
{
	struct sim_stack st;
	const char *fault = sim_fault_task_last(&st);

	if (fault) {
		char trace[4096];

		sim_stack_format(&st, trace, sizeof(trace));
		fprintf(stderr, "Last fault injected into this task: %s\nCall Trace:\n%s", fault, trace);
	}
	sim_log_save_on_death();
}

__attribute__((constructor)) static void log_death_callback(void)
{
	__sanitizer_set_death_callback(on_sanitizer_death);
}
#endif

void sim_host_died(void)
{
	int i, n = sim_nr_findings();

	fprintf(stderr, "vfio-ap-sim: the simulated host hung; findings:\n");
	for (i = 0; i < n; i++) {
		const char *body, *title = sim_finding(i, &body);

		fprintf(stderr, "--- finding: %s\n%s\n", title, body);
	}
	fflush(NULL);
	sim_log_save_on_death();
	_exit(1);
}

size_t sim_log_lines(void)
{
	return nlines;
}

void shim_warn(const char *file, int line, const char *func, const char *fmt, ...)
{
	char msg[2048] = "", title[160], where[256], *held;
	struct task *t = sim_current();
	int apqn = sim_origin_task_apqn();
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		kvsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
	}
	/* what the driver holds for the queue the task last worked on: a
	 * WARN about its interrupt resources carries their history; and
	 * what the machine last answered on that queue */
	held = calloc(1, ORIGINS_LEN);
	if (held && apqn >= 0) {
		size_t n = (size_t)snprintf(held, ORIGINS_LEN, "Resources held for APQN %02x.%04x:\n",
					    apqn >> 8 & 0xff, apqn & 0xff);

		if (!sim_origin_describe_apqn(apqn, held + n, ORIGINS_LEN - n))
			held[0] = 0;
		n = strlen(held);
		sim_origin_describe_answers(apqn, held + n, ORIGINS_LEN - n);
	}
	/* findings are named by site, as syzbot names them */
	snprintf(title, sizeof(title), "WARNING in %s", func);
	sim_report(title, "%s%s------------[ cut here ]------------\nWARNING: CPU: 0 PID: %d at %s:%d %s\nComm: %s\n---[ end trace ]---\n%s",
		   msg, (msg[0] && msg[strlen(msg) - 1] != '\n') ? "\n" : "",
		   t->pid, sim_tree_path(file, where, sizeof(where)), line, func, t->comm,
		   held ? held : "");
	free(held);
}

void shim_bug(const char *file, int line)
{
	sim_report("BUG", "kernel BUG at %s:%d!\n", file, line);
	abort();
}

void shim_list_corruption(const char *what, const void *entry,
			  const void *prev, const void *next)
{
	sim_report("list corruption", "%s corruption. entry=%p prev=%p next=%p\n",
		   what, entry, prev, next);
}

/* s390dbf: a ring of formatted events per area. */
#define DBF_RING 256
struct debug_info {
	char name[32];
	int level;
	char *ring[DBF_RING];
	unsigned int next;
	pthread_mutex_t lock;
};
struct debug_view debug_sprintf_view = { .name = "sprintf" };

debug_info_t *debug_register(const char *name, int pages, int nr_areas, int buf_size)
{
	debug_info_t *id = kzalloc_at(sizeof(*id), GFP_KERNEL, "arch/s390/kernel/debug.c:debug_info_alloc");

	(void)pages;
	(void)nr_areas;
	(void)buf_size;
	if (!id)
		return NULL;
	snprintf(id->name, sizeof(id->name), "%s", name);
	id->level = 3;
	pthread_mutex_init(&id->lock, NULL);
	sim_ref_get(SIM_REF_DEBUG, id, NULL, __builtin_return_address(0));
	return id;
}

void debug_unregister(debug_info_t *id)
{
	int i;

	if (!id)
		return;
	sim_ref_put(SIM_REF_DEBUG, id, __builtin_return_address(0));
	for (i = 0; i < DBF_RING; i++)
		free(id->ring[i]);
	pthread_mutex_destroy(&id->lock);
	kfree(id);
}

int debug_register_view(debug_info_t *id, struct debug_view *view)
{
	(void)id;
	(void)view;
	return 0;
}

void debug_set_level(debug_info_t *id, int level)
{
	id->level = level;
}

void shim_debug_sprintf_event(debug_info_t *id, int level, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (!id || level > id->level)
		return;
	va_start(ap, fmt);
	kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&id->lock);
	free(id->ring[id->next % DBF_RING]);
	id->ring[id->next % DBF_RING] = strdup(buf);
	id->next++;
	pthread_mutex_unlock(&id->lock);
}

/* The area's events, oldest first (caller frees). */
char *shim_debug_dump(debug_info_t *id)
{
	size_t len = 1;
	unsigned int i, first;
	char *s;

	pthread_mutex_lock(&id->lock);
	first = id->next > DBF_RING ? id->next - DBF_RING : 0;
	for (i = first; i < id->next; i++)
		len += strlen(id->ring[i % DBF_RING]) + 1;
	s = malloc(len);
	s[0] = 0;
	for (i = first; i < id->next; i++) {
		strcat(s, id->ring[i % DBF_RING]);
		if (s[strlen(s) - 1] != '\n')
			strcat(s, "\n");
	}
	pthread_mutex_unlock(&id->lock);
	return s;
}
