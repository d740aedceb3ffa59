#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Full tier: the kheaders filesystem (CONFIG_IKHEADERS_FS) in a 6.12 guest,
# kheaders as a module, and scripts/kheaders-install (tests/guest/fs.sh and
# install.sh, which check); log the memory and time figures.

set -uo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/guest-test.sh
. "$(dirname "$0")/guest-test.sh"

# fs_figures: the memory and time figures tests/guest/fs.sh printed.
fs_figures() {
	awk -v name="$name" '
	function t(k) { return T[k "e"] - T[k "s"] }
	$1 == "KH-MEM" {
		for (i = 3; i <= NF; i++) { split($i, kv, "="); M[$2, kv[1]] = kv[2] }
		order[++n] = $2
	}
	$1 == "KH-TIME" { T[$2 "s"] = $3; T[$2 "e"] = $4 }
	END {
		for (i = 1; i <= n; i++) {
			k = order[i]
			printf "%s: fs memory %-17s unreclaimable %6d kB (slab %d + vmalloc %d), reclaimable slab %d kB, page cache %d kB\n",
				name, k, M[k, "sunreclaim"] + M[k, "vmalloc"], M[k, "sunreclaim"], M[k, "vmalloc"],
				M[k, "sreclaimable"], M[k, "cached"]
		}
		b = M["before-mount", "sunreclaim"] + M["before-mount", "vmalloc"]
		printf "%s: fs unreclaimable added: by mount %d kB, after reading every file %d kB\n", name,
			M["after-mount", "sunreclaim"] + M["after-mount", "vmalloc"] - b,
			M["after-cat-all", "sunreclaim"] + M["after-cat-all", "vmalloc"] - b
		printf "%s: fs times (s): mount %.2f, cat every file cold %.1f, warm %.1f\n", name,
			t("mount"), t("cat-all"), t("cat-all-warm")
		r1 = t("build-ref-1"); r2 = t("build-ref-2"); m1 = t("build-mnt-1"); m2 = t("build-mnt-2")
		if (r1 > 0 && r2 > 0)
			printf "%s: fs module build (s): tmpfs copy %.1f %.1f, mount %.1f %.1f, ratio of sums %.2f; fresh mount, cold %.1f (tar -x to tmpfs takes %.1f)\n",
				name, r1, r2, m1, m2, (m1 + m2) / (r1 + r2), t("build-mnt-cold"), t("extract")
	}' <<<"$out" | while IFS= read -r l; do log "$l"; done
}

guest_kernel 6.12 m 0
check "$name: CONFIG_IKHEADERS_FS is on" grep -qx CONFIG_IKHEADERS_FS=y "$build/.config"
guest_run fs.sh -t 2400 -m 1024
grep -E '^KH-(STATS|SLAB)' <<<"$out" | while IFS= read -r l; do log "$name: $l"; done
fs_figures
summary
