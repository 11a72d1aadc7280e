/* SPDX-License-Identifier: GPL-2.0 */
/* The KVM model (kvm/kvm.c) and the vfio/VMM side (vfio/vfio.c). */
#ifndef SIM_KVM_H
#define SIM_KVM_H

#include <linux/types.h>

struct kvm;
struct vfio_device;

struct kvm *sim_kvm_create(const char *name, int nvcpus, bool guest_aqic);
/* Stops the vCPUs and drops the VMM's reference. */
void sim_kvm_destroy(struct kvm *kvm);
/* An APQN leaving vfio_ap must not be in any running guest's crycb. */
void sim_kvm_assert_unreachable(int apqn, const char *why);
/* APQNs the guest's vCPUs reach (TAPQ answers other than 01), one
 * "%02x.%04x" line each; returns the length. */
int sim_kvm_reachable(struct kvm *kvm, char *buf, size_t len);
void sim_kvm_masks(struct kvm *kvm, unsigned long *apm, unsigned long *aqm,
		   unsigned long *adm);
/* no scheduling point: for a caller holding a lock outside the scheduler */
void sim_kvm_masks_raw(struct kvm *kvm, unsigned long *apm, unsigned long *aqm,
		       unsigned long *adm);
int sim_kvm_count(void);
struct kvm *sim_kvm_get(int i);
const char *sim_kvm_name(struct kvm *kvm);
unsigned long sim_kvm_apcb_updates(struct kvm *kvm);
/* how many set/clear_masks changed the guest's masks (its APCB) */
unsigned long sim_kvm_apcb_changes(struct kvm *kvm);
/* Counts the writes of the VM's masks the calling task makes from now on
 * (on), or stops (off); returns the count so far.  A task's own writes,
 * whatever other tasks do meanwhile. */
unsigned long sim_kvm_watch_writes(struct kvm *kvm, bool on);
/* The vCPU issues PQAP(AQIC) for apqn; returns the machine's response
 * code (0x100: the driver issued no AQIC) or a negative errno (ENOENT: no
 * such vCPU). */
int sim_kvm_pqap(struct kvm *kvm, int vcpu, int apqn, bool enable, unsigned long nib);
/* the guest's memory: its memslot covers guest addresses below this */
#define SIM_GUEST_MEM_BYTES (16384UL << 12)

int sim_mdev_core_init(void);
void sim_mdev_core_exit(void);
struct vfio_device *sim_vfio_find(const char *uuid);
int sim_vfio_group_set_kvm(struct vfio_device *vdev, struct kvm *kvm);
int sim_vfio_open(struct vfio_device *vdev);
void sim_vfio_close(struct vfio_device *vdev);
long sim_vfio_ioctl(struct vfio_device *vdev, unsigned int cmd, void *arg);
void sim_vfio_put(struct vfio_device *vdev);
/* the VMM's container: DMA map/unmap (type1 v2), its pinned pages */
int sim_vfio_dma_map(struct vfio_device *vdev, u64 iova, u64 size);
long sim_vfio_dma_unmap(struct vfio_device *vdev, u64 iova, u64 size);
void sim_vfio_dma_unmap_all(struct vfio_device *vdev);
int sim_vfio_pinned(struct vfio_device *vdev);
int sim_mdev_count(void);

#endif
