/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The campaign tools' options as one table (options.c): from it come the
 * getopt parse, the --help rows and the vfio-ap-stress argv that replays
 * one case, for vfio-ap-stress and vfio-ap-fault alike.  An option is
 * added in one place.
 */
#ifndef VAP_OPTIONS_H
#define VAP_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>
#include <json-c/json.h>
#include "engine.h"

/* which tool takes an option */
#define OPT_STRESS 1u
#define OPT_FAULT 2u

/* what the options set */
struct tool_opts {
	struct stress_params p;		/* the case's parameters */
	struct campaign cp;		/* --timeout, --duration, --quiet, --coverage */
	const char *host;		/* "sim" or "linux" */
	const char *results, *ksrc, *corpus, *program;
	const char *campaign, *only;	/* vfio-ap-fault's */
	unsigned long long seeds;	/* 0: not given */
	bool seed_given, background, which_host;
	int shard, nshards;
	/* the program file that a case's replay names ("" for none) */
	char prog_file[4600];
};

struct tool_option {
	const char *name;
	const char *arg;		/* the value's name in --help; NULL: a flag */
	const char *help;		/* its --help text ('\n' starts a new line) */
	unsigned int tools;		/* OPT_STRESS, OPT_FAULT */
	/* takes the value: 0, or -1 for a bad value (said by the caller) */
	int (*set)(struct tool_opts *o, const char *val);
	/* its words in the replay argv (NULL: none) */
	void (*replay)(const struct tool_opts *o, struct json_object *argv);
	/* what a bad value is told it should be (NULL: see --help) */
	const char *expects;
};

/* the defaults (stress_defaults, the sim, no shard) */
void tool_opts_init(struct tool_opts *o);
/* getopt_long over the options of TOOL (OPT_*), messages as NAME's:
 * 0, 1 when --help was printed (exit 0), or 2 after a one-line error.
 * With --which-host, o->which_host: the tool prints o->host and exits. */
int tool_opts_parse(struct tool_opts *o, unsigned int tool, const char *name, int argc,
		    char **argv);
/* the option rows of --help */
void tool_opts_usage(FILE *f, unsigned int tool);
/* the argv that replays one case of o: the options of TOOL that say
 * how a case runs, after the binary at path bin */
struct json_object *tool_opts_replay(const struct tool_opts *o, unsigned int tool, const char *bin);

#endif
