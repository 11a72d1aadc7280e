// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ap-stress: the parallel hammer, as a campaign of cases.  A case is
 * one seed on a freshly booted host (engine.c), run in a process of its
 * own (campaign.c); the results folder is written from the cases
 * (results.c).  `vfio-ap-stress merge --results OUT DIR...` joins shards.
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
#include "engine.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vfio-ap-stress [options]\n"
		"       vfio-ap-stress merge --results OUT DIR...\n"
		"  --host sim            the host (sim; the linux host is not driven yet)\n"
		"  --ksrc TREE           check that this build simulates TREE's driver\n"
		"  --seed N              first seed (1)\n"
		"  --seeds K             cases: seeds N..N+K-1 (1; unbounded with --duration)\n"
		"  --duration T          run cases until T has passed (s, m or h suffix)\n"
		"  --shard I/N           only the seeds s with (s - first) %% N == I\n"
		"  --ops N               operations per case, all workers (2000)\n"
		"  --threads N           worker threads (2)\n"
		"  --config AxD          adapters x domains of the host (the sim's 4x16)\n"
		"  --guests N            most guests running at once (4; 0: none)\n"
		"  --vcpus N             a guest has 1..N vCPUs (2)\n"
		"  --mix op=w,...        operation weights (stress/README.md says what each does)\n"
		"  --deterministic P     the replayable scheduler: random or pct\n"
		"  --fault F             failslab:P:I, fail-function:FUNC:P or ap:INSN:RC:P\n"
		"  --background-load     stress-ng alongside, its metrics in the summary\n"
		"  --coverage            the driver's line, branch and function coverage into\n"
		"                        coverage.json and the summary (a COV=1 build)\n"
		"  --corpus DIR          guided: keep the cases that reach new driver edges in\n"
		"                        DIR (and results/corpus), derive new cases from them;\n"
		"                        DIR's entries are replayed first (a COV=1 build)\n"
		"  --program FILE        run FILE's program (a corpus entry, or a case's\n"
		"                        programs/<id>.json) instead of the seed's own\n"
		"  --timeout S           a case's time limit (600)\n"
		"  --results DIR         the results folder (results/<time>-<host>-<kernel>)\n"
		"  --quiet               no progress line, no summary\n");
	fprintf(f, "operations and their default weights:");
	for (int i = 0; i < NR_OPS; i++)
		fprintf(f, "%s %s=%d", i % 8 ? "" : "\n ", op_name(i), op_weight(i));
	fprintf(f, "\n");
}

static int parse_duration(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || v <= 0)
		return -1;
	if (!strcmp(end, "") || !strcmp(end, "s"))
		*out = v;
	else if (!strcmp(end, "m"))
		*out = v * 60;
	else if (!strcmp(end, "h"))
		*out = v * 3600;
	else
		return -1;
	return 0;
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

static int replay_timeout = 600;
/* the program file of the case being run, "" when its seed makes it */
static char prog_file[4600];
static char progdir[4400];	/* results/programs, absolute */

/* the argv that replays one case alone */
static struct json_object *replay_argv(const struct stress_params *p, const char *self)
{
	struct json_object *a = json_object_new_array();
	char buf[512];

#define ADD(s) json_object_array_add(a, json_object_new_string(s))
#define ADDF(...) do { snprintf(buf, sizeof(buf), __VA_ARGS__); ADD(buf); } while (0)
	ADD(self);
	if (p->host && strcmp(p->host, "sim")) {
		ADD("--host");
		ADD(p->host);
	}
	ADD("--timeout");
	ADDF("%d", replay_timeout);
	ADD("--seed");
	ADDF("%llu", p->seed);
	ADD("--ops");
	ADDF("%ld", p->ops);
	ADD("--threads");
	ADDF("%d", p->threads);
	if (p->config[0]) {
		ADD("--config");
		ADD(p->config);
	}
	ADD("--guests");
	ADDF("%d", p->guests);
	ADD("--vcpus");
	ADDF("%d", p->vcpus);
	ADD("--mix");
	stress_format_mix(p, buf, sizeof(buf));
	ADD(buf);
	if (p->det) {
		ADD("--deterministic");
		ADD(p->det);
	}
	if (p->fault) {
		ADD("--fault");
		ADD(p->fault);
	}
	if (prog_file[0]) {
		ADD("--program");
		ADD(prog_file);
	}
#undef ADD
#undef ADDF
	return a;
}

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
	static const struct option opts[] = {
		{ "host", required_argument, NULL, 'H' }, { "ksrc", required_argument, NULL, 'K' },
		{ "seed", required_argument, NULL, 's' }, { "seeds", required_argument, NULL, 'n' },
		{ "duration", required_argument, NULL, 'd' }, { "shard", required_argument, NULL, 'S' },
		{ "ops", required_argument, NULL, 'o' }, { "threads", required_argument, NULL, 't' },
		{ "config", required_argument, NULL, 'c' }, { "guests", required_argument, NULL, 'g' },
		{ "vcpus", required_argument, NULL, 'v' }, { "no-guests", no_argument, NULL, 'G' },
		{ "mix", required_argument, NULL, 'm' },
		{ "deterministic", required_argument, NULL, 'D' },
		{ "fault", required_argument, NULL, 'F' },
		{ "background-load", no_argument, NULL, 'B' },
		{ "coverage", no_argument, NULL, 'C' },
		{ "corpus", required_argument, NULL, 'P' },
		{ "program", required_argument, NULL, 'R' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "results", required_argument, NULL, 'r' }, { "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	static struct stress_params p;
	static struct campaign cp;
	const char *kind = "sim", *results = NULL, *ksrc = NULL, *corpus_dir = NULL;
	const char *program = NULL;
	static struct program given;
	bool seed_given = false;
	unsigned long long first, seeds = 0, s;
	char self[4096], *end, bad[64];
	int c, li = 0, shard = 0, nshards = 1, rc = 0, worst = 0;
	bool background = false;
	ssize_t n;

	if (argc > 1 && !strcmp(argv[1], "merge"))
		return merge_main(argc, argv);
	stress_defaults(&p);
	opterr = 0;	/* our own one-line errors */
	while ((c = getopt_long(argc, argv, "h", opts, &li)) != -1) {
		switch (c) {
		case 'H': kind = optarg; break;
		case 'K': ksrc = optarg; break;
		case 's':
			p.seed = strtoull(optarg, &end, 0);
			if (*end || end == optarg || optarg[0] == '-')
				goto bad_value;
			seed_given = true;
			break;
		case 'n':
			seeds = strtoull(optarg, &end, 0);
			if (*end || end == optarg || optarg[0] == '-' || !seeds)
				goto bad_value;
			break;
		case 'd':
			if (parse_duration(optarg, &cp.duration))
				goto bad_value;
			break;
		case 'S':
			if (sscanf(optarg, "%d/%d%c", &shard, &nshards, bad) != 2 || nshards < 1 ||
			    shard < 0 || shard >= nshards)
				goto bad_value;
			break;
		case 'o':
			p.ops = strtol(optarg, &end, 0);
			if (*end || p.ops < 1)
				goto bad_value;
			break;
		case 't':
			p.threads = (int)strtol(optarg, &end, 0);
			if (*end || p.threads < 1 || p.threads > STRESS_MAX_THREADS)
				goto bad_value;
			break;
		case 'c': {
			int a, d;

			if (sscanf(optarg, "%dx%d%c", &a, &d, bad) != 2 || a < 1 || a > 256 || d < 1 || d > 256)
				goto bad_value;
			snprintf(p.config, sizeof(p.config), "%dx%d", a, d);
			break;
		}
		case 'g':
			p.guests = (int)strtol(optarg, &end, 0);
			if (*end || p.guests < 0 || p.guests > 16)
				goto bad_value;
			break;
		case 'G': p.guests = 0; break;
		case 'v':
			p.vcpus = (int)strtol(optarg, &end, 0);
			if (*end || p.vcpus < 1 || p.vcpus > 8)
				goto bad_value;
			break;
		case 'm':
			if (stress_parse_mix(&p, optarg, bad, sizeof(bad))) {
				fprintf(stderr, "vfio-ap-stress: --mix: bad weight '%s' (op=0..1000; see --help)\n", bad);
				return 2;
			}
			break;
		case 'D':
			if (strcmp(optarg, "random") && strcmp(optarg, "pct"))
				goto bad_value;
			p.det = optarg;
			break;
		case 'F': p.fault = optarg; break;
		case 'B': background = true; break;
		case 'C': cp.coverage = true; break;
		case 'P': corpus_dir = optarg; break;
		case 'R': program = optarg; break;
		case 'T':
			cp.timeout = (int)strtol(optarg, &end, 0);
			if (*end || cp.timeout < 1)
				goto bad_value;
			break;
		case 'r': results = optarg; break;
		case 'q': cp.quiet = true; break;
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
	if (strcmp(kind, "sim") && strcmp(kind, "linux")) {
		fprintf(stderr, "vfio-ap-stress: --host '%s': expected sim or linux\n", kind);
		return 2;
	}
	p.host = kind;
	if (!strcmp(kind, "linux")) {
		if (p.det || p.config[0] || (p.fault && !strncmp(p.fault, "ap:", 3))) {
			fprintf(stderr, "vfio-ap-stress: --deterministic, --config and AP response-code faults are for the simulated host\n");
			return 2;
		}
		if (campaign_linux_host("vfio-ap-stress", &p.allow, p.fault != NULL))
			return 2;
	}
	if (ksrc && !strcmp(kind, "linux")) {
		fprintf(stderr, "vfio-ap-stress: --ksrc names the tree of a simulated host; --host linux runs the running kernel\n");
		return 2;
	}
	if (ksrc) {
		char v[64];

		if (tree_version(ksrc, v, sizeof(v))) {
			fprintf(stderr, "vfio-ap-stress: --ksrc %s: not a kernel tree (no VERSION in its Makefile)\n", ksrc);
			return 2;
		}
		if (strcmp(v, vap_sim_kernel())) {
			fprintf(stderr, "vfio-ap-stress: --ksrc %s: this build simulates %s, the tree is %s (make run KSRC=%s builds its sim)\n",
				ksrc, vap_sim_kernel(), v, ksrc);
			return 2;
		}
	}
	if (p.fault && strncmp(p.fault, "failslab:", 9) && strncmp(p.fault, "fail-function:", 14) &&
	    strncmp(p.fault, "ap:", 3)) {
		fprintf(stderr, "vfio-ap-stress: --fault '%s': expected failslab:P:I, fail-function:FUNC:P or ap:INSN:RC:P\n",
			p.fault);
		return 2;
	}
	if (corpus_dir && program) {
		fprintf(stderr, "vfio-ap-stress: --corpus derives the programs; --program replays one: not both\n");
		return 2;
	}
	if (corpus_dir && strcmp(kind, "sim")) {
		fprintf(stderr, "vfio-ap-stress: --corpus needs the driver's edges: a simulated host\n");
		return 2;
	}
	if (corpus_dir && !coverage_available()) {
		fprintf(stderr, "vfio-ap-stress: --corpus: this build's driver counts no edges (make run builds one that does; make sim-one COV=1)\n");
		return 2;
	}
	if (program) {
		char err[512];
		unsigned long long fs;
		bool has;

		if (program_load(program, &given, &fs, &has, err, sizeof(err))) {
			fprintf(stderr, "vfio-ap-stress: --program %s\n", err);
			return 2;
		}
		if (has && !seed_given)
			p.seed = fs;
		p.threads = given.nworkers;
		p.program = &given;
		if (!realpath(program, prog_file))
			snprintf(prog_file, sizeof(prog_file), "%s", program);
	}
	if (!seeds && cp.duration <= 0)
		seeds = 1;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		snprintf(self, sizeof(self), "%s", argv[0]);
	else
		self[n] = 0;
	snprintf(cp.host, sizeof(cp.host), "%s", kind);
	if (campaign_init(&cp, "vfio-ap-stress", results, argc, argv))
		return 2;
	replay_timeout = cp.timeout;
	if (seeds)
		cp.total = (int)((seeds + (unsigned long long)(nshards - 1 - shard)) / (unsigned long long)nshards);
	if (!cp.quiet)
		printf("vfio-ap-stress: kernel %s on the %s host, seeds from %llu%s, %ld ops x %d threads per case%s%s; results in %s\n",
		       cp.kernel, cp.host, p.seed, nshards > 1 ? " (a shard)" : "", p.ops, p.threads,
		       p.det ? ", deterministic " : "", p.det ? p.det : "", cp.dir);
	fflush(stdout);
	if (background && background_start(cp.dir, cp.duration)) {
		return 2;
	}
	if (coverage_available() && !strcmp(kind, "sim")) {
		char err[4400];

		edge_map = mmap(NULL, VAP_EDGE_MAP_SIZE * (1 + sizeof(*edge_step)),
				PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (edge_map == MAP_FAILED) {
			fprintf(stderr, "vfio-ap-stress: the edge map: %s\n", strerror(errno));
			return 2;
		}
		edge_step = (unsigned int *)(edge_map + VAP_EDGE_MAP_SIZE);
		corpus = corpus_open(corpus_dir, corpus_dir ? cp.dir : NULL, &p, p.seed, err, sizeof(err));
		if (!corpus) {
			fprintf(stderr, "vfio-ap-stress: %s\n", err);
			return 2;
		}
		cp.annotate = account_edges;
		if (corpus_dir) {
			/* absolute: a finding's repro.sh names the file */
			snprintf(err, sizeof(err), "%s/programs", cp.dir);
			mkdir(err, 0755);
			if (!realpath(err, progdir))
				snprintf(progdir, sizeof(progdir), "%s", err);
		}
	}
	first = p.seed;
	for (s = first; seeds ? s < first + seeds : campaign_time_left(&cp); s++) {
		char id[64];

		if ((s - first) % (unsigned long long)nshards != (unsigned long long)shard)
			continue;
		if (!campaign_time_left(&cp))
			break;	/* out of time, or interrupted */
		p.seed = s;
		snprintf(id, sizeof(id), "stress-s%llu", s);
		program_free(&case_prog);
		if (corpus_dir) {
			const char *how;
			struct json_object *j;

			corpus_next(corpus, &case_prog, s, &p.seed, &how);
			p.program = &case_prog;
			p.threads = case_prog.nworkers;
			prog_file[0] = 0;
			if (strcmp(how, "fresh")) {
				/* derived: the case's program in a file of its own */
				snprintf(prog_file, sizeof(prog_file), "%s/%s.json", progdir, id);
				j = json_object_new_object();
				json_object_object_add(j, "seed", json_object_new_uint64(p.seed));
				json_object_object_add(j, "how", json_object_new_string(how));
				json_object_object_add(j, "program", program_to_json(&case_prog));
				json_object_to_file_ext(prog_file, j, JSON_C_TO_STRING_PLAIN);
				json_object_put(j);
			}
		}
		case_seed = p.seed;
		rc = campaign_case(&cp, "stress", id, case_body, &p, replay_argv(&p, self));
		if (rc == 2) {
			/* the host could not be set up: nothing else would run */
			worst = 2;
			break;
		}
	}
	campaign_progress_end(&cp);
	if (campaign_stopped())
		fprintf(stderr, "vfio-ap-stress: interrupted: the results of the cases done follow\n");
	background_stop(cp.dir);
	if (corpus) {
		struct json_object *e = json_object_new_object();
		int entries, edges;

		corpus_stats(corpus, &entries, &edges);
		json_object_object_add(e, "guided", json_object_new_boolean(corpus_dir != NULL));
		json_object_object_add(e, "edges", json_object_new_int(edges));
		json_object_object_add(e, "corpus_entries", json_object_new_int(entries));
		if (corpus_dir)
			json_object_object_add(e, "mix", corpus_mix_json(corpus));
		results_extra(cp.dir, "edges", e);
		if (!cp.quiet)
			printf("driver edges: %d reached%s", edges, corpus_dir ? "" : "\n");
		if (!cp.quiet && corpus_dir)
			printf("; corpus: %d case(s) kept (%s/corpus, and %s)\n", entries, cp.dir, corpus_dir);
		corpus_close(corpus);
		program_free(&case_prog);
	}
	program_free(&given);
	snprintf(bad, sizeof(bad), "%d/%d", shard, nshards);
	campaign_write_facts(&cp, bad);
	rc = results_finalize(cp.dir, "vfio-ap-stress", cp.command, cp.quiet);
	return worst ? worst : rc;
}
