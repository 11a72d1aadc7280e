/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The campaign layer, shared by vfio-ap-stress and vfio-ap-fault as
 * peers: a case per process (campaign.c), the case object's findings,
 * lock graph and APCB events (case.c), the results folder (results.c,
 * report.c, coverage.c) and the JSON and text helpers (json.c).
 */
#ifndef VAP_CAMPAIGN_H
#define VAP_CAMPAIGN_H

#include <stdbool.h>
#include <stdio.h>
#include <json-c/json.h>
#include "vfio_ap.h"
#include "json.h"

/* The host's findings and lock graph into a case object (also fault/). */
int case_add_findings(struct vap_host *h, struct json_object *c, const char *oracle_text);
void case_add_lockgraph(struct vap_host *h, struct json_object *c);
void case_add_apcb(struct json_object *c, const char *log);
const char *finding_kind(const char *title);
/* A finding of a case (results/README.md): kind NULL from the title,
 * first NULL the report's first line. */
struct json_object *finding_obj(const char *title, const char *known, const char *kind,
				const char *first, const char *report);
/* an errno's name ("EBUSY"), or its number */
const char *errno_name(int e, char *buf, size_t len);
void json_count(struct json_object *obj, const char *key, long n);

/* ------------------------------------------------------------ campaigns */

struct campaign {
	const char *tool;		/* "vfio-ap-stress" / "vfio-ap-fault" */
	char dir[4096];			/* the results folder */
	char command[4096];		/* the command line, for the summary */
	char host[16], kernel[80];
	int timeout;			/* seconds per case */
	double duration;		/* seconds; 0: run the listed cases */
	double started;
	bool progress;			/* a progress line on stderr (a terminal) */
	bool quiet;
	bool coverage;			/* --coverage: DIR/coverage.json */
	/* called with each case's result before it is written (the guided
	 * campaign's edge accounting) */
	void (*annotate)(void *arg, const char *id, struct json_object *res);
	void *annotate_arg;
	/* counters for the progress line */
	int done, failed, total, findings, known;
	long ops;
};

/* A --duration campaign ends within this many seconds of its duration:
 * the case running then is cut (its findings kept, not a finding itself) */
#define CAMPAIGN_GRACE 30
/* The running case's operations, shared with the campaign (a case that
 * dies keeps its count); NULL outside a campaign. */
extern long *campaign_case_ops;

/* A case body, run in a child process; fills c. */
typedef int (*case_fn)(void *arg, struct json_object *c);

int campaign_init(struct campaign *cp, const char *tool, const char *results, int argc,
		  char **argv);
/* Runs one case in its own process (stdout and stderr to cases/<id>.out;
 * a crash or a timeout is a failed case); writes cases/<id>.json.
 * Returns the case's status: 0 pass, 1 fail, 2 setup error. */
int campaign_case(struct campaign *cp, const char *campaign, const char *id, case_fn fn,
		  void *arg, struct json_object *argv_json);
/* --host linux's preconditions (allowlist; with faults, per-task fault
 * switches): 0, or 2 with the reason said */
int campaign_linux_host(const char *tool, struct vap_allow *allow, bool faults);
/* the run's own facts (host, kernel, start, shard, seconds) for the summary */
int campaign_write_facts(struct campaign *cp, const char *shard);
/* seconds since the run started; true while a --duration run has time */
double campaign_elapsed(const struct campaign *cp);
bool campaign_time_left(const struct campaign *cp);
/* an interrupt asked the campaign to stop after the case running */
bool campaign_stopped(void);
void campaign_progress_end(struct campaign *cp);

/* results.c: summary.json, tap.txt, junit.xml, kernel.log, lockgraph,
 * repro.sh per finding and report.html from DIR/cases/.  Prints the
 * one-screen summary unless quiet.  Returns 0 clean, 1 findings, 2 when
 * the folder cannot be read or written. */
int results_finalize(const char *dir, const char *tool, const char *command, bool quiet);
/* Joins the cases of several results folders into OUT and finalizes it. */
int results_merge(const char *out, char *const *dirs, int n, const char *command);
/* Adds a section to the summary before finalizing (fault/): written to
 * DIR/extra.json, read back by results_finalize. */
int results_extra(const char *dir, const char *key, struct json_object *val);

/* coverage.c: the driver's coverage on a COV=1 build (--coverage) */
bool coverage_available(void);
/* a case's counts written now (it leaves by _exit) */
void coverage_flush(void);
/* before the cases: their counters go under DIR/gcov */
int coverage_begin(const char *dir);
/* after them: DIR/coverage.json (per driver file, line and branch counts
 * and function spans); 0, or -ENOENT when no case wrote any */
int coverage_collect(const char *dir);
/* OUT/coverage.json as the sum of the folders' */
int coverage_merge(const char *out, char *const *dirs, int n);
/* per file: lines, branches and functions hit/total, and per function */
struct json_object *coverage_totals(const char *dir);

double now_seconds(void);

#endif
