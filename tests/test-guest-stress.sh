#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Full tier: the kheaders files under load and misuse in a 6.12 guest
# (tests/guest/stress.sh, which checks): 8 concurrent readers with random
# pread offsets and sizes, denied writes and mode changes, unprivileged
# reads, rmmod while readers hold the files open, 100 load/unload cycles.

set -uo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/guest-test.sh
. "$(dirname "$0")/guest-test.sh"

guest_kernel 6.12 m 0
guest_helpers
guest_run stress.sh -t 1200
summary
