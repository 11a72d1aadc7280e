// SPDX-License-Identifier: GPL-2.0
/*
 * Values to write to the driver's and the AP bus's attributes, each with
 * the answer the kernel's source gives for it in a stated host state: the
 * one table the selftests and the stress engine judge answers by.
 *
 * The state every table assumes: the mdev exists with
 * an empty matrix and no guest; the adapter and domain named {a} and {d}
 * are released from the default drivers and assigned to no mdev.  An
 * accepted write changes the state: the caller puts it back (the saved
 * mask or ap_config, or the unassignment of the id) before the next value.
 *
 * The answers, from the sources of 6.1.192, 6.12.118 and 7.2.13:
 *  - an mdev's assign_* and unassign_* (vfio_ap_ops.c): the number is
 *    kstrtoul(buf, 0): one leading '+' is taken, '-' is not, "0x" is hex
 *    and a leading 0 octal, one trailing newline is allowed, anything else
 *    (a space, a sign alone, a digit of no base) is EINVAL and an overflow
 *    ERANGE; a number above the attribute's maximum (ap_max_adapter_id,
 *    ap_max_domain_id: the matrix's apm_max, aqm_max, adm_max) is ENODEV;
 *    the maximum itself is accepted on an empty matrix (the reservation
 *    check needs an adapter and a domain); an unassignment of an id not
 *    assigned is accepted and changes nothing;
 *  - ap_config (6.12+): three masks "0x<hex>" separated by ',' (the last
 *    ended by the newline), the input cut at 201 characters; each mask is
 *    ap_hex2bitmap's (at most 64 hex digits, an optional "0x"); a missing
 *    third field is an empty mask but a missing second one EINVAL, fields
 *    after the third are ignored; a bit above the maximum is ENODEV;
 *  - the bus's apmask/aqmask (ap_bus.c): "+N", "-N", "+N-M" items
 *    separated by ',' (N <= M < 256; EINVAL otherwise), or an absolute hex
 *    mask as ap_hex2bitmap takes it (an empty one is all zeros);
 *  - the vfio_ap driver's bind/unbind (the driver core's bind_store): a
 *    name no device of the bus has is ENODEV.
 * A write longer than a page is cut to the page by kernfs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vfio_ap.h"

#define ZERO64 "0000000000000000000000000000000000000000000000000000000000000000"

static const struct vap_value id_values[] = {
	{ "{id}", 0, "a number in range" },
	{ "+{id}", 0, "kstrtoul takes one leading plus" },
	{ "0x{id:x}", 0, "hex with 0x" },
	{ "0{id:o}", 0, "octal with a leading 0" },
	{ "{max}", 0, "the maximum itself" },
	{ "{max+1}", ENODEV, "above the maximum" },
	{ "18446744073709551615", ENODEV, "ULONG_MAX, above the maximum" },
	{ "18446744073709551616", ERANGE, "ULONG_MAX + 1 overflows" },
	{ "{long}", ERANGE, "a page of digits overflows" },
	{ "", EINVAL, "empty (a newline alone)" },
	{ " 1", EINVAL, "a leading space" },
	{ "1 ", EINVAL, "a trailing space" },
	{ "0x", EINVAL, "a radix without digits" },
	{ "1a", EINVAL, "a letter after decimal digits" },
	{ "08", EINVAL, "8 is no octal digit" },
	{ "+", EINVAL, "a sign alone" },
	{ "++1", EINVAL, "two signs" },
	{ "-1", EINVAL, "kstrtoul takes no minus" },
	{ "-0", EINVAL, "not even before zero" },
	{ NULL, 0, NULL },
};

static const struct vap_value ap_config_values[] = {
	{ "0x" ZERO64 ",0x" ZERO64 ",0x" ZERO64, 0, "three full-length masks, nothing set" },
	{ "{mask:a},{mask:d},{mask:d}", 0, "the released adapter and domain, the domain as control domain" },
	{ "0x0,0x0,0x0", 0, "short masks" },
	{ "{mask:a},{mask:d}", 0, "no third field: an empty control domain mask" },
	{ "0x0,0x0,0x0,0x1", 0, "a fourth field is ignored" },
	{ "{mask:max+1},0x0,0x0", ENODEV, "an adapter above the maximum" },
	{ "0x0", EINVAL, "one field" },
	{ "", EINVAL, "empty" },
	{ "0x0;0x0;0x0", EINVAL, "the wrong separator" },
	{ "+1,0x0,0x0", EINVAL, "a relative item: not ap_config's" },
	{ "0x" ZERO64 "0,0x0,0x0", EINVAL, "65 hex digits" },
	{ "0xg,0x0,0x0", EINVAL, "no hex digit" },
	{ "{long}", EINVAL, "a page of digits, cut at 201" },
	{ NULL, 0, NULL },
};

static const struct vap_value bus_mask_values[] = {
	{ "{cur}", 0, "the mask as read" },
	{ "-{id}", 0, "a relative item (already clear)" },
	{ "-{id}-{id}", 0, "a range of one" },
	{ "-{id},-{id}", 0, "a list" },
	{ "+{id}", 0, "back to the default drivers (no mdev holds it)" },
	{ "0x" ZERO64, 0, "full length absolute" },
	{ "0x", 0, "an empty absolute mask: all zeros" },
	{ "", 0, "empty: all zeros" },
	{ "1a", 0, "absolute hex without 0x" },
	{ "-256", EINVAL, "past the last bit" },
	{ "+3-1", EINVAL, "a range backwards" },
	{ "+1-", EINVAL, "a range without its end" },
	{ "+", EINVAL, "a sign alone" },
	{ "+1 ", EINVAL, "a trailing space" },
	{ " 1", EINVAL, "a leading space" },
	{ "xyz", EINVAL, "no hex digit" },
	{ "0x" ZERO64 "0", EINVAL, "65 hex digits" },
	{ "{long}", EINVAL, "a page of digits" },
	{ NULL, 0, NULL },
};

static const struct vap_value bind_values[] = {
	{ "zz.zzzz", ENODEV, "no such device" },
	{ "", ENODEV, "empty" },
	{ "{long}", ENODEV, "a page of digits" },
	{ NULL, 0, NULL },
};

const struct vap_value *vap_values(enum vap_input in)
{
	switch (in) {
	case VAP_IN_ID:
		return id_values;
	case VAP_IN_AP_CONFIG:
		return ap_config_values;
	case VAP_IN_BUS_MASK:
		return bus_mask_values;
	case VAP_IN_BIND:
		return bind_values;
	default:
		return NULL;
	}
}

/* "0x" and 64 hex digits with bit n set (n < 0: none). */
static void mask_text(int n, char *out)
{
	struct vap_mask m = { { 0 } };

	if (n >= 0)
		vap_mask_set(&m, n);
	vap_mask_format(&m, out, 67);
}

static int expand_one(const char *name, const struct vap_values_ctx *c, char *out)
{
	if (!strcmp(name, "id"))
		return sprintf(out, "%d", c->id);
	if (!strcmp(name, "id:x"))
		return sprintf(out, "%x", c->id);
	if (!strcmp(name, "id:o"))
		return sprintf(out, "%o", c->id);
	if (!strcmp(name, "max"))
		return sprintf(out, "%d", c->max);
	if (!strcmp(name, "max+1"))
		return sprintf(out, "%d", c->max + 1);
	if (!strcmp(name, "cur"))
		return sprintf(out, "%s", c->cur ? c->cur : "");
	if (!strcmp(name, "mask:a") || !strcmp(name, "mask:d") || !strcmp(name, "mask:max+1")) {
		int bit = name[5] == 'a' ? c->a : name[5] == 'd' ? c->d : c->max + 1;

		if (bit > 255)
			return -1;
		mask_text(bit, out);
		return (int)strlen(out);
	}
	return -1;
}

char *vap_value_text(const struct vap_value *v, const struct vap_values_ctx *c)
{
	size_t cap = strlen(v->text) + 4200;
	char *out = malloc(cap), *o = out;
	const char *s = v->text;

	if (!out)
		return NULL;
	if (!strcmp(s, "{long}")) {
		memset(out, '1', 4096);
		out[4096] = 0;
		return out;
	}
	while (*s) {
		const char *end;
		char name[32];
		int n;

		if (*s != '{' || !(end = strchr(s, '}')) || end - s - 1 >= (long)sizeof(name)) {
			*o++ = *s++;
			continue;
		}
		snprintf(name, sizeof(name), "%.*s", (int)(end - s - 1), s + 1);
		n = expand_one(name, c, o);
		if (n < 0) {
			free(out);
			return NULL;
		}
		o += n;
		s = end + 1;
	}
	*o = 0;
	return out;
}

int vap_value_judge(const struct vap_value *v, int rc, char *why, size_t len)
{
	if (rc == -v->expect)
		return 0;
	snprintf(why, len, "'%.40s' (%s): answered %s, the kernel's source gives %s", v->text,
		 v->why, rc ? strerror(-rc) : "success", v->expect ? strerror(v->expect) : "success");
	return 1;
}
