// SPDX-License-Identifier: GPL-2.0
/*
 * uevents instead of sleeps: mdev creation and removal announce
 * themselves (add/remove on the mdev's devpath), the AP bus announces
 * BINDINGS=complete after handing queues over, and libudev's monitor
 * receives a real kernel event on this machine.
 */
#include <fcntl.h>
#include "common.h"

VAP_FIXTURE(uevent)

VAP_TEST(uevent, mdev_add_remove)
{
	struct vap_uevents *u = vap_uevents_open(self->h, "mdev");
	char ev[512], devpath[128];

	if (!u)
		SKIP(return, "no uevents from this host (a mounted sim sends none)");
	ASSERT_EQ(0, vap_mdev_create(self->h, self->uuid));
	snprintf(devpath, sizeof(devpath), "/devices/vfio_ap/matrix/%s", self->uuid);
	EXPECT_EQ(0, vap_uevents_wait(u, "add", devpath, NULL, 5000, ev, sizeof(ev)));
	ASSERT_EQ(0, vap_mdev_remove(self->h, self->uuid));
	self->uuid[0] = 0;
	EXPECT_EQ(0, vap_uevents_wait(u, "remove", devpath, NULL, 5000, ev, sizeof(ev)));
	vap_uevents_close(u);
}

/* No event that did not happen: a wait for one times out. */
VAP_TEST(uevent, no_spurious_event)
{
	struct vap_uevents *u = vap_uevents_open(self->h, "mdev");
	char ev[512];

	if (!u)
		SKIP(return, "no uevents from this host (a mounted sim sends none)");
	EXPECT_EQ(-ETIMEDOUT, vap_uevents_wait(u, "add", "/devices/vfio_ap/matrix/", NULL, 200, ev, sizeof(ev)));
	vap_uevents_close(u);
}

/* libudev for real: a "change" written to a device's uevent file of this
 * machine's own kernel comes back through the monitor. */
TEST(libudev_kernel_change_event)
{
	struct vap_uevents *u = vap_uevents_open_kernel("net");
	char ev[512];
	int fd;

	if (!u)
		SKIP(return, "no kernel uevent socket here");
	fd = open("/sys/class/net/lo/uevent", O_WRONLY);
	if (fd < 0) {
		vap_uevents_close(u);
		SKIP(return, "/sys/class/net/lo/uevent not writable");
	}
	ASSERT_EQ(6, write(fd, "change", 6));
	close(fd);
	EXPECT_EQ(0, vap_uevents_wait(u, "change", "/net/lo", NULL, 5000, ev, sizeof(ev)));
	EXPECT_STREQ("change /devices/virtual/net/lo", ev);
	vap_uevents_close(u);
}

TEST_HARNESS_MAIN
