/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim: the parts of KVM s390 the driver touches (modelled in kvm/kvm.c):
 * struct kvm with its lock and users count, the crypto control block and
 * PQAP hook, GISA/GISC registration, vCPUs with their SIE block and sync
 * registers.
 */
#ifndef SHIM_LINUX_KVM_HOST_H
#define SHIM_LINUX_KVM_HOST_H

#include <linux/version.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/mm.h>
#include <asm/kvm.h>

struct kvm;
struct kvm_vcpu;
struct gmap;

typedef u64 gfn_t;
typedef u64 gpa_t;
typedef int (*crypto_hook)(struct kvm_vcpu *vcpu);

#define KVM_HVA_ERR_BAD (-1UL)
static inline bool kvm_is_error_hva(unsigned long addr)
{
	return addr == KVM_HVA_ERR_BAD;
}

#define CRYCB_FORMAT_MASK 0x00000003
#define CRYCB_FORMAT0 0x00000000
#define CRYCB_FORMAT1 0x00000001
#define CRYCB_FORMAT2 0x00000003

struct kvm_s390_apcb0 {
	__u64 apm[1];
	__u64 aqm[1];
	__u64 adm[1];
	__u64 reserved18;
};

struct kvm_s390_apcb1 {
	__u64 apm[4];
	__u64 aqm[4];
	__u64 adm[4];
	__u64 reserved60[4];
};

struct kvm_s390_crypto_cb {
	struct kvm_s390_apcb0 apcb0;
	__u8 reserved20[0x0048 - 0x0020];
	__u8 dea_wrapping_key_mask[24];
	__u8 aes_wrapping_key_mask[32];
	struct kvm_s390_apcb1 apcb1;
} __attribute__((aligned(8)));

struct kvm_s390_crypto {
	struct kvm_s390_crypto_cb *crycb;
	struct rw_semaphore pqap_hook_rwsem;
	crypto_hook *pqap_hook;
	__u32 crycbd;
	__u8 aes_kw;
	__u8 dea_kw;
	__u8 apie;
};

struct kvm_s390_gisa {
	__u32 next_alert;
	__u8 ipm;
	__u8 reserved[3];
};

struct kvm_s390_gisa_interrupt {
	struct kvm_s390_gisa *origin;
	spinlock_t ref_lock;
	int ref_count[8];
	u32 nisc;
};

struct kvm_arch {
	struct kvm_s390_crypto crypto;
	struct kvm_s390_gisa_interrupt gisa_int;
	struct gmap *gmap;
};

struct kvm {
	struct mutex lock;
	refcount_t users_count;
	struct kvm_arch arch;
	void *sim;	/* the KVM model's VM */
};

#define ECA_AIV 0x00200000
#define ECA_APIE 0x00000008

struct kvm_s390_sie_block {
	__u32 eca;
	__u32 prog20;
};

struct kvm_vcpu_arch {
	struct kvm_s390_sie_block *sie_block;
	u64 pv_handle;
};

struct kvm_run {
	struct {
		struct kvm_sync_regs regs;
	} s;
};

struct kvm_vcpu {
	struct kvm *kvm;
	struct kvm_run *run;
	struct kvm_vcpu_arch arch;
	struct mutex mutex;
	int vcpu_id;
	void *sim;
};

void kvm_get_kvm(struct kvm *kvm);
void kvm_put_kvm(struct kvm *kvm);
void kvm_arch_crypto_set_masks(struct kvm *kvm, unsigned long *apm,
			       unsigned long *aqm, unsigned long *adm);
void kvm_arch_crypto_clear_masks(struct kvm *kvm);
int kvm_s390_gisc_register(struct kvm *kvm, u32 gisc);
int kvm_s390_gisc_unregister(struct kvm *kvm, u32 gisc);
unsigned long gfn_to_hva(struct kvm *kvm, gfn_t gfn);
/* 7.x: the NIB's validity, asked of the same memslots */
bool kvm_s390_is_gpa_in_memslot(struct kvm *kvm, gpa_t gpa);
#define gpa_to_gfn(gpa) ((gfn_t)((gpa) >> PAGE_SHIFT))
#define gfn_to_gpa(gfn) ((gpa_t)(gfn) << PAGE_SHIFT)
bool kvm_s390_pv_cpu_is_protected(struct kvm_vcpu *vcpu);
int uv_pin_shared(unsigned long paddr);
int gmap_convert_to_secure(struct gmap *gmap, unsigned long gaddr);

#endif
