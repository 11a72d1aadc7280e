/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SHIM_ASM_ISC_H
#define SHIM_ASM_ISC_H
#define MAX_ISC 7
#define AP_ISC 6
#endif
