// SPDX-License-Identifier: GPL-2.0
/*
 * The trace-pc hook of the driver's instrumented blocks (sim/edges.h).
 * It runs at every basic block of the driver, so it does the least it
 * can: one thread-local load, one hash, one byte store.  Counts saturate
 * at 255; a campaign reads them as "seen or not".
 */
#include <stdint.h>
#include <sim/edges.h>

static unsigned char *edge_map;
/* the step each slot was first hit by (sim_edges_step), the last step a
 * task began */
static unsigned int *edge_step;
static volatile unsigned int edge_last_tag;
__thread unsigned int sim_edge_tag;
/* the block the running task entered last (the scheduler keeps it per
 * task when tasks share a thread) */
__thread uintptr_t sim_edge_prev;
extern const char __executable_start[];

void sim_edges_step(unsigned int *step)
{
	edge_step = step;
}

void sim_edges_tag(unsigned int tag)
{
	sim_edge_tag = tag;
	if (tag)
		edge_last_tag = tag;
}

#ifdef SIM_COVERAGE
bool sim_edges_attach(unsigned char *map)
{
	edge_map = map;
	sim_edge_prev = 0;
	return true;
}
#else
bool sim_edges_attach(unsigned char *map)
{
	edge_map = map;
	return false;
}
#endif

void __sanitizer_cov_trace_pc(void);
void __sanitizer_cov_trace_pc(void)
{
	uintptr_t pc = (uintptr_t)__builtin_return_address(0) - (uintptr_t)__executable_start;
	unsigned char *m = edge_map;
	size_t i;

	if (!m)
		return;
	/* the block's position mixed with the previous one's (AFL's edge
	 * hash: the shift keeps A->B apart from B->A) */
	pc = (pc ^ (pc >> 13)) * 0x9e3779b1u;
	i = (size_t)((pc ^ sim_edge_prev) & (SIM_EDGE_MAP_SIZE - 1));
	sim_edge_prev = (pc >> 1) & (SIM_EDGE_MAP_SIZE - 1);
	if (!m[i] && edge_step)
		edge_step[i] = sim_edge_tag ? sim_edge_tag : edge_last_tag;
	if (m[i] != 255)
		m[i]++;
}
