// SPDX-License-Identifier: GPL-2.0
/*
 * Driver coverage of a campaign (--coverage, on a COV=1 build): the cases,
 * forked children, write the driver's gcov counters under DIR/gcov (gcc's
 * GCOV_PREFIX; libgcov merges the children's counts, and a dying case
 * dumps its own); at the end gcov(1) reads them (its JSON format) and
 * DIR/coverage.json keeps, per driver file, the count of every line and
 * branch and the span of every function, so that shards merge by adding
 * counts.  Totals go into the summary and the console (results.c).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <json-c/json.h>
#include "campaign.h"

#ifdef SIM_COVERAGE
extern void __gcov_dump(void);
#else
/* not a coverage build: nothing to dump, and coverage_available() says so */
static void __gcov_dump(void) { }
#endif

static const char *const driver_files[] = { "vfio_ap_ops.c", "vfio_ap_drv.c" };

bool coverage_available(void)
{
#ifdef SIM_COVERAGE
	return true;
#else
	return false;
#endif
}

void coverage_flush(void)
{
	__gcov_dump();
}

int coverage_begin(const char *dir)
{
	char path[PATH_MAX + 16], abs[PATH_MAX];

	if (!realpath(dir, abs))
		return -errno;
	snprintf(path, sizeof(path), "%s/gcov", abs);
	return setenv("GCOV_PREFIX", path, 1) ? -errno : 0;
}

/* the .gcda files under the prefix tree: the first of each name */
static int find_gcda(const char *root, const char *name, char *out, size_t len)
{
	struct dirent *e;
	DIR *d = opendir(root);
	int found = 0;

	if (!d)
		return 0;
	while (!found && (e = readdir(d))) {
		char p[PATH_MAX];
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", root, e->d_name);
		if (lstat(p, &st))
			continue;
		if (S_ISDIR(st.st_mode))
			found = find_gcda(p, name, out, len);
		else if (!strcmp(e->d_name, name)) {
			snprintf(out, len, "%s", p);
			found = 1;
		}
	}
	closedir(d);
	return found;
}

static int copy_file(const char *from, const char *to)
{
	char buf[65536];
	FILE *in = fopen(from, "rb"), *out;
	size_t n;
	int rc = 0;

	if (!in)
		return -errno;
	out = fopen(to, "wb");
	if (!out) {
		rc = -errno;
		fclose(in);
		return rc;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			rc = -EIO;
	fclose(in);
	if (fclose(out))
		rc = -EIO;
	return rc;
}

static void rm_tree(const char *root)
{
	struct dirent *e;
	DIR *d = opendir(root);

	if (d) {
		while ((e = readdir(d))) {
			char p[PATH_MAX];
			struct stat st;

			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			snprintf(p, sizeof(p), "%s/%s", root, e->d_name);
			if (!lstat(p, &st) && S_ISDIR(st.st_mode))
				rm_tree(p);
			else
				unlink(p);
		}
		closedir(d);
	}
	rmdir(root);
}

/* gcov's JSON of one .gcda into {"lines":{N:count}, "branches":{N:[..]},
 * "functions":{name:[first,last]}} of the driver file it covers */
static struct json_object *read_gcov(const char *gcda, const char *file)
{
	char cmd[PATH_MAX * 2 + 128], dirpart[PATH_MAX];
	struct json_object *doc, *files, *res = NULL;
	char *text = NULL;
	size_t len = 0, cap = 0;
	FILE *p;

	snprintf(dirpart, sizeof(dirpart), "%s", gcda);
	*strrchr(dirpart, '/') = 0;
	snprintf(cmd, sizeof(cmd), "cd '%s' && gcov --json-format --stdout --branch-probabilities --object-directory . '%s' 2>/dev/null",
		 dirpart, strrchr(gcda, '/') + 1);
	p = popen(cmd, "r");
	if (!p)
		return NULL;
	for (;;) {
		if (len + 65536 > cap) {
			char *more = realloc(text, cap ? cap * 2 : 1 << 20);

			if (!more) {
				free(text);
				text = NULL;
				break;
			}
			text = more;
			cap = cap ? cap * 2 : 1 << 20;
		}
		size_t n = fread(text + len, 1, cap - len - 1, p);

		if (!n)
			break;
		len += n;
	}
	pclose(p);
	if (!text)
		return NULL;
	text[len] = 0;
	doc = json_tokener_parse(text);
	free(text);
	if (!doc || !json_object_object_get_ex(doc, "files", &files)) {
		json_object_put(doc);
		return NULL;
	}
	for (size_t i = 0; i < json_object_array_length(files); i++) {
		struct json_object *f = json_object_array_get_idx(files, i), *v, *lines, *fns;
		const char *name;

		if (!json_object_object_get_ex(f, "file", &v))
			continue;
		name = strrchr(json_object_get_string(v), '/');
		name = name ? name + 1 : json_object_get_string(v);
		if (strcmp(name, file))
			continue;
		res = json_object_new_object();
		lines = json_object_new_object();
		struct json_object *br = json_object_new_object();

		json_object_object_get_ex(f, "lines", &v);
		for (size_t k = 0; v && k < json_object_array_length(v); k++) {
			struct json_object *l = json_object_array_get_idx(v, k), *x, *bs;
			char key[16];

			json_object_object_get_ex(l, "line_number", &x);
			snprintf(key, sizeof(key), "%d", json_object_get_int(x));
			json_object_object_get_ex(l, "count", &x);
			json_object_object_add(lines, key, json_object_new_int64(json_object_get_int64(x)));
			if (json_object_object_get_ex(l, "branches", &bs) && json_object_array_length(bs)) {
				struct json_object *arr = json_object_new_array();

				for (size_t b = 0; b < json_object_array_length(bs); b++) {
					json_object_object_get_ex(json_object_array_get_idx(bs, b), "count", &x);
					json_object_array_add(arr, json_object_new_int64(json_object_get_int64(x)));
				}
				json_object_object_add(br, key, arr);
			}
		}
		fns = json_object_new_object();
		json_object_object_get_ex(f, "functions", &v);
		for (size_t k = 0; v && k < json_object_array_length(v); k++) {
			struct json_object *fn = json_object_array_get_idx(v, k), *n, *s, *e;

			if (!json_object_object_get_ex(fn, "name", &n) ||
			    !json_object_object_get_ex(fn, "start_line", &s) ||
			    !json_object_object_get_ex(fn, "end_line", &e))
				continue;
			struct json_object *span = json_object_new_array();

			json_object_array_add(span, json_object_new_int(json_object_get_int(s)));
			json_object_array_add(span, json_object_new_int(json_object_get_int(e)));
			json_object_object_add(fns, json_object_get_string(n), span);
		}
		json_object_object_add(res, "lines", lines);
		json_object_object_add(res, "branches", br);
		json_object_object_add(res, "functions", fns);
		break;
	}
	json_object_put(doc);
	return res;
}

int coverage_collect(const char *dir)
{
	char root[PATH_MAX + 8], path[PATH_MAX + 32];
	struct json_object *cov = json_object_new_object();
	int got = 0;

	/* this process's own counters (zero: the cases ran in children),
	 * now, so that nothing is written at its exit */
	__gcov_dump();
	snprintf(root, sizeof(root), "%s/gcov", dir);
	for (size_t i = 0; i < sizeof(driver_files) / sizeof(driver_files[0]); i++) {
		char gcda[PATH_MAX], name[64], gcno[PATH_MAX + 8], src[PATH_MAX + 8];
		struct json_object *f;

		snprintf(name, sizeof(name), "%.*s.gcda", (int)(strlen(driver_files[i]) - 2), driver_files[i]);
		if (!find_gcda(root, name, gcda, sizeof(gcda)))
			continue;
		/* the object directory is the .gcda's path without the prefix;
		 * its .gcno (the build's) goes beside the counts */
		if (strncmp(gcda, root, strlen(root)))
			continue;
		snprintf(src, sizeof(src), "%s", gcda + strlen(root));
		snprintf(gcno, sizeof(gcno), "%.*sgcno", (int)(strlen(gcda) - 4), gcda);
		snprintf(path, sizeof(path), "%.*sgcno", (int)(strlen(src) - 4), src);
		if (copy_file(path, gcno))
			continue;
		f = read_gcov(gcda, driver_files[i]);
		if (f) {
			/* the copied source: OBJDIR/../src/FILE */
			char s[PATH_MAX + 64], *slash;

			snprintf(s, sizeof(s), "%s", src);
			slash = strrchr(s, '/');
			if (slash) {
				*slash = 0;
				slash = strrchr(s, '/');
			}
			if (slash) {
				snprintf(slash, sizeof(s) - (size_t)(slash - s), "/src/%s", driver_files[i]);
				json_object_object_add(f, "source", json_object_new_string(s));
			}
			json_object_object_add(cov, driver_files[i], f);
			got++;
		}
	}
	rm_tree(root);
	snprintf(path, sizeof(path), "%s/coverage.json", dir);
	if (got && json_object_to_file_ext(path, cov, JSON_C_TO_STRING_PLAIN)) {
		json_object_put(cov);
		return -EIO;
	}
	json_object_put(cov);
	return got ? 0 : -ENOENT;
}

/* the sum of several coverage.json into OUT's */
int coverage_merge(const char *out, char *const *dirs, int n)
{
	struct json_object *sum = NULL;
	char path[PATH_MAX + 32];
	int i, rc = 0;

	for (i = 0; i < n; i++) {
		struct json_object *c;

		snprintf(path, sizeof(path), "%s/coverage.json", dirs[i]);
		c = json_object_from_file(path);
		if (!c)
			continue;
		if (!sum) {
			sum = c;
			continue;
		}
		json_object_object_foreach(c, file, fc) {
			struct json_object *sf, *sl, *cl, *sb, *cb;

			if (!json_object_object_get_ex(sum, file, &sf)) {
				json_object_object_add(sum, file, json_object_get(fc));
				continue;
			}
			json_object_object_get_ex(sf, "lines", &sl);
			json_object_object_get_ex(fc, "lines", &cl);
			json_object_object_foreach(cl, ln, cnt) {
				struct json_object *old;
				long long v = json_object_get_int64(cnt);

				if (json_object_object_get_ex(sl, ln, &old))
					v += json_object_get_int64(old);
				json_object_object_add(sl, ln, json_object_new_int64(v));
			}
			json_object_object_get_ex(sf, "branches", &sb);
			json_object_object_get_ex(fc, "branches", &cb);
			json_object_object_foreach(cb, bl, arr) {
				struct json_object *old;

				if (!json_object_object_get_ex(sb, bl, &old) ||
				    json_object_array_length(old) != json_object_array_length(arr)) {
					json_object_object_add(sb, bl, json_object_get(arr));
					continue;
				}
				for (size_t k = 0; k < json_object_array_length(arr); k++) {
					long long v = json_object_get_int64(json_object_array_get_idx(arr, k)) +
						      json_object_get_int64(json_object_array_get_idx(old, k));

					json_object_array_put_idx(old, k, json_object_new_int64(v));
				}
			}
		}
		json_object_put(c);
	}
	if (!sum)
		return 0;
	snprintf(path, sizeof(path), "%s/coverage.json", out);
	if (json_object_to_file_ext(path, sum, JSON_C_TO_STRING_PLAIN))
		rc = -EIO;
	json_object_put(sum);
	return rc;
}

/* KEY_hit and KEY: how many of how many */
static void add_hits(struct json_object *o, const char *key, long hit, long total)
{
	char k[64];

	snprintf(k, sizeof(k), "%s_hit", key);
	json_object_object_add(o, k, json_object_new_int64(hit));
	json_object_object_add(o, key, json_object_new_int64(total));
}

/* a line's branches: how many were taken, of how many */
static void count_branches(struct json_object *arr, long *hit, long *total)
{
	for (size_t k = 0; k < json_object_array_length(arr); k++) {
		(*total)++;
		*hit += json_object_get_int64(json_object_array_get_idx(arr, k)) > 0;
	}
}

/*
 * Totals of DIR/coverage.json, per file: lines and branches hit/total,
 * functions entered/total, and per function the same; NULL without one.
 */
struct json_object *coverage_totals(const char *dir)
{
	char path[PATH_MAX + 32];
	struct json_object *c, *res;

	snprintf(path, sizeof(path), "%s/coverage.json", dir);
	c = json_object_from_file(path);
	if (!c)
		return NULL;
	res = json_object_new_object();
	json_object_object_foreach(c, file, fc) {
		struct json_object *lines, *br, *fns, *t = json_object_new_object();
		struct json_object *per = json_object_new_object();
		long lh = 0, lt = 0, bh = 0, bt = 0, fh = 0, ft = 0;

		json_object_object_get_ex(fc, "lines", &lines);
		json_object_object_get_ex(fc, "branches", &br);
		json_object_object_get_ex(fc, "functions", &fns);
		json_object_object_foreach(fns, fname, span) {
			int a = json_object_get_int(json_object_array_get_idx(span, 0));
			int b = json_object_get_int(json_object_array_get_idx(span, 1));
			long h = 0, tot = 0, fbh = 0, fbt = 0;
			struct json_object *o = json_object_new_object(), *x;

			for (int ln = a; ln <= b; ln++) {
				char key[16];

				snprintf(key, sizeof(key), "%d", ln);
				if (json_object_object_get_ex(lines, key, &x)) {
					tot++;
					h += json_object_get_int64(x) > 0;
				}
				if (json_object_object_get_ex(br, key, &x))
					count_branches(x, &fbh, &fbt);
			}
			add_hits(o, "lines", h, tot);
			add_hits(o, "branches", fbh, fbt);
			json_object_object_add(o, "name", json_object_new_string(fname));
			json_object_object_add(o, "first_line", json_object_new_int(a));
			json_object_object_add(per, fname, o);
			ft++;
			fh += h > 0;
		}
		json_object_object_foreach(lines, ln, cnt) {
			(void)ln;
			lt++;
			lh += json_object_get_int64(cnt) > 0;
		}
		json_object_object_foreach(br, bl, arr) {
			(void)bl;
			count_branches(arr, &bh, &bt);
		}
		add_hits(t, "lines", lh, lt);
		add_hits(t, "branches", bh, bt);
		add_hits(t, "functions", fh, ft);
		json_object_object_add(t, "by_function", per);
		json_object_object_add(res, file, t);
	}
	json_object_put(c);
	return res;
}
