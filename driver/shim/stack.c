// SPDX-License-Identifier: GPL-2.0
/*
 * Stack traces: frame pointers (or execinfo's backtrace()) to save, libdw
 * to symbolize.  Only report paths symbolize, so saving is the only
 * per-event cost.
 */
#include <ctype.h>
#include <execinfo.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <stdlib.h>
#include <dwarf.h>
#include <elfutils/libdwfl.h>
#include <sim/stack.h>
#include <sim/lockdep.h>

static pthread_mutex_t dwfl_lock = PTHREAD_MUTEX_INITIALIZER;
static Dwfl *dwfl;

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

void sim_stack_bounds(void **lo, void **hi)
{
	if (!stack_hi)
		stack_bounds();
	*lo = stack_lo;
	*hi = stack_hi;
}

void sim_stack_set_bounds(void *lo, void *hi)
{
	stack_lo = lo;
	stack_hi = hi;
}

#if defined(__x86_64__)
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
/* the C library's unwinder needs no bounds (the lockset detector's
 * stack test reads them) */
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
		"driver/shim/log.c", "driver/shim/lockdep.c", "driver/shim/ref.c",
	};
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (!strncmp(path, files[i], strlen(files[i])))
			return true;
	return false;
}

/* One printed frame, when it is one of ours or the driver's (not the C
 * library's), and not the reporting machinery itself at the top. */
static void put_frame(char *buf, size_t len, size_t *used, bool skip_top, const char *fn,
		      const char *file, int lineno)
{
	char path[256];
	int n;

	if (!fn || !file || *used + 1 >= len)
		return;
	short_path(file, path, sizeof(path));
	if (strncmp(path, "driver", 6))
		return;
	if (!*used && skip_top && is_machinery(path))
		return;
	/* where every task starts, as the C library's start_thread: a thread's
	 * or a deterministic task's own stack (sched.c), one name each */
	if (!strncmp(fn, "task_entry_", 11) && !strcmp(path, "driver/shim/sched.c"))
		return;
	n = snprintf(buf + *used, len - *used, " %s (%s:%d)\n", fn, path, lineno);
	if (n > 0)
		*used += (size_t)n < len - *used ? (size_t)n : len - *used - 1;
}

static const char *die_name(Dwarf_Die *die)
{
	Dwarf_Attribute a;

	return dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &a));
}

/*
 * The function of the CU whose body holds file:line: the last one declared
 * before it in that file.  The inline ranges GCC describes can leave out a
 * pc of an inlined caller (its inner callee's range covers it), and the
 * caller's name is then known only from the call site's line.
 */
static const char *func_at_line(Dwarf_Die *cudie, const char *file, int line)
{
	Dwarf_Die child;
	const char *best = NULL;
	int best_line = 0;

	if (!file || dwarf_child(cudie, &child))
		return NULL;
	do {
		const char *df;
		int dl;

		if (dwarf_tag(&child) != DW_TAG_subprogram || !dwarf_hasattr(&child, DW_AT_decl_line) ||
		    dwarf_decl_line(&child, &dl) || dl > line || dl <= best_line)
			continue;
		df = dwarf_decl_file(&child);
		if (!df || strcmp(df, file))
			continue;
		best = dwarf_diename(&child);
		best_line = dl;
	} while (!dwarf_siblingof(&child, &child));
	return best;
}

/*
 * A function's frame at the position reached: when an inlined callee's
 * own call site was left out of the inline ranges, that position is still
 * inside the callee's file (one of our headers), and the function is then
 * named where it is defined, at its first line, so that a frame of the
 * driver never reads as one of our helpers (the lines of a function are
 * in its own file but for what is inlined into it).
 */
static void own_position(Dwarf_Die *die, const char **file, int *lineno)
{
	Dwarf_Attribute a;
	Dwarf_Die origin;
	const char *df;
	int dl;

	/* an inlined instance declares nothing: its abstract origin does */
	if (dwarf_attr(die, DW_AT_abstract_origin, &a) && dwarf_formref_die(&a, &origin))
		die = &origin;
	df = dwarf_decl_file(die);

	if (df && *file && strcmp(df, *file) && !dwarf_decl_line(die, &dl)) {
		*file = df;
		*lineno = dl;
	}
}

/* own_position for the function of the unit named fn (an ELF name:
 * ".isra.0" and the like ignored) */
static void own_position_by_name(Dwarf_Die *cudie, const char *fn, const char **file, int *lineno)
{
	size_t len = strcspn(fn, ".");
	Dwarf_Die child;

	if (dwarf_child(cudie, &child))
		return;
	do {
		const char *name;

		if (dwarf_tag(&child) != DW_TAG_subprogram || !(name = dwarf_diename(&child)) ||
		    strlen(name) != len || strncmp(name, fn, len) || !dwarf_hasattr_integrate(&child, DW_AT_decl_file))
			continue;
		own_position(&child, file, lineno);
		return;
	} while (!dwarf_siblingof(&child, &child));
}

/*
 * The frames of one return address: the functions inlined at the call
 * site, innermost first, then the function that holds the code, as the
 * kernel's decode_stacktrace and the sanitizers' symbolizers print them.
 * A trace then names the same functions however the driver was built
 * (-O0 to -O2), and a report's identity does not depend on inlining.
 */
static void put_frames_of(Dwfl_Module *mod, Dwarf_Addr pc, char *buf, size_t len, size_t *used,
			  bool skip_top)
{
	const char *fn = dwfl_module_addrname(mod, pc);
	Dwfl_Line *line = dwfl_module_getsrc(mod, pc);
	const char *file = line ? dwfl_lineinfo(line, NULL, NULL, NULL, NULL, NULL) : NULL;
	Dwarf_Die *cudie, *scopes = NULL;
	Dwarf_Files *files = NULL;
	Dwarf_Addr bias = 0;
	size_t nfiles = 0;
	int lineno = 0, n, i;

	if (!fn || !line)
		return;
	dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL);
	cudie = dwfl_module_addrdie(mod, pc, &bias);
	n = cudie ? dwarf_getscopes(cudie, pc - bias, &scopes) : 0;
	if (n > 0)
		dwarf_getsrcfiles(cudie, &files, &nfiles);
	for (i = 0; i < n; i++) {
		Dwarf_Attribute a;
		Dwarf_Word cf = 0, cl = 0;
		const char *here, *next = fn;
		int j;

		/* lexical blocks, and the abstract scopes libdw gives after
		 * an inlined instance, are no frames */
		if (dwarf_tag(&scopes[i]) != DW_TAG_inlined_subroutine)
			continue;
		own_position(&scopes[i], &file, &lineno);
		put_frame(buf, len, used, skip_top, die_name(&scopes[i]), file, lineno);
		/* the caller's position is the inlined call's site */
		if (dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_file, &a), &cf) ||
		    dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_line, &a), &cl) ||
		    !files || cf >= nfiles)
			break;
		file = dwarf_filesrc(files, cf, NULL, NULL);
		lineno = (int)cl;
		/* a caller the inline ranges left out (see func_at_line) */
		for (j = i + 1; j < n; j++)
			if (dwarf_tag(&scopes[j]) == DW_TAG_inlined_subroutine) {
				next = die_name(&scopes[j]);
				break;
			}
		here = func_at_line(cudie, file, lineno);
		if (here && next && strcmp(here, next))
			put_frame(buf, len, used, skip_top, here, file, lineno);
	}
	/* the function holding the code (after an inlined instance, libdw
	 * gives the scopes of its definition, not this function's: looked
	 * up by name among the unit's functions) */
	if (cudie)
		own_position_by_name(cudie, fn, &file, &lineno);
	free(scopes);
	put_frame(buf, len, used, skip_top, fn, file, lineno);
}

static void format(const struct sim_stack *s, char *buf, size_t len, bool skip_top)
{
	size_t used = 0;
	int i;

	buf[0] = 0;
	pthread_mutex_lock(&dwfl_lock);
	for (i = 0; i < s->n && used + 1 < len; i++) {
		/* a return address points after the call: look up the call
		 * (the innermost frame of an oops is the faulting pc itself,
		 * one byte back is still its instruction) */
		Dwarf_Addr pc = (Dwarf_Addr)s->pc[i] - 1;
		Dwfl *d = get_dwfl();
		Dwfl_Module *mod = d ? dwfl_addrmodule(d, pc) : NULL;

		if (mod)
			put_frames_of(mod, pc, buf, len, &used, skip_top);
	}
	pthread_mutex_unlock(&dwfl_lock);
}

void sim_stack_format(const struct sim_stack *s, char *buf, size_t len)
{
	format(s, buf, len, true);
}

void sim_stack_format_get(const struct sim_stack *s, char *buf, size_t len)
{
	format(s, buf, len, false);
}

/*
 * Whether the code at a return address is the driver's: the compilation
 * unit holding it is one of the driver's files (whatever was inlined
 * there).  Looked up once per call site.
 */
bool sim_pc_in_driver(const void *ret)
{
	static struct {
		const void *pc;
		bool driver;
	} cache[256];
	unsigned int h = (unsigned int)((unsigned long)ret >> 2) % 256, i;
	bool driver = false;

	if (!ret)
		return false;
	pthread_mutex_lock(&dwfl_lock);
	for (i = 0; i <= 256; i++) {
		unsigned int k = (h + i) % 256;

		if (i < 256 && cache[k].pc == ret) {
			driver = cache[k].driver;
			break;
		}
		/* an empty slot, or a full cache: looked up (and kept if room) */
		if (i == 256 || !cache[k].pc) {
			Dwarf_Addr pc = (Dwarf_Addr)ret - 1, bias = 0;
			Dwfl *d = get_dwfl();
			Dwfl_Module *mod = d ? dwfl_addrmodule(d, pc) : NULL;
			Dwarf_Die *cu = mod ? dwfl_module_addrdie(mod, pc, &bias) : NULL;
			const char *name = cu ? dwarf_diename(cu) : NULL;
			char path[256];

			driver = name && !strncmp(sim_tree_path(name, path, sizeof(path)),
						  "drivers/s390/crypto/vfio_ap", 27);
			if (i < 256) {
				cache[k].pc = ret;
				cache[k].driver = driver;
			}
			break;
		}
	}
	pthread_mutex_unlock(&dwfl_lock);
	return driver;
}

int sim_frame_parse(const char *line, size_t len, char *fn, size_t fnlen, bool *generic)
{
	const char *p = line, *end = line + len, *path;
	size_t n;

	while (p < end && *p == ' ')
		p++;
	if (p < end && *p == '#') {
		/* "#3 0x55d1c0 in func /path/file.c:12" */
		p = strstr(p, " in ");
		if (!p || p >= end)
			return 0;
		p += 4;
		n = strcspn(p, " \n");
		path = p + n;
	} else {
		/* " func (file:line)" */
		if (p == line)
			return 0;
		n = strcspn(p, " \n");
		path = p + n;
		if (path + 2 > end || strncmp(path, " (", 2))
			return 0;
	}
	if (!n || n >= fnlen || !(isalpha((unsigned char)*p) || *p == '_'))
		return 0;
	memcpy(fn, p, n);
	fn[n] = 0;
	{
		char where[512];
		size_t w = (size_t)(end - path) < sizeof(where) ? (size_t)(end - path) : sizeof(where) - 1;

		memcpy(where, path, w);
		where[w] = 0;
		*generic = strstr(where, "driver/shim/") || strstr(where, "driver/include/") ||
			   !(strstr(where, "vfio_ap_") || strstr(where, "driver/"));
	}
	return 1;
}

bool sim_trace_anchor(const char *trace, char *fn, size_t len)
{
	const char *l;

	for (l = trace; l && *l; l += strcspn(l, "\n"), l += *l == '\n') {
		bool generic;

		if (sim_frame_parse(l, strcspn(l, "\n"), fn, len, &generic) && !generic)
			return true;
	}
	return false;
}

/* ---- data addresses (the lockset detector's reports) ---- */

/* a type with its qualifiers and typedefs peeled off */
static bool strip_type(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute at;
	int tag;

	*out = *die;
	for (;;) {
		tag = dwarf_tag(out);
		if (tag != DW_TAG_typedef && tag != DW_TAG_const_type && tag != DW_TAG_volatile_type &&
		    tag != DW_TAG_atomic_type)
			return true;
		if (!dwarf_attr_integrate(out, DW_AT_type, &at) || !dwarf_formref_die(&at, out))
			return false;
	}
}

/* the member of a struct (or an array's element) at off, appended to buf */
static void member_at(Dwarf_Die *type, Dwarf_Word off, char *buf, size_t len)
{
	Dwarf_Die t, child, mt;
	Dwarf_Attribute at;
	Dwarf_Word size, loc;
	size_t n = strlen(buf);
	bool found;
	int depth;

	for (depth = 0; depth < 8 && strip_type(type, &t); depth++) {
		if (dwarf_tag(&t) == DW_TAG_array_type) {
			Dwarf_Die elem;

			if (!dwarf_attr_integrate(&t, DW_AT_type, &at) || !dwarf_formref_die(&at, &elem) ||
			    !strip_type(&elem, &elem))
				return;
			size = (Dwarf_Word)dwarf_bytesize(&elem);
			if ((Dwarf_Sword)size <= 0)
				return;
			n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "[%lu]", (unsigned long)(off / size));
			off %= size;
			*type = elem;
			continue;
		}
		if (dwarf_tag(&t) != DW_TAG_structure_type && dwarf_tag(&t) != DW_TAG_union_type)
			return;
		if (dwarf_child(&t, &child))
			return;
		found = false;
		do {
			if (dwarf_tag(&child) != DW_TAG_member ||
			    !dwarf_attr_integrate(&child, DW_AT_type, &at) || !dwarf_formref_die(&at, &mt) ||
			    !strip_type(&mt, &mt))
				continue;
			loc = 0;
			if (dwarf_attr(&child, DW_AT_data_member_location, &at))
				dwarf_formudata(&at, &loc);
			size = (Dwarf_Word)dwarf_bytesize(&mt);
			if ((Dwarf_Sword)size <= 0 || off < loc || off >= loc + size)
				continue;
			/* an anonymous struct or union adds no name */
			if (dwarf_diename(&child))
				n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s",
						      n ? "." : "", dwarf_diename(&child));
			off -= loc;
			*type = mt;
			found = true;
			break;
		} while (!dwarf_siblingof(&child, &child));
		/* no member there (padding), or a scalar reached */
		if (!found || (dwarf_tag(type) != DW_TAG_structure_type &&
			       dwarf_tag(type) != DW_TAG_union_type && dwarf_tag(type) != DW_TAG_array_type))
			return;
	}
}

/*
 * What an address of the driver's data is: a global (its symbol), or,
 * for an object of objsize bytes, the struct of that size among the types
 * of the unit of driver_pc (a driver allocation is sized by its struct),
 * with the member at off.
 */
bool sim_data_describe(const void *addr, const void *driver_pc, size_t objsize, size_t off,
		       char *buf, size_t len)
{
	Dwfl *d;
	Dwfl_Module *mod;
	Dwarf_Die *cu, child;
	Dwarf_Addr bias = 0;
	bool found = false;

	buf[0] = 0;
	pthread_mutex_lock(&dwfl_lock);
	d = get_dwfl();
	if (!objsize) {
		GElf_Off o = 0;
		GElf_Sym sym;
		const char *name;

		mod = d ? dwfl_addrmodule(d, (Dwarf_Addr)addr) : NULL;
		name = mod ? dwfl_module_addrinfo(mod, (GElf_Addr)addr, &o, &sym, NULL, NULL, NULL) : NULL;
		if (name) {
			snprintf(buf, len, "the global %s+%#lx", name, (unsigned long)o);
			found = true;
		}
		pthread_mutex_unlock(&dwfl_lock);
		return found;
	}
	mod = d ? dwfl_addrmodule(d, (Dwarf_Addr)driver_pc - 1) : NULL;
	cu = mod ? dwfl_module_addrdie(mod, (Dwarf_Addr)driver_pc - 1, &bias) : NULL;
	if (cu && !dwarf_child(cu, &child)) {
		do {
			const char *name = dwarf_diename(&child);

			if (dwarf_tag(&child) != DW_TAG_structure_type || !name ||
			    dwarf_hasattr(&child, DW_AT_declaration) ||
			    dwarf_bytesize(&child) != (int)objsize)
				continue;
			snprintf(buf, len, "struct %s: ", name);
			member_at(&child, off, buf + strlen(buf), len - strlen(buf));
			found = true;
			break;
		} while (!dwarf_siblingof(&child, &child));
	}
	pthread_mutex_unlock(&dwfl_lock);
	return found;
}

/* Driver file names as in the kernel tree (drivers/s390/crypto/...), the
 * models' as in this repository. */
const char *sim_tree_path(const char *file, char *buf, size_t len)
{
	static const char *const kernel_dirs[] = {
		"arch/", "drivers/", "fs/", "kernel/", "lib/", "mm/", "virt/"
	};
	const char *base = strrchr(file, '/');
	size_t i;

	base = base ? base + 1 : file;
	/* already a kernel tree path: the model's stand-in for that code */
	for (i = 0; i < sizeof(kernel_dirs) / sizeof(kernel_dirs[0]); i++)
		if (!strncmp(file, kernel_dirs[i], strlen(kernel_dirs[i]))) {
			snprintf(buf, len, "%s", file);
			return buf;
		}
	if (!strncmp(base, "vfio_ap", 7) || !strncmp(base, "ap_bus", 6))
		snprintf(buf, len, "drivers/s390/crypto/%s", base);
	else if (!strncmp(file, "driver/", 7))
		snprintf(buf, len, "%s", file);
	else
		snprintf(buf, len, "%s", base);
	return buf;
}
