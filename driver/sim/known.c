// SPDX-License-Identifier: GPL-2.0
/*
 * Known driver bugs: findings the unmodified driver raises because of a bug
 * of its own (KNOWN-ISSUES.md).  A finding is known when its title matches
 * an entry for the running kernel version and the finding's report or the
 * kernel log carries the entry's evidence: the lines that show the bug's
 * own path was taken.
 * Known findings are still printed, marked with their id; they do not make
 * a run fail.  Anything else does.
 */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sim/host.h>

#define MAX_KNOWN 64

struct known {
	char id[16];
	unsigned int first, fixed;	/* kernel versions as 0xMMmm; fixed 0: none */
	char *title;
	regex_t evidence;
};

static struct known known[MAX_KNOWN];
static int nr_known;

static int parse_kver(const char *s, unsigned int *v)
{
	unsigned int maj, min;
	char tail;

	if (sscanf(s, "%u.%u%c", &maj, &min, &tail) != 2 || maj > 255 || min > 255)
		return -1;
	*v = maj << 8 | min;
	return 0;
}

int simhost_known_load(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	int lineno = 0;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *field[4], *p = line, *dots;
		struct known *k;
		int n = 0, rc;

		lineno++;
		line[strcspn(line, "\n")] = 0;
		if (!line[0] || line[0] == '#')
			continue;
		while (n < 4 && p) {
			field[n++] = p;
			p = strchr(p, '\t');
			if (p)
				*p++ = 0;
		}
		if (n != 4 || p) {
			snprintf(err, errlen, "%s line %d: want 4 tab-separated fields", path, lineno);
			goto bad;
		}
		if (nr_known == MAX_KNOWN) {
			snprintf(err, errlen, "%s line %d: more than %d entries", path, lineno, MAX_KNOWN);
			goto bad;
		}
		k = &known[nr_known];
		snprintf(k->id, sizeof(k->id), "%s", field[0]);
		dots = strstr(field[1], "..");
		if (!dots) {
			snprintf(err, errlen, "%s line %d: kernels '%s' is not FIRST.. or FIRST..FIXED",
				 path, lineno, field[1]);
			goto bad;
		}
		*dots = 0;
		k->fixed = 0;
		if (parse_kver(field[1], &k->first) || (dots[2] && parse_kver(dots + 2, &k->fixed))) {
			snprintf(err, errlen, "%s line %d: bad kernel version in '%s..%s'",
				 path, lineno, field[1], dots + 2);
			goto bad;
		}
		rc = regcomp(&k->evidence, field[3], REG_EXTENDED | REG_NOSUB | REG_NEWLINE);
		if (rc) {
			char msg[128];

			regerror(rc, &k->evidence, msg, sizeof(msg));
			snprintf(err, errlen, "%s line %d: evidence: %s", path, lineno, msg);
			goto bad;
		}
		k->title = strdup(field[2]);
		nr_known++;
	}
	fclose(f);
	return 0;
bad:
	fclose(f);
	return -1;
}

const char *simhost_known_match(const char *title, const char *body, const char *log)
{
	unsigned int maj, min, v;
	int i;

	if (sscanf(simhost_kernel_version(), "%u.%u", &maj, &min) != 2)
		return NULL;
	v = maj << 8 | min;
	for (i = 0; i < nr_known; i++) {
		struct known *k = &known[i];

		if (v < k->first || (k->fixed && v >= k->fixed))
			continue;
		if (strcmp(k->title, title))
			continue;
		if (!regexec(&k->evidence, body, 0, NULL, 0) ||
		    (log && !regexec(&k->evidence, log, 0, NULL, 0)))
			return k->id;
	}
	return NULL;
}
