// SPDX-License-Identifier: GPL-2.0
/*
 * Programs and the guided campaign's corpus.
 *
 * A program is what a case's workers do: per worker, a list of steps (an
 * operation and the value its choices are drawn from).  A fresh case's
 * program follows from its seed, so a seed alone replays it; a program
 * derived from others is written to a file and replayed with --program.
 *
 * A guided campaign (--corpus DIR) keeps the cases that reached driver
 * edges no case before them had reached (the edge map of a COV=1 build,
 * shim/edges.c), and derives new cases from them as syzkaller does: a
 * value or an operation changed, steps inserted or deleted, a fault
 * inserted before a step (fail-nth), a worker's program spliced with
 * another entry's, the program extended, or the same program under
 * another interleaving.  Entries are JSON files (seed,
 * program, the edges it reached) under DIR and results/corpus; a later
 * campaign with the same DIR replays them first (which rebuilds its map of
 * edges seen: positions depend on the binary) and goes on from there.  At
 * the end DIR holds the entries this campaign kept, loaded ones included:
 * an entry whose edges the entries before it reach too is dropped, so the
 * folder stays the size of one campaign's corpus.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "engine.h"

/* a worker's program is at most this many times a fresh one */
#define MAX_GROWTH 4
/* entries a campaign loads from its corpus folder (the most productive) */
#define MAX_LOADED 50

static int draw_op(const int *weights, unsigned long long *rng)
{
	int total = 0, i, r;

	for (i = 0; i < NR_OPS; i++)
		total += weights[i];
	if (!total)
		return OP_ASSIGN;
	r = (int)(stress_rand(rng) % (unsigned int)total);
	for (i = 0; i < NR_OPS; i++) {
		if (r < weights[i])
			return i;
		r -= weights[i];
	}
	return OP_ASSIGN;
}

/* a fresh worker's length: the case's operations over its workers, in
 * whole rounds of ROUND_OPS */
static int fresh_len(const struct stress_params *p)
{
	long per = (p->ops + p->threads - 1) / p->threads;

	return (int)((per + STRESS_ROUND_OPS - 1) / STRESS_ROUND_OPS * STRESS_ROUND_OPS);
}

void program_generate(struct program *prog, const struct stress_params *p, unsigned long long seed)
{
	program_generate_mix(prog, p, p->weights, seed);
}

void program_generate_mix(struct program *prog, const struct stress_params *p, const int *weights,
			  unsigned long long seed)
{
	int i, k, n = fresh_len(p);

	memset(prog, 0, sizeof(*prog));
	prog->nworkers = p->threads;
	for (i = 0; i < p->threads; i++) {
		unsigned long long rng = seed * 1000003ULL + (unsigned long long)i;

		prog->len[i] = n;
		prog->steps[i] = calloc((size_t)n, sizeof(struct prog_step));
		for (k = 0; k < n; k++) {
			prog->steps[i][k].op = (unsigned char)draw_op(weights, &rng);
			prog->steps[i][k].arg = (unsigned int)stress_rand(&rng);
		}
	}
}

void program_free(struct program *prog)
{
	int i;

	for (i = 0; i < STRESS_MAX_THREADS; i++)
		free(prog->steps[i]);
	memset(prog, 0, sizeof(*prog));
}

bool program_has(const struct program *prog, int op)
{
	int i, k;

	for (i = 0; i < prog->nworkers; i++)
		for (k = 0; k < prog->len[i]; k++)
			if (prog->steps[i][k].op == op)
				return true;
	return false;
}

static void program_copy(struct program *dst, const struct program *src)
{
	int i;

	memset(dst, 0, sizeof(*dst));
	dst->nworkers = src->nworkers;
	for (i = 0; i < src->nworkers; i++) {
		dst->len[i] = src->len[i];
		dst->steps[i] = malloc(sizeof(struct prog_step) * (size_t)(src->len[i] + 1));
		memcpy(dst->steps[i], src->steps[i], sizeof(struct prog_step) * (size_t)src->len[i]);
	}
}

/* per worker, one string of "op:arg" words (hex arg) */
struct json_object *program_to_json(const struct program *prog)
{
	struct json_object *a = json_object_new_array();
	int i, k;

	for (i = 0; i < prog->nworkers; i++) {
		size_t cap = (size_t)prog->len[i] * 20 + 1, off = 0;
		char *s = malloc(cap);

		s[0] = 0;
		for (k = 0; k < prog->len[i]; k++)
			off += (size_t)snprintf(s + off, cap - off, "%s%s:%x", k ? " " : "",
						op_name(prog->steps[i][k].op), prog->steps[i][k].arg);
		json_object_array_add(a, json_object_new_string(s));
		free(s);
	}
	return a;
}

int program_from_json(struct program *prog, struct json_object *j, char *err, size_t errlen)
{
	int i, n;

	memset(prog, 0, sizeof(*prog));
	if (!json_object_is_type(j, json_type_array) || !(n = (int)json_object_array_length(j)) ||
	    n > STRESS_MAX_THREADS) {
		snprintf(err, errlen, "\"program\" must be an array of 1..%d workers' steps",
			 STRESS_MAX_THREADS);
		return -1;
	}
	prog->nworkers = n;
	for (i = 0; i < n; i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(j, i)), *p;
		int cap = 64;

		prog->steps[i] = malloc(sizeof(struct prog_step) * (size_t)cap);
		for (p = s ? s : ""; *p;) {
			char name[32], *end;
			unsigned long arg;
			int len, op;

			p += strspn(p, " ");
			if (!*p)
				break;
			len = 0;
			if (sscanf(p, "%31[a-z_]:%n", name, &len) != 1 || !len) {
				snprintf(err, errlen, "worker %d, step %d: expected op:hexvalue at '%.20s'",
					 i, prog->len[i], p);
				goto bad;
			}
			op = op_lookup(name);
			errno = 0;
			arg = strtoul(p + len, &end, 16);
			if (op < 0 || end == p + len || errno || arg > 0xffffffffUL ||
			    (*end && *end != ' ')) {
				snprintf(err, errlen, "worker %d, step %d: bad step '%.*s'", i, prog->len[i],
					 (int)strcspn(p, " "), p);
				goto bad;
			}
			if (prog->len[i] == cap) {
				cap *= 2;
				prog->steps[i] = realloc(prog->steps[i], sizeof(struct prog_step) * (size_t)cap);
			}
			prog->steps[i][prog->len[i]++] = (struct prog_step){ (unsigned char)op, (unsigned int)arg };
			p = end;
		}
	}
	return 0;
bad:
	program_free(prog);
	return -1;
}

int program_load(const char *file, struct program *prog, unsigned long long *seed, bool *has_seed,
		 char *err, size_t errlen)
{
	struct json_object *j = json_object_from_file(file), *v;
	int rc;

	*has_seed = false;
	if (!j) {
		const char *why = json_util_get_last_err();

		/* json-c's message, on one line */
		snprintf(err, errlen, "%s: %.*s", file, why ? (int)strcspn(why, "\n") : 7,
			 why ? why : "no JSON");
		return -1;
	}
	if (!json_object_object_get_ex(j, "program", &v)) {
		snprintf(err, errlen, "%s: no \"program\"", file);
		json_object_put(j);
		return -1;
	}
	rc = program_from_json(prog, v, err, errlen);
	if (rc) {
		char e[256];

		snprintf(e, sizeof(e), "%s", err);
		snprintf(err, errlen, "%s: %s", file, e);
	}
	if (!rc && json_object_object_get_ex(j, "seed", &v) && json_object_is_type(v, json_type_int)) {
		*seed = (unsigned long long)json_object_get_uint64(v);
		*has_seed = true;
	}
	json_object_put(j);
	return rc;
}

int edges_count(const unsigned char *map, unsigned long long *hash)
{
	unsigned long long h = 0xcbf29ce484222325ULL;
	int i, n = 0;

	for (i = 0; i < VAP_EDGE_MAP_SIZE; i++)
		if (map[i]) {
			n++;
			h = (h ^ (unsigned long long)i) * 0x100000001b3ULL;
		}
	if (hash)
		*hash = h;
	return n;
}

/* ------------------------------------------------------------ the corpus */

struct entry {
	char id[80];
	unsigned long long seed;
	struct program prog;
	int edges, new_edges;
	unsigned long long edge_hash;	/* which edges it reached */
	int focus_rounds;	/* its last round that found something new (0: none) */
	int chosen;		/* times a parent */
};

struct corpus {
	char dir[4096], results[4096];
	const struct stress_params *p;	/* &params */
	struct stress_params params;	/* the campaign's, as opened */
	unsigned long long rng;
	struct entry *e;
	int n, cap;
	/* loaded entries not replayed yet (their programs), in order */
	struct entry *pending;
	int npending, next_pending;
	unsigned char seen[VAP_EDGE_MAP_SIZE];
	int nseen;
	/* the case being run: which entry it came from */
	const char *how;
	/* a new entry's first derived cases (syzkaller's smash): its index
	 * and how many more */
	int focus, focus_left;
	/* the guided mix: per operation, the new edges credited to its
	 * step that first hit them (and the fault before it) and the
	 * steps run; the weights fresh steps are drawn with */
	double credit[NR_OPS], exposure[NR_OPS];
	int weights[NR_OPS];
	int mixed;		/* the weights differ from the campaign's */
};

static int pick(struct corpus *c, int n)
{
	return (int)(stress_rand(&c->rng) % (unsigned int)n);
}

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	return y->new_edges - x->new_edges;
}

static void load_dir(struct corpus *c)
{
	struct dirent *d;
	DIR *dir = opendir(c->dir);
	int cap = 0;

	if (!dir)
		return;
	while ((d = readdir(dir))) {
		char path[4400], err[256];
		struct entry en;
		struct json_object *j, *v;
		size_t l = strlen(d->d_name);
		bool has_seed;

		if (l < 6 || strcmp(d->d_name + l - 5, ".json"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", c->dir, d->d_name);
		memset(&en, 0, sizeof(en));
		if (program_load(path, &en.prog, &en.seed, &has_seed, err, sizeof(err))) {
			fprintf(stderr, "vfio-ap-stress: corpus: skipping %s\n", err);
			continue;
		}
		snprintf(en.id, sizeof(en.id), "%.*s", (int)(l - 5), d->d_name);
		j = json_object_from_file(path);
		if (j && json_object_object_get_ex(j, "new_buckets", &v))
			en.new_edges = json_object_get_int(v);
		if (j && json_object_object_get_ex(j, "focus_rounds", &v))
			en.focus_rounds = json_object_get_int(v);
		json_object_put(j);
		if (c->npending == cap) {
			cap = cap ? cap * 2 : 32;
			c->pending = realloc(c->pending, sizeof(*c->pending) * (size_t)cap);
		}
		c->pending[c->npending++] = en;
	}
	closedir(dir);
	/* the most productive first; at most MAX_LOADED of them */
	if (c->npending)
		qsort(c->pending, (size_t)c->npending, sizeof(*c->pending), entry_cmp);
	while (c->npending > MAX_LOADED)
		program_free(&c->pending[--c->npending].prog);
}

struct corpus *corpus_open(const char *dir, const char *results, const struct stress_params *p,
			   unsigned long long rng_seed, char *err, size_t errlen)
{
	struct corpus *c = calloc(1, sizeof(*c));

	c->params = *p;
	c->p = &c->params;
	memcpy(c->weights, p->weights, sizeof(c->weights));
	c->rng = rng_seed ^ 0x5eedc0de5eedc0deULL;
	if (!results)
		return c;	/* edges counted, nothing kept */
	snprintf(c->results, sizeof(c->results), "%s/corpus", results);
	if (mkdir(c->results, 0755) && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", c->results, strerror(errno));
		free(c);
		return NULL;
	}
	if (dir) {
		snprintf(c->dir, sizeof(c->dir), "%s", dir);
		if (mkdir(dir, 0755) && errno != EEXIST) {
			snprintf(err, errlen, "--corpus %s: %s", dir, strerror(errno));
			free(c);
			return NULL;
		}
		load_dir(c);
	}
	return c;
}

/* a fresh step for a position of a worker */
static struct prog_step fresh_step(struct corpus *c)
{
	struct prog_step s;

	s.op = (unsigned char)draw_op(c->weights, &c->rng);
	s.arg = (unsigned int)stress_rand(&c->rng);
	return s;
}

static void insert_steps(struct corpus *c, struct program *q, int w, int at, int n)
{
	int k;

	q->steps[w] = realloc(q->steps[w], sizeof(struct prog_step) * (size_t)(q->len[w] + n + 1));
	memmove(q->steps[w] + at + n, q->steps[w] + at, sizeof(struct prog_step) * (size_t)(q->len[w] - at));
	for (k = 0; k < n; k++)
		q->steps[w][at + k] = fresh_step(c);
	q->len[w] += n;
}

/* One mutation of q (a copy of an entry's program); other: a second
 * entry for a splice; focus: the round in which the entry found
 * something new (0: none).  Returns what it did. */
static const char *mutate_once(struct corpus *c, struct program *q, const struct program *other,
			       int focus)
{
	int w = pick(c, q->nworkers), max = fresh_len(c->p) * MAX_GROWTH, k, n;

	switch (pick(c, 8)) {
	case 0:	/* values: the same operations choose differently */
		if (!q->len[w])
			break;
		for (n = 1 + pick(c, 4), k = 0; k < n; k++) {
			struct prog_step *s = &q->steps[w][pick(c, q->len[w])];

			s->arg = pick(c, 2) ? (unsigned int)stress_rand(&c->rng) :
					      s->arg ^ (1u << pick(c, 32));
		}
		return "values";
	case 1:	/* operations */
		if (!q->len[w])
			break;
		for (n = 1 + pick(c, 3), k = 0; k < n; k++)
			q->steps[w][pick(c, q->len[w])] = fresh_step(c);
		return "operations";
	case 2:	/* steps inserted */
		n = 1 + pick(c, 8);
		if (q->len[w] + n > max)
			break;
		insert_steps(c, q, w, pick(c, q->len[w] + 1), n);
		return "insert";
	case 3:	/* steps deleted */
		if (q->len[w] < 2)
			break;
		n = 1 + pick(c, q->len[w] / 8 + 1);
		k = pick(c, q->len[w] - n + 1);
		memmove(q->steps[w] + k, q->steps[w] + k + n,
			sizeof(struct prog_step) * (size_t)(q->len[w] - k - n));
		q->len[w] -= n;
		return "delete";
	case 4:	/* splice: this worker's head, the other entry's tail */
		if (!other || w >= other->nworkers || !other->len[w])
			break;
		{
			int cut = pick(c, q->len[w] + 1), from = pick(c, other->len[w]);
			int tail = other->len[w] - from;

			if (cut + tail > max)
				tail = max - cut;
			if (tail <= 0)
				break;
			q->steps[w] = realloc(q->steps[w], sizeof(struct prog_step) * (size_t)(cut + tail + 1));
			memcpy(q->steps[w] + cut, other->steps[w] + from, sizeof(struct prog_step) * (size_t)tail);
			q->len[w] = cut + tail;
		}
		return "splice";
	case 6:	/* a fault before a step: its n-th fault site fails (fail-nth,
		 * n small: most steps reach a few), before a step of the round
		 * that found something new when there is one, as syzkaller
		 * fails the calls of a new input one site after another */
		if (!q->len[w] || q->len[w] + 1 > max || !c->p->weights[OP_FAULT])
			break;
		k = pick(c, q->len[w]);
		if (focus > 0 && pick(c, 4)) {
			int lo = (focus - 1) * STRESS_ROUND_OPS;

			if (lo < q->len[w])
				k = lo + pick(c, (q->len[w] - lo < STRESS_ROUND_OPS ? q->len[w] - lo :
						  STRESS_ROUND_OPS));
		}
		insert_steps(c, q, w, k, 1);
		q->steps[w][k] = (struct prog_step){ OP_FAULT, stress_fault_arg(1 + pick(c, 8)) };
		return "fault";
	case 5:	/* extended by a round in every worker */
		for (k = 0; k < q->nworkers; k++)
			if (q->len[k] + STRESS_ROUND_OPS <= max)
				insert_steps(c, q, k, q->len[k], STRESS_ROUND_OPS);
		return "extend";
	default:	/* the same steps, another interleaving (corpus_next) */
		return "reschedule";
	}
	return NULL;
}

void corpus_next(struct corpus *c, struct program *prog, unsigned long long s,
		 unsigned long long *seed, const char **how)
{
	struct entry *parent, *other;
	int i, n, best;

	if (c->next_pending < c->npending) {
		struct entry *e = &c->pending[c->next_pending++];

		program_copy(prog, &e->prog);
		*seed = e->seed;
		*how = c->how = "loaded";
		return;
	}
	/* half the cases fresh (from the guided mix once it has learned
	 * something: a program its seed alone does not make), and every case
	 * until something is kept */
	if (!c->n || pick(c, 2) == 0) {
		program_generate_mix(prog, c->p, c->weights, s);
		*seed = s;
		*how = c->how = c->mixed ? "fresh-mix" : "fresh";
		return;
	}
	/* the parent: a new entry first, a few times (what it reached is
	 * where the next new edges are likeliest); else the best of three
	 * draws, by the edges it found and how seldom it was chosen
	 * (syzkaller's corpus priority, simplified) */
	best = pick(c, c->n);
	if (c->focus_left > 0) {
		c->focus_left--;
		best = c->focus;
		goto chosen;
	}
	for (i = 0; i < 2; i++) {
		int k = pick(c, c->n);

		if ((c->e[k].new_edges + 1) * (c->e[best].chosen + 1) >
		    (c->e[best].new_edges + 1) * (c->e[k].chosen + 1))
			best = k;
	}
chosen:
	parent = &c->e[best];
	other = &c->e[pick(c, c->n)];
	parent->chosen++;
	program_copy(prog, &parent->prog);
	*seed = parent->seed;
	*how = c->how = "mutated";
	if (parent->focus_rounds > 0 && pick(c, 2)) {
		/* from where the parent found something new: its steps up
		 * to the end of that round, which run as they did under its
		 * seed, then fresh steps up to a fresh program's length (at
		 * least a round): a fresh case started from that state */
		int keep = parent->focus_rounds * STRESS_ROUND_OPS, k;
		int tail = fresh_len(c->p) - keep;

		if (tail < STRESS_ROUND_OPS)
			tail = STRESS_ROUND_OPS;
		for (k = 0; k < prog->nworkers; k++) {
			if (prog->len[k] > keep)
				prog->len[k] = keep;
			insert_steps(c, prog, k, prog->len[k], tail);
		}
		return;
	}
	/* one to three mutations that apply (one that cannot, a deletion
	 * from an empty worker, is drawn again); the parent's interleaving,
	 * the steps before the first change running as they did, unless a
	 * mutation asks for another */
	for (n = 1 + pick(c, 3), i = 0; n > 0 && i < 16; i++) {
		const char *did = mutate_once(c, prog, other != parent ? &other->prog : NULL,
					      parent->focus_rounds);

		if (!did)
			continue;
		n--;
		if (!strcmp(did, "reschedule"))
			*seed = s;
	}
}

/* an entry's file name: a hash of its seed and program, so that the
 * entries of several campaigns in one folder never collide */
static unsigned long long entry_hash(const struct entry *e)
{
	unsigned long long h = 0xcbf29ce484222325ULL ^ e->seed;
	int i, k;

	for (i = 0; i < e->prog.nworkers; i++) {
		h = (h ^ 0xffu) * 0x100000001b3ULL;
		for (k = 0; k < e->prog.len[i]; k++)
			h = (h ^ (e->prog.steps[i][k].op | (unsigned long long)e->prog.steps[i][k].arg << 8)) *
			    0x100000001b3ULL;
	}
	return h;
}

static void save_entry(const char *dir, const struct entry *e, const char *how,
		       const struct stress_params *p)
{
	struct json_object *j = json_object_new_object();
	char path[4400];

	json_object_object_add(j, "case", json_object_new_string(e->id));
	json_object_object_add(j, "seed", json_object_new_uint64(e->seed));
	json_object_object_add(j, "edges", json_object_new_int(e->edges));
	json_object_object_add(j, "new_buckets", json_object_new_int(e->new_edges));
	json_object_object_add(j, "focus_rounds", json_object_new_int(e->focus_rounds));
	snprintf(path, sizeof(path), "%016llx", e->edge_hash);
	json_object_object_add(j, "edge_hash", json_object_new_string(path));
	/* the options of the campaign that kept it (for a reader: --program
	 * takes them from its own command line) */
	json_object_object_add(j, "threads", json_object_new_int(e->prog.nworkers));
	json_object_object_add(j, "guests", json_object_new_int(p->guests));
	json_object_object_add(j, "vcpus", json_object_new_int(p->vcpus));
	json_object_object_add(j, "config", json_object_new_string(p->config));
	json_object_object_add(j, "deterministic", p->det ? json_object_new_string(p->det) : NULL);
	json_object_object_add(j, "how", json_object_new_string(how));
	json_object_object_add(j, "program", program_to_json(&e->prog));
	snprintf(path, sizeof(path), "%s/%016llx.json", dir, entry_hash(e));
	json_object_to_file_ext(path, j, JSON_C_TO_STRING_PLAIN);
	json_object_put(j);
}

static unsigned char bucket(unsigned char n)
{
	return !n ? 0 : n == 1 ? 1 : n == 2 ? 2 : n == 3 ? 4 : n < 8 ? 8 : n < 16 ? 16 :
	       n < 32 ? 32 : n < 128 ? 64 : 128;
}

/*
 * The guided mix: each new edge is credited to the step that first hit it
 * (the edge map's step tag; a step after a "fault" step credits the fault
 * too: it made the difference), each step run counts as one exposure of
 * its operation, and an operation's weight is its campaign weight times
 * its credit per step over the whole's (with a prior of MIX_PRIOR steps
 * at the average, within 1/2..2x), the past fading by MIX_DECAY a case.
 * The steps run: the case's operations over its workers, in rounds.
 */
#define MIX_PRIOR 400.0
#define MIX_DECAY 0.95
static void learn_mix(struct corpus *c, const struct program *prog, const unsigned int *fresh_tags,
		      int nfresh, struct json_object *case_obj)
{
	struct json_object *o;
	double total_c = 0, total_e = 0, rate;
	long ops = 0;
	int i, w, k, op, ran;

	/* the recent cases count: a campaign's first finds nearly every
	 * edge whatever it runs, and would drown what comes after */
	for (op = 0; op < NR_OPS; op++) {
		c->credit[op] *= MIX_DECAY;
		c->exposure[op] *= MIX_DECAY;
	}
	if (json_object_object_get_ex(case_obj, "operations", &o))
		ops = json_object_get_int64(o);
	ran = (int)((ops + prog->nworkers * STRESS_ROUND_OPS - 1) / (prog->nworkers * STRESS_ROUND_OPS));
	for (w = 0; w < prog->nworkers; w++)
		for (k = 0; k < prog->len[w] && k < ran * STRESS_ROUND_OPS; k++)
			c->exposure[prog->steps[w][k].op] += 1;
	for (i = 0; i < nfresh; i++) {
		if (!fresh_tags[i])
			continue;
		w = (int)((fresh_tags[i] - 1) >> 16);
		k = (int)((fresh_tags[i] - 1) & 0xffff);
		if (w >= prog->nworkers || k >= prog->len[w])
			continue;
		c->credit[prog->steps[w][k].op] += 1;
		if (k && prog->steps[w][k - 1].op == OP_FAULT && prog->steps[w][k].op != OP_FAULT)
			c->credit[OP_FAULT] += 1;
	}
	for (op = 0; op < NR_OPS; op++) {
		total_c += c->credit[op];
		total_e += c->exposure[op];
	}
	if (total_c <= 0 || total_e <= 0)
		return;
	rate = total_c / total_e;
	for (op = 0; op < NR_OPS; op++) {
		double x;

		if (!c->p->weights[op])
			continue;
		x = (c->credit[op] + MIX_PRIOR * rate) / (c->exposure[op] + MIX_PRIOR) / rate;
		x = x < 0.5 ? 0.5 : x > 2 ? 2 : x;
		c->weights[op] = (int)(c->p->weights[op] * 4 * x + 0.5);
		if (c->weights[op] < 1)
			c->weights[op] = 1;
	}
	c->mixed = 1;
}

int corpus_account(struct corpus *c, const char *id, const struct program *prog,
		   unsigned long long seed, const unsigned char *map, const unsigned int *step,
		   struct json_object *case_obj)
{
	unsigned long long hash;
	int i, fresh = 0, buckets = 0, focus = 0, edges = edges_count(map, &hash);
	unsigned int *fresh_tags = malloc(VAP_EDGE_MAP_SIZE * sizeof(*fresh_tags));
	char hx[32];

	/* new: an edge never taken, or taken a number of times in a class
	 * (AFL's buckets: 1, 2, 3, 4-7, 8-15, 16-31, 32-127, 128+) no case
	 * had; the edges are what the summary counts */
	for (i = 0; i < VAP_EDGE_MAP_SIZE; i++) {
		unsigned char b = bucket(map[i]);

		if (!b || (c->seen[i] & b))
			continue;
		if (!c->seen[i])
			fresh_tags[fresh] = step ? step[i] : 0;
		fresh += !c->seen[i];
		buckets++;
		/* the round of the step that hit it first (a worker runs its
		 * steps STRESS_ROUND_OPS a round; the teardown is none) */
		if (step && step[i] && (int)((step[i] - 1) >> 16) < prog->nworkers &&
		    (int)((step[i] - 1) & 0xffff) / STRESS_ROUND_OPS + 1 > focus)
			focus = (int)((step[i] - 1) & 0xffff) / STRESS_ROUND_OPS + 1;
		c->seen[i] |= b;
	}
	c->nseen += fresh;
	if (c->results[0])
		learn_mix(c, prog, fresh_tags, fresh, case_obj);
	free(fresh_tags);
	snprintf(hx, sizeof(hx), "%016llx", hash);
	json_object_object_add(case_obj, "edges", json_object_new_int(edges));
	json_object_object_add(case_obj, "edge_hash", json_object_new_string(hx));
	json_object_object_add(case_obj, "new_edges", json_object_new_int(fresh));
	if (!c->results[0])
		return fresh;
	json_object_object_add(case_obj, "origin", json_object_new_string(c->how ? c->how : "fresh"));
	if (buckets) {
		struct entry *e;

		if (c->n == c->cap) {
			c->cap = c->cap ? c->cap * 2 : 64;
			c->e = realloc(c->e, sizeof(*c->e) * (size_t)c->cap);
		}
		e = &c->e[c->n++];
		memset(e, 0, sizeof(*e));
		snprintf(e->id, sizeof(e->id), "%s", id);
		e->seed = seed;
		e->edges = edges;
		e->new_edges = buckets;
		e->edge_hash = hash;
		e->focus_rounds = focus;
		program_copy(&e->prog, prog);
		/* a loaded entry is the past's: no focus while replaying them */
		if (strcmp(c->how ? c->how : "", "loaded")) {
			c->focus = c->n - 1;
			c->focus_left = 4;
		}
		save_entry(c->results, e, c->how ? c->how : "fresh", c->p);
		if (c->dir[0])
			save_entry(c->dir, e, c->how ? c->how : "fresh", c->p);
	}
	json_object_object_add(case_obj, "kept", json_object_new_boolean(buckets > 0));
	return fresh;
}

void corpus_stats(const struct corpus *c, int *entries, int *edges)
{
	*entries = c->n;
	*edges = c->nseen;
}

struct json_object *corpus_mix_json(const struct corpus *c)
{
	struct json_object *m = json_object_new_object();
	int op;

	for (op = 0; op < NR_OPS; op++)
		if (c->p->weights[op])
			json_object_object_add(m, op_name(op), json_object_new_double(
				(double)c->weights[op] / (c->mixed ? 4 : 1) / c->p->weights[op]));
	return m;
}

/* DIR's entries that this campaign did not keep are removed */
static void prune_dir(struct corpus *c)
{
	struct dirent *d;
	DIR *dir;

	if (!c->dir[0] || !c->n || !(dir = opendir(c->dir)))
		return;
	while ((d = readdir(dir))) {
		char path[4400], name[40];
		struct json_object *j;
		bool kept = false, entry;
		size_t l = strlen(d->d_name);
		int i;

		if (l < 6 || strcmp(d->d_name + l - 5, ".json"))
			continue;
		for (i = 0; i < c->n && !kept; i++) {
			snprintf(name, sizeof(name), "%016llx.json", entry_hash(&c->e[i]));
			kept = !strcmp(name, d->d_name);
		}
		if (kept)
			continue;
		snprintf(path, sizeof(path), "%s/%s", c->dir, d->d_name);
		/* only what is a corpus entry */
		j = json_object_from_file(path);
		entry = j && json_object_object_get_ex(j, "program", NULL);
		json_object_put(j);
		if (entry)
			unlink(path);
	}
	closedir(dir);
}

void corpus_close(struct corpus *c)
{
	int i;

	if (!c)
		return;
	prune_dir(c);
	for (i = 0; i < c->n; i++)
		program_free(&c->e[i].prog);
	for (i = 0; i < c->npending; i++)
		program_free(&c->pending[i].prog);
	free(c->e);
	free(c->pending);
	free(c);
}
