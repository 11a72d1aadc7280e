// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ap-stress: the parallel hammer.  Worker threads draw operations at
 * random (weighted) on the adapters and domains they may touch: masks,
 * queue bind/unbind, mdev create/remove, assignments, guests, AP
 * configuration changes.  Every answer must be one the kernel documents
 * for that operation; the oracle (lib's vap_check, with the sim's own
 * checks: vCPU isolation at every instruction, the lock validator, leaks)
 * runs after every round, when the workers have stopped.  Same seed and
 * --deterministic: the same run.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>
#include "vfio_ap.h"

enum op {
	OP_APMASK, OP_AQMASK, OP_BIND, OP_CREATE, OP_REMOVE, OP_ASSIGN, OP_UNASSIGN,
	OP_GUEST, OP_CONFIG, NR_OPS
};

static const char *const op_names[NR_OPS] = {
	"apmask", "aqmask", "bind", "create", "remove", "assign", "unassign", "guest", "config",
};
static int weights[NR_OPS] = { 3, 3, 4, 2, 1, 8, 6, 2, 1 };

#define MAX_THREADS 16
#define MDEVS_PER_WORKER 3
#define ROUND_OPS 50

struct worker {
	int id;
	unsigned long long rng;
	long ops;
	char uuid[MDEVS_PER_WORKER][VAP_UUID_LEN + 1];
	bool guest_on[MDEVS_PER_WORKER];
	long done[NR_OPS], failed[NR_OPS];
	unsigned long created;
	int unexpected;
	char first_unexpected[256];
};

static struct vap_host *host;
static int nadapters = 4, ndomains = 16, vcpus = 2;
static bool use_guests = true;

static unsigned long long next_rand(unsigned long long *s)
{
	unsigned long long z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int pick(struct worker *w, int n)
{
	return (int)(next_rand(&w->rng) % (unsigned int)n);
}

/* An answer the kernel documents for the operation, or a finding. */
static void judge(struct worker *w, enum op op, int rc, const int *ok, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void judge(struct worker *w, enum op op, int rc, const int *ok, const char *fmt, ...)
{
	va_list ap;
	char what[200];
	int i;

	w->done[op]++;
	if (!rc)
		return;
	w->failed[op]++;
	for (i = 0; ok[i]; i++)
		if (rc == -ok[i])
			return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (!w->unexpected++)
		snprintf(w->first_unexpected, sizeof(w->first_unexpected),
			 "%s: %s: %s (errno %d)", op_names[op], what, strerror(-rc), -rc);
}

static void do_op(struct worker *w, enum op op)
{
	/* the errnos each operation may answer, 0-terminated */
	static const int mask_ok[] = { EBUSY, EADDRINUSE, 0 };
	static const int bind_ok[] = { ENODEV, EBUSY, ENOENT, EINVAL, 0 };
	static const int create_ok[] = { EEXIST, EUSERS, 0 };
	static const int remove_ok[] = { ENOENT, ENODEV, EBUSY, EAGAIN, 0 };
	static const int assign_ok[] = { EADDRINUSE, EADDRNOTAVAIL, ENODEV, ENOENT, 0 };
	static const int guest_ok[] = { ENODEV, EBUSY, ENOENT, EEXIST, EOPNOTSUPP, 0 };
	static const int config_ok[] = { EOPNOTSUPP, 0 };
	int a = pick(w, nadapters), d = pick(w, ndomains), s = pick(w, MDEVS_PER_WORKER), rc;
	static const char *const what[] = { "adapter", "domain", "control_domain" };
	char path[128], name[32];

	switch (op) {
	case OP_APMASK:
		rc = vap_writef(host, "/sys/bus/ap/apmask", "%c%d", pick(w, 2) ? '+' : '-', a);
		judge(w, op, rc, mask_ok, "adapter %d", a);
		break;
	case OP_AQMASK:
		rc = vap_writef(host, "/sys/bus/ap/aqmask", "%c%d", pick(w, 2) ? '+' : '-', d);
		judge(w, op, rc, mask_ok, "domain %d", d);
		break;
	case OP_BIND:
		snprintf(path, sizeof(path), VAP_DRV_DIR "/%s", pick(w, 2) ? "bind" : "unbind");
		rc = vap_writef(host, path, "%02x.%04x", a, d);
		judge(w, op, rc, bind_ok, "%s %02x.%04x", path, a, d);
		break;
	case OP_CREATE:
		if (w->uuid[s][0])
			return;
		/* UUIDs from the seed's stream: a replay creates the same mdevs */
		snprintf(w->uuid[s], sizeof(w->uuid[s]), "%08x-%04x-4%03x-8%03x-%012llx",
			 (unsigned int)next_rand(&w->rng), w->id, s, (unsigned int)(w->created++ & 0xfff),
			 next_rand(&w->rng) & 0xffffffffffffULL);
		rc = vap_write(host, VAP_TYPE_DIR "/create", w->uuid[s]);
		judge(w, op, rc, create_ok, "slot %d", s);
		if (rc)
			w->uuid[s][0] = 0;
		break;
	case OP_REMOVE:
		if (!w->uuid[s][0] || w->guest_on[s])
			return;
		rc = vap_mdev_remove(host, w->uuid[s]);
		judge(w, op, rc, remove_ok, "%s", w->uuid[s]);
		if (!rc)
			w->uuid[s][0] = 0;
		break;
	case OP_ASSIGN:
	case OP_UNASSIGN: {
		int k = pick(w, 3), id = k == 0 ? a : d;

		if (!w->uuid[s][0])
			return;
		rc = op == OP_ASSIGN ? vap_mdev_assign(host, w->uuid[s], what[k], id) :
				       vap_mdev_unassign(host, w->uuid[s], what[k], id);
		judge(w, op, rc, assign_ok, "%s %s %d", w->uuid[s], what[k], id);
		break;
	}
	case OP_GUEST:
		if (!use_guests || !w->uuid[s][0])
			return;
		snprintf(name, sizeof(name), "w%d-g%d", w->id, s);
		if (w->guest_on[s]) {
			rc = vap_guest_stop(host, name);
			judge(w, op, rc, guest_ok, "stop %s", name);
			if (!rc)
				w->guest_on[s] = false;
		} else {
			rc = vap_guest_start(host, name, w->uuid[s], 1 + pick(w, vcpus));
			judge(w, op, rc, guest_ok, "start %s on %s", name, w->uuid[s]);
			if (!rc)
				w->guest_on[s] = true;
		}
		break;
	case OP_CONFIG:
		rc = vap_ap_config(host, pick(w, 2), pick(w, 2) ? a : d, pick(w, 2));
		judge(w, op, rc, config_ok, "configuration change");
		break;
	default:
		break;
	}
}

static enum op draw(struct worker *w)
{
	int total = 0, i, r;

	for (i = 0; i < NR_OPS; i++)
		total += weights[i];
	r = pick(w, total);
	for (i = 0; i < NR_OPS; i++) {
		if (r < weights[i])
			return (enum op)i;
		r -= weights[i];
	}
	return OP_ASSIGN;
}

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	long i;

	for (i = 0; i < w->ops; i++)
		do_op(w, draw(w));
	return NULL;
}

/* Stop every guest, remove every mdev: the host as the run found it. */
static void teardown(struct worker *ws, int n)
{
	int i, s;

	for (i = 0; i < n; i++)
		for (s = 0; s < MDEVS_PER_WORKER; s++) {
			char name[32];

			snprintf(name, sizeof(name), "w%d-g%d", ws[i].id, s);
			if (ws[i].guest_on[s])
				vap_guest_stop(host, name);
			if (ws[i].uuid[s][0])
				vap_mdev_remove(host, ws[i].uuid[s]);
		}
}

static int parse_mix(const char *s)
{
	char *copy = strdup(s), *tok, *save = NULL;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		int i;

		if (!eq)
			goto bad;
		*eq = 0;
		for (i = 0; i < NR_OPS && strcmp(tok, op_names[i]); i++)
			;
		if (i == NR_OPS || atoi(eq + 1) < 0 || atoi(eq + 1) > 1000)
			goto bad;
		weights[i] = atoi(eq + 1);
	}
	free(copy);
	return 0;
bad:
	free(copy);
	return -1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: vfio-ap-stress [--host sim|linux] [--seed N] [--ops N] [--threads N]\n"
		   "         [--config AxD] [--vcpus N] [--no-guests] [--mix op=w,...]\n"
		   "         [--deterministic random|pct] [--results DIR]\n"
		   "  ops: apmask aqmask bind create remove assign unassign guest config\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "host", required_argument, NULL, 'H' }, { "seed", required_argument, NULL, 's' },
		{ "ops", required_argument, NULL, 'o' }, { "threads", required_argument, NULL, 't' },
		{ "config", required_argument, NULL, 'c' }, { "vcpus", required_argument, NULL, 'v' },
		{ "no-guests", no_argument, NULL, 'G' }, { "mix", required_argument, NULL, 'm' },
		{ "deterministic", required_argument, NULL, 'D' },
		{ "results", required_argument, NULL, 'r' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *kind = NULL, *det = NULL, *results = NULL;
	unsigned long long seed = 1;
	long ops = 2000, round;
	int threads = 2, c, i, findings = 0, unexpected = 0, rounds = 0;
	struct worker ws[MAX_THREADS];
	char err[512], *end, cfg[32] = "";
	FILE *mem;
	char *report = NULL;
	size_t rlen = 0;
	struct timespec t0, t1;

	int li = 0;

	while ((c = getopt_long(argc, argv, "h", opts, &li)) != -1) {
		switch (c) {
		case 'H': kind = optarg; break;
		case 's':
			seed = strtoull(optarg, &end, 0);
			if (*end || end == optarg || optarg[0] == '-')
				goto bad_value;
			break;
		case 'o':
			ops = strtol(optarg, &end, 0);
			if (*end || ops < 1)
				goto bad_value;
			break;
		case 't':
			threads = (int)strtol(optarg, &end, 0);
			if (*end || threads < 1 || threads > MAX_THREADS)
				goto bad_value;
			break;
		case 'c':
			if (sscanf(optarg, "%dx%d", &nadapters, &ndomains) != 2 || nadapters < 1 ||
			    nadapters > 256 || ndomains < 1 || ndomains > 256)
				goto bad_value;
			snprintf(cfg, sizeof(cfg), "%s", optarg);
			break;
		case 'v':
			vcpus = (int)strtol(optarg, &end, 0);
			if (*end || vcpus < 1 || vcpus > 8)
				goto bad_value;
			break;
		case 'G': use_guests = false; break;
		case 'm':
			if (parse_mix(optarg))
				goto bad_value;
			break;
		case 'D': det = optarg; break;
		case 'r': results = optarg; break;
		case 'h': usage(stdout); return 0;
		default:
			fprintf(stderr, "vfio-ap-stress: unknown option '%s'; see --help\n", argv[optind - 1]);
			return 2;
		}
		continue;
bad_value:
		fprintf(stderr, "vfio-ap-stress: --%s '%s': bad value; see --help\n", opts[li].name, optarg);
		return 2;
	}
	if (optind != argc) {
		fprintf(stderr, "vfio-ap-stress: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (cfg[0])
		setenv("VFIO_AP_SIM_CONFIG", cfg, 1);
	if (det && vap_sim_deterministic(det, seed)) {
		fprintf(stderr, "vfio-ap-stress: --deterministic '%s': expected random or pct\n", det);
		return 2;
	}
	host = vap_open(kind, err, sizeof(err));
	if (!host) {
		fprintf(stderr, "vfio-ap-stress: %s\n", err);
		return 2;
	}
	if (vap_kind(host) == VAP_LINUX) {
		fprintf(stderr, "vfio-ap-stress: the linux host is not driven by this tool yet (sim only)\n");
		return 2;
	}
	printf("vfio-ap-stress: host %s, seed %llu, %d threads, %ld ops%s%s\n", vap_kind_name(host),
	       seed, threads, ops, det ? ", deterministic " : "", det ? det : "");
	/* everything to vfio_ap, as an administrator dedicating the machine */
	vap_write(host, "/sys/bus/ap/apmask", "0x0");
	vap_write(host, "/sys/bus/ap/aqmask", "0x0");
	vap_settle(host);
	memset(ws, 0, sizeof(ws));
	for (i = 0; i < threads; i++) {
		ws[i].id = i;
		ws[i].rng = seed * 1000003ULL + (unsigned long long)i;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	mem = open_memstream(&report, &rlen);
	for (round = 0; round * ROUND_OPS * threads < ops; round++) {
		struct vap_thread *t[MAX_THREADS];
		int f;

		for (i = 0; i < threads; i++) {
			ws[i].ops = ROUND_OPS;
			t[i] = vap_thread_start(host, "stress", worker_fn, &ws[i]);
		}
		for (i = 0; i < threads; i++)
			vap_thread_join(host, t[i]);
		rounds++;
		/* the workers stopped: the whole oracle */
		f = vap_check(host, 0, mem);
		if (f) {
			findings += f;
			fprintf(mem, "(after round %ld)\n", round + 1);
			break;
		}
	}
	teardown(ws, threads);
	if (!findings)
		findings += vap_check(host, 0, mem);
	fclose(mem);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	{
		double secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
		long total = 0;
		struct json_object *sum = json_object_new_object(), *per = json_object_new_object();
		int k;

		for (k = 0; k < NR_OPS; k++) {
			long done = 0, failed = 0;
			struct json_object *o = json_object_new_object();

			for (i = 0; i < threads; i++) {
				done += ws[i].done[k];
				failed += ws[i].failed[k];
			}
			total += done;
			json_object_object_add(o, "done", json_object_new_int64(done));
			json_object_object_add(o, "errors", json_object_new_int64(failed));
			json_object_object_add(per, op_names[k], o);
		}
		for (i = 0; i < threads; i++) {
			unexpected += ws[i].unexpected;
			if (ws[i].unexpected)
				printf("unexpected answer (worker %d): %s\n", i, ws[i].first_unexpected);
		}
		if (report && *report)
			printf("%s", report);
		printf("vfio-ap-stress: %ld operations in %d rounds, %.2f s (%.0f ops/s), %d findings, %d unexpected answers\n",
		       total, rounds, secs, total / secs, findings, unexpected);
		json_object_object_add(sum, "host", json_object_new_string(vap_kind_name(host)));
		json_object_object_add(sum, "seed", json_object_new_uint64(seed));
		json_object_object_add(sum, "threads", json_object_new_int(threads));
		json_object_object_add(sum, "deterministic", det ? json_object_new_string(det) : NULL);
		json_object_object_add(sum, "operations", json_object_new_int64(total));
		json_object_object_add(sum, "seconds", json_object_new_double(secs));
		json_object_object_add(sum, "findings", json_object_new_int(findings));
		json_object_object_add(sum, "unexpected_answers", json_object_new_int(unexpected));
		json_object_object_add(sum, "per_operation", per);
		json_object_object_add(sum, "report", json_object_new_string(report ? report : ""));
		if (results) {
			char path[4096];
			FILE *f;

			snprintf(path, sizeof(path), "%s/summary.json", results);
			f = fopen(path, "w");
			if (!f) {
				fprintf(stderr, "vfio-ap-stress: %s: %s\n", path, strerror(errno));
				return 2;
			}
			fprintf(f, "%s\n", json_object_to_json_string_ext(sum, JSON_C_TO_STRING_PRETTY));
			fclose(f);
		}
		json_object_put(sum);
	}
	if (results) {
		char path[4096], *log = vap_log_since(host, 0);
		FILE *f;

		snprintf(path, sizeof(path), "%s/kernel.log", results);
		f = fopen(path, "w");
		if (f) {
			fputs(log ? log : "", f);
			fclose(f);
		}
		free(log);
	}
	free(report);
	return findings || unexpected ? 1 : 0;
}
