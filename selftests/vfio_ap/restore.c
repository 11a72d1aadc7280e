// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ap-restore: puts a real host (or a mounted sim) back from the
 * journal of an interrupted run.  `make restore` runs it.
 *
 *   restore [JOURNAL]    default $VFIO_AP_JOURNAL, else
 *                        /var/tmp/vfio-ap-stress.journal
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "vfio_ap.h"

int main(int argc, char **argv)
{
	const char *file = vap_journal_path();
	struct vap_host *h;
	char err[512];
	int rc;

	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		fprintf(stderr, "usage: restore [JOURNAL]\n");
		return 2;
	}
	if (argc == 2)
		file = argv[1];
	if (access(file, F_OK)) {
		printf("restore: no journal at %s: nothing to restore\n", file);
		return 0;
	}
	h = vap_open("linux", err, sizeof(err));
	if (!h) {
		fprintf(stderr, "restore: %s\n", err);
		return 2;
	}
	rc = vap_restore(h, file, stdout);
	vap_close(h);
	if (rc) {
		fprintf(stderr, "restore: some settings could not be put back (%s); the journal stays at %s\n",
			strerror(-rc), file);
		return 1;
	}
	printf("restore: done; %s removed\n", file);
	return 0;
}
