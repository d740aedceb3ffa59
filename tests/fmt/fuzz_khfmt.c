// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the kheaders filesystem parsers
 * (kernel/kheaders_fmt.c), built by tests/test-fmt.sh with clang
 * -fsanitize=fuzzer,address,undefined.
 *
 * Input: a 4-byte little-endian index length, the index, the archive.
 * The index CRC is made right before parsing, so that the fuzzer gets
 * past it to the structure checks.  An accepted input is walked the way
 * a mount would: every lookup, every link, every file read.
 */

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "khreader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kh_entry e, c;
	struct khr r;
	size_t ix_len;
	u32 i, j, found, crc;
	u8 *ix, *buf;

	if (size < 4)
		return 0;
	ix_len = data[0] | data[1] << 8 | data[2] << 16 | (u32)data[3] << 24;
	data += 4;
	size -= 4;
	if (ix_len > size)
		ix_len = size;

	ix = malloc(ix_len + 1);	/* malloc's alignment, as .rodata's */
	if (!ix)
		return 0;
	memcpy(ix, data, ix_len);
	if (ix_len >= sizeof(struct kh_index_hdr)) {
		crc = crc32(0, ix + sizeof(struct kh_index_hdr),
			    ix_len - sizeof(struct kh_index_hdr));
		memcpy(ix + 8, &crc, 4);
	}

	if (!khr_open(&r, data + ix_len, size - ix_len, ix, ix_len)) {
		for (i = 0; i < r.ix.nentries; i++) {
			kh_index_entry(&r.ix, i, &e);
			if ((e.mode & KH_MODE_TYPE) == KH_MODE_DIR) {
				for (j = 0; j < e.count; j++) {
					kh_index_entry(&r.ix, e.first + j, &c);
					if (kh_index_lookup(&r.ix, i, c.name,
							    c.name_len, &found) ||
					    found != e.first + j)
						abort();
				}
			} else if ((e.mode & KH_MODE_TYPE) == KH_MODE_LNK) {
				if (strlen(r.ix.names + e.data) != e.size)
					abort();
			} else if (e.size <= 1 << 20) {
				buf = malloc(e.size + 1);
				if (buf)
					khr_read(&r, i, 0, buf, e.size);
				free(buf);
			}
		}
		khr_close(&r);
	}
	free(ix);
	return 0;
}
