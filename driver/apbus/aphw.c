// SPDX-License-Identifier: GPL-2.0
/*
 * The AP hardware model: the machine's AP configuration as QCI reports it
 * (adapter, usage domain and control domain masks, 256 x 256 at most) and
 * the state of every queue as TAPQ, ZAPQ and AQIC see it.
 *
 * A ZAPQ starts a reset that stays in progress for aphw_reset_ms of
 * virtual time (every instruction answers 02 meanwhile) and then
 * completes with the queue empty and interrupts disabled.  When the
 * reset's effects (interrupts off, the NIB dropped) show in the queue's
 * status word is the machine's: at the reset's start (the default: the
 * ZAPQ's own answer already shows them) or only at its completion
 * (aphw_reset_effects_late: ZAPQ answers 00 with interrupts still
 * enabled, TAPQ 02 with them until the reset is over), which is the
 * asynchronous reset the driver's own verification loops are written
 * for.  AQIC enabling interrupts on a queue that has them (or disabling
 * on one that has not) answers 07, "otherwise changed"; the architecture
 * leaves this to the machine.
 *
 * Response-code injection: rules make TAPQ, ZAPQ or AQIC answer a chosen
 * code (busy, reset in progress, deconfigured, ...) on one APQN or all,
 * a number of times and/or with a probability.  The instruction itself
 * then takes no effect, as a machine answering that code does nothing
 * else; what the code says about the queue holds, though
 * (implied_by_answer_locked): 02 means a reset is in progress, so one
 * is, as if another party (the guest's own PQAP(RAPQ/ZAPQ), which the
 * machine interprets without the host, or the AP bus) had started it
 * just before, and it completes as any reset does.  Every other code
 * leaves the queue as it was: 05 (busy), 06 (invalid address) and 07
 * (otherwise changed) say nothing of its state, and 01, 03 and 04 (not
 * available, deconfigured, checkstopped) model the window before a
 * configuration change is undone or noticed; configuration changes
 * themselves are `hw remove-adapter` and the like.
 */
#include <pthread.h>
#include <stdlib.h>
#include <linux/kernel.h>
#include <linux/bitops.h>
#include "ap_bus.h"
#include <sim/ap.h>
#include <sim/origin.h>
#include <sim/sched.h>
#include <sim/report.h>

#define AP_TYPE_CEX7 13

/* one answer of the machine: the instruction, its response code and the
 * status bits that say whether a reset took effect */
struct answer {
	unsigned char insn;
	unsigned char rc;
	bool empty, irq;
};

#define ANSWERS 6

struct hwq {
	bool reset_pending;
	long reset_done;
	bool irq;
	unsigned int isc;
	phys_addr_t nib;
	/* the last ANSWERS answers on the queue, a ring (reports quote them) */
	struct answer last[ANSWERS];
	unsigned int nanswers;
};

static struct {
	pthread_mutex_t lock;
	DECLARE_BITMAP(apm, 256);
	DECLARE_BITMAP(aqm, 256);
	DECLARE_BITMAP(adm, 256);
	unsigned char type[256];
	struct hwq *q;
} hw = { .lock = PTHREAD_MUTEX_INITIALIZER };

static long aphw_reset_ms = 30;
static bool aphw_reset_effects_late;

static int describe_answers(int apqn, char *buf, size_t len);

#define MAX_RULES 256
static struct aphw_inject rules[MAX_RULES];
static int nr_rules;
/* fixed seed: the same script draws the same injections (xorshift64) */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static unsigned int rand_pct_locked(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned int)(rng % 100);
}

int aphw_inject_add(const struct aphw_inject *r)
{
	int ret = -ENOSPC, i, n;

	if (!r->insns || r->rc == 0 || r->rc > 0xff || r->probability > 100 ||
	    r->qid < -1 || r->qid > 0xffff)
		return -EINVAL;
	pthread_mutex_lock(&hw.lock);
	/* spent rules go (a campaign adds rules as it goes); the others keep
	 * their order, the first that matches answering */
	for (i = 0, n = 0; i < nr_rules; i++)
		if (rules[i].times)
			rules[n++] = rules[i];
	nr_rules = n;
	if (nr_rules < MAX_RULES) {
		rules[nr_rules++] = *r;
		ret = 0;
	}
	pthread_mutex_unlock(&hw.lock);
	return ret;
}

void aphw_inject_clear(void)
{
	pthread_mutex_lock(&hw.lock);
	nr_rules = 0;
	pthread_mutex_unlock(&hw.lock);
}

static const char *const insn_name[] = { "TAPQ", "ZAPQ", "AQIC" };

/* The injected response code for this instruction, or 0 for none. */
static unsigned int injected_locked(unsigned int insn, ap_qid_t qid)
{
	int i;

	for (i = 0; i < nr_rules; i++) {
		struct aphw_inject *r = &rules[i];

		if (!(r->insns & (1u << insn)) || r->times == 0)
			continue;
		if (r->qid >= 0 && r->qid != (int)(qid & 0xffff))
			continue;
		if (r->probability && r->probability < 100 &&
		    rand_pct_locked() >= r->probability)
			continue;
		if (r->times > 0)
			r->times--;
		sim_log("aphw: injected response code %02x to %s of %02x.%04x\n", r->rc,
			insn_name[insn], AP_QID_CARD(qid), AP_QID_QUEUE(qid));
		return r->rc;
	}
	return 0;
}

void aphw_reset_model(long ms, bool late)
{
	pthread_mutex_lock(&hw.lock);
	if (ms >= 0)
		aphw_reset_ms = ms;
	aphw_reset_effects_late = late;
	pthread_mutex_unlock(&hw.lock);
}

void aphw_init(int adapters, int domains)
{
	int i;

	pthread_mutex_lock(&hw.lock);
	free(hw.q);
	hw.q = calloc(256 * 256, sizeof(*hw.q));
	sim_origin_set_queue_describer(describe_answers);
	bitmap_zero(hw.apm, 256);
	bitmap_zero(hw.aqm, 256);
	bitmap_zero(hw.adm, 256);
	for (i = 0; i < adapters; i++) {
		set_bit_inv(i, hw.apm);
		hw.type[i] = AP_TYPE_CEX7;
	}
	for (i = 0; i < domains; i++) {
		set_bit_inv(i, hw.aqm);
		set_bit_inv(i, hw.adm);
	}
	pthread_mutex_unlock(&hw.lock);
}

void aphw_exit(void)
{
	pthread_mutex_lock(&hw.lock);
	free(hw.q);
	hw.q = NULL;
	pthread_mutex_unlock(&hw.lock);
}

bool aphw_adapter_configured(int apid)
{
	return apid >= 0 && apid < 256 && test_bit_inv(apid, hw.apm);
}

bool aphw_domain_configured(int apqi)
{
	return apqi >= 0 && apqi < 256 && test_bit_inv(apqi, hw.aqm);
}

/*
 * A queue leaves the configuration with its adapter or domain: what it
 * held goes with it, as a card configured off and on again comes back
 * reset (interrupts off, no notification byte).  hw.lock held; the APQNs
 * whose interrupts were on, for the resources' history.
 */
static void reset_effects_locked(struct hwq *q);

static int deconfigure_locked(int apid, int apqi, int *was_on, int n)
{
	struct hwq *q = &hw.q[AP_MKQID(apid, apqi)];

	if (q->irq && n < 256)
		was_on[n++] = AP_MKQID(apid, apqi);
	q->reset_pending = false;
	reset_effects_locked(q);
	return n;
}

static void deconfigured(const int *was_on, int n)
{
	while (n--)
		sim_origin_reset(was_on[n], "its adapter or domain left the configuration");
}

void aphw_set_adapter(int apid, bool configured)
{
	int was_on[256], n = 0, d;

	pthread_mutex_lock(&hw.lock);
	if (configured) {
		set_bit_inv(apid, hw.apm);
		hw.type[apid] = AP_TYPE_CEX7;
	} else {
		clear_bit_inv(apid, hw.apm);
		for (d = 0; hw.q && d < 256; d++)
			n = deconfigure_locked(apid, d, was_on, n);
	}
	pthread_mutex_unlock(&hw.lock);
	deconfigured(was_on, n);
}

void aphw_set_domain(int apqi, bool configured)
{
	int was_on[256], n = 0, a;

	pthread_mutex_lock(&hw.lock);
	if (configured) {
		set_bit_inv(apqi, hw.aqm);
		set_bit_inv(apqi, hw.adm);
	} else {
		clear_bit_inv(apqi, hw.aqm);
		clear_bit_inv(apqi, hw.adm);
		for (a = 0; hw.q && a < 256; a++)
			n = deconfigure_locked(a, apqi, was_on, n);
	}
	pthread_mutex_unlock(&hw.lock);
	deconfigured(was_on, n);
}

bool aphw_instructions_available(void)
{
	return true;
}

static bool avail_locked(ap_qid_t qid)
{
	return test_bit_inv(AP_QID_CARD(qid), hw.apm) &&
	       test_bit_inv(AP_QID_QUEUE(qid), hw.aqm);
}

/* What a reset does to the queue (the model has no messages to discard). */
static void reset_effects_locked(struct hwq *q)
{
	q->irq = false;
	q->nib = 0;
}

static void reset_begin_locked(struct hwq *q)
{
	q->reset_pending = true;
	q->reset_done = sim_now_ms() + aphw_reset_ms;
	if (!aphw_reset_effects_late)
		reset_effects_locked(q);
}

/* Completes a reset whose time has come; true while one is in progress. */
static bool resetting_locked(struct hwq *q)
{
	if (q->reset_pending && sim_now_ms() >= q->reset_done) {
		q->reset_pending = false;
		reset_effects_locked(q);
	}
	return q->reset_pending;
}

/*
 * What an injected answer implies about the queue (the header comment):
 * true when it means a reset began.
 */
static bool implied_by_answer_locked(struct hwq *q, unsigned int rc)
{
	switch (rc) {
	case AP_RESPONSE_RESET_IN_PROGRESS:
		if (resetting_locked(q))
			return false;
		reset_begin_locked(q);
		return true;
	default:
		return false;
	}
}

static struct ap_queue_status status_of(struct hwq *q, unsigned int rc)
{
	struct ap_queue_status st = { 0 };

	st.response_code = rc;
	st.queue_empty = 1;
	st.irq_enabled = q ? q->irq : 0;
	return st;
}

static void record_locked(struct hwq *q, unsigned int insn, struct ap_queue_status st)
{
	struct answer *a = &q->last[q->nanswers++ % ANSWERS];

	a->insn = (unsigned char)insn;
	a->rc = st.response_code;
	a->empty = st.queue_empty;
	a->irq = st.irq_enabled;
}

/*
 * The machine's answers on APQN since its last ZAPQ (all it remembers
 * when none was among them), one a line, for a WARN about the queue: the
 * driver's verdict on a reset can be read against what it was told.
 */
static int describe_answers(int apqn, char *buf, size_t len)
{
	struct hwq *q;
	unsigned int i, from, n;
	size_t off;

	pthread_mutex_lock(&hw.lock);
	q = hw.q ? &hw.q[apqn & 0xffff] : NULL;
	if (!q || !q->nanswers) {
		pthread_mutex_unlock(&hw.lock);
		return 0;
	}
	n = q->nanswers < ANSWERS ? q->nanswers : ANSWERS;
	from = q->nanswers - n;
	for (i = q->nanswers; i-- > q->nanswers - n;)
		if (q->last[i % ANSWERS].insn == APHW_ZAPQ) {
			from = i;
			break;
		}
	off = (size_t)snprintf(buf, len, "The machine's answers on APQN %02x.%04x%s:\n",
			       AP_QID_CARD(apqn), AP_QID_QUEUE(apqn),
			       q->last[from % ANSWERS].insn == APHW_ZAPQ ? " since its last ZAPQ" : "");
	for (i = from; i < q->nanswers && off < len; i++) {
		const struct answer *a = &q->last[i % ANSWERS];

		off += (size_t)snprintf(buf + off, len - off, "%s answered rc %02x: queue %sempty, interrupts %s\n",
					insn_name[a->insn], a->rc, a->empty ? "" : "not ",
					a->irq ? "enabled" : "disabled");
	}
	pthread_mutex_unlock(&hw.lock);
	return 1;
}

bool aphw_queue_irq_enabled(int apqn)
{
	bool irq;

	pthread_mutex_lock(&hw.lock);
	irq = hw.q && (resetting_locked(&hw.q[apqn & 0xffff]), hw.q[apqn & 0xffff].irq);
	pthread_mutex_unlock(&hw.lock);
	return irq;
}

/* The queue's last answer said it is not available, deconfigured or
 * checkstopped: it writes no notification byte until it is reset. */
static bool silent_locked(const struct hwq *q)
{
	unsigned char rc;

	if (!q->nanswers)
		return false;
	rc = q->last[(q->nanswers - 1) % ANSWERS].rc;
	return rc == AP_RESPONSE_Q_NOT_AVAIL || rc == AP_RESPONSE_DECONFIGURED ||
	       rc == AP_RESPONSE_CHECKSTOPPED;
}

/* The first queue with interrupts enabled whose notification byte lies
 * in [lo, hi) of host memory, or -1 (a reset whose time has come is
 * completed first). */
int aphw_irq_nib_in(phys_addr_t lo, phys_addr_t hi)
{
	int apqn, found = -1;

	pthread_mutex_lock(&hw.lock);
	for (apqn = 0; hw.q && apqn < 256 * 256 && found < 0; apqn++)
		if ((resetting_locked(&hw.q[apqn]), hw.q[apqn].irq) && hw.q[apqn].nib >= lo && hw.q[apqn].nib < hi &&
		    !silent_locked(&hw.q[apqn]))
			found = apqn;
	pthread_mutex_unlock(&hw.lock);
	return found;
}

/*
 * The answers every AP queue instruction shares, before it can act: an
 * injected response code, queue not available, reset in progress.
 * Returns true with *st set when the instruction ends there; *reset
 * says whether the answer began a reset.
 */
static bool early_answer_locked(unsigned int insn, ap_qid_t qid, struct hwq *q,
				struct ap_queue_status *st, bool *reset, bool *back)
{
	unsigned int rc = injected_locked(insn, qid);

	*reset = false;
	*back = false;
	if (rc) {
		*reset = implied_by_answer_locked(q, rc);
		*st = status_of(q, rc);
	} else if (!avail_locked(qid))
		*st = status_of(NULL, AP_RESPONSE_Q_NOT_AVAIL);
	else if (resetting_locked(q))
		*st = status_of(q, AP_RESPONSE_RESET_IN_PROGRESS);
	else {
		/* it answered not available, deconfigured or checkstopped and
		 * answers again: it was configured again, and comes back reset
		 * (as a card configured off and on does), its interrupts off */
		if (silent_locked(q)) {
			reset_effects_locked(q);
			*back = true;
		}
		return false;
	}
	return true;
}

/* the resources' history of a queue that came back (early_answer_locked) */
static void came_back(ap_qid_t qid, bool back)
{
	if (back)
		sim_origin_reset(qid & 0xffff, "configured again after answering 01, 03 or 04");
}

struct ap_queue_status aphw_tapq(ap_qid_t qid, int tbit, shim_tapq_info_t *info)
{
	struct ap_queue_status st;
	struct hwq *q;
	unsigned int type;
	bool reset, back;

	pthread_mutex_lock(&hw.lock);
	q = &hw.q[qid & 0xffff];
	type = hw.type[AP_QID_CARD(qid)];
	if (!early_answer_locked(APHW_TAPQ, qid, q, &st, &reset, &back))
		st = status_of(q, AP_RESPONSE_NORMAL);
	record_locked(q, APHW_TAPQ, st);
	pthread_mutex_unlock(&hw.lock);
	came_back(qid, back);
	if (reset)
		sim_origin_reset(qid & 0xffff, "a reset in progress, answer 02");
	sim_origin_touch(qid & 0xffff);
	if (info && tbit && st.response_code != AP_RESPONSE_Q_NOT_AVAIL) {
#ifdef SIM_TREE_TAPQ_HWINFO
		memset(info, 0, sizeof(*info));
		info->at = type;
		info->nd = 255;
		info->apxa = 1;
		info->cca = 1;
		info->qd = 7;
		info->ml = 0;
#else
		/* raw GR2: the AP type in value bits 24-31, Nd in 16-23 */
		*info = (unsigned long)type << 24 | 255UL << 16 | 1UL << 55;
#endif
	} else if (info && tbit) {
		memset(info, 0, sizeof(*info));
	}
	return st;
}

struct ap_queue_status aphw_zapq(ap_qid_t qid, int fbit)
{
	struct ap_queue_status st;
	struct hwq *q;
	bool implied, back, reset = false;

	(void)fbit;
	pthread_mutex_lock(&hw.lock);
	q = &hw.q[qid & 0xffff];
	if (!early_answer_locked(APHW_ZAPQ, qid, q, &st, &implied, &back)) {
		reset_begin_locked(q);
		st = status_of(q, AP_RESPONSE_NORMAL);
		reset = true;
	}
	record_locked(q, APHW_ZAPQ, st);
	pthread_mutex_unlock(&hw.lock);
	came_back(qid, back);
	if (reset || implied)
		sim_origin_reset(qid & 0xffff, reset ? "ZAPQ" : "a reset in progress, answer 02");
	else
		sim_origin_touch(qid & 0xffff);
	return st;
}

struct ap_queue_status aphw_aqic(ap_qid_t qid, unsigned int ir, unsigned int isc,
				 unsigned int gisc, unsigned long gisa,
				 phys_addr_t pa_ind)
{
	struct ap_queue_status st;
	struct hwq *q;
	bool reset, back;

	(void)gisc;
	(void)gisa;
	pthread_mutex_lock(&hw.lock);
	q = &hw.q[qid & 0xffff];
	if (early_answer_locked(APHW_AQIC, qid, q, &st, &reset, &back)) {
		/* answered */
	} else if (!!ir == q->irq) {
		st = status_of(q, AP_RESPONSE_OTHERWISE_CHANGED);
	} else {
		q->irq = !!ir;
		q->isc = isc;
		q->nib = ir ? pa_ind : 0;
		st = status_of(q, AP_RESPONSE_NORMAL);
	}
	/* the answers a guest's request got, the first apart (the driver
	 * retries a busy disable, disables again after a failed enable) */
	{
		struct task *t = sim_current();

		if (!(t->aqic_rcs[0] | t->aqic_rcs[1] | t->aqic_rcs[2] | t->aqic_rcs[3]))
			t->aqic_first = st.response_code;
		t->aqic_rcs[st.response_code / 64] |= 1ULL << (st.response_code % 64);
	}
	record_locked(q, APHW_AQIC, st);
	pthread_mutex_unlock(&hw.lock);
	came_back(qid, back);
	sim_origin_aqic(qid & 0xffff, ir, st.response_code);
	if (reset)
		sim_origin_reset(qid & 0xffff, "a reset in progress, answer 02");
	return st;
}

int aphw_qci(struct ap_config_info *info)
{
	unsigned long *apm = (unsigned long *)info->apm;
	unsigned long *aqm = (unsigned long *)info->aqm;
	unsigned long *adm = (unsigned long *)info->adm;
	int i;

	memset(info, 0, sizeof(*info));
	info->apxa = 1;
	info->qact = 1;
#ifdef SIM_TREE_TAPQ_HWINFO
	info->na = 255;
	info->nd = 255;
#else
	info->Na = 255;
	info->Nd = 255;
#endif
	pthread_mutex_lock(&hw.lock);
	for (i = 0; i < 256; i++) {
		if (test_bit_inv(i, hw.apm))
			set_bit_inv(i, apm);
		if (test_bit_inv(i, hw.aqm))
			set_bit_inv(i, aqm);
		if (test_bit_inv(i, hw.adm))
			set_bit_inv(i, adm);
	}
	pthread_mutex_unlock(&hw.lock);
	return 0;
}
