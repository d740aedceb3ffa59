/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KH_CFI_H
#define KH_CFI_H

long kh_cfi_call_wrong(void);

#endif
