/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The stress engine (engine.c) and its programs and corpus (corpus.c),
 * shared by vfio-ap-stress and vfio-ap-fault; the campaign layer they
 * both run on is campaign/campaign.h.
 */
#ifndef VAP_ENGINE_H
#define VAP_ENGINE_H

#include <stdbool.h>
#include <stdio.h>
#include <json-c/json.h>
#include "vfio_ap.h"
#include "campaign.h"

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
