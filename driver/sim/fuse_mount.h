/* SPDX-License-Identifier: GPL-2.0 */
/* vfio-ap-sim --mount (sim/fuse.c): serves the booted host at dir until
 * it is unmounted (fusermount3 -u DIR); fuse_main's exit status. */
#ifndef SIM_FUSE_MOUNT_H
#define SIM_FUSE_MOUNT_H

int sim_fuse_serve(const char *dir);

#endif
