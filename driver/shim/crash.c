// SPDX-License-Identifier: GPL-2.0
/*
 * The oops: a fault in the simulated kernel (SIGSEGV, SIGBUS) prints what
 * the kernel would, with the faulting function and its callers, on
 * stderr; then the process dies of the signal as before.  A fault through
 * a poisoned pointer (0x6b..., a freed object, see slab.c) is named as
 * the kernel names it on x86: a general protection fault for a
 * non-canonical address.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <execinfo.h>
#include <ucontext.h>
#include <unistd.h>
#include <sim/stack.h>
#include <sim/report.h>
#include <sim/fault.h>

/* symbolizing (libdw, with the inlined frames) needs more than a minimal
 * signal stack: an overflow here would overwrite the report itself */
static char altstack[1024 * 1024] __attribute__((aligned(64)));

static bool poisoned(unsigned long v)
{
	return (v >> 32) == 0x6b6b6b6bUL;
}

static void on_fault(int sig, siginfo_t *si, void *ucv)
{
	static char trace[16384];
	struct sim_stack st;
	unsigned long addr = (unsigned long)si->si_addr, poison = 0;
	ucontext_t *uc = ucv;
	const char *fault;
	int i;

	/* the C library's unwinder crosses the signal frame */
	st.n = backtrace(st.pc, SIM_STACK_DEPTH);
#if defined(__x86_64__)
	for (i = 0; i < NGREG; i++)
		if (poisoned((unsigned long)uc->uc_mcontext.gregs[i]))
			poison = (unsigned long)uc->uc_mcontext.gregs[i];
	{
		void *rip = (void *)uc->uc_mcontext.gregs[REG_RIP];
		int k;

		/* from the faulting instruction on */
		for (k = 0; k < st.n && st.pc[k] != rip; k++)
			;
		if (k < st.n) {
			memmove(&st.pc[0], &st.pc[k], sizeof(st.pc[0]) * (size_t)(st.n - k));
			st.n -= k;
		} else {
			st.pc[0] = rip;
			st.n = 1;
		}
	}
#else
	(void)uc;
	(void)i;
#endif
	sim_stack_format(&st, trace, sizeof(trace));
	if (poison || poisoned(addr))
		fprintf(stderr, "general protection fault, probably for non-canonical address 0x%lx: 0000 [#1] SMP\n",
			poison ? poison : addr);
	else if (addr < 4096)
		fprintf(stderr, "BUG: kernel NULL pointer dereference, address: %016lx\n", addr);
	else
		fprintf(stderr, "BUG: unable to handle page fault for address: %016lx\n", addr);
	/* the raw frames first (a forked campaign's parent shares this
	 * address space and symbolizes them), then our own attempt */
	fprintf(stderr, "pcs:");
	for (i = 0; i < st.n; i++)
		fprintf(stderr, " %p", st.pc[i]);
	fprintf(stderr, "\nCall Trace:\n%s", trace);
	/* a fault injected into this task is often what the code trips on
	 * (an allocation that failed and was not checked) */
	fault = sim_fault_task_last(&st);
	if (fault) {
		fprintf(stderr, "Last fault injected into this task: %s\npcs:", fault);
		for (i = 0; i < st.n; i++)
			fprintf(stderr, " %p", st.pc[i]);
		sim_stack_format(&st, trace, sizeof(trace));
		fprintf(stderr, "\nCall Trace:\n%s", trace);
	}
	fflush(stderr);
	sim_log_save_on_death();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* an abort (UBSan, BUG()): the task's last injected fault and the log */
static void on_abort(int sig)
{
	static char trace[16384];
	struct sim_stack st;
	const char *fault = sim_fault_task_last(&st);

	if (fault) {
		sim_stack_format(&st, trace, sizeof(trace));
		fprintf(stderr, "Last fault injected into this task: %s\nCall Trace:\n%s", fault, trace);
	}
	fflush(stderr);
	sim_log_save_on_death();
	signal(sig, SIG_DFL);
	raise(sig);
}

void sim_crash_handler_init(void)
{
	struct sigaction sa;
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };

	sigaltstack(&ss, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_abort;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGABRT, &sa, NULL);
}
