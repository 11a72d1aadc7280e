/* SPDX-License-Identifier: GPL-2.0 */
/* The AP hardware model (apbus/aphw.c) and AP bus model (apbus/bus.c). */
#ifndef SIM_AP_H
#define SIM_AP_H

#include <linux/types.h>

#define SIM_AP_MAX 256

void aphw_init(int adapters, int domains);
void aphw_exit(void);
bool aphw_adapter_configured(int apid);
bool aphw_domain_configured(int apqi);
void aphw_set_adapter(int apid, bool configured);
void aphw_set_domain(int apqi, bool configured);
bool aphw_queue_irq_enabled(int apqn);
/* How long a reset stays in progress (virtual ms, from the next reset
 * on; < 0 keeps it), and whether its effects show in the status word
 * only at its completion (apbus/aphw.c); defaults 30 ms, at its start. */
void aphw_reset_model(long ms, bool late);
/* the first queue whose enabled notification byte is in [lo, hi), or -1
 * (one whose last answer was 01, 03 or 04 writes none until reset) */
int aphw_irq_nib_in(phys_addr_t lo, phys_addr_t hi);

#include <sim/inject.h>
int aphw_inject_add(const struct aphw_inject *r);
void aphw_inject_clear(void);

enum ap_owner { AP_OWNER_NONE, AP_OWNER_DEFAULT, AP_OWNER_VFIO };

int apbus_init(void);
void apbus_exit(void);
/* Runs a bus scan now, as after a configuration change notification. */
void apbus_scan(void);
enum ap_owner apbus_owner(int apqn);
/* Called when a queue leaves vfio_ap (released, or its probe failed), with
 * why: the layer above (the KVM model) checks that no running guest can
 * still reach it.  Set by that layer; none by default. */
extern void (*apbus_left_vfio)(int apqn, const char *why);
bool apbus_queue_exists(int apqn);
bool apbus_bindings_complete(void);
/* The bound/total queue counts by walking the bus (cross-check of the kept ones). */
void apbus_queue_counts_walk(unsigned int *total, unsigned int *bound);
void apbus_queue_counts(unsigned int *total, unsigned int *bound);

#endif
