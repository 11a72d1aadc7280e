/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim: the vfio core's device API (modelled in vfio/vfio.c).  The UAPI
 * definitions (ioctls, structs) come from the kernel tree's own header.
 */
#ifndef SHIM_LINUX_VFIO_H
#define SHIM_LINUX_VFIO_H

#include_next <linux/vfio.h>
#include <linux/version.h>
#include <linux/device.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>
#include <linux/mm.h>
#include <linux/uaccess.h>
#include <linux/eventfd.h>

#define IOMMU_READ (1 << 0)
#define IOMMU_WRITE (1 << 1)

struct kvm;
struct iommufd_ctx;
struct vfio_group;
struct vfio_device_ops;

struct vfio_device {
	struct device *dev;
	const struct vfio_device_ops *ops;
	struct kvm *kvm;
	/* vfio core model private */
	struct device device;
	int index;
	int registrations;
	struct completion comp;
	unsigned int open_count;
	struct mutex dev_set_lock;
	struct vfio_group *group;
	struct list_head group_next;
	bool registered;
	int vmm_refs;
	/* a VMM has the device's group open: one at a time, as the group's
	 * file is (a second VMM's open answers EBUSY) */
	int vmm_claimed;
	/* IRQ indexes whose eventfd the user set and has not dropped */
	unsigned long user_eventfds;
};

struct vfio_device_ops {
	char *name;
	int (*init)(struct vfio_device *vdev);
	void (*release)(struct vfio_device *vdev);
	int (*bind_iommufd)(struct vfio_device *vdev, struct iommufd_ctx *ictx,
			    u32 *out_device_id);
	void (*unbind_iommufd)(struct vfio_device *vdev);
	int (*attach_ioas)(struct vfio_device *vdev, u32 *pt_id);
	void (*detach_ioas)(struct vfio_device *vdev);
	int (*open_device)(struct vfio_device *vdev);
	void (*close_device)(struct vfio_device *vdev);
	long (*ioctl)(struct vfio_device *vdev, unsigned int cmd, unsigned long arg);
	void (*request)(struct vfio_device *vdev, unsigned int count);
	void (*dma_unmap)(struct vfio_device *vdev, u64 iova, u64 length);
};

struct vfio_device *_vfio_alloc_device(size_t size, struct device *dev,
				       const struct vfio_device_ops *ops);
#define vfio_alloc_device(dev_struct, member, dev, ops)			\
	container_of(_vfio_alloc_device(sizeof(struct dev_struct) +	\
					BUILD_BUG_ON_ZERO(offsetof(	\
						struct dev_struct, member)), \
					dev, ops),			\
		     struct dev_struct, member)
void vfio_put_device(struct vfio_device *device);
void vfio_free_device(struct vfio_device *device);
int vfio_register_emulated_iommu_dev(struct vfio_device *device);
void vfio_unregister_group_dev(struct vfio_device *device);
int vfio_pin_pages(struct vfio_device *device, dma_addr_t iova, int npage,
		   int prot, struct page **pages);
void vfio_unpin_pages(struct vfio_device *device, dma_addr_t iova, int npage);
int vfio_set_irqs_validate_and_prepare(struct vfio_irq_set *hdr, int num_irqs,
				       int max_irq_type, size_t *data_size);
int vfio_iommufd_emulated_bind(struct vfio_device *vdev, struct iommufd_ctx *ictx,
			       u32 *out_device_id);
void vfio_iommufd_emulated_unbind(struct vfio_device *vdev);
int vfio_iommufd_emulated_attach_ioas(struct vfio_device *vdev, u32 *pt_id);
void vfio_iommufd_emulated_detach_ioas(struct vfio_device *vdev);

#endif
