/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim: bit operations and bitmaps, including s390's MSB-0 ("inverted")
 * numbering: bit nr of a bitmap is bit (nr ^ 63) of its unsigned long, so
 * ID 0 is the most significant bit of word 0.  bitmap_and/andnot return
 * whether the result is non-empty, as the driver relies on.
 */
#ifndef SHIM_LINUX_BITOPS_H
#define SHIM_LINUX_BITOPS_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/slab.h>
#include <linux/cleanup.h>
#include <sim/uninit.h>

#define BIT_WORD(nr) ((nr) / BITS_PER_LONG)
#define BIT_MASK(nr) (1UL << ((nr) % BITS_PER_LONG))
#define BIT(nr) (1UL << (nr))

/* Atomic in the kernel; the sim's callers serialise as the driver does. */
static inline void set_bit(unsigned long nr, volatile unsigned long *addr)
{
	__atomic_fetch_or(&addr[BIT_WORD(nr)], BIT_MASK(nr), __ATOMIC_SEQ_CST);
}

static inline void clear_bit(unsigned long nr, volatile unsigned long *addr)
{
	__atomic_fetch_and(&addr[BIT_WORD(nr)], ~BIT_MASK(nr), __ATOMIC_SEQ_CST);
}

static inline bool test_bit(unsigned long nr, const volatile unsigned long *addr)
{
	sim_uninit_check(&addr[BIT_WORD(nr)], 1);
	return (__atomic_load_n(&addr[BIT_WORD(nr)], __ATOMIC_RELAXED) >>
		(nr % BITS_PER_LONG)) & 1;
}

#define __set_bit(nr, addr) set_bit(nr, addr)
#define __clear_bit(nr, addr) clear_bit(nr, addr)

static inline void set_bit_inv(unsigned long nr, volatile unsigned long *addr)
{
	set_bit(nr ^ (BITS_PER_LONG - 1), addr);
}

static inline void clear_bit_inv(unsigned long nr, volatile unsigned long *addr)
{
	clear_bit(nr ^ (BITS_PER_LONG - 1), addr);
}

static inline bool test_bit_inv(unsigned long nr, const volatile unsigned long *addr)
{
	return test_bit(nr ^ (BITS_PER_LONG - 1), addr);
}

unsigned long find_next_bit_inv(const unsigned long *addr, unsigned long size,
				unsigned long offset);
#define find_first_bit_inv(addr, size) find_next_bit_inv(addr, size, 0)
#define for_each_set_bit_inv(bit, addr, size)				\
	for ((bit) = find_next_bit_inv((addr), (size), 0);		\
	     (bit) < (size);						\
	     (bit) = find_next_bit_inv((addr), (size), (bit) + 1))

unsigned long find_next_bit(const unsigned long *addr, unsigned long size,
			    unsigned long offset);
#define find_first_bit(addr, size) find_next_bit(addr, size, 0)
#define for_each_set_bit(bit, addr, size)				\
	for ((bit) = find_next_bit((addr), (size), 0);			\
	     (bit) < (size);						\
	     (bit) = find_next_bit((addr), (size), (bit) + 1))

#ifdef SIM_DRIVER_UNIT
/* the words a search reads are the driver's accesses (sim/race.h) */
#define SIM_SEARCH_READS(addr, size, offset)						\
	((offset) < (size) ?								\
	 sim_race_check((addr) + (offset) / BITS_PER_LONG,				\
			(BITS_TO_LONGS(size) - (offset) / BITS_PER_LONG) * sizeof(long), false) : \
	 (void)0)
#define find_next_bit_inv(addr, size, offset) \
	({ SIM_SEARCH_READS(addr, size, offset); find_next_bit_inv(addr, size, offset); })
#define find_next_bit(addr, size, offset) \
	({ SIM_SEARCH_READS(addr, size, offset); find_next_bit(addr, size, offset); })
#endif

static inline unsigned long shim_last_word_mask(unsigned int nbits)
{
	return (nbits % BITS_PER_LONG) ? (~0UL >> (-nbits & (BITS_PER_LONG - 1))) : ~0UL;
}

static inline bool bitmap_and(unsigned long *dst, const unsigned long *a,
			      const unsigned long *b, unsigned int nbits)
{
	unsigned int k, n = BITS_TO_LONGS(nbits);
	unsigned long res = 0;
	sim_uninit_check(a, BITS_TO_LONGS(nbits));
	sim_uninit_check(b, BITS_TO_LONGS(nbits));

	for (k = 0; k < n; k++) {
		dst[k] = a[k] & b[k];
		res |= (k == n - 1) ? (dst[k] & shim_last_word_mask(nbits)) : dst[k];
	}
	return res != 0;
}

static inline bool bitmap_andnot(unsigned long *dst, const unsigned long *a,
				 const unsigned long *b, unsigned int nbits)
{
	unsigned int k, n = BITS_TO_LONGS(nbits);
	unsigned long res = 0;
	sim_uninit_check(a, BITS_TO_LONGS(nbits));
	sim_uninit_check(b, BITS_TO_LONGS(nbits));

	for (k = 0; k < n; k++) {
		dst[k] = a[k] & ~b[k];
		res |= (k == n - 1) ? (dst[k] & shim_last_word_mask(nbits)) : dst[k];
	}
	return res != 0;
}

static inline void bitmap_or(unsigned long *dst, const unsigned long *a,
			     const unsigned long *b, unsigned int nbits)
{
	unsigned int k;

	for (k = 0; k < BITS_TO_LONGS(nbits); k++)
		dst[k] = a[k] | b[k];
}

static inline bool bitmap_equal(const unsigned long *a, const unsigned long *b,
				unsigned int nbits)
{
	unsigned int k, n = BITS_TO_LONGS(nbits);
	sim_uninit_check(a, BITS_TO_LONGS(nbits));
	sim_uninit_check(b, BITS_TO_LONGS(nbits));

	for (k = 0; k < n; k++) {
		unsigned long m = (k == n - 1) ? shim_last_word_mask(nbits) : ~0UL;

		if ((a[k] ^ b[k]) & m)
			return false;
	}
	return true;
}

static inline bool bitmap_intersects(const unsigned long *a,
				     const unsigned long *b, unsigned int nbits)
{
	unsigned int k, n = BITS_TO_LONGS(nbits);
	sim_uninit_check(a, BITS_TO_LONGS(nbits));
	sim_uninit_check(b, BITS_TO_LONGS(nbits));

	for (k = 0; k < n; k++) {
		unsigned long m = (k == n - 1) ? shim_last_word_mask(nbits) : ~0UL;

		if (a[k] & b[k] & m)
			return true;
	}
	return false;
}

static inline bool bitmap_empty(const unsigned long *a, unsigned int nbits)
{
	unsigned int k, n = BITS_TO_LONGS(nbits);
	sim_uninit_check(a, BITS_TO_LONGS(nbits));

	for (k = 0; k < n; k++) {
		unsigned long m = (k == n - 1) ? shim_last_word_mask(nbits) : ~0UL;

		if (a[k] & m)
			return false;
	}
	return true;
}

static inline void bitmap_copy(unsigned long *dst, const unsigned long *src,
			       unsigned int nbits)
{
	unsigned int k;

	for (k = 0; k < BITS_TO_LONGS(nbits); k++)
		dst[k] = src[k];
}

static inline void bitmap_zero(unsigned long *dst, unsigned int nbits)
{
	unsigned int k;

	for (k = 0; k < BITS_TO_LONGS(nbits); k++)
		dst[k] = 0;
}

static inline void bitmap_fill(unsigned long *dst, unsigned int nbits)
{
	unsigned int k;

	for (k = 0; k < BITS_TO_LONGS(nbits); k++)
		dst[k] = ~0UL;
}

/* Clears bits [start, start + len) in the ordinary (LSB-0) numbering. */
static inline void bitmap_clear(unsigned long *map, unsigned int start,
				unsigned int len)
{
	unsigned int i;

	for (i = start; i < start + len; i++)
		clear_bit(i, map);
}

static inline unsigned int bitmap_weight(const unsigned long *a, unsigned int nbits)
{
	unsigned int k, n = BITS_TO_LONGS(nbits), w = 0;
	sim_uninit_check(a, BITS_TO_LONGS(nbits));

	for (k = 0; k < n; k++) {
		unsigned long m = (k == n - 1) ? shim_last_word_mask(nbits) : ~0UL;

		w += __builtin_popcountl(a[k] & m);
	}
	return w;
}

/* The rest of the bit and bitmap families, so that a driver using more of
 * them builds unchanged.  The test-and-* forms are atomic as the kernel's;
 * the __ forms need no atomicity and get it anyway. */
static inline bool test_and_set_bit(unsigned long nr, volatile unsigned long *addr)
{
	return (__atomic_fetch_or(&addr[BIT_WORD(nr)], BIT_MASK(nr), __ATOMIC_SEQ_CST) &
		BIT_MASK(nr)) != 0;
}

static inline bool test_and_clear_bit(unsigned long nr, volatile unsigned long *addr)
{
	return (__atomic_fetch_and(&addr[BIT_WORD(nr)], ~BIT_MASK(nr), __ATOMIC_SEQ_CST) &
		BIT_MASK(nr)) != 0;
}

static inline void change_bit(unsigned long nr, volatile unsigned long *addr)
{
	__atomic_fetch_xor(&addr[BIT_WORD(nr)], BIT_MASK(nr), __ATOMIC_SEQ_CST);
}

#define __test_and_set_bit(nr, addr) test_and_set_bit(nr, addr)
#define __test_and_clear_bit(nr, addr) test_and_clear_bit(nr, addr)
#define __change_bit(nr, addr) change_bit(nr, addr)
#define assign_bit(nr, addr, value) \
	((value) ? set_bit(nr, addr) : clear_bit(nr, addr))
#define __assign_bit(nr, addr, value) assign_bit(nr, addr, value)

/* s390's MSB-0 forms */
#define __set_bit_inv(nr, addr) set_bit_inv(nr, addr)
#define __clear_bit_inv(nr, addr) clear_bit_inv(nr, addr)
static inline bool test_and_clear_bit_inv(unsigned long nr, volatile unsigned long *addr)
{
	return test_and_clear_bit(nr ^ (BITS_PER_LONG - 1), addr);
}

static inline unsigned long find_next_zero_bit(const unsigned long *addr, unsigned long size,
					       unsigned long offset)
{
	for (; offset < size; offset++)
		if (!test_bit(offset, addr))
			return offset;
	return size;
}
#define find_first_zero_bit(addr, size) find_next_zero_bit(addr, size, 0)
#define for_each_clear_bit(bit, addr, size)				\
	for ((bit) = find_next_zero_bit((addr), (size), 0);		\
	     (bit) < (size);						\
	     (bit) = find_next_zero_bit((addr), (size), (bit) + 1))
#define for_each_set_bit_from(bit, addr, size)				\
	for ((bit) = find_next_bit((addr), (size), (bit));		\
	     (bit) < (size);						\
	     (bit) = find_next_bit((addr), (size), (bit) + 1))

static inline unsigned long find_last_bit(const unsigned long *addr, unsigned long size)
{
	unsigned long i;

	for (i = size; i-- > 0;)
		if (test_bit(i, addr))
			return i;
	return size;
}

static inline unsigned long find_next_and_bit(const unsigned long *a, const unsigned long *b,
					      unsigned long size, unsigned long offset)
{
	for (; offset < size; offset++)
		if (test_bit(offset, a) && test_bit(offset, b))
			return offset;
	return size;
}
#define for_each_and_bit(bit, a, b, size)				\
	for ((bit) = find_next_and_bit((a), (b), (size), 0);		\
	     (bit) < (size);						\
	     (bit) = find_next_and_bit((a), (b), (size), (bit) + 1))

static inline void bitmap_xor(unsigned long *dst, const unsigned long *a,
			      const unsigned long *b, unsigned int nbits)
{
	unsigned int k;

	for (k = 0; k < BITS_TO_LONGS(nbits); k++)
		dst[k] = a[k] ^ b[k];
}

static inline void bitmap_complement(unsigned long *dst, const unsigned long *src,
				     unsigned int nbits)
{
	unsigned int k;

	for (k = 0; k < BITS_TO_LONGS(nbits); k++)
		dst[k] = ~src[k];
}

/* a is a subset of b */
static inline bool bitmap_subset(const unsigned long *a, const unsigned long *b,
				 unsigned int nbits)
{
	unsigned int k, n = BITS_TO_LONGS(nbits);
	sim_uninit_check(a, BITS_TO_LONGS(nbits));
	sim_uninit_check(b, BITS_TO_LONGS(nbits));

	for (k = 0; k < n; k++) {
		unsigned long m = (k == n - 1) ? shim_last_word_mask(nbits) : ~0UL;

		if (a[k] & ~b[k] & m)
			return false;
	}
	return true;
}

static inline bool bitmap_full(const unsigned long *a, unsigned int nbits)
{
	unsigned int k, n = BITS_TO_LONGS(nbits);
	sim_uninit_check(a, BITS_TO_LONGS(nbits));

	for (k = 0; k < n; k++) {
		unsigned long m = (k == n - 1) ? shim_last_word_mask(nbits) : ~0UL;

		if ((a[k] & m) != m)
			return false;
	}
	return true;
}

/* Sets bits [start, start + len) in the ordinary (LSB-0) numbering. */
static inline void bitmap_set(unsigned long *map, unsigned int start, unsigned int len)
{
	unsigned int i;

	for (i = start; i < start + len; i++)
		set_bit(i, map);
}

static inline unsigned int bitmap_weight_and(const unsigned long *a, const unsigned long *b,
					     unsigned int nbits)
{
	unsigned int k, n = BITS_TO_LONGS(nbits), w = 0;
	sim_uninit_check(a, BITS_TO_LONGS(nbits));
	sim_uninit_check(b, BITS_TO_LONGS(nbits));

	for (k = 0; k < n; k++) {
		unsigned long m = (k == n - 1) ? shim_last_word_mask(nbits) : ~0UL;

		w += __builtin_popcountl(a[k] & b[k] & m);
	}
	return w;
}

/* bitmap_alloc & co. are slab allocations: failslab and the ledger see them */
#define bitmap_alloc(nbits, flags) \
	((unsigned long *)kmalloc_array(BITS_TO_LONGS(nbits), sizeof(unsigned long), flags))
#define bitmap_zalloc(nbits, flags) \
	((unsigned long *)kcalloc(BITS_TO_LONGS(nbits), sizeof(unsigned long), flags))
#define bitmap_free(map) kfree(map)
DEFINE_FREE(bitmap, unsigned long *, if (_T) bitmap_free(_T))

#endif
