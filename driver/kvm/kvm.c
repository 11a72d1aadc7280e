// SPDX-License-Identifier: GPL-2.0
/*
 * The KVM s390 model: VMs with their lock, users count, crypto control
 * block (format 2, 256-bit masks), PQAP hook and its rwsem, GISA and GISC
 * reference counts, a memslot for guest memory; vCPUs as tasks.
 *
 * A vCPU loops "in SIE": it reads its crycb and, for every APQN the crycb
 * gives it, checks that vfio_ap owns the queue (the isolation oracle, at
 * every instruction).  Every so often it leaves SIE for a PQAP(AQIC)
 * intercept through the driver's hook under pqap_hook_rwsem, as priv.c
 * does.  kvm_arch_crypto_set_masks/clear_masks block every vCPU, wait for
 * each to leave SIE, update the crycb and let them go, as kvm-s390.c does.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kernel.h>
#include <linux/bitops.h>
#include <linux/kvm_host.h>
#include <linux/slab.h>
#include "ap_bus.h"
#include <sim/fault.h>
#include <sim/ap.h>
#include <sim/kvm.h>
#include <sim/report.h>
#include <sim/sched.h>
#include <sim/origin.h>
#include <sim/ref.h>

#define GUEST_PAGES (SIM_GUEST_MEM_BYTES >> PAGE_SHIFT)	/* one memslot at gfn 0 */
#define MAX_VCPUS 64
#define MAX_VMS 64
#define HOST_NISC 3

struct sim_vcpu {
	struct kvm_vcpu vcpu;
	struct kvm_run run;
	struct kvm_s390_sie_block sie;
	struct task *task;
	bool in_sie;
	unsigned long iterations;
	int irq_apqn;	/* APQN whose IRQ this vCPU enabled, or -1 */
	/* a PQAP(AQIC) the test asks this vCPU to issue (guest pqap) */
	int req_apqn;
	unsigned long req_nib;	/* 0: the vCPU's own notification byte */
	/* the requester's fail-nth, for the vCPU while it runs the request
	 * (as a VMM writes its vCPU thread's /proc/self/task/TID/fail-nth),
	 * and what is left of it afterwards (0: a site failed) */
	unsigned int req_fail_nth;
	bool req_enable, req_pending;
	/* the request's first AQIC answer (0x100: the driver issued none) */
	int req_rc;
	struct sim_waitq req_done;
};

struct sim_vm {
	struct kvm kvm;
	char name[64];
	struct kvm_s390_crypto_cb *crycb;
	struct kvm_s390_gisa *gisa;
	int nvcpus;
	struct sim_vcpu *vcpus[MAX_VCPUS];
	int block;
	bool stop;
	struct sim_waitq sie_exit;
	struct sim_waitq unblock;
	unsigned long apcb_updates;
	unsigned long apcb_changes;	/* updates that changed the crycb's masks */
	/* writes of the masks by one task (sim_kvm_watch_writes) */
	const void *watch_task;
	unsigned long watched_writes;
	bool guest_aqic;	/* vCPUs issue their own PQAP(AQIC) */
	bool dead;
	/* where each GISC registration came from, per guest ISC */
#define GISC_ORIGINS 16
	struct sim_origin *gisc_origin[8][GISC_ORIGINS];
	int ngisc_origin[8];
};

static pthread_mutex_t vms_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sim_vm *vms[MAX_VMS];

static struct sim_vm *to_vm(struct kvm *kvm)
{
	return container_of(kvm, struct sim_vm, kvm);
}

/* The isolation oracle for one APQN seen from inside a guest. */
static void check_apqn(struct sim_vm *vm, int apid, int apqi)
{
	int apqn = AP_MKQID(apid, apqi);

	if (!aphw_adapter_configured(apid) || !aphw_domain_configured(apqi))
		return;		/* TAPQ answers 01: nothing reachable */
	if (apbus_owner(apqn) != AP_OWNER_VFIO)
		sim_report("isolation: guest reaches a queue vfio_ap does not own",
			   "guest %s: APQN %02x.%04x is in its crycb while the queue device is %s\n",
			   vm->name, apid, apqi,
			   apbus_owner(apqn) == AP_OWNER_DEFAULT ? "bound to the default driver" :
			   "not bound to vfio_ap");
}

static void vcpu_execute(struct sim_vm *vm)
{
	unsigned long *apm = (unsigned long *)vm->crycb->apcb1.apm;
	unsigned long *aqm = (unsigned long *)vm->crycb->apcb1.aqm;
	unsigned long apid, apqi;

	for_each_set_bit_inv(apid, apm, 256)
		for_each_set_bit_inv(apqi, aqm, 256)
			check_apqn(vm, apid, apqi);
}

/*
 * The guest's view: the status word the driver put into the guest's GR1
 * for a PQAP(AQIC), checked against the architecture.  The driver copies
 * its 4-byte status into the 8-byte register and shifts the register
 * right by 32: on a big-endian host the status lands in the register's
 * low word, as the guest reads it; on a little-endian one the shift
 * drops it and the guest reads 0.  So the driver's answer is only there
 * to read (and to check) in an s390x build (qemu-s390x, or a real host);
 * elsewhere -1, and the model's callers fall back to the AP model's own
 * answer.  The rules: a queue outside the guest's configuration (its
 * CRYCB) answers 01, not available; an answer the AP instruction gave
 * reaches the guest unchanged; an answer the driver makes up itself (no
 * AQIC reached the queue) is never 00, a success nothing performed.
 */
static int guest_answer(struct sim_vm *vm, struct kvm_vcpu *vcpu, int apqn, bool enable,
			bool outside)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	static int off = -1;	/* SIM_GUEST_VIEW=0: not read (make bench's cost) */
	uint32_t word = (uint32_t)vcpu->run->s.regs.gprs[1];
	struct ap_queue_status st;
	const uint64_t *hw = sim_current()->aqic_rcs;
	bool issued = hw[0] | hw[1] | hw[2] | hw[3], seen;
	const char *what = enable ? "enable" : "disable";
	char answers[64] = "";
	int rc, k;
	size_t n = 0;

	if (off < 0)
		off = getenv("SIM_GUEST_VIEW") && !strcmp(getenv("SIM_GUEST_VIEW"), "0");
	if (off)
		return -1;
	memcpy(&st, &word, sizeof(st));
	rc = st.response_code;
	seen = hw[rc / 64] & (1ULL << (rc % 64));
	for (k = 0; k < 256 && n < sizeof(answers) - 4; k++)
		if (hw[k / 64] & (1ULL << (k % 64)))
			n += (size_t)snprintf(answers + n, sizeof(answers) - n, "%s%02x", n ? "," : "", k);
	if (outside && rc != AP_RESPONSE_Q_NOT_AVAIL)
		sim_report("vfio_ap: a guest's AQIC outside its configuration not answered 01",
			   "guest %s: PQAP(AQIC) %s of APQN %02x.%04x, outside its APCB, "
			   "answered rc %02x; the architecture: 01, the queue is not available%s\n",
			   vm->name, what, AP_QID_CARD(apqn), AP_QID_QUEUE(apqn), rc,
			   issued ? " (and an AQIC reached the queue)" : "");
	else if (!outside && issued && !seen)
		sim_report("vfio_ap: a guest told another AQIC status than the queue's",
			   "guest %s: PQAP(AQIC) %s of APQN %02x.%04x answered rc %02x to the guest; "
			   "the queue answered the driver's AQIC rc %s\n",
			   vm->name, what, AP_QID_CARD(apqn), AP_QID_QUEUE(apqn), rc, answers);
	else if (!outside && !issued && rc == AP_RESPONSE_NORMAL)
		sim_report("vfio_ap: a guest told its AQIC succeeded, which no AQIC did",
			   "guest %s: PQAP(AQIC) %s of APQN %02x.%04x answered rc 00 to the guest; "
			   "no AQIC reached the queue\n",
			   vm->name, what, AP_QID_CARD(apqn), AP_QID_QUEUE(apqn));
	return rc;
#else
	(void)vm;
	(void)vcpu;
	(void)apqn;
	(void)enable;
	(void)outside;
	return -1;
#endif
}

/* PQAP(AQIC) from the guest: priv.c's handle_pqap path.  The answer the
 * guest read (guest_answer: -1 where it cannot be read); *first, if
 * asked, the first answer an AQIC of the driver's got (0x100: none). */
static int issue_aqic(struct sim_vm *vm, struct sim_vcpu *sv, int apqn, bool enable,
		      unsigned long nib, int *first)
{
	struct kvm_vcpu *vcpu = &sv->vcpu;
	int hook_rc = -EOPNOTSUPP, told = -1;
	bool outside;

	mutex_lock(&vcpu->mutex);
	vcpu->run->s.regs.gprs[0] = (3UL << 24) | apqn;
	vcpu->run->s.regs.gprs[1] = enable ? (1UL << (63 - 16)) | 3 : 0;
	vcpu->run->s.regs.gprs[2] = !enable ? 0 : nib ? nib : 0x10000UL + (vcpu->vcpu_id << 8);
	/* whether the guest can reach the queue it asks for (its CRYCB):
	 * the origin ledger says so of what the driver acquires for it */
	outside = !(test_bit_inv(AP_QID_CARD(apqn), (unsigned long *)vm->crycb->apcb1.apm) &&
		    test_bit_inv(AP_QID_QUEUE(apqn), (unsigned long *)vm->crycb->apcb1.aqm));
	sim_current()->origin_outside = outside;
	memset(sim_current()->aqic_rcs, 0, sizeof(sim_current()->aqic_rcs));
	down_read(&vm->kvm.arch.crypto.pqap_hook_rwsem);
	if (vm->kvm.arch.crypto.pqap_hook)
		hook_rc = (*vm->kvm.arch.crypto.pqap_hook)(vcpu);
	up_read(&vm->kvm.arch.crypto.pqap_hook_rwsem);
	sim_current()->origin_outside = false;
	/* outside the guest's configuration before and after the driver
	 * answered (a configuration that changed meanwhile proves nothing) */
	outside = outside &&
		  !(test_bit_inv(AP_QID_CARD(apqn), (unsigned long *)vm->crycb->apcb1.apm) &&
		    test_bit_inv(AP_QID_QUEUE(apqn), (unsigned long *)vm->crycb->apcb1.aqm));
	if (!hook_rc)
		told = guest_answer(vm, vcpu, apqn, enable, outside);
	if (first) {
		const uint64_t *rcs = sim_current()->aqic_rcs;

		*first = rcs[0] | rcs[1] | rcs[2] | rcs[3] ? sim_current()->aqic_first : 0x100;
	}
	mutex_unlock(&vcpu->mutex);
	return told;
}

/* The guest's own AQIC traffic: enable on its first queue, later disable. */
static void vcpu_pqap(struct sim_vm *vm, struct sim_vcpu *sv)
{
	unsigned long *apm = (unsigned long *)vm->crycb->apcb1.apm;
	unsigned long *aqm = (unsigned long *)vm->crycb->apcb1.aqm;
	unsigned long apid, apqi;
	int apqn = sv->irq_apqn, told;
	bool enable = apqn < 0;

	if (!enable && !(test_bit_inv(AP_QID_CARD(apqn), apm) &&
			 test_bit_inv(AP_QID_QUEUE(apqn), aqm))) {
		/* the queue left the guest's configuration: its AP bus drops it */
		sv->irq_apqn = -1;
		return;
	}
	if (enable) {
		apid = find_first_bit_inv(apm, 256);
		apqi = find_first_bit_inv(aqm, 256);
		if (apid >= 256 || apqi >= 256)
			return;
		apqn = AP_MKQID(apid, apqi);
	}
	told = issue_aqic(vm, sv, apqn, enable, 0, NULL);
	/*
	 * What the guest was told (an s390x build); on a little-endian host
	 * the driver's status in GR1 is lost (guest_answer), and the effect
	 * is read from the AP model instead.
	 */
	if (told >= 0)
		sv->irq_apqn = enable && told == AP_RESPONSE_NORMAL ? apqn : -1;
	else
		sv->irq_apqn = (enable && aphw_queue_irq_enabled(apqn)) ? apqn : -1;
}

/* A PQAP(AQIC) a test asked this vCPU for, issued between two SIE runs. */
static void vcpu_requested_pqap(struct sim_vm *vm, struct sim_vcpu *sv)
{
	if (!READ_ONCE(sv->req_pending))
		return;
	sim_current()->fail_nth = sv->req_fail_nth;
	issue_aqic(vm, sv, sv->req_apqn, sv->req_enable, sv->req_nib, &sv->req_rc);
	sv->req_fail_nth = sim_current()->fail_nth;
	sim_current()->fail_nth = 0;
	sched_lock();
	sv->req_pending = false;
	sched_wake_all(&sv->req_done);
	sched_unlock();
}

int sim_kvm_pqap(struct kvm *kvm, int vcpu, int apqn, bool enable, unsigned long nib)
{
	struct sim_vm *vm = to_vm(kvm);
	struct sim_vcpu *sv;

	if (vcpu < 0 || vcpu >= vm->nvcpus)
		return -ENOENT;
	sv = vm->vcpus[vcpu];
	sched_lock();
	if (vm->stop || sv->req_pending) {
		sched_unlock();
		return -EBUSY;
	}
	sv->req_apqn = apqn;
	sv->req_enable = enable;
	sv->req_nib = nib;
	sv->req_fail_nth = sim_current()->fail_nth;
	sim_current()->fail_nth = 0;
	sv->req_pending = true;
	sim_current()->hung_check = true;
	while (sv->req_pending && !vm->stop)
		sched_wait(&sv->req_done, "guest PQAP", -1);
	sim_current()->hung_check = false;
	/* a fault the vCPU did not reach stays the requester's (the
	 * request's own count, even if the vCPU never ran it) */
	sim_current()->fail_nth = sv->req_fail_nth;
	sv->req_fail_nth = 0;
	sched_unlock();
	return sv->req_pending ? -ESHUTDOWN : sv->req_rc;
}

static void *vcpu_fn(void *arg)
{
	struct sim_vcpu *sv = arg;
	struct sim_vm *vm = to_vm(sv->vcpu.kvm);

	for (;;) {
		sched_lock();
		while (vm->block && !vm->stop)
			sched_wait(&vm->unblock, "kvm_s390_vcpu_block", -1);
		if (vm->stop) {
			sched_unlock();
			break;
		}
		sv->in_sie = true;
		sched_unlock();

		vcpu_execute(vm);

		sched_lock();
		sv->in_sie = false;
		sched_wake_all(&vm->sie_exit);
		sched_unlock();

		vcpu_requested_pqap(vm, sv);
		if (++sv->iterations % 16 == 0 && vm->guest_aqic)
			vcpu_pqap(vm, sv);
		sim_sleep_ms(5);
	}
	return NULL;
}

struct kvm *sim_kvm_create(const char *name, int nvcpus, bool guest_aqic)
{
	struct sim_vm *vm;
	int i;

	if (nvcpus < 1 || nvcpus > MAX_VCPUS)
		return NULL;
	vm = calloc(1, sizeof(*vm));
	vm->crycb = aligned_alloc(256, sizeof(*vm->crycb) + 256);
	memset(vm->crycb, 0, sizeof(*vm->crycb));
	vm->gisa = aligned_alloc(8, 64);
	memset(vm->gisa, 0, 64);
	snprintf(vm->name, sizeof(vm->name), "%s", name);
	sim_mutex_init_as(&vm->kvm.lock, "&kvm->lock");
	vm->kvm.users_count.refs.counter = 1;
	/* the VMM's reference, put by sim_kvm_destroy */
	sim_ref_get(SIM_REF_KVM, &vm->kvm, NULL, __builtin_return_address(0));
	sim_rwsem_init_as(&vm->kvm.arch.crypto.pqap_hook_rwsem, "&kvm->arch.crypto.pqap_hook_rwsem");
	vm->kvm.arch.crypto.crycb = vm->crycb;
	vm->kvm.arch.crypto.crycbd = ((u32)(uintptr_t)vm->crycb & ~0xffU) | CRYCB_FORMAT2;
	vm->kvm.arch.crypto.apie = 1;
	vm->kvm.arch.gisa_int.origin = vm->gisa;
	vm->kvm.arch.gisa_int.nisc = HOST_NISC;
	sim_spin_lock_init_as(&vm->kvm.arch.gisa_int.ref_lock, "&kvm->arch.gisa_int.ref_lock");
	vm->kvm.sim = vm;
	sim_waitq_init(&vm->sie_exit);
	sim_waitq_init(&vm->unblock);
	vm->nvcpus = nvcpus;
	vm->guest_aqic = guest_aqic;
	for (i = 0; i < nvcpus; i++) {
		struct sim_vcpu *sv = calloc(1, sizeof(*sv));

		sv->vcpu.kvm = &vm->kvm;
		sv->vcpu.run = &sv->run;
		sv->vcpu.arch.sie_block = &sv->sie;
		sv->vcpu.vcpu_id = i;
		sv->vcpu.sim = sv;
		sv->sie.eca = ECA_AIV | ECA_APIE;
		sv->irq_apqn = -1;
		sim_waitq_init(&sv->req_done);
		sim_mutex_init_as(&sv->vcpu.mutex, "&vcpu->mutex");
		vm->vcpus[i] = sv;
	}
	pthread_mutex_lock(&vms_lock);
	for (i = 0; i < MAX_VMS && vms[i]; i++)
		;
	if (i == MAX_VMS) {
		pthread_mutex_unlock(&vms_lock);
		return NULL;
	}
	vms[i] = vm;
	pthread_mutex_unlock(&vms_lock);
	for (i = 0; i < nvcpus; i++) {
		char comm[32];

		snprintf(comm, sizeof(comm), "CPU %d/KVM", i);
		vm->vcpus[i]->task = sim_thread_start(comm, vcpu_fn, vm->vcpus[i]);
	}
	return &vm->kvm;
}

static void kvm_destroy_vm(struct sim_vm *vm)
{
	int i;

	pthread_mutex_lock(&vms_lock);
	for (i = 0; i < MAX_VMS; i++)
		if (vms[i] == vm)
			vms[i] = NULL;
	pthread_mutex_unlock(&vms_lock);
	for (i = 0; i < 8; i++) {
		char *origins = calloc(1, ORIGINS_LEN);
		int k;

		for (k = 0; origins && k < vm->ngisc_origin[i]; k++)
			sim_origin_format(vm->gisc_origin[i][k], origins, ORIGINS_LEN);
		if (vm->kvm.arch.gisa_int.ref_count[i])
			sim_report("kvm: GISC still registered at VM destruction",
				   "guest %s: guest ISC %d has %d registration(s) left\n%s",
				   vm->name, i, vm->kvm.arch.gisa_int.ref_count[i],
				   origins ? origins : "");
		free(origins);
		for (k = 0; k < vm->ngisc_origin[i]; k++)
			sim_origin_free(vm->gisc_origin[i][k]);
		vm->ngisc_origin[i] = 0;
	}
	/* the lockset detector's shadow of what the driver touched in them
	 * (the VM's memory is not the slab's) */
	for (i = 0; i < vm->nvcpus; i++) {
		sim_race_forget(vm->vcpus[i], sizeof(*vm->vcpus[i]));
		free(vm->vcpus[i]);
	}
	sim_race_forget(vm->crycb, sizeof(*vm->crycb));
	sim_race_forget(vm->gisa, sizeof(*vm->gisa));
	sim_race_forget(vm, sizeof(*vm));
	free(vm->crycb);
	free(vm->gisa);
	free(vm);
}

void sim_kvm_destroy(struct kvm *kvm)
{
	struct sim_vm *vm = to_vm(kvm);
	int i;

	sched_lock();
	vm->stop = true;
	sched_wake_all(&vm->unblock);
	for (i = 0; i < vm->nvcpus; i++)
		sched_wake_all(&vm->vcpus[i]->req_done);
	sched_unlock();
	for (i = 0; i < vm->nvcpus; i++) {
		sim_thread_join(vm->vcpus[i]->task);
		vm->vcpus[i]->task = NULL;
	}
	/* the VMM has closed its devices: what the driver still holds keeps
	 * the VM alive after its guest stopped */
	{
		char context[sizeof(vm->name) + 8];

		snprintf(context, sizeof(context), "guest %s", vm->name);
		sim_ref_check(SIM_REF_BIT(SIM_REF_KVM), kvm, NULL, 0, "the guest stopped", context, NULL);
	}
	kvm_put_kvm(kvm);
}

void kvm_get_kvm(struct kvm *kvm)
{
	sim_ref_get(SIM_REF_KVM, kvm, NULL, __builtin_return_address(0));
	__atomic_fetch_add(&kvm->users_count.refs.counter, 1, __ATOMIC_SEQ_CST);
}

void kvm_put_kvm(struct kvm *kvm)
{
	int r;

	sim_ref_put(SIM_REF_KVM, kvm, __builtin_return_address(0));
	r = __atomic_sub_fetch(&kvm->users_count.refs.counter, 1, __ATOMIC_SEQ_CST);

	if (r < 0)
		sim_report("refcount_t: underflow; use-after-free.",
			   "kvm_put_kvm on guest %s with no reference left\n", to_vm(kvm)->name);
	else if (r == 0)
		kvm_destroy_vm(to_vm(kvm));
}

static void block_all(struct sim_vm *vm)
{
	int i;

	WARN_ON(!mutex_is_locked(&vm->kvm.lock));
	sched_lock();
	vm->block++;
	for (i = 0; i < vm->nvcpus; i++)
		while (vm->vcpus[i]->in_sie)
			sched_wait(&vm->sie_exit, "kvm_s390_vcpu_block_all", -1);
	sched_unlock();
}

static void unblock_all(struct sim_vm *vm)
{
	sched_lock();
	vm->block--;
	vm->apcb_updates++;
	sched_wake_all(&vm->unblock);
	sched_unlock();
}

void kvm_arch_crypto_set_masks(struct kvm *kvm, unsigned long *apm,
			       unsigned long *aqm, unsigned long *adm)
{
	struct sim_vm *vm = to_vm(kvm);
	struct kvm_s390_crypto_cb *crycb = kvm->arch.crypto.crycb;
	struct kvm_s390_crypto_cb before;

	block_all(vm);
	before = *crycb;
	/* what the machine sees: an APQN leaving the guest while its
	 * interrupts are still enabled (the guest cannot disable them now) */
	if ((kvm->arch.crypto.crycbd & CRYCB_FORMAT_MASK) == CRYCB_FORMAT2) {
		int a, d;

		for (a = 0; a < 256; a++) {
			if (!test_bit_inv(a, (unsigned long *)crycb->apcb1.apm))
				continue;
			for (d = 0; d < 256; d++)
				if (test_bit_inv(d, (unsigned long *)crycb->apcb1.aqm) &&
				    !(test_bit_inv(a, apm) && test_bit_inv(d, aqm)) &&
				    aphw_queue_irq_enabled(AP_MKQID(a, d)))
				{
					sim_log("kvm: %s: APQN %02x.%04x leaves the guest with interrupts enabled",
						vm->name, a, d);
					sim_origin_left_apcb(AP_MKQID(a, d), vm->name);
				}
		}
	}
	switch (kvm->arch.crypto.crycbd & CRYCB_FORMAT_MASK) {
	case CRYCB_FORMAT2:
		memcpy(crycb->apcb1.apm, apm, 32);
		memcpy(crycb->apcb1.aqm, aqm, 32);
		memcpy(crycb->apcb1.adm, adm, 32);
		break;
	default:
		memcpy(crycb->apcb0.apm, apm, 8);
		memcpy(crycb->apcb0.aqm, aqm, 2);
		memcpy(crycb->apcb0.adm, adm, 2);
		break;
	}
	if (memcmp(&before.apcb0, &crycb->apcb0, sizeof(before.apcb0)) ||
	    memcmp(&before.apcb1, &crycb->apcb1, sizeof(before.apcb1)))
		__atomic_add_fetch(&vm->apcb_changes, 1, __ATOMIC_SEQ_CST);
	if (vm->watch_task == (const void *)sim_current())
		vm->watched_writes++;
	sim_log("kvm: %s: SET CRYCB: apm %016lx %016lx %016lx %016lx aqm %016lx %016lx %016lx %016lx",
		vm->name, apm[0], apm[1], apm[2], apm[3], aqm[0], aqm[1], aqm[2], aqm[3]);
	unblock_all(vm);
}

void kvm_arch_crypto_clear_masks(struct kvm *kvm)
{
	static const struct kvm_s390_crypto_cb zero;
	struct sim_vm *vm = to_vm(kvm);

	block_all(vm);
	if (memcmp(&zero.apcb0, &kvm->arch.crypto.crycb->apcb0, sizeof(zero.apcb0)) ||
	    memcmp(&zero.apcb1, &kvm->arch.crypto.crycb->apcb1, sizeof(zero.apcb1)))
		__atomic_add_fetch(&vm->apcb_changes, 1, __ATOMIC_SEQ_CST);
	if (vm->watch_task == (const void *)sim_current())
		vm->watched_writes++;
	memset(&kvm->arch.crypto.crycb->apcb0, 0, sizeof(kvm->arch.crypto.crycb->apcb0));
	memset(&kvm->arch.crypto.crycb->apcb1, 0, sizeof(kvm->arch.crypto.crycb->apcb1));
	sim_log("kvm: %s: CLR CRYCB", vm->name);
	unblock_all(vm);
}

int kvm_s390_gisc_register(struct kvm *kvm, u32 gisc)
{
	struct kvm_s390_gisa_interrupt *gi = &kvm->arch.gisa_int;

	SIM_FAIL_FUNCTION(kvm_s390_gisc_register, int);
	if (!gi->origin)
		return -ENODEV;
	if (gisc > 7)
		return -ERANGE;
	spin_lock(&gi->ref_lock);
	gi->ref_count[gisc]++;
	{
		struct sim_vm *vm = to_vm(kvm);
		char what[64];

		snprintf(what, sizeof(what), "registration of guest ISC %u", gisc);
		if (vm->ngisc_origin[gisc] < GISC_ORIGINS)
			vm->gisc_origin[gisc][vm->ngisc_origin[gisc]++] = sim_origin_new(what);
	}
	spin_unlock(&gi->ref_lock);
	return gi->nisc;
}

int kvm_s390_gisc_unregister(struct kvm *kvm, u32 gisc)
{
	struct kvm_s390_gisa_interrupt *gi = &kvm->arch.gisa_int;
	int rc = 0;

	if (!gi->origin)
		return -ENODEV;
	if (gisc > 7)
		return -ERANGE;
	spin_lock(&gi->ref_lock);
	if (gi->ref_count[gisc] == 0) {
		rc = -EINVAL;
	} else {
		struct sim_vm *vm = to_vm(kvm);
		int n = vm->ngisc_origin[gisc], pick = sim_origin_pick_release(vm->gisc_origin[gisc], n);

		gi->ref_count[gisc]--;
		if (pick < 0)
			pick = n - 1;
		if (pick >= 0) {
			sim_origin_free(vm->gisc_origin[gisc][pick]);
			memmove(&vm->gisc_origin[gisc][pick], &vm->gisc_origin[gisc][pick + 1],
				sizeof(vm->gisc_origin[gisc][0]) * (size_t)(n - 1 - pick));
			vm->ngisc_origin[gisc]--;
		}
	}
	spin_unlock(&gi->ref_lock);
	return rc;
}

unsigned long gfn_to_hva(struct kvm *kvm, gfn_t gfn)
{
	(void)kvm;
	return gfn < GUEST_PAGES ? 0x7f0000000000UL + (gfn << PAGE_SHIFT) : KVM_HVA_ERR_BAD;
}

/* kvm_is_gpa_in_memslot: the gfn lies in a visible memslot */
bool kvm_s390_is_gpa_in_memslot(struct kvm *kvm, gpa_t gpa)
{
	return !kvm_is_error_hva(gfn_to_hva(kvm, gpa_to_gfn(gpa)));
}

bool kvm_s390_pv_cpu_is_protected(struct kvm_vcpu *vcpu)
{
	lockdep_assert_held(&vcpu->mutex);
	return vcpu->arch.pv_handle != 0;
}

int uv_pin_shared(unsigned long paddr)
{
	(void)paddr;
	return 0;
}

int gmap_convert_to_secure(struct gmap *gmap, unsigned long gaddr)
{
	(void)gmap;
	(void)gaddr;
	return 0;
}

void sim_kvm_assert_unreachable(int apqn, const char *why)
{
	int i;

	pthread_mutex_lock(&vms_lock);
	for (i = 0; i < MAX_VMS; i++) {
		struct sim_vm *vm = vms[i];
		unsigned long *apm, *aqm;

		if (!vm)
			continue;
		apm = (unsigned long *)vm->crycb->apcb1.apm;
		aqm = (unsigned long *)vm->crycb->apcb1.aqm;
		if (test_bit_inv(AP_QID_CARD(apqn), apm) && test_bit_inv(AP_QID_QUEUE(apqn), aqm))
			sim_report("isolation: queue left vfio_ap while a guest could reach it",
				   "guest %s: APQN %02x.%04x still in its crycb when %s\n",
				   vm->name, AP_QID_CARD(apqn), AP_QID_QUEUE(apqn), why);
	}
	pthread_mutex_unlock(&vms_lock);
}

/* the AP bus tells this model of every queue that leaves vfio_ap */
__attribute__((constructor)) static void kvm_watch_apbus(void)
{
	apbus_left_vfio = sim_kvm_assert_unreachable;
}

int sim_kvm_reachable(struct kvm *kvm, char *buf, size_t len)
{
	struct sim_vm *vm = to_vm(kvm);
	unsigned long apid, apqi;
	size_t o = 0;

	buf[0] = 0;
	sched_lock();
	for_each_set_bit_inv(apid, (unsigned long *)vm->crycb->apcb1.apm, 256)
		for_each_set_bit_inv(apqi, (unsigned long *)vm->crycb->apcb1.aqm, 256)
			if (aphw_adapter_configured(apid) && aphw_domain_configured(apqi) &&
			    o + 10 < len)
				o += snprintf(buf + o, len - o, "%02lx.%04lx\n", apid, apqi);
	sched_unlock();
	return (int)o;
}

void sim_kvm_masks(struct kvm *kvm, unsigned long *apm, unsigned long *aqm,
		   unsigned long *adm)
{
	struct kvm_s390_crypto_cb *c = kvm->arch.crypto.crycb;

	sched_lock();
	memcpy(apm, c->apcb1.apm, 32);
	memcpy(aqm, c->apcb1.aqm, 32);
	memcpy(adm, c->apcb1.adm, 32);
	sched_unlock();
}

/* The same without a scheduling point, for callers that hold locks of
 * their own (the eventfd observer, in a task that holds kvm->lock). */
void sim_kvm_masks_raw(struct kvm *kvm, unsigned long *apm, unsigned long *aqm,
		       unsigned long *adm)
{
	struct kvm_s390_crypto_cb *c = kvm->arch.crypto.crycb;

	memcpy(apm, c->apcb1.apm, 32);
	memcpy(aqm, c->apcb1.aqm, 32);
	memcpy(adm, c->apcb1.adm, 32);
}

int sim_kvm_count(void)
{
	int i, n = 0;

	pthread_mutex_lock(&vms_lock);
	for (i = 0; i < MAX_VMS; i++)
		n += vms[i] != NULL;
	pthread_mutex_unlock(&vms_lock);
	return n;
}

struct kvm *sim_kvm_get(int i)
{
	struct kvm *k;

	pthread_mutex_lock(&vms_lock);
	k = (i >= 0 && i < MAX_VMS && vms[i]) ? &vms[i]->kvm : NULL;
	pthread_mutex_unlock(&vms_lock);
	return k;
}

const char *sim_kvm_name(struct kvm *kvm)
{
	return to_vm(kvm)->name;
}

unsigned long sim_kvm_apcb_updates(struct kvm *kvm)
{
	return to_vm(kvm)->apcb_updates;
}

unsigned long sim_kvm_watch_writes(struct kvm *kvm, bool on)
{
	struct sim_vm *vm = to_vm(kvm);
	unsigned long n = vm->watched_writes;

	vm->watch_task = on ? (const void *)sim_current() : NULL;
	vm->watched_writes = 0;
	return n;
}

unsigned long sim_kvm_apcb_changes(struct kvm *kvm)
{
	return __atomic_load_n(&to_vm(kvm)->apcb_changes, __ATOMIC_SEQ_CST);
}
