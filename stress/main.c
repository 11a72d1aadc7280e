// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ap-stress: the parallel hammer, as a campaign of cases.  A case is
 * one seed on a freshly booted host (engine.c), run in a process of its
 * own (campaign/campaign.c); the results folder is written from the cases
 * (campaign/results.c).  `vfio-ap-stress merge --results OUT DIR...` joins
 * shards.  The options are options.c's table.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <time.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "options.h"

/* what --help says after the option rows */
static void usage_tail(FILE *f)
{
	fprintf(f, "       vfio-ap-stress merge --results OUT DIR...\n");
	fprintf(f, "operations and their default weights:");
	for (int i = 0; i < NR_OPS; i++)
		fprintf(f, "%s %s=%d", i % 8 ? "" : "\n ", op_name(i), op_weight(i));
	fprintf(f, "\n");
}

/* VERSION.PATCHLEVEL.SUBLEVEL of a kernel tree's Makefile */
static int tree_version(const char *tree, char *buf, size_t len)
{
	char path[4096], line[256];
	int v = -1, p = -1, s = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/Makefile", tree);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "VERSION = %d", &v);
		sscanf(line, "PATCHLEVEL = %d", &p);
		sscanf(line, "SUBLEVEL = %d", &s);
	}
	fclose(f);
	if (v < 0 || p < 0 || s < 0)
		return -1;
	snprintf(buf, len, "%d.%d.%d", v, p, s);
	return 0;
}

/* the driver's edges: a map shared with the forked cases (a case that
 * dies keeps what it reached), accounted after each case */
static unsigned char *edge_map;
static unsigned int *edge_step;		/* the step each slot was first hit by (stress_step_tag) */
static struct corpus *corpus;
static struct program case_prog;
static unsigned long long case_seed;

static int case_body(void *arg, struct json_object *c)
{
	if (edge_map) {
		memset(edge_map, 0, VAP_EDGE_MAP_SIZE);
		memset(edge_step, 0, VAP_EDGE_MAP_SIZE * sizeof(*edge_step));
		vap_sim_edges(edge_map);
		vap_sim_edges_step(edge_step);
	}
	return stress_case(arg, c);
}

static void account_edges(void *arg, const char *id, struct json_object *res)
{
	(void)arg;
	if (edge_map && corpus)
		corpus_account(corpus, id, &case_prog, case_seed, edge_map, edge_step, res);
}

static char progdir[4400];	/* results/programs, absolute */

static pid_t bg_pid;
static double bg_started;
/* stress-ng reports its metrics once its workers have run a while: a
 * campaign shorter than this waits for them */
#define BG_MIN_SECONDS 2.0

static int background_start(const char *dir, double duration)
{
	char yaml[4200], secs[32];

	if (system("command -v stress-ng >/dev/null 2>&1")) {
		fprintf(stderr, "vfio-ap-stress: --background-load: stress-ng is not installed (apt-get install stress-ng)\n");
		return 2;
	}
	snprintf(yaml, sizeof(yaml), "%s/stress-ng.yaml", dir);
	snprintf(secs, sizeof(secs), "%.0fs", duration > 0 ? duration + 5 : 3600);
	bg_started = now_seconds();
	bg_pid = fork();
	if (bg_pid == 0) {
		char log[4200];
		int fd;

		snprintf(log, sizeof(log), "%s/stress-ng.out", dir);
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execlp("stress-ng", "stress-ng", "--cpu", "1", "--vm", "1", "--vm-bytes", "64M",
		       "--timeout", secs, "--metrics-brief", "--yaml", yaml, (char *)NULL);
		_exit(127);
	}
	return bg_pid < 0 ? 2 : 0;
}

static void background_stop(const char *dir)
{
	char path[4200], *text = NULL;
	struct json_object *b;
	size_t n = 0;
	FILE *f;

	if (bg_pid <= 0)
		return;
	b = json_object_new_object();
	if (now_seconds() - bg_started < BG_MIN_SECONDS) {
		double left = BG_MIN_SECONDS - (now_seconds() - bg_started);
		struct timespec ts = { (time_t)left, (long)((left - (time_t)left) * 1e9) };

		nanosleep(&ts, NULL);
	}
	kill(bg_pid, SIGINT);	/* stress-ng reports its metrics when interrupted */
	waitpid(bg_pid, NULL, 0);
	snprintf(path, sizeof(path), "%s/stress-ng.yaml", dir);
	f = fopen(path, "r");
	if (f) {
		text = calloc(1, 1 << 16);
		n = fread(text, 1, (1 << 16) - 1, f);
		text[n] = 0;
		fclose(f);
	}
	json_object_object_add(b, "command", json_object_new_string(
				       "stress-ng --cpu 1 --vm 1 --vm-bytes 64M --metrics-brief"));
	json_object_object_add(b, "metrics", json_object_new_string(text ? text : "(no metrics written)"));
	results_extra(dir, "background_load", b);
	free(text);
}

static int merge_main(int argc, char **argv)
{
	const char *out = NULL;
	char cmd[4096];
	size_t off = 0;
	int i;

	for (i = 0; i < argc && off < sizeof(cmd); i++)
		off += (size_t)snprintf(cmd + off, sizeof(cmd) - off, "%s%s", i ? " " : "", argv[i]);
	if (argc < 4 || strcmp(argv[2], "--results")) {
		fprintf(stderr, "vfio-ap-stress merge: usage: merge --results OUT DIR...\n");
		return 2;
	}
	out = argv[3];
	i = results_merge(out, argv + 4, argc - 4, cmd);
	if (i == 2) {
		/* refused input: its status, not the leak checker's (what the
		 * checks had built is not torn down on that path) */
		fflush(NULL);
		_exit(2);
	}
	return i;
}

int main(int argc, char **argv)
{
	static struct tool_opts o;
	static struct program given;
	unsigned long long first, seeds, s;
	char self[4096], bad[64];
	int rc = 0, worst = 0;
	ssize_t n;

	if (argc > 1 && !strcmp(argv[1], "merge"))
		return merge_main(argc, argv);
	tool_opts_init(&o);
	rc = tool_opts_parse(&o, OPT_STRESS, "vfio-ap-stress", argc, argv);
	if (rc == 1)
		usage_tail(stdout);
	if (rc)
		return rc == 1 ? 0 : rc;
	if (o.which_host)
		return printf("%s\n", o.host) < 0 ? 2 : 0;
	seeds = o.seeds;
	o.p.host = o.host;
	if (!strcmp(o.host, "linux")) {
		if (o.p.det || o.p.config[0] || (o.p.fault && !strncmp(o.p.fault, "ap:", 3))) {
			fprintf(stderr, "vfio-ap-stress: --deterministic, --config and AP response-code faults are for the simulated host\n");
			return 2;
		}
		if (campaign_linux_host("vfio-ap-stress", &o.p.allow, o.p.fault != NULL))
			return 2;
	}
	if (o.ksrc && !strcmp(o.host, "linux")) {
		fprintf(stderr, "vfio-ap-stress: --ksrc names the tree of a simulated host; --host linux runs the running kernel\n");
		return 2;
	}
	if (o.ksrc) {
		char v[64];

		if (tree_version(o.ksrc, v, sizeof(v))) {
			fprintf(stderr, "vfio-ap-stress: --ksrc %s: not a kernel tree (no VERSION in its Makefile)\n", o.ksrc);
			return 2;
		}
		if (strcmp(v, vap_sim_kernel())) {
			fprintf(stderr, "vfio-ap-stress: --ksrc %s: this build simulates %s, the tree is %s (make run KSRC=%s builds its sim)\n",
				o.ksrc, vap_sim_kernel(), v, o.ksrc);
			return 2;
		}
	}
	if (o.corpus && o.program) {
		fprintf(stderr, "vfio-ap-stress: --corpus derives the programs; --program replays one: not both\n");
		return 2;
	}
	if (o.corpus && strcmp(o.host, "sim")) {
		fprintf(stderr, "vfio-ap-stress: --corpus needs the driver's edges: a simulated host\n");
		return 2;
	}
	if (o.corpus && !coverage_available()) {
		fprintf(stderr, "vfio-ap-stress: --corpus: this build's driver counts no edges (make run builds one that does; make sim-one COV=1)\n");
		return 2;
	}
	if (o.program) {
		char err[512];
		unsigned long long fs;
		bool has;

		if (program_load(o.program, &given, &fs, &has, err, sizeof(err))) {
			fprintf(stderr, "vfio-ap-stress: --program %s\n", err);
			return 2;
		}
		if (has && !o.seed_given)
			o.p.seed = fs;
		o.p.threads = given.nworkers;
		o.p.program = &given;
		if (!realpath(o.program, o.prog_file))
			snprintf(o.prog_file, sizeof(o.prog_file), "%s", o.program);
	}
	if (!seeds && o.cp.duration <= 0)
		seeds = 1;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		snprintf(self, sizeof(self), "%s", argv[0]);
	else
		self[n] = 0;
	snprintf(o.cp.host, sizeof(o.cp.host), "%s", o.host);
	if (campaign_init(&o.cp, "vfio-ap-stress", o.results, argc, argv))
		return 2;
	if (seeds)
		o.cp.total = (int)((seeds + (unsigned long long)(o.nshards - 1 - o.shard)) / (unsigned long long)o.nshards);
	if (!o.cp.quiet)
		printf("vfio-ap-stress: kernel %s on the %s host, seeds from %llu%s, %ld ops x %d threads per case%s%s; results in %s\n",
		       o.cp.kernel, o.cp.host, o.p.seed, o.nshards > 1 ? " (a shard)" : "", o.p.ops, o.p.threads,
		       o.p.det ? ", deterministic " : "", o.p.det ? o.p.det : "", o.cp.dir);
	fflush(stdout);
	if (o.background && background_start(o.cp.dir, o.cp.duration)) {
		return 2;
	}
	if (coverage_available() && !strcmp(o.host, "sim")) {
		char err[4400];

		edge_map = mmap(NULL, VAP_EDGE_MAP_SIZE * (1 + sizeof(*edge_step)),
				PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (edge_map == MAP_FAILED) {
			fprintf(stderr, "vfio-ap-stress: the edge map: %s\n", strerror(errno));
			return 2;
		}
		edge_step = (unsigned int *)(edge_map + VAP_EDGE_MAP_SIZE);
		corpus = corpus_open(o.corpus, o.corpus ? o.cp.dir : NULL, &o.p, o.p.seed, err, sizeof(err));
		if (!corpus) {
			fprintf(stderr, "vfio-ap-stress: %s\n", err);
			return 2;
		}
		o.cp.annotate = account_edges;
		if (o.corpus) {
			/* absolute: a finding's repro.sh names the file */
			snprintf(err, sizeof(err), "%s/programs", o.cp.dir);
			mkdir(err, 0755);
			if (!realpath(err, progdir))
				snprintf(progdir, sizeof(progdir), "%s", err);
		}
	}
	first = o.p.seed;
	for (s = first; seeds ? s < first + seeds : campaign_time_left(&o.cp); s++) {
		char id[64];

		if ((s - first) % (unsigned long long)o.nshards != (unsigned long long)o.shard)
			continue;
		if (!campaign_time_left(&o.cp))
			break;	/* out of time, or interrupted */
		o.p.seed = s;
		snprintf(id, sizeof(id), "stress-s%llu", s);
		program_free(&case_prog);
		if (o.corpus) {
			const char *how;
			struct json_object *j;

			corpus_next(corpus, &case_prog, s, &o.p.seed, &how);
			o.p.program = &case_prog;
			o.p.threads = case_prog.nworkers;
			o.prog_file[0] = 0;
			if (strcmp(how, "fresh")) {
				/* derived: the case's program in a file of its own */
				snprintf(o.prog_file, sizeof(o.prog_file), "%s/%s.json", progdir, id);
				j = json_object_new_object();
				json_object_object_add(j, "seed", json_object_new_uint64(o.p.seed));
				json_object_object_add(j, "how", json_object_new_string(how));
				json_object_object_add(j, "program", program_to_json(&case_prog));
				json_object_to_file_ext(o.prog_file, j, JSON_C_TO_STRING_PLAIN);
				json_object_put(j);
			}
		}
		case_seed = o.p.seed;
		rc = campaign_case(&o.cp, "stress", id, case_body, &o.p, tool_opts_replay(&o, OPT_STRESS, self));
		if (rc == 2) {
			/* the host could not be set up: nothing else would run */
			worst = 2;
			break;
		}
	}
	campaign_progress_end(&o.cp);
	if (campaign_stopped())
		fprintf(stderr, "vfio-ap-stress: interrupted: the results of the cases done follow\n");
	background_stop(o.cp.dir);
	if (corpus) {
		struct json_object *e = json_object_new_object();
		int entries, edges;

		corpus_stats(corpus, &entries, &edges);
		json_object_object_add(e, "guided", json_object_new_boolean(o.corpus != NULL));
		json_object_object_add(e, "edges", json_object_new_int(edges));
		json_object_object_add(e, "corpus_entries", json_object_new_int(entries));
		if (o.corpus)
			json_object_object_add(e, "mix", corpus_mix_json(corpus));
		results_extra(o.cp.dir, "edges", e);
		if (!o.cp.quiet)
			printf("driver edges: %d reached%s", edges, o.corpus ? "" : "\n");
		if (!o.cp.quiet && o.corpus)
			printf("; corpus: %d case(s) kept (%s/corpus, and %s)\n", entries, o.cp.dir, o.corpus);
		corpus_close(corpus);
		program_free(&case_prog);
	}
	program_free(&given);
	snprintf(bad, sizeof(bad), "%d/%d", o.shard, o.nshards);
	campaign_write_facts(&o.cp, bad);
	rc = results_finalize(o.cp.dir, "vfio-ap-stress", o.cp.command, o.cp.quiet);
	return worst ? worst : rc;
}
