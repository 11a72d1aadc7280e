// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ap-sim: an interactive simulated s390 host running the real vfio_ap
 * driver.  Commands come one a line from --script FILE or standard input;
 * see driver/README.md for the language.  Lines starting with "?" assert
 * on the output of the previous command, which makes a script a test.
 *
 * Exit status: 0 no invariant failed, 1 an invariant or assertion failed,
 * 2 usage or script error (with the line number).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <stdarg.h>
#include <time.h>
#include <stdbool.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sim/fixes.h>
#include <sim/host.h>
#include <sim/fault.h>
#include <sim/sched.h>
#include <sys/stat.h>
#include "fuse_mount.h"

/* "bg write PATH VALUE": a write on its own thread, collected by "wait". */
struct bgjob {
	struct task *task;
	char path[512];
	char value[512];
	long rc;
	bool active;
};
static struct bgjob bg;

static void *bg_fn(void *arg)
{
	struct bgjob *j = arg;

	j->rc = simhost_write(j->path, j->value);
	return NULL;
}

static const struct {
	int e;
	const char *name;
} errnames[] = {
	{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EIO, "EIO" }, { ENXIO, "ENXIO" },
	{ EBADF, "EBADF" }, { EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" }, { EACCES, "EACCES" },
	{ EFAULT, "EFAULT" }, { EBUSY, "EBUSY" }, { EEXIST, "EEXIST" }, { ENODEV, "ENODEV" },
	{ ENOTDIR, "ENOTDIR" }, { EISDIR, "EISDIR" }, { EINVAL, "EINVAL" }, { ENOSPC, "ENOSPC" },
	{ ERANGE, "ERANGE" }, { ENOTTY, "ENOTTY" }, { EOPNOTSUPP, "EOPNOTSUPP" },
	{ EUSERS, "EUSERS" }, { EADDRINUSE, "EADDRINUSE" }, { EADDRNOTAVAIL, "EADDRNOTAVAIL" },
	{ ETIMEDOUT, "ETIMEDOUT" }, { E2BIG, "E2BIG" }, { ESHUTDOWN, "ESHUTDOWN" },
	{ 512, "ERESTARTSYS" },
};

static const char *errname(int e)
{
	unsigned int i;

	for (i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (errnames[i].e == e)
			return errnames[i].name;
	return "E?";
}

static char out[1 << 20];
static size_t outlen;
static int lineno;
static int failures;

static void emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void emit(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out + outlen, sizeof(out) - outlen, fmt, ap);
	va_end(ap);
	if (n > 0)
		outlen += (size_t)n < sizeof(out) - outlen ? (size_t)n : sizeof(out) - outlen - 1;
}

static void emit_err(long rc)
{
	emit("error: %s (%ld)\n", errname((int)-rc), -rc);
}

/*
 * The systematic sweep of one write, as syzkaller does it: fail the 1st,
 * 2nd, ... fault site the write reaches (/proc/thread-self/fail-nth) until
 * a run reaches no more sites; after each, the invariants must hold, and a
 * write that still succeeded is undone.
 */
static void sweep_fail_nth(const char *path, const char *value,
			   const char *undo_path, const char *undo_value)
{
	int n, sites = 0, bad = 0;

	for (n = 1; n <= 100000; n++) {
		char nth[16], left[16], where[256];
		char *buf = NULL;
		size_t len = 0;
		FILE *f;
		long rc;
		int known;

		snprintf(nth, sizeof(nth), "%d", n);
		simhost_write("/proc/thread-self/fail-nth", nth);
		rc = simhost_write(path, value);
		simhost_read("/proc/thread-self/fail-nth", left, sizeof(left));
		simhost_write("/proc/thread-self/fail-nth", "0");
		if (atoi(left) != 0) {
			/* the write ran past its last fault site */
			if (rc < 0)
				emit("fail-nth %d: no fault site reached, yet error %s\n", n,
				     errname((int)-rc));
			if (rc >= 0 && undo_path)
				simhost_write(undo_path, undo_value);
			break;
		}
		sites++;
		sim_fault_last_injected(where, sizeof(where));
		if (rc < 0)
			emit("fail-nth %d: %s -> error %s\n", n, where, errname((int)-rc));
		else
			emit("fail-nth %d: %s -> ok\n", n, where);
		if (rc >= 0 && undo_path)
			simhost_write(undo_path, undo_value);
		f = open_memstream(&buf, &len);
		if (simhost_check(f, &known)) {
			bad++;
			fclose(f);
			emit("%s", buf);
		} else {
			fclose(f);
		}
		free(buf);
	}
	emit("%d fault sites\n", sites);
	if (!bad && sites)
		emit("ok\n");
}

static void script_error(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void script_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vfio-ap-sim: line %d: ", lineno);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static int parse_int(const char *s, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || *end || end == s || v < 0 || v > 255)
		script_error("%s '%s' is not a number from 0 to 255", what, s);
	return (int)v;
}

/* "cc.qqqq" in hex, as the AP bus names queues. */
static int parse_apqn(const char *s)
{
	unsigned int card, queue;
	char tail;

	if (sscanf(s, "%x.%x%c", &card, &queue, &tail) != 2 || strspn(s, "0123456789abcdefABCDEF.") != strlen(s))
		script_error("'%s' is not an APQN (cc.qqqq in hex)", s);
	if (card > 255 || queue > 255)
		script_error("APQN '%s' is out of range (adapter and domain must be 00..ff)", s);
	return (int)(card << 8 | queue);
}

static const struct { const char *name; unsigned int rc; } rc_names[] = {
	{ "not-avail", 0x01 }, { "reset", 0x02 }, { "deconfigured", 0x03 },
	{ "checkstopped", 0x04 }, { "busy", 0x05 }, { "invalid-address", 0x06 },
	{ "otherwise-changed", 0x07 },
};

/* hw inject tapq|zapq|aqic|all APQN|any CODE [times=N] [probability=P] | clear */
static void cmd_inject(int argc, char **argv)
{
	struct aphw_inject r = { .times = 1 };
	const char *usage = "usage: hw inject tapq|zapq|aqic|all APQN|any "
		"not-avail|reset|deconfigured|checkstopped|busy|invalid-address|otherwise-changed|0xNN "
		"[times=N|times=-1] [probability=P] | hw inject clear";
	unsigned int i;
	bool times_set = false;
	int a;
	char *end;

	if (argc == 3 && !strcmp(argv[2], "clear")) {
		simhost_hw_inject(NULL);
		emit("ok\n");
		return;
	}
	if (argc < 5)
		script_error("%s", usage);
	if (!strcmp(argv[2], "tapq"))
		r.insns = 1u << APHW_TAPQ;
	else if (!strcmp(argv[2], "zapq"))
		r.insns = 1u << APHW_ZAPQ;
	else if (!strcmp(argv[2], "aqic"))
		r.insns = 1u << APHW_AQIC;
	else if (!strcmp(argv[2], "all"))
		r.insns = 1u << APHW_TAPQ | 1u << APHW_ZAPQ | 1u << APHW_AQIC;
	else
		script_error("hw inject: unknown instruction '%s'; %s", argv[2], usage);
	r.qid = !strcmp(argv[3], "any") ? -1 : parse_apqn(argv[3]);
	for (i = 0; i < sizeof(rc_names) / sizeof(rc_names[0]); i++)
		if (!strcmp(argv[4], rc_names[i].name))
			r.rc = rc_names[i].rc;
	if (!r.rc) {
		unsigned long v = strtoul(argv[4], &end, 0);

		if (*end || end == argv[4] || v < 1 || v > 0xff)
			script_error("hw inject: unknown response code '%s'; %s", argv[4], usage);
		r.rc = (unsigned int)v;
	}
	for (a = 5; a < argc; a++) {
		long v;

		if (!strncmp(argv[a], "times=", 6)) {
			times_set = true;
			v = strtol(argv[a] + 6, &end, 0);
			if (*end || end == argv[a] + 6 || v < -1 || v == 0)
				script_error("hw inject: times must be a positive count or -1");
			r.times = v;
		} else if (!strncmp(argv[a], "probability=", 12)) {
			v = strtol(argv[a] + 12, &end, 0);
			if (*end || end == argv[a] + 12 || v < 1 || v > 100)
				script_error("hw inject: probability must be 1..100 (percent)");
			r.probability = (unsigned int)v;
		} else {
			script_error("hw inject: unknown option '%s'; %s", argv[a], usage);
		}
	}
	/* a probability without a count applies for ever */
	if (r.probability && !times_set)
		r.times = -1;
	if (simhost_hw_inject(&r))
		script_error("hw inject: too many rules in force (256 at most)");
	emit("ok\n");
}

/* hw reset-model [ms=N] [effects=start|end] */
static void cmd_reset_model(int argc, char **argv)
{
	const char *usage = "usage: hw reset-model [ms=N] [effects=start|end]";
	bool late = false;
	long ms = -1;
	char *end;
	int a;

	for (a = 2; a < argc; a++) {
		if (!strncmp(argv[a], "ms=", 3)) {
			ms = strtol(argv[a] + 3, &end, 0);
			if (*end || end == argv[a] + 3 || ms < 0)
				script_error("hw reset-model: ms must be a count of milliseconds");
		} else if (!strcmp(argv[a], "effects=start") || !strcmp(argv[a], "effects=end")) {
			late = !strcmp(argv[a], "effects=end");
		} else {
			script_error("hw reset-model: unknown option '%s'; %s", argv[a], usage);
		}
	}
	simhost_hw_reset_model(ms, late);
	emit("ok\n");
}

static unsigned long parse_ulong(const char *s, const char *what)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || end == s || s[0] == '-')
		script_error("%s '%s' is not an unsigned number", what, s);
	return v;
}

/*
 * guest ioctl NAME get-info|irq-info INDEX|set-irqs INDEX FD|reset|other
 *   [argsz=N] [flags=N] [start=N] [count=N]
 * FD: vmm (the VMM's own eventfd for the index), not-eventfd, closed, or a
 * number (-1: unregister).  SET_IRQS defaults to an eventfd trigger of one
 * vector.  Prints the answer or the errno.
 */
static void cmd_guest_ioctl(int argc, char **argv)
{
	static const char *usage = "usage: guest ioctl NAME get-info | irq-info INDEX | set-irqs INDEX vmm|not-eventfd|closed|FD | reset | other [argsz=N] [flags=N] [start=N] [count=N]";
	struct simhost_ioctl_args a = {
		.flags = 0x4 | 0x20,	/* VFIO_IRQ_SET_DATA_EVENTFD | ACTION_TRIGGER */
		.count = 1,
	};
	const char *op = argv[3];
	enum simhost_ioctl which;
	int i = 4;
	long rc;

	if (!strcmp(op, "get-info")) {
		which = SIMHOST_GET_INFO;
	} else if (!strcmp(op, "irq-info") && argc > 4) {
		which = SIMHOST_GET_IRQ_INFO;
		a.index = (unsigned int)parse_ulong(argv[i++], "guest ioctl: index");
	} else if (!strcmp(op, "set-irqs") && argc > 5) {
		which = SIMHOST_SET_IRQS;
		a.index = (unsigned int)parse_ulong(argv[i++], "guest ioctl: index");
		if (!strcmp(argv[i], "vmm"))
			a.fd = SIMHOST_FD_VMM;
		else if (!strcmp(argv[i], "not-eventfd"))
			a.fd = SIMHOST_FD_NOT_EVENTFD;
		else if (!strcmp(argv[i], "closed"))
			a.fd = SIMHOST_FD_CLOSED;
		else {
			char *end;
			long fd = strtol(argv[i], &end, 0);

			if (*end || end == argv[i] || fd < INT_MIN || fd > INT_MAX)
				script_error("guest ioctl: '%s' is no descriptor (vmm, not-eventfd, closed or a number)",
					     argv[i]);
			a.fd = (int)fd;
		}
		i++;
	} else if (!strcmp(op, "reset")) {
		which = SIMHOST_RESET;
	} else if (!strcmp(op, "other")) {
		which = SIMHOST_OTHER_IOCTL;
	} else {
		script_error("%s", usage);
	}
	for (; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		unsigned int v;

		if (!eq)
			script_error("%s", usage);
		v = (unsigned int)parse_ulong(eq + 1, "guest ioctl: option");
		if (!strncmp(argv[i], "argsz=", 6))
			a.argsz = v;
		else if (!strncmp(argv[i], "flags=", 6))
			a.flags = v;
		else if (!strncmp(argv[i], "start=", 6))
			a.start = v;
		else if (!strncmp(argv[i], "count=", 6))
			a.count = v;
		else
			script_error("%s", usage);
	}
	rc = simhost_guest_ioctl(argv[2], which, &a);
	if (rc < 0)
		emit_err(rc);
	else if (which == SIMHOST_GET_INFO)
		emit("flags 0x%x regions %u irqs %u\n", a.out_flags, a.num_regions, a.num_irqs);
	else if (which == SIMHOST_GET_IRQ_INFO)
		emit("count %u flags 0x%x\n", a.irq_count, a.out_flags);
	else
		emit("ok\n");
}

static void cmd_guest(int argc, char **argv)
{
	long rc;

	if (argc >= 4 && !strcmp(argv[1], "start")) {
		int vcpus = 2, a;
		bool aqic = true, cfgirq = true;

		for (a = 4; a < argc; a++) {
			if (!strncmp(argv[a], "vcpus=", 6)) {
				vcpus = atoi(argv[a] + 6);
				if (vcpus < 1 || vcpus > 64)
					script_error("guest start: vcpus must be 1..64");
			} else if (!strcmp(argv[a], "aqic=off")) {
				aqic = false;
			} else if (!strcmp(argv[a], "aqic=on")) {
				aqic = true;
			} else if (!strcmp(argv[a], "cfgirq=off")) {
				cfgirq = false;
			} else if (!strcmp(argv[a], "cfgirq=on")) {
				cfgirq = true;
			} else {
				script_error("guest start: unknown option '%s' (vcpus=N, aqic=on|off, cfgirq=on|off)",
					     argv[a]);
			}
		}
		rc = simhost_guest_start_opts(argv[2], argv[3], vcpus, aqic, cfgirq);
	} else if (argc == 3 && (!strcmp(argv[1], "stop") || !strcmp(argv[1], "kill"))) {
		rc = simhost_guest_stop_how(argv[2], !strcmp(argv[1], "kill"));
	} else if (argc == 3 && !strcmp(argv[1], "events")) {
		unsigned long sig, chg;
		bool reg;

		rc = simhost_guest_events(argv[2], &sig, &chg, &reg);
		if (!rc) {
			if (reg)
				emit("cfg-chg registered: %lu signal(s), %lu APCB change(s)\n", sig, chg);
			else
				emit("cfg-chg not registered: %lu APCB change(s)\n", chg);
			return;
		}
	} else if (argc == 4 && !strcmp(argv[1], "irq-info")) {
		unsigned int count, flags;

		rc = simhost_guest_irq_info(argv[2], (unsigned int)parse_int(argv[3], "IRQ index"),
					    &count, &flags);
		if (!rc) {
			emit("count %u flags 0x%x\n", count, flags);
			return;
		}
	} else if (argc >= 5 && !strcmp(argv[1], "pqap")) {
		bool on = !strcmp(argv[4], "on");
		unsigned long nib = 0;
		int vcpu = 0, a;

		if (!on && strcmp(argv[4], "off"))
			script_error("usage: guest pqap NAME APQN on [nib=ADDR] [vcpu=N] | off [vcpu=N]");
		for (a = 5; a < argc; a++) {
			if (on && !strncmp(argv[a], "nib=", 4))
				nib = parse_ulong(argv[a] + 4, "guest pqap: nib");
			else if (!strncmp(argv[a], "vcpu=", 5))
				vcpu = parse_int(argv[a] + 5, "guest pqap: vcpu");
			else
				script_error("usage: guest pqap NAME APQN on [nib=ADDR] [vcpu=N] | off [vcpu=N]");
		}
		rc = simhost_guest_pqap(argv[2], vcpu, parse_apqn(argv[3]), on, nib);
		if (rc == 0x100) {
			emit("no AQIC issued\n");
			return;
		}
		if (rc >= 0) {
			emit("rc %02lx\n", rc);
			return;
		}
	} else if (argc >= 4 && !strcmp(argv[1], "ioctl")) {
		cmd_guest_ioctl(argc, argv);
		return;
	} else if (argc == 6 && !strcmp(argv[1], "dma") &&
		   (!strcmp(argv[3], "map") || !strcmp(argv[3], "unmap"))) {
		rc = simhost_guest_dma(argv[2], !strcmp(argv[3], "map"),
				       parse_ulong(argv[4], "guest dma: iova"),
				       parse_ulong(argv[5], "guest dma: size"));
		if (rc >= 0 && !strcmp(argv[3], "unmap")) {
			emit("unmapped 0x%lx\n", rc);
			return;
		}
	} else if (argc == 3 && !strcmp(argv[1], "pins")) {
		rc = simhost_guest_pinned(argv[2]);
		if (rc >= 0) {
			emit("pinned %ld\n", rc);
			return;
		}
	} else if (argc == 4 && !strcmp(argv[1], "attach")) {
		rc = simhost_guest_attach(argv[2], argv[3]);
	} else if (argc == 3 && !strcmp(argv[1], "reopen")) {
		rc = simhost_guest_reopen(argv[2]);
	} else if (argc == 3 && !strcmp(argv[1], "show")) {
		static char buf[1 << 20];

		rc = simhost_guest_show(argv[2], buf, sizeof(buf));
		if (rc >= 0) {
			emit("%s", buf);
			return;
		}
	} else {
		script_error("usage: guest start NAME UUID [vcpus=N] [aqic=off] [cfgirq=off] | stop NAME | show NAME | events NAME | irq-info NAME INDEX | pqap NAME APQN on [nib=ADDR]|off [vcpu=N] | ioctl NAME ... | dma NAME map|unmap IOVA SIZE | pins NAME | attach NAME UUID | reopen NAME");
	}
	if (rc < 0)
		emit_err(rc);
	else
		emit("ok\n");
}

/* An assertion's text, with "\n" and "\t" standing for newline and tab. */
static const char *unescape(const char *arg)
{
	static char buf[4096];
	size_t d = 0;

	for (; *arg && d + 1 < sizeof(buf); arg++) {
		if (arg[0] == '\\' && (arg[1] == 'n' || arg[1] == 't')) {
			buf[d++] = arg[1] == 'n' ? '\n' : '\t';
			arg++;
		} else {
			buf[d++] = *arg;
		}
	}
	buf[d] = 0;
	return buf;
}

/* "? ok", "? error EBUSY", "? contains TEXT", "? lacks TEXT", "? equals TEXT" */
static void assertion(char *line)
{
	char *p = line + 1, *arg;
	bool ok;
	char expect[256];

	while (isspace((unsigned char)*p))
		p++;
	arg = p + strcspn(p, " \t");
	if (*arg) {
		*arg++ = 0;
		while (isspace((unsigned char)*arg))
			arg++;
	}
	if (!strcmp(p, "ok")) {
		/* "ok", after nothing but known driver bugs (check's output) */
		const char *l = out;

		while (!strncmp(l, "known KI-", 9) && strchr(l, '\n'))
			l = strchr(l, '\n') + 1;
		ok = !strcmp(l, "ok\n");
	} else if (!strcmp(p, "error")) {
		snprintf(expect, sizeof(expect), "error: %s (", arg);
		ok = !strncmp(out, expect, strlen(expect));
	} else if (!strcmp(p, "contains")) {
		ok = strstr(out, unescape(arg)) != NULL;
	} else if (!strcmp(p, "lacks")) {
		ok = strstr(out, unescape(arg)) == NULL;
	} else if (!strcmp(p, "equals")) {
		ok = !strcmp(out, unescape(arg));
	} else if (!strcmp(p, "empty")) {
		ok = outlen == 0;
	} else {
		script_error("unknown assertion '? %s'", p);
	}
	if (!ok) {
		failures++;
		printf("FAIL line %d: expected %s %s; got: %s%s", lineno, p, arg,
		       outlen ? out : "(nothing)\n", outlen && out[outlen - 1] != '\n' ? "\n" : "");
	}
}

/* ------------------------------------------------------ the commands */

/* an answer of 0 or -errno: "ok" or "error: NAME (...)" */
static void emit_rc(long rc)
{
	if (rc < 0)
		emit_err(rc);
	else
		emit("ok\n");
}

static void cmd_write(int argc, char **argv)
{
	/* the value is the rest of the line, spaces included (run_line
	 * joined it); without one, an empty line, as `echo > FILE` */
	emit_rc(simhost_write(argv[1], argc > 2 ? argv[2] : ""));
}

static void cmd_read(int argc, char **argv)
{
	static char buf[8192];
	long rc = simhost_read(argv[1], buf, sizeof(buf));

	if (rc < 0)
		emit_err(rc);
	else
		emit("%s", buf);
}

static void cmd_ls(int argc, char **argv)
{
	char **names;
	int n = simhost_ls(argv[1], &names), i;

	if (n < 0) {
		emit_err(n);
		return;
	}
	for (i = 0; i < n; i++) {
		emit("%s\n", names[i]);
		free(names[i]);
	}
	free(names);
}

static void cmd_hw(int argc, char **argv)
{
	if (simhost_hw(argv[1], parse_int(argv[2], "hw id")) == -EINVAL)
		script_error("usage: hw remove-adapter|add-adapter|remove-domain|add-domain N");
	emit("ok\n");
}

static void cmd_modprobe(int argc, char **argv) { emit_rc(simhost_modprobe()); }
static void cmd_rmmod(int argc, char **argv) { emit_rc(simhost_rmmod()); }

static void cmd_bg_write(int argc, char **argv)
{
	if (bg.active)
		script_error("bg: a background write is already running");
	snprintf(bg.path, sizeof(bg.path), "%s", argv[2]);
	snprintf(bg.value, sizeof(bg.value), "%s", argv[3]);
	bg.active = true;
	bg.task = sim_thread_start("bg-write", bg_fn, &bg);
	if (!bg.task)
		script_error("bg: cannot start a thread");
	emit("started\n");
}

static void cmd_wait(int argc, char **argv)
{
	if (!bg.active)
		script_error("wait: no background write");
	sim_thread_join(bg.task);
	bg.active = false;
	emit_rc(bg.rc);
}

static void cmd_running(int argc, char **argv)
{
	/* whether the background write is still blocked, after a grace
	 * period of 200 ms of real time in the threaded mode */
	simhost_sleep_ms(200 * sim_timescale);
	emit("%s\n", bg.active && !sim_thread_exited(bg.task) ? "running" : "finished");
}

static void cmd_lockgraph(int argc, char **argv)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	simhost_lockgraph(f);
	fclose(f);
	emit("%s", buf);
	free(buf);
}

static void cmd_sleep(int argc, char **argv)
{
	char *end;
	long ms = strtol(argv[1], &end, 10);

	if (*end || end == argv[1] || ms < 0 || ms > 3600000)
		script_error("sleep: '%s' is not a number of milliseconds (0..3600000)", argv[1]);
	simhost_sleep_ms(ms);
	emit("ok\n");
}

static void cmd_settle(int argc, char **argv)
{
	simhost_settle();
	emit("ok\n");
}

static void cmd_check(int argc, char **argv)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int known, n = simhost_check(f, &known);

	fclose(f);
	/* known driver bugs are listed first; "ok" ends a clean check */
	emit("%s%s", buf, n ? "" : "ok\n");
	free(buf);
}

static void cmd_sweep(int argc, char **argv)
{
	if (argc != 4 && (argc != 7 || strcmp(argv[4], "undo")))
		script_error("usage: sweep write PATH VALUE [undo PATH VALUE]");
	sweep_fail_nth(argv[2], argv[3], argc == 7 ? argv[5] : NULL, argc == 7 ? argv[6] : NULL);
}

static void cmd_log(int argc, char **argv)
{
	char *t = simhost_log();

	emit("%s", t);
	free(t);
}

static void cmd_uevents(int argc, char **argv)
{
	char *t = simhost_uevents();

	emit("%s", t);
	free(t);
}

/*
 * The command language, one row a command: its first word, the second
 * word it needs (NULL: any), how many words it takes (the command's own
 * included), what runs it and its synopsis.  The first row that fits a
 * line runs it; a line no row fits is a script error.
 */
static const struct command {
	const char *name, *sub;
	int min, max;
	void (*run)(int argc, char **argv);
	const char *synopsis;
} commands[] = {
	{ "write", NULL, 2, 16, cmd_write, "write PATH [VALUE...]" },
	{ "read", NULL, 2, 2, cmd_read, "read PATH" },
	{ "ls", NULL, 2, 2, cmd_ls, "ls PATH" },
	{ "guest", NULL, 2, 16, cmd_guest, "guest start|stop|kill|show|events|irq-info|pqap|ioctl|dma|pins|attach|reopen ..." },
	{ "hw", "inject", 3, 16, cmd_inject, "hw inject tapq|zapq|aqic|all APQN|any CODE [times=N] [probability=P] | hw inject clear" },
	{ "hw", "reset-model", 2, 16, cmd_reset_model, "hw reset-model [ms=N] [effects=start|end]" },
	{ "hw", NULL, 3, 3, cmd_hw, "hw remove-adapter|add-adapter|remove-domain|add-domain N" },
	{ "modprobe", "vfio_ap", 2, 2, cmd_modprobe, "modprobe vfio_ap" },
	{ "rmmod", "vfio_ap", 2, 2, cmd_rmmod, "rmmod vfio_ap" },
	{ "bg", "write", 4, 4, cmd_bg_write, "bg write PATH VALUE" },
	{ "wait", NULL, 1, 1, cmd_wait, "wait" },
	{ "running", NULL, 1, 1, cmd_running, "running" },
	{ "lockgraph", NULL, 1, 1, cmd_lockgraph, "lockgraph" },
	{ "sleep", NULL, 2, 2, cmd_sleep, "sleep MS" },
	{ "settle", NULL, 1, 1, cmd_settle, "settle" },
	{ "check", NULL, 1, 1, cmd_check, "check" },
	{ "sweep", "write", 4, 7, cmd_sweep, "sweep write PATH VALUE [undo PATH VALUE]" },
	{ "log", NULL, 1, 1, cmd_log, "log" },
	{ "uevents", NULL, 1, 1, cmd_uevents, "uevents" },
};

static void run_line(char *line)
{
	char *argv[16];
	int argc = 0, i;
	char *p = line;
	size_t k;

	while (*p && argc < 16) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		argv[argc++] = p;
		p += strcspn(p, " \t");
		if (*p)
			*p++ = 0;
	}
	if (!argc)
		return;
	/* write's value is the rest of the line, spaces included */
	if (!strcmp(argv[0], "write") && argc > 3) {
		for (i = 3; i < argc; i++)
			argv[i][-1] = ' ';
		argc = 3;
	}
	outlen = 0;
	out[0] = 0;
	for (k = 0; k < sizeof(commands) / sizeof(commands[0]); k++) {
		const struct command *c = &commands[k];

		if (strcmp(argv[0], c->name) || argc < c->min || argc > c->max ||
		    (c->sub && (argc < 2 || strcmp(argv[1], c->sub))))
			continue;
		c->run(argc, argv);
		break;
	}
	if (k == sizeof(commands) / sizeof(commands[0]))
		script_error("unknown command or wrong arguments: %s", argv[0]);
	fputs(out, stdout);
	fflush(stdout);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: vfio-ap-sim [--config ADAPTERSxDOMAINS] [--script FILE]\n"
		   "  --config AxD   host AP configuration: adapters 0..A-1, domains 0..D-1 (default 4x16, up to 256x256)\n"
		   "  --script FILE  read commands from FILE instead of standard input\n"
		   "  --known FILE   known driver bugs (default %s; 'none' for none)\n"
		   "  --sched MODE   threads (default: real threads in parallel), or one task at a\n"
		   "                 time, the next picked at every scheduling point by a seeded\n"
		   "                 random walk (random) or PCT (pct); the seed is printed\n"
		   "  --seed N       seed of the schedule and of the fault-injection draws\n"
		   "  --pct-depth D  PCT's bug depth: D-1 priority change points (default 3)\n"
		   "  --mount DIR    serve the host's /sys, /proc and /dev/kmsg at DIR through FUSE\n"
		   "                 until unmounted (fusermount3 -u DIR)\n"
		   "  --features     what the tree's driver has, one a line (req-irq, cfg-chg-irq, ...)\n"
		   "  --fixes        the fixes of driver/fixes/ built into this driver: 'KI-n NAME' a line\n"
		   "  --identify FILE  name each report of a saved output or kernel log as a\n"
		   "                 campaign would: 'KI-n: TITLE' (a known driver bug) or 'new: TITLE'\n"
		   "Driver source: kernel %s (build with KSRC=<tree> for another)\n",
		SIM_KNOWN_DEFAULT, simhost_kernel_version());
	fprintf(f, "Commands, a line each (driver/README.md); '? ok|error E|contains T|lacks T|equals T|empty' checks the answer:\n");
	for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++)
		fprintf(f, "  %s\n", commands[k].synopsis);
}

static void print_sched_stats(void)
{
	unsigned long long steps, switches, digest;

	sim_sched_stats(&steps, &switches, &digest);
	fprintf(stderr, "vfio-ap-sim: schedule: %llu scheduling points, %llu switches, digest %016llx\n",
		steps, switches, digest);
}

static void identify_one(const char *title, const char *report, void *arg)
{
	const char *id = simhost_known_match(title, report);

	(*(int *)arg)++;
	printf("%s: %s\n", id ? id : "new", title);
}

/*
 * --identify FILE: what a campaign would call each report of a saved
 * output or kernel log (the sim's reports between their rules, and a
 * crash: an oops or a sanitizer's report): "KI-n: TITLE" for a known
 * driver bug of this kernel, "new: TITLE" for anything else.
 */
static int identify_reports(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = NULL, why[256];
	size_t len = 0;
	int n = 0;

	if (!f) {
		fprintf(stderr, "vfio-ap-sim: --identify '%s': %s\n", path, strerror(errno));
		return 2;
	}
	if (getdelim(&text, &len, 0, f) < 0) {
		free(text);
		text = strdup("");
	}
	fclose(f);
	simhost_log_reports(text, identify_one, &n);
	if (simhost_crash_title(text, why, sizeof(why)))
		identify_one(why, text, &n);
	free(text);
	return n ? 0 : 1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "script", required_argument, NULL, 's' },
		{ "ksrc", required_argument, NULL, 'k' },
		{ "known", required_argument, NULL, 'K' },
		{ "sched", required_argument, NULL, 'S' },
		{ "mount", required_argument, NULL, 'M' },
		{ "seed", required_argument, NULL, 'e' },
		{ "pct-depth", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "features", no_argument, NULL, 'F' },
		{ "fixes", no_argument, NULL, 'X' },
		{ "identify", required_argument, NULL, 'I' },
		{ NULL, 0, NULL, 0 },
	};
	int adapters = 4, domains = 16, c, rc, pct_depth = 3;
	const char *script = NULL, *known = NULL, *sched = "threads", *mount = NULL;
	const char *identify = NULL;
	unsigned long long seed = 0;
	bool have_seed = false;
	char *end;
	FILE *in = stdin;
	char line[8192];

	opterr = 0;
	while ((c = getopt_long(argc, argv, "c:s:k:K:S:e:d:M:I:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'c': {
			if (simhost_parse_config(optarg, &adapters, &domains)) {
				fprintf(stderr, "vfio-ap-sim: --config '%s': expected ADAPTERSxDOMAINS, each 1..256\n",
					optarg);
				return 2;
			}
			break;
		}
		case 's':
			script = optarg;
			break;
		case 'k':
			fprintf(stderr, "vfio-ap-sim: --ksrc: this binary is built from kernel %s; run 'make sim KSRC=%s' and use the binary it names\n",
				simhost_kernel_version(), optarg);
			return 2;
		case 'K':
			known = optarg;
			break;
		case 'M':
			mount = optarg;
			break;
		case 'S':
			sched = optarg;
			if (strcmp(sched, "threads") && strcmp(sched, "random") && strcmp(sched, "pct")) {
				fprintf(stderr, "vfio-ap-sim: --sched '%s': expected threads, random or pct\n", sched);
				return 2;
			}
			break;
		case 'e':
			errno = 0;
			seed = strtoull(optarg, &end, 0);
			if (errno || end == optarg || *end || optarg[0] == '-') {
				fprintf(stderr, "vfio-ap-sim: --seed '%s': expected an unsigned number\n", optarg);
				return 2;
			}
			have_seed = true;
			break;
		case 'd':
			pct_depth = (int)strtol(optarg, &end, 10);
			if (end == optarg || *end || pct_depth < 1 || pct_depth > 16) {
				fprintf(stderr, "vfio-ap-sim: --pct-depth '%s': expected 1..16\n", optarg);
				return 2;
			}
			break;
		case 'I':
			identify = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("%s\n", simhost_kernel_version());
			return 0;
		case 'X': {
			/* the fixes of driver/fixes/ this driver carries */
			const struct sim_driver_fix *const *f;
			int n, i;

			f = sim_driver_fixes(&n);
			for (i = 0; i < n; i++)
				printf("%s %s\n", f[i]->id, f[i]->name);
			return 0;
		}
		case 'F':
			/* what the tree's driver has (driver/features.sh) */
#ifdef SIM_TREE_AP_ATTR_MUTEX
			puts("ap-attr-mutex");
#endif
#ifdef SIM_TREE_REQ_IRQ
			puts("req-irq");
#endif
#ifdef SIM_TREE_CFG_CHG_IRQ
			puts("cfg-chg-irq");
#endif
#ifdef SIM_TREE_TAPQ_HWINFO
			puts("tapq-hwinfo");
#endif
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			/* not the driver's but the build's: the driver's copy of
			 * a PQAP status into GR1 (a big-endian idiom) is lost, so
			 * its AQIC disable always waits with TAPQ */
			puts("gr1-status-lost");
#endif
			return 0;
		default:
			fprintf(stderr, "vfio-ap-sim: unknown option '%s'; see --help\n", argv[optind - 1]);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "vfio-ap-sim: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (mount) {
		struct stat st;

		if (script || strcmp(sched, "threads")) {
			fprintf(stderr, "vfio-ap-sim: --mount serves the host to other processes: no --script or --sched with it\n");
			return 2;
		}
		if (stat(mount, &st) || !S_ISDIR(st.st_mode)) {
			fprintf(stderr, "vfio-ap-sim: --mount '%s': not a directory\n", mount);
			return 2;
		}
	}
	if (!known && access(SIM_KNOWN_DEFAULT, R_OK) == 0)
		known = SIM_KNOWN_DEFAULT;
	if (known && strcmp(known, "none")) {
		char err[512];

		if (simhost_known_load(known, err, sizeof(err))) {
			fprintf(stderr, "vfio-ap-sim: --known %s\n", err);
			return 2;
		}
	}
	if (identify)
		return identify_reports(identify);
	if (script) {
		in = fopen(script, "r");
		if (!in) {
			fprintf(stderr, "vfio-ap-sim: --script '%s': %s\n", script, strerror(errno));
			return 2;
		}
	}
	if (!have_seed && strcmp(sched, "threads")) {
		/* a fresh schedule each run, replayable with the seed printed */
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		seed = (unsigned long long)ts.tv_nsec ^ ((unsigned long long)ts.tv_sec << 20);
		seed %= 1000000000ULL;
	}
	simhost_seed(seed);
	if (strcmp(sched, "threads")) {
		sim_sched_deterministic(strcmp(sched, "pct") ? SIM_SCHED_RANDOM : SIM_SCHED_PCT,
					seed, pct_depth, 20000);
		/* the seed replays the run: say it first */
		fprintf(stderr, "vfio-ap-sim: deterministic scheduler: --sched %s --seed %llu\n",
			sched, seed);
		atexit(print_sched_stats);
	}
	rc = simhost_boot(adapters, domains);
	if (rc) {
		fprintf(stderr, "vfio-ap-sim: host boot failed: %s\n", strerror(-rc));
		return 1;
	}
	if (mount)
		return sim_fuse_serve(mount) ? 1 : 0;
	while (fgets(line, sizeof(line), in)) {
		char *p = line;

		lineno++;
		line[strcspn(line, "\n")] = 0;
		while (isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			continue;
		if (*p == '?')
			assertion(p);
		else
			run_line(p);
	}
	if (in != stdin)
		fclose(in);
	simhost_shutdown();
	if (failures)
		return 1;
	/* Whatever teardown raised is said, not just counted. */
	{
		int known, n = simhost_check(NULL, &known);

		if (n || known) {
			fprintf(stderr, "vfio-ap-sim: findings at exit%s:\n",
				n ? "" : " (known driver bugs only)");
			simhost_check(stderr, NULL);
		}
		return n ? 1 : 0;
	}
}
