// SPDX-License-Identifier: GPL-2.0
/*
 * Waiting for uevents instead of sleeping: libudev's monitor on the
 * kernel's netlink socket for a real host, the sim's uevent log for the
 * sim.  An event is matched by action, a part of its devpath ("/devices/
 * ...", without /sys) and optionally one of its KEY=value properties.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libudev.h>
#include <sim/host.h>
#include "internal.h"

struct vap_uevents {
	struct udev *udev;
	struct udev_monitor *mon;
	size_t sim_seen;	/* sim: bytes of the uevent log already consumed */
	bool sim;
};

static struct vap_uevents *open_kernel(const char *subsystem)
{
	struct vap_uevents *u = calloc(1, sizeof(*u));

	if (!u)
		return NULL;
	u->udev = udev_new();
	u->mon = u->udev ? udev_monitor_new_from_netlink(u->udev, "kernel") : NULL;
	if (!u->mon || (subsystem && udev_monitor_filter_add_match_subsystem_devtype(u->mon, subsystem, NULL)) ||
	    udev_monitor_enable_receiving(u->mon)) {
		vap_uevents_close(u);
		return NULL;
	}
	return u;
}

struct vap_uevents *vap_uevents_open_kernel(const char *subsystem)
{
	return open_kernel(subsystem);
}

struct vap_uevents *vap_uevents_open(struct vap_host *h, const char *subsystem)
{
	struct vap_uevents *u;
	char *log;

	if (h->kind == VAP_LINUX)
		return strcmp(h->root, "/") ? NULL : open_kernel(subsystem);
	u = calloc(1, sizeof(*u));
	if (!u)
		return NULL;
	u->sim = true;
	log = simhost_uevents();
	u->sim_seen = log ? strlen(log) : 0;
	free(log);
	return u;
}

void vap_uevents_close(struct vap_uevents *u)
{
	if (!u)
		return;
	if (u->mon)
		udev_monitor_unref(u->mon);
	if (u->udev)
		udev_unref(u->udev);
	free(u);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* sim lines: "ACTION /sys/devices/... [KEY=value ...]" */
static int sim_wait(struct vap_uevents *u, const char *action, const char *devpath,
		    const char *prop, char *out, size_t len)
{
	char *log = simhost_uevents(), *p;
	int rc = -ETIMEDOUT;

	simhost_settle();
	free(log);
	log = simhost_uevents();
	if (!log)
		return rc;
	for (p = log + u->sim_seen; *p; ) {
		size_t n = strcspn(p, "\n");
		char line[1024];
		const char *dp;

		snprintf(line, sizeof(line), "%.*s", (int)n, p);
		p += n + (p[n] == '\n');
		u->sim_seen = p - log;
		dp = strchr(line, ' ');
		if (!dp || strncmp(line, action, dp - line) || strlen(action) != (size_t)(dp - line))
			continue;
		dp++;
		if (!strncmp(dp, "/sys", 4))
			dp += 4;
		if (devpath && !strstr(dp, devpath))
			continue;
		if (prop && !strstr(dp, prop))
			continue;
		snprintf(out, len, "%s %s", action, dp);
		rc = 0;
		break;
	}
	free(log);
	return rc;
}

int vap_uevents_wait(struct vap_uevents *u, const char *action, const char *devpath,
		     const char *prop, int timeout_ms, char *out, size_t len)
{
	long deadline = now_ms() + timeout_ms;

	if (u->sim)
		return sim_wait(u, action, devpath, prop, out, len);
	for (;;) {
		struct pollfd p = { udev_monitor_get_fd(u->mon), POLLIN, 0 };
		long left = deadline - now_ms();
		struct udev_device *d;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return -ETIMEDOUT;
		d = udev_monitor_receive_device(u->mon);
		if (!d)
			continue;
		if (!strcmp(udev_device_get_action(d) ?: "", action) &&
		    (!devpath || strstr(udev_device_get_devpath(d) ?: "", devpath))) {
			bool match = true;

			if (prop) {
				char key[128];
				const char *eq = strchr(prop, '='), *v;

				snprintf(key, sizeof(key), "%.*s", eq ? (int)(eq - prop) : (int)strlen(prop), prop);
				v = udev_device_get_property_value(d, key);
				match = v && (!eq || !strcmp(v, eq + 1));
			}
			if (match) {
				snprintf(out, len, "%s %s", action, udev_device_get_devpath(d));
				udev_device_unref(d);
				return 0;
			}
		}
		udev_device_unref(d);
	}
}
