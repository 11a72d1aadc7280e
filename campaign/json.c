// SPDX-License-Identifier: GPL-2.0
/*
 * The JSON and text helpers of the campaign layer (json.h).
 */
#include <string.h>
#include "json.h"

struct json_object *jget(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!o || !json_object_is_type(o, json_type_object))
		return NULL;
	if (!json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

struct json_object *jtyped(struct json_object *o, const char *key, enum json_type t)
{
	struct json_object *v = jget(o, key);

	return v && json_object_is_type(v, t) ? v : NULL;
}

const char *jstr(struct json_object *o, const char *key, const char *dflt)
{
	struct json_object *v = jtyped(o, key, json_type_string);

	return v ? json_object_get_string(v) : dflt;
}

bool jisnum(struct json_object *v)
{
	return v && (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double));
}

bool jnum(struct json_object *o, const char *key, double *out)
{
	struct json_object *v = jget(o, key);

	if (!jisnum(v))
		return false;
	*out = json_object_get_double(v);
	return true;
}

double jnum_or(struct json_object *o, const char *key, double dflt)
{
	double v;

	return jnum(o, key, &v) ? v : dflt;
}

struct json_object *jarr(struct json_object *o, const char *key)
{
	return jtyped(o, key, json_type_array);
}

struct json_object *jobj(struct json_object *o, const char *key)
{
	return jtyped(o, key, json_type_object);
}

size_t alen(struct json_object *a)
{
	return a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}

struct json_object *aidx(struct json_object *a, size_t i)
{
	return json_object_array_get_idx(a, i);
}

/* the length of the valid UTF-8 sequence at s (2..4), or 0 */
static int utf8_len(const unsigned char *s)
{
	int n, i;
	unsigned int cp;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates and past U+10FFFF are not UTF-8 */
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void markup_escape(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (p && *p) {
		int n;

		switch (*p) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		case '\r': break;
		default:
			if (*p >= 0x80 && (n = utf8_len(p))) {
				fwrite(p, 1, (size_t)n, f);
				p += n;
				continue;
			}
			if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p >= 0x7f)
				fputc('?', f);
			else
				fputc(*p, f);
		}
		p++;
	}
}

void shell_word(FILE *f, const char *w)
{
	const char *p;
	bool plain = *w != 0;

	for (p = w; *p && plain; p++)
		plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
			       "-_./=:,+@%", *p) != NULL;
	if (plain) {
		fputs(w, f);
		return;
	}
	fputc('\'', f);
	for (p = w; *p; p++)
		if (*p == '\'')
			fputs("'\\''", f);
		else
			fputc(*p, f);
	fputc('\'', f);
}
