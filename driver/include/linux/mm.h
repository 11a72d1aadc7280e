/* SPDX-License-Identifier: GPL-2.0 */
/* Shim: pages of guest memory as the vfio type1 model pins them. */
#ifndef SHIM_LINUX_MM_H
#define SHIM_LINUX_MM_H

#include <linux/kernel.h>

struct page {
	phys_addr_t phys;
};

static inline phys_addr_t page_to_phys(struct page *page)
{
	return page->phys;
}

static inline phys_addr_t virt_to_phys(const volatile void *p)
{
	return (phys_addr_t)(uintptr_t)p;
}

#endif
