/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Edge coverage of the driver's two files (COV=1 builds, which compile
 * them with -fsanitize-coverage=trace-pc): every basic block the driver
 * enters marks the edge from the block its task entered before, hashed
 * into a map of SIM_EDGE_MAP_SIZE bytes the caller provides (a campaign
 * shares it with its forked cases).  Positions are offsets from the
 * executable's start, so the same binary maps the same edges in every
 * process.
 */
#ifndef SIM_EDGES_H
#define SIM_EDGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_EDGE_MAP_SIZE 65536

/* the map the edges go to from now on (NULL: none); false when this
 * build's driver is not instrumented */
bool sim_edges_attach(unsigned char *map);
/* for each slot, the tag of the step that first hit it (NULL: not kept):
 * the running task's own (sim_edges_tag, a campaign worker's step), else
 * the last one a task set (a vCPU, a work item or the harness's own
 * checks run for the steps before them); 0 before the first step */
void sim_edges_step(unsigned int *step);
void sim_edges_tag(unsigned int tag);
/* the running task's previous block: saved and restored at each user-space
 * task switch (shim/sched.c), so an edge never spans two tasks */
extern __thread uintptr_t sim_edge_prev;
extern __thread unsigned int sim_edge_tag;

#endif
