/* SPDX-License-Identifier: GPL-2.0 */
/*
 * JSON access that tolerates anything (a missing key, a wrong type, a
 * NULL object: the default), and the text escapes of the results files.
 * One set for every writer of the results folder.
 */
#ifndef VAP_JSON_H
#define VAP_JSON_H

#include <stdbool.h>
#include <stdio.h>
#include <json-c/json.h>

/* the member KEY of an object; NULL when o is no object, has no KEY or
 * KEY is null */
struct json_object *jget(struct json_object *o, const char *key);
/* the same, NULL unless it is of type t */
struct json_object *jtyped(struct json_object *o, const char *key, enum json_type t);
/* a string member, or dflt */
const char *jstr(struct json_object *o, const char *key, const char *dflt);
/* v is a number (int or double) */
bool jisnum(struct json_object *v);
/* a number member (int or double): true with *out, or false */
bool jnum(struct json_object *o, const char *key, double *out);
/* a number member, or dflt */
double jnum_or(struct json_object *o, const char *key, double dflt);
struct json_object *jarr(struct json_object *o, const char *key);
struct json_object *jobj(struct json_object *o, const char *key);
/* an array's length (0 for anything else), its i-th element */
size_t alen(struct json_object *a);
struct json_object *aidx(struct json_object *a, size_t i);

/* s for XML and HTML text and attributes: & < > " ' as entities, UTF-8
 * kept, any other byte that XML 1.0 does not allow (a control character,
 * a byte of no valid UTF-8 sequence) as '?' */
void markup_escape(FILE *f, const char *s);
/* a word of an argv for a POSIX shell: as it is when it is plain, else
 * single-quoted */
void shell_word(FILE *f, const char *w);

#endif
