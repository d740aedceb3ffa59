// SPDX-License-Identifier: GPL-2.0-only
/*
 * kheaders filesystem: "mount -t kheaders none DIR" shows the archive's
 * tree without unpacking it.
 *
 * Metadata comes from the index made at build time (kheaders_fmt.h), so
 * mounting decodes nothing.  File data is decoded on demand, one xz
 * stream ("chunk", at most KH_CHUNK_MAX bytes of tar) at a time, with
 * the kernel's xz decoder, straight into the page cache, where it can be
 * reclaimed.  The only private cache is a few decoded chunks, allocated
 * at mount and freed at unmount.  All mounts share one superblock.
 *
 * kheaders.c includes this file, so that the module stays one object.
 */

#include <linux/fs_context.h>
#include <linux/highmem.h>
#include <linux/mutex.h>
#include <linux/pagemap.h>
#include <linux/slab.h>
#include <linux/statfs.h>
#include <linux/vmalloc.h>
#include <linux/xz.h>

#include "kheaders_fmt.h"
#include "kheaders_fs_time.h"

#define KH_FS_MAGIC	0x6b686673	/* "khfs" */
#define KH_CACHE_SLOTS	4

/* A decoded chunk. */
struct kh_slot {
	u8 *buf;
	u32 chunk;
	bool valid;
	unsigned long used;	/* for least-recently-used eviction */
};

struct kh_fs {
	struct kh_index ix;
	struct kh_chunk *chunks;
	struct mutex lock;	/* protects xz, slot[] and clock */
	struct xz_dec *xz;
	unsigned long clock;
	struct kh_slot slot[KH_CACHE_SLOTS];
};

static struct kh_fs *kh_sb_fs(struct super_block *sb)
{
	return sb->s_fs_info;
}

/* Inode numbers are index entries plus one; the root is entry 0. */
static u32 kh_ino_entry(const struct inode *inode)
{
	return inode->i_ino - 1;
}

/* Decode chunk @c into a cache slot, unless one holds it already. */
static const u8 *kh_fs_chunk(struct kh_fs *fs, u32 c)
{
	const struct kh_chunk *ch = &fs->chunks[c];
	struct kh_slot *s, *victim = &fs->slot[0];
	struct xz_buf b;
	enum xz_ret ret;
	int i;

	lockdep_assert_held(&fs->lock);
	for (i = 0; i < KH_CACHE_SLOTS; i++) {
		s = &fs->slot[i];
		if (s->valid && s->chunk == c) {
			s->used = ++fs->clock;
			return s->buf;
		}
		if (!s->valid || s->used < victim->used)
			victim = s;
	}

	victim->valid = false;
	b.in = kheaders_archive + ch->c_off;
	b.in_pos = 0;
	b.in_size = ch->c_len;
	b.out = victim->buf;
	b.out_pos = 0;
	b.out_size = ch->u_len;
	ret = xz_dec_run(fs->xz, &b);
	if (ret != XZ_STREAM_END || b.out_pos != ch->u_len ||
	    b.in_pos != ch->c_len) {
		pr_err_ratelimited("kheaders: chunk %u (archive offset %u) does not decode: xz error %d\n",
				   c, ch->c_off, ret);
		return NULL;
	}
	victim->chunk = c;
	victim->valid = true;
	victim->used = ++fs->clock;
	return victim->buf;
}

/* Copy tar bytes [off, off + len) to @dst; the index vouches for them. */
static int kh_fs_copy(struct kh_fs *fs, u32 off, u8 *dst, size_t len)
{
	const struct kh_chunk *ch;
	const u8 *buf;
	size_t n;
	u32 c;
	int err = 0;

	mutex_lock(&fs->lock);
	while (len) {
		c = kh_chunk_find(fs->chunks, fs->ix.nchunks, off);
		ch = &fs->chunks[c];
		buf = kh_fs_chunk(fs, c);
		if (!buf) {
			err = -EIO;
			break;
		}
		n = min_t(size_t, len, ch->u_off + ch->u_len - off);
		memcpy(dst, buf + (off - ch->u_off), n);
		dst += n;
		off += n;
		len -= n;
	}
	mutex_unlock(&fs->lock);
	return err;
}

static int kh_read_folio(struct file *file, struct folio *folio)
{
	struct inode *inode = folio->mapping->host;
	struct kh_fs *fs = kh_sb_fs(inode->i_sb);
	loff_t pos = folio_pos(folio);
	size_t size = folio_size(folio), n = 0;
	struct kh_entry e;
	u8 *dst;
	int err = 0;

	kh_index_entry(&fs->ix, kh_ino_entry(inode), &e);
	if (pos < e.size)
		n = min_t(size_t, size, e.size - pos);

	/* Large folios are not enabled, so this is one page. */
	dst = kmap_local_folio(folio, 0);
	if (n)
		err = kh_fs_copy(fs, e.data + pos, dst, n);
	memset(dst + n, 0, size - n);
	kunmap_local(dst);

	if (!err)
		folio_mark_uptodate(folio);
	folio_unlock(folio);
	return err;
}

static const struct address_space_operations kh_aops = {
	.read_folio	= kh_read_folio,
};

static struct inode *kh_iget(struct super_block *sb, u32 i);

static struct dentry *kh_lookup(struct inode *dir, struct dentry *dentry,
				unsigned int flags)
{
	struct kh_fs *fs = kh_sb_fs(dir->i_sb);
	struct inode *inode = NULL;
	u32 found;

	if (!kh_index_lookup(&fs->ix, kh_ino_entry(dir), dentry->d_name.name,
			     dentry->d_name.len, &found)) {
		inode = kh_iget(dir->i_sb, found);
		if (IS_ERR(inode))
			return ERR_CAST(inode);
	}
	return d_splice_alias(inode, dentry);
}

static int kh_readdir(struct file *file, struct dir_context *ctx)
{
	struct inode *inode = file_inode(file);
	struct kh_fs *fs = kh_sb_fs(inode->i_sb);
	struct kh_entry d, c;
	u32 j;

	if (!dir_emit_dots(file, ctx))
		return 0;
	kh_index_entry(&fs->ix, kh_ino_entry(inode), &d);
	while (ctx->pos - 2 < d.count) {
		j = d.first + (ctx->pos - 2);
		kh_index_entry(&fs->ix, j, &c);
		if (!dir_emit(ctx, c.name, c.name_len, j + 1,
			      fs_umode_to_dtype(c.mode)))
			return 0;
		ctx->pos++;
	}
	return 0;
}

static const struct inode_operations kh_dir_iops = {
	.lookup		= kh_lookup,
};

static const struct file_operations kh_dir_fops = {
	.llseek		= generic_file_llseek,
	.read		= generic_read_dir,
	.iterate_shared	= kh_readdir,
};

static struct inode *kh_iget(struct super_block *sb, u32 i)
{
	struct kh_fs *fs = kh_sb_fs(sb);
	struct kh_entry e, c;
	struct inode *inode;
	unsigned int nlink = 2;
	u32 j;

	inode = iget_locked(sb, i + 1);
	if (!inode)
		return ERR_PTR(-ENOMEM);
	if (!(inode->i_state & I_NEW))
		return inode;

	kh_index_entry(&fs->ix, i, &e);
	inode->i_mode = e.mode;
	kh_set_times(inode, (struct timespec64){ .tv_sec = fs->ix.mtime });

	switch (e.mode & KH_MODE_TYPE) {
	case KH_MODE_DIR:
		for (j = 0; j < e.count; j++) {
			kh_index_entry(&fs->ix, e.first + j, &c);
			if ((c.mode & KH_MODE_TYPE) == KH_MODE_DIR)
				nlink++;
		}
		set_nlink(inode, nlink);
		inode->i_op = &kh_dir_iops;
		inode->i_fop = &kh_dir_fops;
		break;
	case KH_MODE_LNK:
		/* Symlink permissions are always 0777 on Linux, as tar -x makes them. */
		inode->i_mode = S_IFLNK | 0777;
		inode->i_size = e.size;
		inode->i_link = (char *)fs->ix.names + e.data;
		inode->i_op = &simple_symlink_inode_operations;
		break;
	default:
		inode->i_size = e.size;
		/* As if stored in full: du and tar --sparse look at st_blocks. */
		inode->i_blocks = DIV_ROUND_UP(e.size, 512);
		inode->i_fop = &generic_ro_fops;
		inode->i_mapping->a_ops = &kh_aops;
		break;
	}
	unlock_new_inode(inode);
	return inode;
}

static const struct super_operations kh_sops = {
	.statfs		= simple_statfs,
};

static void kh_fs_free(struct kh_fs *fs)
{
	int i;

	if (!fs)
		return;
	for (i = 0; i < KH_CACHE_SLOTS; i++)
		vfree(fs->slot[i].buf);
	if (fs->xz)
		xz_dec_end(fs->xz);
	kvfree(fs->chunks);
	kfree(fs);
}

static int kh_fill_super(struct super_block *sb, struct fs_context *fc)
{
	struct kh_fs *fs;
	struct inode *root;
	u32 i, chunk_max = 0;
	int err;

	fs = kzalloc(sizeof(*fs), GFP_KERNEL);
	if (!fs)
		return -ENOMEM;
	sb->s_fs_info = fs;
	mutex_init(&fs->lock);

	err = kh_index_parse(&fs->ix, kheaders_index, kheaders_index_size(),
			     kheaders_size());
	if (err) {
		errorfc(fc, "the built-in index is corrupt");
		return err;
	}
	fs->chunks = kvcalloc(fs->ix.nchunks, sizeof(*fs->chunks), GFP_KERNEL);
	if (!fs->chunks)
		return -ENOMEM;
	err = kh_chunks_parse(kheaders_archive, kheaders_size(), fs->chunks,
			      fs->ix.nchunks, fs->ix.tar_size);
	if (err) {
		errorfc(fc, "the built-in archive does not match its index");
		return err;
	}
	for (i = 0; i < fs->ix.nchunks; i++)
		chunk_max = max(chunk_max, fs->chunks[i].u_len);

	/* Single-call mode decodes into the slot: no dictionary to keep. */
	fs->xz = xz_dec_init(XZ_SINGLE, 0);
	if (!fs->xz)
		return -ENOMEM;
	for (i = 0; i < KH_CACHE_SLOTS; i++) {
		fs->slot[i].buf = vmalloc(chunk_max);
		if (!fs->slot[i].buf)
			return -ENOMEM;
	}

	sb->s_flags |= SB_RDONLY;
	sb->s_magic = KH_FS_MAGIC;
	sb->s_op = &kh_sops;
	sb->s_maxbytes = MAX_LFS_FILESIZE;
	sb->s_blocksize = PAGE_SIZE;
	sb->s_blocksize_bits = PAGE_SHIFT;
	sb->s_time_gran = 1;

	root = kh_iget(sb, 0);
	if (IS_ERR(root))
		return PTR_ERR(root);
	sb->s_root = d_make_root(root);
	return sb->s_root ? 0 : -ENOMEM;
}

static int kh_get_tree(struct fs_context *fc)
{
	return get_tree_single(fc, kh_fill_super);
}

static int kh_parse_param(struct fs_context *fc, struct fs_parameter *param)
{
	/* The source ("none") is the VFS's business. */
	if (!strcmp(param->key, "source"))
		return -ENOPARAM;
	return invalfc(fc, "mount option '%s' is not supported; kheaders takes none",
		       param->key);
}

static int kh_reconfigure(struct fs_context *fc)
{
	if ((fc->sb_flags_mask & SB_RDONLY) && !(fc->sb_flags & SB_RDONLY)) {
		errorfc(fc, "kheaders is read-only");
		return -EROFS;
	}
	fc->sb_flags |= SB_RDONLY;
	return 0;
}

static const struct fs_context_operations kh_context_ops = {
	.parse_param	= kh_parse_param,
	.get_tree	= kh_get_tree,
	.reconfigure	= kh_reconfigure,
};

static int kh_init_fs_context(struct fs_context *fc)
{
	/* A remount keeps its flags, so that kh_reconfigure sees "rw". */
	if (fc->purpose == FS_CONTEXT_FOR_MOUNT)
		fc->sb_flags |= SB_RDONLY;
	fc->ops = &kh_context_ops;
	return 0;
}

static void kh_kill_sb(struct super_block *sb)
{
	struct kh_fs *fs = kh_sb_fs(sb);

	kill_anon_super(sb);
	kh_fs_free(fs);
}

static struct file_system_type kh_fs_type = {
	.owner			= THIS_MODULE,
	.name			= "kheaders",
	.init_fs_context	= kh_init_fs_context,
	.kill_sb		= kh_kill_sb,
};
MODULE_ALIAS_FS("kheaders");

static int kheaders_fs_init(void)
{
	return register_filesystem(&kh_fs_type);
}

static void kheaders_fs_exit(void)
{
	unregister_filesystem(&kh_fs_type);
}
