// SPDX-License-Identifier: GPL-2.0
/*
 * Stack traces: frame pointers (or execinfo's backtrace()) to save, libdw
 * to symbolize.  Only report paths symbolize, so saving is the only
 * per-event cost.
 */
#include <execinfo.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <elfutils/libdwfl.h>
#include <sim/stack.h>
#include <sim/lockdep.h>

static pthread_mutex_t dwfl_lock = PTHREAD_MUTEX_INITIALIZER;
static Dwfl *dwfl;

#if defined(__x86_64__)
/*
 * Saving is on every allocation, so it must be cheap: everything is built
 * with frame pointers, and the walk follows them within this thread's
 * stack (a frame without one, in the C library, ends it or leaves an
 * address that symbolizes to nothing and is dropped).
 */
static __thread char *stack_lo, *stack_hi;

static void stack_bounds(void)
{
	pthread_attr_t a;
	size_t size;
	void *lo;

	if (pthread_getattr_np(pthread_self(), &a))
		return;
	if (!pthread_attr_getstack(&a, &lo, &size)) {
		stack_lo = lo;
		stack_hi = (char *)lo + size;
	}
	pthread_attr_destroy(&a);
}

__attribute__((noinline))
void sim_stack_save(struct sim_stack *s, int skip)
{
	void **fp = __builtin_frame_address(0);

	if (!stack_hi)
		stack_bounds();
	s->n = 0;
	while (s->n < SIM_STACK_DEPTH && (char *)fp >= stack_lo &&
	       (char *)(fp + 2) <= stack_hi && fp[1]) {
		void **next = fp[0];

		if (skip > 0)
			skip--;
		else
			s->pc[s->n++] = fp[1];
		if (next <= fp)
			break;
		fp = next;
	}
}
#else
void sim_stack_save(struct sim_stack *s, int skip)
{
	void *pc[SIM_STACK_DEPTH + 8];
	int n = backtrace(pc, SIM_STACK_DEPTH + 8);

	skip++;			/* this function */
	if (skip > n)
		skip = n;
	s->n = n - skip < SIM_STACK_DEPTH ? n - skip : SIM_STACK_DEPTH;
	memcpy(s->pc, pc + skip, s->n * sizeof(void *));
}
#endif

static Dwfl *get_dwfl(void)
{
	static const Dwfl_Callbacks cb = {
		.find_elf = dwfl_linux_proc_find_elf,
		.find_debuginfo = dwfl_standard_find_debuginfo,
	};

	if (dwfl)
		return dwfl;
	dwfl = dwfl_begin(&cb);
	if (!dwfl)
		return NULL;
	if (dwfl_linux_proc_report(dwfl, getpid()) || dwfl_report_end(dwfl, NULL, NULL)) {
		dwfl_end(dwfl);
		dwfl = NULL;
	}
	return dwfl;
}

void sim_stack_init(void)
{
	struct sim_stack st;
	char buf[256];

	/* symbolizing one address reads the line tables */
	sim_stack_save(&st, 0);
	sim_stack_format(&st, buf, sizeof(buf));
}

/* Our files as repository paths, the driver's as kernel tree paths. */
static const char *short_path(const char *file, char *buf, size_t len)
{
	const char *p = strstr(file, "/driver/");

	if (p && !strstr(file, "/src/"))
		file = p + 1;
	return sim_tree_path(file, buf, len);
}

static bool is_machinery(const char *path)
{
	static const char *const files[] = {
		"driver/shim/stack.c", "driver/shim/slab.c", "driver/shim/fault.c",
		"driver/shim/log.c", "driver/shim/lockdep.c",
	};
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (!strncmp(path, files[i], strlen(files[i])))
			return true;
	return false;
}

void sim_stack_format(const struct sim_stack *s, char *buf, size_t len)
{
	size_t used = 0;
	int i;

	buf[0] = 0;
	pthread_mutex_lock(&dwfl_lock);
	for (i = 0; i < s->n && used + 1 < len; i++) {
		/* a return address points after the call: look up the call */
		Dwarf_Addr pc = (Dwarf_Addr)s->pc[i] - 1;
		Dwfl *d = get_dwfl();
		Dwfl_Module *mod = d ? dwfl_addrmodule(d, pc) : NULL;
		const char *fn = mod ? dwfl_module_addrname(mod, pc) : NULL;
		Dwfl_Line *line = mod ? dwfl_module_getsrc(mod, pc) : NULL;
		const char *file;
		char path[256];
		int lineno = 0, n;

		if (!fn || !line)
			continue;
		file = dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL);
		if (!file)
			continue;
		short_path(file, path, sizeof(path));
		/* only the sim's and the driver's frames (not the C library's),
		 * and not the reporting machinery itself at the top */
		if (strncmp(path, "driver", 6))
			continue;
		if (!used && is_machinery(path))
			continue;
		n = snprintf(buf + used, len - used, " %s (%s:%d)\n", fn, path, lineno);
		if (n < 0)
			break;
		used += (size_t)n < len - used ? (size_t)n : len - used - 1;
	}
	pthread_mutex_unlock(&dwfl_lock);
}
