/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim: scope-based cleanup (the kernel's linux/cleanup.h family, 6.5+):
 * __free(NAME) variables, lock guards (guard, scoped_guard,
 * scoped_cond_guard) and the classes under them, built on gcc's cleanup
 * attribute as the kernel's are.  The lock guards of the sim's locks are
 * macros, so that the lock validator records the line of the guard() in
 * the driver as the acquisition site; their unlocks run at scope exit.
 */
#ifndef SHIM_LINUX_CLEANUP_H
#define SHIM_LINUX_CLEANUP_H

#define __cleanup(fn) __attribute__((__cleanup__(fn)))

/* __free(NAME): the variable's value is passed to NAME's free on scope exit */
#define DEFINE_FREE(name, type, free_expr)				\
	static inline void __free_##name(void *p)			\
	{								\
		type _T = *(type *)p;					\
		free_expr;						\
	}
#define __free(name) __cleanup(__free_##name)
/* hand the value on: the variable no longer frees it */
#define no_free_ptr(p) ({ __typeof__(p) __shim_ptr = (p); (p) = NULL; __shim_ptr; })
#define return_ptr(p) return no_free_ptr(p)
#define retain_and_null_ptr(p) ((void)no_free_ptr(p))

/* A class: a type, a constructor from arguments, a destructor at scope exit. */
#define DEFINE_CLASS(name, type, exit_expr, init_expr, init_args...)	\
	typedef type class_##name##_t;					\
	static inline void class_##name##_destructor(type *p)		\
	{								\
		type _T = *p;						\
		exit_expr;						\
	}								\
	static inline type class_##name##_constructor(init_args)	\
	{								\
		type t = init_expr;					\
		return t;						\
	}
#define SHIM_CLASS_DESTRUCTOR(name, type, exit_expr)			\
	typedef type class_##name##_t;					\
	static inline void class_##name##_destructor(type *p)		\
	{								\
		type _T = *p;						\
		exit_expr;						\
	}
#define CLASS(name, var)						\
	class_##name##_t var __cleanup(class_##name##_destructor) =	\
		class_##name##_constructor

/* A guard holds a lock from its line to the end of the scope. */
#define DEFINE_GUARD(name, type, lock, unlock)				\
	DEFINE_CLASS(name, type, if (_T) { unlock; }, ({ lock; _T; }), type _T)
#define SHIM_GUARD_ID_(n) __shim_guard_##n
#define SHIM_GUARD_ID(n) SHIM_GUARD_ID_(n)
#define guard(name) CLASS(name, SHIM_GUARD_ID(__COUNTER__))
#define scoped_guard(name, args...)					\
	for (CLASS(name, scope)(args), *__shim_done = NULL; !__shim_done;	\
	     __shim_done = (void *)1)
/* a guard that may fail to take its lock (NULL): fail_stmt runs instead */
#define scoped_cond_guard(name, fail_stmt, args...)			\
	for (CLASS(name, scope)(args), *__shim_done = NULL; !__shim_done;	\
	     __shim_done = (void *)1)					\
		if (!scope)						\
			fail_stmt;					\
		else

#endif
