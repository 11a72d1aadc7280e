/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where a guest resource the driver holds came from (shim/origin.c): the
 * stack that acquired it (a page pin, a GISC registration) and what the
 * machine did with its queue afterwards, so that a leak or a WARN about
 * it carries its own cause in its report instead of a line found
 * elsewhere in the log.
 *
 * The driver takes these resources for one queue right before the
 * PQAP(AQIC) that enables its interrupts, on the same task: that AQIC
 * binds them to their queue and records its answer.  The KVM model notes
 * a queue leaving a guest's APCB with interrupts enabled, the AP model a
 * queue reset (ZAPQ).
 */
#ifndef SIM_ORIGIN_H
#define SIM_ORIGIN_H

#include <stdbool.h>
#include <stddef.h>

struct sim_origin;

/* room for the origins of one report */
#define ORIGINS_LEN 8192

/* A resource acquired now, on this task (its stack saved); what is a
 * short description ("pin of iova 0x10000"). */
struct sim_origin *sim_origin_new(const char *what);
void sim_origin_free(struct sim_origin *o);
/* A resource reported as leaked: kept (the driver still believes it holds
 * it) under owner and key, for whoever releases it later. */
void sim_origin_leak(struct sim_origin *o, const void *owner, unsigned long key);
struct sim_origin *sim_origin_find_leaked(const void *owner, unsigned long key);
/* The queue the resource belongs to (-1: not bound yet). */
int sim_origin_apqn(const struct sim_origin *o);
/*
 * Which of the resources held for the queue of this task's last AP
 * instruction the driver releases now (index into n origins, oldest
 * first; -1: none of them is that queue's): one whose enable answered 07
 * (the driver undoes a configuration that did not take), else the oldest
 * whose enable took (what the driver saved; a failed enable's resources
 * are never saved), else the oldest.
 */
int sim_origin_pick_release(struct sim_origin *const *o, int n);
/* The same among the resources acquired with this key (a pin's full
 * guest address: queues whose indicator bytes share a page differ there). */
int sim_origin_pick_release_key(struct sim_origin *const *o, int n, unsigned long key);
void sim_origin_set_key(struct sim_origin *o, unsigned long key);
/* Appends the resource's report: "acquired by:" and its stack, what
 * happened to its queue, and a "cause:" line. */
void sim_origin_format(const struct sim_origin *o, char *buf, size_t len);

/* Models' events.  An AQIC on this task: binds the resources this task
 * took since its last AQIC to the queue, with the answer. */
void sim_origin_aqic(int apqn, bool enable, unsigned int rc);
/* APQN left the APCB of guest (the KVM model) while its interrupts were
 * enabled; a reset of APQN began (the AP model), HOW: by a ZAPQ, or the
 * one an answer 02 says is in progress. */
void sim_origin_left_apcb(int apqn, const char *guest);
void sim_origin_reset(int apqn, const char *how);
/* The queue of this task's last AP instruction (-1: none), and that
 * instruction (every AP instruction of the AP model says it). */
int sim_origin_task_apqn(void);
void sim_origin_touch(int apqn);
/* The resources held for APQN, formatted (for a WARN about its queue):
 * how many. */
int sim_origin_describe_apqn(int apqn, char *buf, size_t len);
/* The AP model's account of what the machine last answered on APQN (a
 * WARN about the queue carries it): set by the model at its start;
 * nonzero when something was written. */
void sim_origin_set_queue_describer(int (*fn)(int apqn, char *buf, size_t len));
int sim_origin_describe_answers(int apqn, char *buf, size_t len);

#endif
