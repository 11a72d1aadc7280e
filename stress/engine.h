/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The stress engine (engine.c), the campaign runner (campaign.c) and the
 * results writer (results.c), shared by vfio-ap-stress and vfio-ap-fault.
 */
#ifndef VAP_ENGINE_H
#define VAP_ENGINE_H

#include <stdbool.h>
#include <stdio.h>
#include <json-c/json.h>
#include "vfio_ap.h"

enum op {
	OP_APMASK, OP_AQMASK, OP_BIND, OP_CREATE, OP_REMOVE, OP_ASSIGN, OP_UNASSIGN,
	OP_GUEST, OP_REOPEN, OP_CONFIG, OP_RELOAD, OP_READ, OP_FAULT, OP_APCODE,
	OP_VALUE, OP_IOCTL, OP_DMA, OP_SECOND, OP_PQAP, NR_OPS
};

/* the operation table (engine.c): name, default weight, what it runs
 * and the errnos it may answer; op_lookup: -1 for no such name */
const char *op_name(int op);
int op_weight(int op);
int op_lookup(const char *name);

/* The answers each AP instruction can give besides 00 (ZAPQ is never
 * busy, TAPQ neither busy nor resetting: an impossible answer would only
 * test the driver's WARN for broken machines); the fault campaign's
 * ap: faults and the engine's apcode steps draw from them. */
struct ap_code {
	const char *insn, *name;
	int rc;
};
#define NR_AP_CODES 9
extern const struct ap_code stress_ap_codes[NR_AP_CODES];

#define STRESS_MAX_THREADS 16
/* a worker's operations between two runs of the whole oracle */
#define STRESS_ROUND_OPS 50

/*
 * A case's operations (corpus.c): per worker, the steps it runs in order,
 * each an operation and the 32-bit value its choices (adapter, domain,
 * mdev slot, sign, ...) are drawn from.  A fresh case's program follows
 * from its seed; a guided campaign derives programs from the corpus.
 */
struct prog_step {
	unsigned char op;
	unsigned int arg;
};

struct program {
	int nworkers;
	int len[STRESS_MAX_THREADS];
	struct prog_step *steps[STRESS_MAX_THREADS];
};

/* One stress case: a seed's run on a freshly booted host. */
struct stress_params {
	unsigned long long seed;
	long ops;			/* operations of the case, all workers */
	int threads, vcpus;
	char config[16];		/* "AxD" or "" (the sim's default) */
	int guests;			/* most guests running at once; 0: none */
	int weights[NR_OPS];
	const char *det;		/* NULL, "random" or "pct" */
	/* a fault setting applied before the workers start (fault/):
	 * "failslab:P:I" (probability %, interval), "fail-function:FUNC:P",
	 * "ap:INSN:RC:P" (AP response code RC with probability P) */
	const char *fault;
	int extra_ok[8];		/* errnos the fault adds, 0-terminated */
	/* the host: "sim", or "linux" (the running kernel, or a sim mounted
	 * at $VFIO_AP_SYSFS_ROOT) touching only the allowlist's adapters and
	 * domains, every change journaled ($VFIO_AP_JOURNAL) and undone */
	const char *host;
	struct vap_allow allow;
	/* the operations; NULL: the seed's own program */
	const struct program *program;
};

void stress_defaults(struct stress_params *p);
/* "apmask=3,bind=4": 0, or -1 with the offending token in bad */
int stress_parse_mix(struct stress_params *p, const char *s, char *bad, size_t badlen);
/* the --mix string of the weights (for a replay) */
void stress_format_mix(const struct stress_params *p, char *buf, size_t len);

/* Runs the case in this process (the host opened here): fills case_obj
 * (results/README.md, cases/<id>.json) and returns 0 pass, 1 fail, or 2
 * when the host could not be set up (the message in case_obj "error"). */
int stress_case(const struct stress_params *p, struct json_object *case_obj);

/* The host's findings and lock graph into a case object (also fault/). */
int case_add_findings(struct vap_host *h, struct json_object *c, const char *oracle_text);
void case_add_lockgraph(struct vap_host *h, struct json_object *c);
void case_add_apcb(struct json_object *c, const char *log);
const char *finding_kind(const char *title);
/* A finding of a case (results/README.md): kind NULL from the title,
 * first NULL the report's first line. */
struct json_object *finding_obj(const char *title, const char *known, const char *kind,
				const char *first, const char *report);
/* an errno's name ("EBUSY"), or its number */
const char *errno_name(int e, char *buf, size_t len);
void json_count(struct json_object *obj, const char *key, long n);

/* ------------------------------------------------------------ campaigns */

struct campaign {
	const char *tool;		/* "vfio-ap-stress" / "vfio-ap-fault" */
	char dir[4096];			/* the results folder */
	char command[4096];		/* the command line, for the summary */
	char host[16], kernel[80];
	int timeout;			/* seconds per case */
	double duration;		/* seconds; 0: run the listed cases */
	double started;
	bool progress;			/* a progress line on stderr (a terminal) */
	bool quiet;
	bool coverage;			/* --coverage: DIR/coverage.json */
	/* called with each case's result before it is written (the guided
	 * campaign's edge accounting) */
	void (*annotate)(void *arg, const char *id, struct json_object *res);
	void *annotate_arg;
	/* counters for the progress line */
	int done, failed, total, findings, known;
	long ops;
};

/* A --duration campaign ends within this many seconds of its duration:
 * the case running then is cut (its findings kept, not a finding itself) */
#define CAMPAIGN_GRACE 30
/* The running case's operations, shared with the campaign (a case that
 * dies keeps its count); NULL outside a campaign. */
extern long *campaign_case_ops;

/* A case body, run in a child process; fills c. */
typedef int (*case_fn)(void *arg, struct json_object *c);

int campaign_init(struct campaign *cp, const char *tool, const char *results, int argc,
		  char **argv);
/* Runs one case in its own process (stdout and stderr to cases/<id>.out;
 * a crash or a timeout is a failed case); writes cases/<id>.json.
 * Returns the case's status: 0 pass, 1 fail, 2 setup error. */
int campaign_case(struct campaign *cp, const char *campaign, const char *id, case_fn fn,
		  void *arg, struct json_object *argv_json);
/* --host linux's preconditions (allowlist; with faults, per-task fault
 * switches): 0, or 2 with the reason said */
int campaign_linux_host(const char *tool, struct vap_allow *allow, bool faults);
/* the run's own facts (host, kernel, start, shard, seconds) for the summary */
int campaign_write_facts(struct campaign *cp, const char *shard);
/* seconds since the run started; true while a --duration run has time */
double campaign_elapsed(const struct campaign *cp);
bool campaign_time_left(const struct campaign *cp);
/* an interrupt asked the campaign to stop after the case running */
bool campaign_stopped(void);
void campaign_progress_end(struct campaign *cp);

/* results.c: summary.json, tap.txt, junit.xml, kernel.log, lockgraph,
 * repro.sh per finding and report.html from DIR/cases/.  Prints the
 * one-screen summary unless quiet.  Returns 0 clean, 1 findings, 2 when
 * the folder cannot be read or written. */
int results_finalize(const char *dir, const char *tool, const char *command, bool quiet);
/* Joins the cases of several results folders into OUT and finalizes it. */
int results_merge(const char *out, char *const *dirs, int n, const char *command);
/* Adds a section to the summary before finalizing (fault/): written to
 * DIR/extra.json, read back by results_finalize. */
int results_extra(const char *dir, const char *key, struct json_object *val);

/* coverage.c: the driver's coverage on a COV=1 build (--coverage) */
bool coverage_available(void);
/* a case's counts written now (it leaves by _exit) */
void coverage_flush(void);
/* before the cases: their counters go under DIR/gcov */
int coverage_begin(const char *dir);
/* after them: DIR/coverage.json (per driver file, line and branch counts
 * and function spans); 0, or -ENOENT when no case wrote any */
int coverage_collect(const char *dir);
/* OUT/coverage.json as the sum of the folders' */
int coverage_merge(const char *out, char *const *dirs, int n);
/* per file: lines, branches and functions hit/total, and per function */
struct json_object *coverage_totals(const char *dir);

double now_seconds(void);

/* the engine's random stream (splitmix64) */
static inline unsigned long long stress_rand(unsigned long long *s)
{
	unsigned long long z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* ------------------------------------------------------ programs, corpus */

/* the seed's program: p->threads workers, p->ops steps in all, operations
 * drawn by p->weights */
void program_generate(struct program *prog, const struct stress_params *p, unsigned long long seed);
/* the same with other operation weights (the guided mix) */
void program_generate_mix(struct program *prog, const struct stress_params *p, const int *weights,
			  unsigned long long seed);
void program_free(struct program *prog);
/* A fault step's value: bits 16..18 (mod 5) choose a range of 2^r fault
 * sites, the low 16 bits the site within it (1-based N for fail-nth);
 * stress_fault_arg(n) is a value for exactly the n-th (n <= 16). */
static inline int stress_fault_nth(unsigned int arg)
{
	return 1 + (int)((arg & 0xffff) % (1u << ((arg >> 16 & 7) % 5)));
}

static inline unsigned int stress_fault_arg(int n)
{
	return (unsigned int)(n - 1) | 4u << 16;
}

/* the tag of the harness's teardown: no step's (a guided campaign credits
 * its edges to none) */
#define STRESS_TAG_TEARDOWN 0xffffffffu
/* a worker's step as the edge map tags it (0: none) */
static inline unsigned int stress_step_tag(int worker, int pos)
{
	return ((unsigned int)worker << 16 | (unsigned int)pos) + 1;
}

/* a step of operation op in any worker */
bool program_has(const struct program *prog, int op);
struct json_object *program_to_json(const struct program *prog);
/* 0, or -1 with what is wrong in err */
int program_from_json(struct program *prog, struct json_object *j, char *err, size_t errlen);
/* FILE (a corpus entry or a case's program): 0, or -1 with err */
int program_load(const char *file, struct program *prog, unsigned long long *seed, bool *has_seed,
		 char *err, size_t errlen);

struct corpus;
/* The guided campaign's corpus: entries loaded from dir (may be NULL or
 * not exist yet) and saved there and under results/corpus as found.
 * NULL with err when dir cannot be read.  With results NULL: only the
 * edges are counted (an unguided campaign). */
struct corpus *corpus_open(const char *dir, const char *results, const struct stress_params *p,
			   unsigned long long rng_seed, char *err, size_t errlen);
/* The next case: a loaded entry not yet replayed, a fresh program, or
 * one derived from the corpus; fills prog and *seed (s: the loop's seed
 * for fresh ones) and says how in *how ("loaded", "fresh", "fresh-mix":
 * fresh from the guided mix, "mutated"). */
void corpus_next(struct corpus *c, struct program *prog, unsigned long long s,
		 unsigned long long *seed, const char **how);
/* The case's edge map: new edges (added to the corpus's), and the case
 * kept when it found an edge or an edge's hit-count class no case before
 * it had (a loaded entry too: none is kept for having been loaded), with
 * the last round in which it found one (step: the step that first hit
 * each slot, stress_step_tag).  Annotates the case object (edges,
 * new_edges, kept). */
int corpus_account(struct corpus *c, const char *id, const struct program *prog,
		   unsigned long long seed, const unsigned char *map, const unsigned int *step,
		   struct json_object *case_obj);
/* entries, edges seen */
void corpus_stats(const struct corpus *c, int *entries, int *edges);
/* the guided mix: per operation, its weight over the campaign's */
struct json_object *corpus_mix_json(const struct corpus *c);
void corpus_close(struct corpus *c);
/* distinct edges of a map, and a hash of which they are */
int edges_count(const unsigned char *map, unsigned long long *hash);

#endif
