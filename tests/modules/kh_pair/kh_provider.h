/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KH_PROVIDER_H
#define KH_PROVIDER_H

int kh_provider_value(int x);

#endif
