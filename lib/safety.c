// SPDX-License-Identifier: GPL-2.0
/*
 * Safety on a real host: the allowlist of adapters and domains destructive
 * tests may touch, and the journal that lets every change be undone (on
 * exit, on SIGINT/SIGTERM, or later by `make restore`).
 *
 * Journal lines, appended and fsync'ed before each change:
 *   set PATH<TAB>OLD       a setting's value before the change
 *   undo PATH<TAB>VALUE    the write that undoes an action (create, assign)
 * Restoring replays the lines backwards, so every path ends at its oldest
 * value and every action is undone in reverse order.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "internal.h"

/* "1,2-3" into a mask */
static int parse_ids(const char *s, size_t n, struct vap_mask *m, char *err, size_t errlen)
{
	const char *p = s, *end = s + n;

	while (p < end) {
		char *e;
		long a = strtol(p, &e, 0), b = a;

		if (e == p || a < 0 || a > 255)
			goto bad;
		p = e;
		if (p < end && *p == '-') {
			b = strtol(p + 1, &e, 0);
			if (e == p + 1 || b < a || b > 255)
				goto bad;
			p = e;
		}
		for (; a <= b; a++)
			vap_mask_set(m, (int)a);
		if (p < end && *p != ',')
			goto bad;
		if (p < end)
			p++;
	}
	return 0;
bad:
	snprintf(err, errlen, "allowlist: '%.*s': expected numbers 0..255 and ranges, comma-separated",
		 (int)n, s);
	return -EINVAL;
}

int vap_allowlist_parse(const char *text, struct vap_allow *a, char *err, size_t errlen)
{
	const char *p = text;
	bool ad = false, dm = false;

	memset(a, 0, sizeof(*a));
	for (;;) {
		size_t n;
		const char *eq;

		while (isspace((unsigned char)*p))
			p++;
		if (*p == '#') {
			p += strcspn(p, "\n");
			continue;
		}
		if (!*p)
			break;
		n = strcspn(p, " \t\n");
		eq = memchr(p, '=', n);
		if (eq && eq - p == 8 && !strncmp(p, "adapters", 8)) {
			if (parse_ids(eq + 1, n - 9, &a->adapters, err, errlen))
				return -EINVAL;
			ad = true;
		} else if (eq && eq - p == 7 && !strncmp(p, "domains", 7)) {
			if (parse_ids(eq + 1, n - 8, &a->domains, err, errlen))
				return -EINVAL;
			dm = true;
		} else {
			snprintf(err, errlen, "allowlist: '%.*s': expected adapters=LIST or domains=LIST",
				 (int)n, p);
			return -EINVAL;
		}
		p += n;
	}
	if (!ad || !dm) {
		snprintf(err, errlen, "allowlist: both adapters= and domains= are required");
		return -EINVAL;
	}
	return 0;
}

int vap_allowlist(struct vap_allow *a, char *err, size_t errlen)
{
	const char *env = getenv("VFIO_AP_TEST_APQNS"), *file = getenv("VFIO_AP_TEST_CONFIG");
	char buf[4096];
	ssize_t n;
	int fd;

	if (env && *env)
		return vap_allowlist_parse(env, a, err, errlen) ? -EINVAL : 1;
	if (!file || !*file)
		return 0;
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "VFIO_AP_TEST_CONFIG=%s: %s", file, strerror(errno));
		return -EINVAL;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, "VFIO_AP_TEST_CONFIG=%s: %s", file, strerror(errno));
		return -EINVAL;
	}
	buf[n] = 0;
	return vap_allowlist_parse(buf, a, err, errlen) ? -EINVAL : 1;
}

/* ------------------------------------------------------------- journal */

static struct vap_host *journaled;
static pid_t journal_owner;

/* Only the process that opened the journal restores from it: a forked
 * child (a test harness runs test bodies in one) shares the file and
 * must not replay it under its parent. */
static void restore_at_exit(void)
{
	if (journaled && journaled->journal_fd >= 0 && getpid() == journal_owner)
		vap_restore(journaled, journaled->journal, NULL);
}

static void restore_on_signal(int sig)
{
	restore_at_exit();
	signal(sig, SIG_DFL);
	raise(sig);
}

const char *vap_journal_path(void)
{
	const char *j = getenv("VFIO_AP_JOURNAL");

	return j && *j ? j : "/var/tmp/vfio-ap-stress.journal";
}

int vap_journal_open(struct vap_host *h, const char *file)
{
	h->journal_fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (h->journal_fd < 0)
		return -errno;
	snprintf(h->journal, sizeof(h->journal), "%s", file);
	journal_owner = getpid();
	if (!journaled) {
		journaled = h;
		atexit(restore_at_exit);
		signal(SIGINT, restore_on_signal);
		signal(SIGTERM, restore_on_signal);
	}
	return 0;
}

static int journal_line(struct vap_host *h, const char *kind, const char *path, const char *value)
{
	char line[8192];
	int n = snprintf(line, sizeof(line), "%s %s\t%s\n", kind, path, value);

	if (n >= (int)sizeof(line) || write(h->journal_fd, line, n) != n || fsync(h->journal_fd))
		return -EIO;
	return 0;
}

/* The write that undoes writing `value` to `path`, for the actions. */
static bool inverse(const char *path, const char *value, char *ipath, size_t len, char *ivalue, size_t vlen)
{
	const char *base = strrchr(path, '/');
	static const char *const pairs[][2] = {
		{ "assign_adapter", "unassign_adapter" }, { "assign_domain", "unassign_domain" },
		{ "assign_control_domain", "unassign_control_domain" },
		{ "unassign_adapter", "assign_adapter" }, { "unassign_domain", "assign_domain" },
		{ "unassign_control_domain", "assign_control_domain" },
		{ "bind", "unbind" }, { "unbind", "bind" },
	};
	size_t i;

	if (!base)
		return false;
	base++;
	if (!strcmp(base, "create")) {
		snprintf(ipath, len, VAP_MATRIX_DIR "/%.36s/remove", value);
		snprintf(ivalue, vlen, "1");
		return true;
	}
	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		if (!strcmp(base, pairs[i][0])) {
			snprintf(ipath, len, "%.*s%s", (int)(base - path), path, pairs[i][1]);
			snprintf(ivalue, vlen, "%s", value);
			return true;
		}
	return false;
}

int vap_journal_write(struct vap_host *h, const char *path, const char *value)
{
	char ipath[4096], ivalue[4096], old[4096];
	const char *base = strrchr(path, '/');
	ssize_t n;

	if (inverse(path, value, ipath, sizeof(ipath), ivalue, sizeof(ivalue)))
		return journal_line(h, "undo", ipath, ivalue);
	if (base && !strcmp(base, "/remove"))
		return 0;	/* an mdev removed is not put back */
	n = vap_read(h, path, old, sizeof(old));
	if (n < 0)
		return 0;	/* nothing to restore: the write will fail as it fails */
	old[strcspn(old, "\n")] = 0;
	return journal_line(h, "set", path, old);
}

int vap_restore(struct vap_host *h, const char *file, FILE *out)
{
	char *buf = NULL, *line;
	size_t cap = 0, len = 0;
	int fd = open(file, O_RDONLY | O_CLOEXEC), saved = h->journal_fd, failed = 0;
	ssize_t n;

	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	for (;;) {
		if (len + 4096 + 1 > cap) {
			char *nb = realloc(buf, cap = cap * 2 + 8192);

			if (!nb)
				break;
			buf = nb;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	if (!buf)
		return 0;
	buf[len] = 0;
	/* no journaling of the restore's own writes */
	h->journal_fd = -1;
	while (len > 0) {
		char *tab;
		int rc;

		buf[len] = 0;
		if (len && buf[len - 1] == '\n')
			buf[--len] = 0;
		line = strrchr(buf, '\n');
		line = line ? line + 1 : buf;
		tab = strchr(line, '\t');
		if (tab && (!strncmp(line, "set ", 4) || !strncmp(line, "undo ", 5))) {
			*tab = 0;
			rc = vap_write(h, strchr(line, ' ') + 1, tab + 1);
			/* some files show hex without the 0x they need back
			 * (fail_function's retval) */
			if (rc == -EINVAL && tab[1] && strspn(tab + 1, "0123456789abcdef") == strlen(tab + 1))
				rc = vap_writef(h, strchr(line, ' ') + 1, "0x%s", tab + 1);
			if (out)
				fprintf(out, "restore: %s %s: %s\n", strchr(line, ' ') + 1, tab + 1,
					rc ? strerror(-rc) : "ok");
			/* an undo that finds nothing to undo is fine, and so is
			 * a setting whose file went with what it belonged to */
			failed += rc && rc != -ENOENT && !strncmp(line, "set ", 4);
		}
		len = line - buf;
	}
	free(buf);
	h->journal_fd = saved;
	if (!failed) {
		unlink(file);
		if (saved >= 0) {
			close(saved);
			h->journal_fd = -1;
		}
	}
	return failed ? -EIO : 0;
}
