/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim: the AP instructions.  Where s390 issues TAPQ, ZAPQ, AQIC and QCI,
 * the sim asks the AP hardware model (apbus/aphw.c).  Field names follow the
 * architecture; the bit layout is the compiler's (the driver reads fields
 * by name only, except for the big-endian GR1 copy in handle_pqap).
 */
#ifndef SHIM_ASM_AP_H
#define SHIM_ASM_AP_H

#include <linux/version.h>
#include <linux/types.h>
#include <linux/compiler.h>

typedef unsigned int ap_qid_t;

#define AP_MKQID(_card, _queue) (((_card) & 0xffU) << 8 | ((_queue) & 0xffU))
#define AP_QID_CARD(_qid) (((_qid) >> 8) & 0xff)
#define AP_QID_QUEUE(_qid) ((_qid) & 0xff)

struct ap_queue_status {
	unsigned int queue_empty : 1;
	unsigned int replies_waiting : 1;
	unsigned int queue_full : 1;
#ifdef SIM_TREE_TAPQ_HWINFO
	unsigned int : 3;
	unsigned int async : 1;
#else
	unsigned int _pad1 : 4;
#endif
	unsigned int irq_enabled : 1;
	unsigned int response_code : 8;
	unsigned int _pad2 : 16;
};

#ifdef SIM_TREE_TAPQ_HWINFO
struct ap_tapq_hwinfo {
	union {
		unsigned long value;
		struct {
			unsigned int fac : 32;
			unsigned int apinfo : 32;
		};
		struct {
			unsigned int apsc : 1;
			unsigned int mex4k : 1;
			unsigned int crt4k : 1;
			unsigned int cca : 1;
			unsigned int accel : 1;
			unsigned int ep11 : 1;
			unsigned int apxa : 1;
			unsigned int slcf : 1;
			unsigned int class : 8;
			unsigned int bs : 2;
			unsigned int : 14;
			unsigned int at : 8;
			unsigned int nd : 8;
			unsigned int : 4;
			unsigned int ml : 4;
			unsigned int : 4;
			unsigned int qd : 4;
		};
	};
};
typedef struct ap_tapq_hwinfo shim_tapq_info_t;
#else
typedef unsigned long shim_tapq_info_t;
#endif

struct ap_config_info {
#ifdef SIM_TREE_TAPQ_HWINFO
	union {
		unsigned int flags;
		struct {
			unsigned int apsc : 1;
			unsigned int apxa : 1;
			unsigned int qact : 1;
			unsigned int rc8a : 1;
			unsigned int : 4;
			unsigned int apsb : 1;
			unsigned int : 23;
		};
	};
	unsigned char na;
	unsigned char nd;
#else
	unsigned int apsc : 1;
	unsigned int apxa : 1;
	unsigned int qact : 1;
	unsigned int rc8a : 1;
	unsigned char _reserved1 : 4;
	unsigned char _reserved2[3];
	unsigned char Na;
	unsigned char Nd;
#endif
	unsigned char _reserved3[10];
	unsigned int apm[8];
	unsigned int aqm[8];
	unsigned int adm[8];
	unsigned char _reserved4[16];
} __aligned(8);

#ifdef SIM_TREE_TAPQ_HWINFO
union ap_qirq_ctrl {
	unsigned long value;
	struct {
		unsigned int : 8;
		unsigned int zone : 8;
		unsigned int ir : 1;
		unsigned int : 4;
		unsigned int gisc : 3;
		unsigned int : 6;
		unsigned int gf : 2;
		unsigned int : 1;
		unsigned int gisa : 27;
		unsigned int : 1;
		unsigned int isc : 3;
	};
};
typedef union ap_qirq_ctrl shim_qirq_ctrl_t;
#else
struct ap_qirq_ctrl {
	unsigned int _res1 : 8;
	unsigned int zone : 8;
	unsigned int ir : 1;
	unsigned int _res2 : 4;
	unsigned int gisc : 3;
	unsigned int _res3 : 6;
	unsigned int gf : 2;
	unsigned int _res4 : 1;
	unsigned int gisa : 27;
	unsigned int _res5 : 1;
	unsigned int isc : 3;
};
typedef struct ap_qirq_ctrl shim_qirq_ctrl_t;
#endif

/* The AP hardware model. */
bool aphw_instructions_available(void);
struct ap_queue_status aphw_tapq(ap_qid_t qid, int tbit, shim_tapq_info_t *info);
struct ap_queue_status aphw_zapq(ap_qid_t qid, int fbit);
struct ap_queue_status aphw_aqic(ap_qid_t qid, unsigned int ir, unsigned int isc,
				 unsigned int gisc, unsigned long gisa,
				 phys_addr_t pa_ind);
int aphw_qci(struct ap_config_info *info);

static inline bool ap_instructions_available(void)
{
	return aphw_instructions_available();
}

static inline struct ap_queue_status ap_tapq(ap_qid_t qid, shim_tapq_info_t *info)
{
	return aphw_tapq(qid, 0, info);
}

static inline struct ap_queue_status ap_test_queue(ap_qid_t qid, int tbit,
						   shim_tapq_info_t *info)
{
	return aphw_tapq(qid, tbit, info);
}

#ifdef SIM_TREE_TAPQ_HWINFO
static inline struct ap_queue_status ap_zapq(ap_qid_t qid, int fbit)
{
	return aphw_zapq(qid, fbit);
}
#else
static inline struct ap_queue_status ap_zapq(ap_qid_t qid)
{
	return aphw_zapq(qid, 0);
}
#endif

static inline int ap_qci(struct ap_config_info *config)
{
	return aphw_qci(config);
}

static inline struct ap_queue_status ap_aqic(ap_qid_t qid, shim_qirq_ctrl_t ctrl,
					     phys_addr_t pa_ind)
{
	return aphw_aqic(qid, ctrl.ir, ctrl.isc, ctrl.gisc, ctrl.gisa, pa_ind);
}

#endif
