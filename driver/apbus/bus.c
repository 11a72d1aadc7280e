// SPDX-License-Identifier: GPL-2.0
/*
 * The AP bus model, after the kernel's ap_bus.c: the ap_perms masks and
 * their mutex, the apmask/aqmask files with the drivers' in_use check,
 * revising bindings after a mask change, card and queue devices created
 * and removed by bus scans (which call the drivers' on_config_changed and
 * on_scan_complete), the bindings count and its uevent, and a stand-in
 * for the default zcrypt queue driver.
 *
 * The bus also keeps, per APQN, which driver owns the queue device from
 * the moment its probe is called until its remove has returned: the
 * isolation oracle compares the guests' crycbs against it.
 */
#include <ctype.h>
#include <stdlib.h>
#include <linux/kernel.h>
#include <linux/device.h>
#include <linux/module.h>
#include <linux/bitops.h>
#include <linux/hashtable.h>
#include <linux/mod_devicetable.h>
#include "ap_bus.h"
#include <sim/fault.h>
#include <sim/ap.h>
#include <sim/core.h>
#include <sim/report.h>

#ifdef SIM_TREE_AP_ATTR_MUTEX
/* 7.x: the same lock (the masks' and the bus attributes'), renamed */
#define ap_perms_mutex ap_attr_mutex
#endif
DEFINE_MUTEX(ap_perms_mutex);
DEFINE_MUTEX(ap_scan_bus_mutex);
void (*apbus_left_vfio)(int apqn, const char *why);
struct ap_perms ap_perms;
DEFINE_HASHTABLE(ap_queues, 8);
DEFINE_SPINLOCK(ap_queues_lock);

static struct ap_config_info qci_info, qci_info_old;
static struct device *ap_root;
static unsigned long scans;
static bool bindings_complete_sent;
static unsigned char owner[256 * 256];
static struct ap_card *cards[256];

static int ap_bus_match(struct device *dev, SHIM_CONST_DRV struct device_driver *drv);
static int ap_device_probe(struct device *dev);
static void ap_device_remove(struct device *dev);

static struct bus_type ap_bus_type = {
	.name = "ap",
	.match = ap_bus_match,
	.probe = ap_device_probe,
	.remove = ap_device_remove,
};

static void ap_queue_release(struct device *dev)
{
	/* the lockset detector's shadow of what the driver touched in it */
	sim_race_forget(to_ap_queue(dev), sizeof(struct ap_queue));
	free(to_ap_queue(dev));
}

static void ap_card_release(struct device *dev)
{
	sim_race_forget(to_ap_card(dev), sizeof(struct ap_card));
	free(to_ap_card(dev));
}

static bool is_queue_dev(struct device *dev)
{
	return dev->release == ap_queue_release;
}

enum ap_owner apbus_owner(int apqn)
{
	return __atomic_load_n(&owner[apqn & 0xffff], __ATOMIC_SEQ_CST);
}

static void set_owner(int apqn, enum ap_owner o)
{
	__atomic_store_n(&owner[apqn & 0xffff], o, __ATOMIC_SEQ_CST);
}

static int ap_bus_match(struct device *dev, SHIM_CONST_DRV struct device_driver *drv)
{
	struct ap_driver *ap_drv = to_ap_drv(drv);
	struct ap_device_id *id;

	for (id = ap_drv->ids; id->match_flags; id++) {
		if (is_queue_dev(dev) && (id->match_flags & AP_DEVICE_ID_MATCH_QUEUE_TYPE) &&
		    id->dev_type == to_ap_dev(dev)->device_type)
			return 1;
		if (!is_queue_dev(dev) && (id->match_flags & AP_DEVICE_ID_MATCH_CARD_TYPE) &&
		    id->dev_type == to_ap_dev(dev)->device_type)
			return 1;
	}
	return 0;
}

static bool apqn_reserved(int card, int queue)
{
	return test_bit_inv(card, ap_perms.apm) && test_bit_inv(queue, ap_perms.aqm);
}

static int count_one(struct device *dev, void *data)
{
	unsigned int *c = data;

	if (is_queue_dev(dev)) {
		c[0]++;
		if (READ_ONCE(dev->driver))
			c[1]++;
	}
	return 0;
}

/*
 * Queue devices registered and bound, kept as they change: the bus asks
 * after every probe, and walking 65536 queues each time would make a
 * 256x256 boot quadratic.  queue_counts_walk() is the slow cross-check.
 */
static unsigned int nr_queues, nr_bound;

void apbus_queue_counts(unsigned int *total, unsigned int *bound)
{
	*total = __atomic_load_n(&nr_queues, __ATOMIC_SEQ_CST);
	*bound = __atomic_load_n(&nr_bound, __ATOMIC_SEQ_CST);
}

void apbus_queue_counts_walk(unsigned int *total, unsigned int *bound)
{
	unsigned int c[2] = { 0, 0 };

	bus_for_each_dev(&ap_bus_type, NULL, c, count_one);
	*total = c[0];
	*bound = c[1];
}

static void check_bindings_complete(void)
{
	unsigned int total, bound;
	char env[64];

	apbus_queue_counts(&total, &bound);
	if (!scans || bound != total)
		return;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	if (bindings_complete_sent)
		return;
#endif
	bindings_complete_sent = true;
	snprintf(env, sizeof(env), "BINDINGS=complete COMPLETECOUNT=%u", total);
	shim_uevent(ap_root, "change", env);
}

bool apbus_bindings_complete(void)
{
	unsigned int total, bound;

	apbus_queue_counts(&total, &bound);
	return scans && total == bound;
}

static int ap_device_probe(struct device *dev)
{
	struct ap_driver *drv = to_ap_drv(dev->driver);
	struct ap_device *ap_dev = to_ap_dev(dev);
	struct ap_queue *aq = NULL;
	int rc;

	if (is_queue_dev(dev)) {
		bool devres, drvres;

		aq = to_ap_queue(dev);
		mutex_lock(&ap_perms_mutex);
		devres = apqn_reserved(AP_QID_CARD(aq->qid), AP_QID_QUEUE(aq->qid));
		mutex_unlock(&ap_perms_mutex);
		drvres = drv->flags & AP_DRIVER_FLAG_DEFAULT;
		if (devres != drvres)
			return -ENODEV;
		bindings_complete_sent = false;
		spin_lock_bh(&ap_queues_lock);
		hash_add(ap_queues, &aq->hnode, aq->qid);
		spin_unlock_bh(&ap_queues_lock);
		set_owner(aq->qid, drvres ? AP_OWNER_DEFAULT : AP_OWNER_VFIO);
	}
	get_device(dev);
	rc = drv->probe ? drv->probe(ap_dev) : -ENODEV;
	if (rc) {
		if (aq) {
			spin_lock_bh(&ap_queues_lock);
			hash_del(&aq->hnode);
			spin_unlock_bh(&ap_queues_lock);
			set_owner(aq->qid, AP_OWNER_NONE);
			if (apbus_left_vfio)
				apbus_left_vfio(aq->qid, "probe of the queue failed");
		}
		put_device(dev);
		return rc;
	}
	if (aq)
		__atomic_add_fetch(&nr_bound, 1, __ATOMIC_SEQ_CST);
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
	check_bindings_complete();
#endif
	return 0;
}

static void ap_device_remove(struct device *dev)
{
	struct ap_driver *drv = to_ap_drv(dev->driver);
	struct ap_device *ap_dev = to_ap_dev(dev);

	if (drv->remove)
		drv->remove(ap_dev);
	if (is_queue_dev(dev)) {
		struct ap_queue *aq = to_ap_queue(dev);

		__atomic_sub_fetch(&nr_bound, 1, __ATOMIC_SEQ_CST);
		spin_lock_bh(&ap_queues_lock);
		hash_del(&aq->hnode);
		spin_unlock_bh(&ap_queues_lock);
		if (apbus_owner(aq->qid) == AP_OWNER_VFIO && apbus_left_vfio)
			apbus_left_vfio(aq->qid, "vfio_ap released the queue");
		set_owner(aq->qid, AP_OWNER_NONE);
		/* ap_queue_remove: the bus resets the queue itself */
		aphw_zapq(aq->qid, 0);
	}
	put_device(dev);
}

struct ap_queue *ap_get_qdev(ap_qid_t qid)
{
	struct ap_queue *aq;

	spin_lock_bh(&ap_queues_lock);
	hash_for_each_possible(ap_queues, aq, hnode, qid) {
		if (aq->qid == qid) {
			get_device(&aq->ap_dev.device);
			spin_unlock_bh(&ap_queues_lock);
			return aq;
		}
	}
	spin_unlock_bh(&ap_queues_lock);
	return NULL;
}

int ap_apqn_in_matrix_owned_by_def_drv(unsigned long *apm, unsigned long *aqm)
{
	DECLARE_BITMAP(a, AP_DEVICES);
	DECLARE_BITMAP(q, AP_DOMAINS);

	return bitmap_and(a, apm, ap_perms.apm, AP_DEVICES) &&
	       bitmap_and(q, aqm, ap_perms.aqm, AP_DOMAINS);
}

int ap_hex2bitmap(const char *str, unsigned long *bitmap, int bits)
{
	int i, n, b;

	if (str[0] == '0' && (str[1] == 'x' || str[1] == 'X'))
		str += 2;
	if (*str == 'x')
		str++;
	n = strspn(str, "0123456789abcdefABCDEF");
	if (n > bits / 4)
		return -EINVAL;
	if (str[n] && !(str[n] == '\n' && !str[n + 1]))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		int v = isdigit((unsigned char)str[i]) ? str[i] - '0' :
			tolower((unsigned char)str[i]) - 'a' + 10;

		for (b = 0; b < 4; b++)
			if (v & (8 >> b))
				set_bit_inv(i * 4 + b, bitmap);
	}
	return 0;
}

/* Relative "+a-z,-b" lists, or an absolute hex mask. */
static int parse_mask_str(const char *str, unsigned long *bitmap, int bits)
{
	if (*str == '+' || *str == '-') {
		const char *p = str;

		while (*p) {
			int sign = *p;
			unsigned long a, z, i;
			char *end;

			if (sign != '+' && sign != '-')
				return -EINVAL;
			p++;
			if (!isdigit((unsigned char)*p))
				return -EINVAL;
			a = z = simple_strtoul(p, &end, 0);
			p = end;
			if (*p == '-') {
				p++;
				if (!isdigit((unsigned char)*p))
					return -EINVAL;
				z = simple_strtoul(p, &end, 0);
				p = end;
			}
			if (a > z || z >= (unsigned long)bits)
				return -EINVAL;
			for (i = a; i <= z; i++) {
				if (sign == '+')
					set_bit_inv(i, bitmap);
				else
					clear_bit_inv(i, bitmap);
			}
			while (*p == ',' || *p == '\n')
				p++;
		}
		return 0;
	}
	bitmap_zero(bitmap, bits);
	return ap_hex2bitmap(str, bitmap, bits);
}

struct in_use_arg {
	unsigned long *apm, *aqm;
	int rc;
};

static int verify_reservation(struct device_driver *drv, void *data)
{
	struct ap_driver *ap_drv = to_ap_drv(drv);
	struct in_use_arg *a = data;

	if (!try_module_get(drv->owner))
		return 0;
	if (ap_drv->in_use && ap_drv->in_use(a->apm, a->aqm))
		a->rc = -EBUSY;
	module_put(drv->owner);
	return a->rc;
}

static int revise_one(struct device *dev, void *data)
{
	struct ap_queue *aq;
	bool devres, drvres;
	struct device_driver *drv;

	(void)data;
	if (!is_queue_dev(dev))
		return 0;
	aq = to_ap_queue(dev);
	mutex_lock(&ap_perms_mutex);
	devres = apqn_reserved(AP_QID_CARD(aq->qid), AP_QID_QUEUE(aq->qid));
	mutex_unlock(&ap_perms_mutex);
	drv = READ_ONCE(dev->driver);
	/*
	 * The kernel reads the flags of dev->driver without a NULL check; the
	 * model treats an unbound queue as one to be (re)probed.
	 */
	drvres = drv && (to_ap_drv(drv)->flags & AP_DRIVER_FLAG_DEFAULT);
	if (!drv || devres != drvres)
		device_reprobe(dev);
	return 0;
}

static void revise_bindings(void)
{
	bus_for_each_dev(&ap_bus_type, NULL, NULL, revise_one);
}

static void mask_uevent(const char *name, unsigned long *m)
{
	char env[128];

	snprintf(env, sizeof(env), "%s=0x%016lx%016lx%016lx%016lx\n", name,
		 m[0], m[1], m[2], m[3]);
	shim_uevent(ap_root, "change", env);
}

static ssize_t mask_store(const char *buf, size_t count, bool is_apm)
{
	DECLARE_BITMAP(newm, 256);
	DECLARE_BITMAP(reserved, 256);
	unsigned long *cur = is_apm ? ap_perms.apm : ap_perms.aqm;
	struct in_use_arg a = { 0 };
	bool changes;
	int rc;

	if (mutex_lock_interruptible(&ap_perms_mutex))
		return -ERESTARTSYS;
	bitmap_copy(newm, cur, 256);
	rc = parse_mask_str(buf, newm, 256);
	if (rc)
		goto out;
	changes = !bitmap_equal(newm, cur, 256);
	if (changes && bitmap_andnot(reserved, newm, cur, 256)) {
		a.apm = is_apm ? reserved : ap_perms.apm;
		a.aqm = is_apm ? ap_perms.aqm : reserved;
		rc = bus_for_each_drv(&ap_bus_type, NULL, &a, verify_reservation);
		if (rc)
			goto out;
	}
	bitmap_copy(cur, newm, 256);
	mutex_unlock(&ap_perms_mutex);
	if (changes) {
		revise_bindings();
		mask_uevent(is_apm ? "APMASK" : "AQMASK", cur);
	}
	return count;
out:
	mutex_unlock(&ap_perms_mutex);
	return rc;
}

static ssize_t mask_show(char *buf, unsigned long *m)
{
	ssize_t n;

	if (mutex_lock_interruptible(&ap_perms_mutex))
		return -ERESTARTSYS;
	n = sysfs_emit(buf, "0x%016lx%016lx%016lx%016lx\n", m[0], m[1], m[2], m[3]);
	mutex_unlock(&ap_perms_mutex);
	return n;
}

static ssize_t apmask_show(struct sysfs_node *n, char *buf)
{
	(void)n;
	return mask_show(buf, ap_perms.apm);
}

static ssize_t aqmask_show(struct sysfs_node *n, char *buf)
{
	(void)n;
	return mask_show(buf, ap_perms.aqm);
}

static ssize_t apmask_store(struct sysfs_node *n, const char *buf, size_t count)
{
	(void)n;
	return mask_store(buf, count, true);
}

static ssize_t aqmask_store(struct sysfs_node *n, const char *buf, size_t count)
{
	(void)n;
	return mask_store(buf, count, false);
}

static ssize_t bindings_show(struct sysfs_node *n, char *buf)
{
	unsigned int total, bound;

	(void)n;
	apbus_queue_counts(&total, &bound);
	if (scans && bound == total)
		return sysfs_emit(buf, "%u/%u (complete)\n", bound, total);
	return sysfs_emit(buf, "%u/%u\n", bound, total);
}

static ssize_t max_adapter_show(struct sysfs_node *n, char *buf)
{
	(void)n;
#ifdef SIM_TREE_TAPQ_HWINFO
	return sysfs_emit(buf, "%d\n", qci_info.na ? qci_info.na : 63);
#else
	return sysfs_emit(buf, "%d\n", qci_info.Na ? qci_info.Na : 63);
#endif
}

static ssize_t max_domain_show(struct sysfs_node *n, char *buf)
{
	(void)n;
#ifdef SIM_TREE_TAPQ_HWINFO
	return sysfs_emit(buf, "%d\n", qci_info.nd ? qci_info.nd : 15);
#else
	return sysfs_emit(buf, "%d\n", qci_info.Nd ? qci_info.Nd : 15);
#endif
}

static ssize_t scans_show(struct sysfs_node *n, char *buf)
{
	(void)n;
	return sysfs_emit(buf, "%lu\n", scans);
}

static ssize_t scans_store(struct sysfs_node *n, const char *buf, size_t count)
{
	(void)n;
	(void)buf;
	apbus_scan();
	return count;
}

static ssize_t config_time_show(struct sysfs_node *n, char *buf)
{
	(void)n;
	return sysfs_emit(buf, "%d\n", AP_CONFIG_TIME);
}

/* The default driver: a stand-in for zcrypt's CEX4+ queue driver. */
static struct ap_device_id zcrypt_queue_ids[] = {
	{ .dev_type = AP_DEVICE_TYPE_CEX4, .match_flags = AP_DEVICE_ID_MATCH_QUEUE_TYPE },
	{ .dev_type = AP_DEVICE_TYPE_CEX5, .match_flags = AP_DEVICE_ID_MATCH_QUEUE_TYPE },
	{ .dev_type = AP_DEVICE_TYPE_CEX6, .match_flags = AP_DEVICE_ID_MATCH_QUEUE_TYPE },
	{ .dev_type = AP_DEVICE_TYPE_CEX7, .match_flags = AP_DEVICE_ID_MATCH_QUEUE_TYPE },
	{ .dev_type = AP_DEVICE_TYPE_CEX8, .match_flags = AP_DEVICE_ID_MATCH_QUEUE_TYPE },
	{ },
};

static int zcrypt_queue_probe(struct ap_device *ap_dev)
{
	(void)ap_dev;
	return 0;
}

static void zcrypt_queue_remove(struct ap_device *ap_dev)
{
	(void)ap_dev;
}

static struct module zcrypt_module = { .name = "zcrypt_cex4" };
static struct ap_driver zcrypt_queue_driver = {
	.probe = zcrypt_queue_probe,
	.remove = zcrypt_queue_remove,
	.ids = zcrypt_queue_ids,
	.flags = AP_DRIVER_FLAG_DEFAULT,
};

int ap_driver_register(struct ap_driver *ap_drv, struct module *owner, char *name)
{
	int rc;
	SIM_FAIL_FUNCTION(ap_driver_register, int);

	ap_drv->driver.bus = &ap_bus_type;
	ap_drv->driver.name = name;
	ap_drv->driver.owner = owner;
	rc = driver_register(&ap_drv->driver);
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	if (!rc)
		check_bindings_complete();
#endif
	return rc;
}

void ap_driver_unregister(struct ap_driver *ap_drv)
{
	driver_unregister(&ap_drv->driver);
}

struct notify_arg {
	bool scan_complete;
};

static int notify_drv(struct device_driver *drv, void *data)
{
	struct ap_driver *ap_drv = to_ap_drv(drv);
	struct notify_arg *a = data;

	if (!try_module_get(drv->owner))
		return 0;
	if (a->scan_complete && ap_drv->on_scan_complete)
		ap_drv->on_scan_complete(&qci_info, &qci_info_old);
	else if (!a->scan_complete && ap_drv->on_config_changed)
		ap_drv->on_config_changed(&qci_info, &qci_info_old);
	module_put(drv->owner);
	return 0;
}

static void remove_queue(int card, int dom)
{
	struct device *dev;
	char name[16];

	snprintf(name, sizeof(name), "%02x.%04x", card, dom);
	dev = shim_bus_find_device(&ap_bus_type, name);
	if (!dev)
		return;
	device_unregister(dev);
	__atomic_sub_fetch(&nr_queues, 1, __ATOMIC_SEQ_CST);
	put_device(dev);
}

static void remove_card(int card)
{
	int d;

	if (!cards[card])
		return;
	for (d = 0; d < 256; d++)
		remove_queue(card, d);
	device_unregister(&cards[card]->ap_dev.device);
	cards[card] = NULL;
}

static void add_queue(int card, int dom)
{
	struct ap_queue *aq;
	struct device *dev;
	char name[16];

	snprintf(name, sizeof(name), "%02x.%04x", card, dom);
	dev = shim_bus_find_device(&ap_bus_type, name);
	if (dev) {
		put_device(dev);
		return;
	}
	aq = calloc(1, sizeof(*aq));
	aq->qid = AP_MKQID(card, dom);
	aq->card = cards[card];
	aq->ap_dev.device_type = cards[card]->ap_dev.device_type;
	aq->config = true;
	INIT_HLIST_NODE(&aq->hnode);
	aq->ap_dev.device.bus = &ap_bus_type;
	aq->ap_dev.device.parent = &cards[card]->ap_dev.device;
	aq->ap_dev.device.release = ap_queue_release;
	dev_set_name(&aq->ap_dev.device, "%s", name);
	/* the queue starts from a reset, as the bus's state machine does */
	aphw_zapq(aq->qid, 0);
	__atomic_add_fetch(&nr_queues, 1, __ATOMIC_SEQ_CST);
	if (device_register(&aq->ap_dev.device)) {
		__atomic_sub_fetch(&nr_queues, 1, __ATOMIC_SEQ_CST);
		put_device(&aq->ap_dev.device);
	}
}

static void add_card(int card)
{
	struct ap_card *ac;
	shim_tapq_info_t info;
	struct ap_queue_status st;
	int d, dom = -1, type;

	for (d = 0; d < 256 && dom < 0; d++)
		if (test_bit_inv(d, (unsigned long *)qci_info.aqm))
			dom = d;
	if (dom < 0)
		return;
	st = ap_test_queue(AP_MKQID(card, dom), 1, &info);
	if (st.response_code != AP_RESPONSE_NORMAL &&
	    st.response_code != AP_RESPONSE_RESET_IN_PROGRESS)
		return;
#ifdef SIM_TREE_TAPQ_HWINFO
	type = info.at;
#else
	type = (info >> 24) & 0xff;
#endif
	if (type < AP_DEVICE_TYPE_CEX4)
		return;
	ac = calloc(1, sizeof(*ac));
	ac->id = card;
	ac->ap_dev.device_type = type > AP_DEVICE_TYPE_CEX8 ? AP_DEVICE_TYPE_CEX8 : type;
	ac->config = true;
	ac->ap_dev.device.bus = &ap_bus_type;
	ac->ap_dev.device.parent = ap_root;
	ac->ap_dev.device.release = ap_card_release;
	dev_set_name(&ac->ap_dev.device, "card%02x", card);
	if (device_register(&ac->ap_dev.device)) {
		put_device(&ac->ap_dev.device);
		return;
	}
	cards[card] = ac;
}

void apbus_scan(void)
{
	struct notify_arg na;
	bool changed;
	int a, d;

	mutex_lock(&ap_scan_bus_mutex);
	memcpy(&qci_info_old, &qci_info, sizeof(qci_info));
	ap_qci(&qci_info);
	changed = memcmp(&qci_info, &qci_info_old, sizeof(qci_info)) != 0;
	if (changed && scans) {
		na.scan_complete = false;
		bus_for_each_drv(&ap_bus_type, NULL, &na, notify_drv);
	}
	for (a = 0; a < 256; a++) {
		if (!test_bit_inv(a, (unsigned long *)qci_info.apm)) {
			remove_card(a);
			continue;
		}
		if (!cards[a])
			add_card(a);
		if (!cards[a])
			continue;
		for (d = 0; d < 256; d++) {
			if (test_bit_inv(d, (unsigned long *)qci_info.aqm))
				add_queue(a, d);
			else
				remove_queue(a, d);
		}
	}
	if (changed && scans) {
		na.scan_complete = true;
		bus_for_each_drv(&ap_bus_type, NULL, &na, notify_drv);
	}
	scans++;
	if (scans == 1)
		shim_uevent(ap_root, "change", "INITSCAN=done");
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	check_bindings_complete();
#else
	if (scans == 1)
		check_bindings_complete();
#endif
	mutex_unlock(&ap_scan_bus_mutex);
}

bool apbus_queue_exists(int apqn)
{
	struct ap_queue *aq = ap_get_qdev(apqn);

	if (aq)
		put_device(&aq->ap_dev.device);
	return aq != NULL;
}

int apbus_init(void)
{
	struct sysfs_node *dir;
	int rc;

	memset(ap_perms.ioctlm, 0xff, sizeof(ap_perms.ioctlm));
	memset(ap_perms.apm, 0xff, sizeof(ap_perms.apm));
	memset(ap_perms.aqm, 0xff, sizeof(ap_perms.aqm));
	memset(&qci_info, 0, sizeof(qci_info));
	scans = 0;
	bindings_complete_sent = false;
	rc = bus_register(&ap_bus_type);
	if (rc)
		return rc;
	dir = shim_bus_dir(&ap_bus_type);
	sysfs_add_attr(dir, "apmask", 0644, apmask_show, apmask_store, NULL, NULL);
	sysfs_add_attr(dir, "aqmask", 0644, aqmask_show, aqmask_store, NULL, NULL);
	sysfs_add_attr(dir, "bindings", 0444, bindings_show, NULL, NULL, NULL);
	sysfs_add_attr(dir, "ap_max_adapter_id", 0444, max_adapter_show, NULL, NULL, NULL);
	sysfs_add_attr(dir, "ap_max_domain_id", 0444, max_domain_show, NULL, NULL, NULL);
	sysfs_add_attr(dir, "scans", 0644, scans_show, scans_store, NULL, NULL);
	sysfs_add_attr(dir, "config_time", 0444, config_time_show, NULL, NULL, NULL);
	ap_root = calloc(1, sizeof(*ap_root));
	dev_set_name(ap_root, "ap");
	ap_root->release = (void (*)(struct device *))free;
	rc = device_register(ap_root);
	if (rc)
		return rc;
	ap_driver_register(&zcrypt_queue_driver, &zcrypt_module, "cex4queue");
	zcrypt_module.state = 0;
	apbus_scan();
	return 0;
}

void apbus_exit(void)
{
	int a;

	for (a = 0; a < 256; a++)
		remove_card(a);
	ap_driver_unregister(&zcrypt_queue_driver);
	device_unregister(ap_root);
	ap_root = NULL;
	bus_unregister(&ap_bus_type);
}
