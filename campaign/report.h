/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report.html: the one-page view of a run's results folder (see
 * results/README.md), written from the parsed summary and cases.
 */
#ifndef VAP_REPORT_H
#define VAP_REPORT_H

#include <json-c/json.h>

/* Writes DIR/report.html from the run's summary and its cases (both
 * parsed json-c objects, as results/README.md describes). If DIR/lockgraph.svg
 * exists, its contents are embedded inline. Returns 0, or -errno. */
int report_write(const char *dir, struct json_object *summary,
		 struct json_object *const *cases, int ncases);

#endif
