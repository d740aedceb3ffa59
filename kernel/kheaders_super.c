// SPDX-License-Identifier: GPL-2.0-only
/*
 * kheaders filesystem: "mount -t kheaders none DIR" shows the archive's
 * tree without unpacking it.
 *
 * Metadata comes from the index made at build time (kheaders_fmt.h), so
 * mounting decodes nothing.  File data is decoded on demand, one xz
 * stream ("chunk", at most KH_CHUNK_MAX bytes of tar) at a time, with
 * the kernel's xz decoder, into one of a few slots that each have their
 * own decoder, so that readers of different chunks do not wait for each
 * other.  Once a chunk is decoded, every page of every file that lies in
 * it goes into the page cache, where it can be reclaimed: while those
 * pages stay, no reader needs that chunk decoded again, whatever order
 * it reads in.  The slots are allocated at mount and freed at unmount.
 * All mounts share one superblock; debugfs kheaders/stats counts the
 * decodes.
 *
 * This is kheaders_fs.ko, a library: kheaders.ko, which holds the archive
 * and index, registers the filesystem through kheaders_fs_register(), as
 * the owner of the filesystem type, so that a mount pins the module
 * whose data it reads.  "rmmod kheaders" then works once it is unmounted.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs_context.h>
#include <linux/highmem.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pagemap.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/magic.h>
#include <linux/statfs.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include <linux/xz.h>

#include "kheaders.h"
#include "kheaders_fmt.h"
#include "kheaders_fs_time.h"

#define KH_SLOTS	4
#define KH_NO_CHUNK	U32_MAX

/*
 * A buffer for one decoded chunk, with its own decoder, so that readers of
 * different chunks decode in parallel.
 */
struct kh_slot {
	struct mutex lock;	/* held to decode into buf or read from it */
	struct xz_dec *xz;
	u8 *buf;
	bool valid;		/* under lock: buf holds chunk, decoded */
	/* Under kh_fs.lock: */
	u32 chunk;		/* the chunk buf holds or is about to */
	unsigned int users;	/* readers holding or waiting for lock */
	unsigned long used;	/* for least-recently-used reuse */
};

struct kh_fs {
	const struct kheaders_data *data;
	struct kh_index ix;
	struct kh_chunk *chunks;
	u32 *by_data;		/* regular files' entries in tar order */
	u32 nfiles;
	struct super_block *sb;
	struct mutex lock;	/* protects the slots' chunk, users, used */
	wait_queue_head_t slot_free;
	unsigned int busy;	/* slots with users */
	unsigned long clock;
	struct kh_slot slot[KH_SLOTS];
	/* Statistics, in debugfs: how often a chunk was decoded. */
	atomic_long_t decodes;
	atomic_long_t pages_filled;
	atomic64_t decode_ns;	/* time in the xz decoder */
	atomic64_t fill_ns;	/* time handing decoded pages to others */
	unsigned long *decoded;	/* chunks decoded at least once */
	struct dentry *debugfs;
};

/* The registered archive and index (kheaders_fs_register()). */
static const struct kheaders_data *kh_data;

static struct kh_fs *kh_sb_fs(struct super_block *sb)
{
	return sb->s_fs_info;
}

/* Inode numbers are index entries plus one; the root is entry 0. */
static u32 kh_ino_entry(const struct inode *inode)
{
	return inode->i_ino - 1;
}

static struct inode *kh_iget(struct super_block *sb, u32 i);

/*
 * Put the pages of regular file entry @i (read as @e) that lie wholly in
 * the decoded chunk @c into its page cache.  Pages already there, or
 * locked by a reader (who will copy its own), are left alone; so is a
 * page that straddles two chunks, which its reader assembles.
 */
static void kh_fill_file(struct kh_fs *fs, u32 i, const struct kh_entry *e,
			 const u8 *buf, u32 c)
{
	const struct kh_chunk *ch = &fs->chunks[c];
	u32 end = ch->u_off + ch->u_len;
	struct address_space *mapping;
	struct inode *inode;
	struct folio *folio;
	pgoff_t index = 0;
	u32 pos, n;
	u8 *dst;

	if (e->data < ch->u_off)
		index = DIV_ROUND_UP(ch->u_off - e->data, PAGE_SIZE);
	if ((u64)index << PAGE_SHIFT >= e->size)
		return;
	inode = kh_iget(fs->sb, i);
	if (IS_ERR(inode))
		return;
	mapping = inode->i_mapping;
	for (; (u64)index << PAGE_SHIFT < e->size; index++) {
		pos = index << PAGE_SHIFT;
		n = min_t(u32, PAGE_SIZE, e->size - pos);
		if (e->data + pos + n > end)
			break;
		folio = __filemap_get_folio(mapping, index,
					    FGP_LOCK | FGP_CREAT | FGP_NOWAIT,
					    readahead_gfp_mask(mapping));
		if (IS_ERR_OR_NULL(folio))
			continue;
		if (!folio_test_uptodate(folio)) {
			dst = kmap_local_folio(folio, 0);
			memcpy(dst, buf + (e->data + pos - ch->u_off), n);
			memset(dst + n, 0, PAGE_SIZE - n);
			kunmap_local(dst);
			folio_mark_uptodate(folio);
			atomic_long_inc(&fs->pages_filled);
		}
		folio_unlock(folio);
		folio_put(folio);
	}
	iput(inode);
}

/*
 * Decode chunk @c into slot @s (its lock held), then hand its data to the
 * page cache of every file in it, so that no reader needs it decoded again
 * while the page cache keeps those pages.
 */
static int kh_decode(struct kh_fs *fs, struct kh_slot *s, u32 c)
{
	const struct kh_chunk *ch = &fs->chunks[c];
	struct kh_entry e;
	struct xz_buf b = {
		.in = fs->data->archive + ch->c_off,
		.in_size = ch->c_len,
		.out = s->buf,
		.out_size = ch->u_len,
	};
	enum xz_ret ret;
	u32 lo = 0, hi = fs->nfiles, mid;
	u64 t0, t1;

	lockdep_assert_held(&s->lock);
	t0 = ktime_get_ns();
	ret = xz_dec_run(s->xz, &b);
	t1 = ktime_get_ns();
	atomic64_add(t1 - t0, &fs->decode_ns);
	if (ret != XZ_STREAM_END || b.out_pos != ch->u_len ||
	    b.in_pos != ch->c_len) {
		pr_err_ratelimited("chunk %u (archive offset %u) does not decode: xz error %d\n",
				   c, ch->c_off, ret);
		return -EIO;
	}
	s->valid = true;
	atomic_long_inc(&fs->decodes);
	set_bit(c, fs->decoded);

	/* The first file that ends after the chunk's start. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		kh_index_entry(&fs->ix, fs->by_data[mid], &e);
		if (e.data + e.size <= ch->u_off)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < fs->nfiles; lo++) {
		kh_index_entry(&fs->ix, fs->by_data[lo], &e);
		if (e.data >= ch->u_off + ch->u_len)
			break;
		kh_fill_file(fs, fs->by_data[lo], &e, s->buf, c);
	}
	atomic64_add(ktime_get_ns() - t1, &fs->fill_ns);
	return 0;
}

/*
 * A slot for chunk @c: the one that holds it or is being filled with it,
 * else the least recently used idle one, else none.
 */
static struct kh_slot *kh_slot_find(struct kh_fs *fs, u32 c)
{
	struct kh_slot *s, *idle = NULL;
	int i;

	lockdep_assert_held(&fs->lock);
	for (i = 0; i < KH_SLOTS; i++) {
		s = &fs->slot[i];
		if (s->chunk == c)
			return s;
		if (!s->users && (!idle || s->used < idle->used))
			idle = s;
	}
	if (idle) {
		/* Nobody holds or waits for its lock. */
		idle->chunk = c;
		idle->valid = false;
	}
	return idle;
}

static void kh_slot_put(struct kh_fs *fs, struct kh_slot *s)
{
	bool wake;

	mutex_unlock(&s->lock);
	mutex_lock(&fs->lock);
	wake = !--s->users;
	if (wake)
		fs->busy--;
	mutex_unlock(&fs->lock);
	if (wake)
		wake_up(&fs->slot_free);
}

/*
 * Chunk @c, decoded, in a slot whose lock the caller then holds until
 * kh_slot_put().  Readers of one chunk wait for its one decode; readers
 * of other chunks do not, unless every slot is in use.
 */
static struct kh_slot *kh_slot_get(struct kh_fs *fs, u32 c)
{
	struct kh_slot *s;

	for (;;) {
		mutex_lock(&fs->lock);
		s = kh_slot_find(fs, c);
		if (s)
			break;
		mutex_unlock(&fs->lock);
		wait_event(fs->slot_free, READ_ONCE(fs->busy) < KH_SLOTS);
	}
	if (!s->users++)
		fs->busy++;
	s->used = ++fs->clock;
	mutex_unlock(&fs->lock);

	mutex_lock(&s->lock);
	if (!s->valid && kh_decode(fs, s, c)) {
		kh_slot_put(fs, s);
		return NULL;
	}
	return s;
}

/* kh_read_tar() into a folio, through the chunk slots. */
struct kh_folio_read {
	struct kh_fs *fs;
	struct kh_slot *slot;
	struct folio *folio;
};

static const u8 *kh_folio_get(void *ctx, u32 c)
{
	struct kh_folio_read *r = ctx;

	r->slot = kh_slot_get(r->fs, c);
	return r->slot ? r->slot->buf : NULL;
}

/* The folio is mapped only for the copy, never across a decode. */
static void kh_folio_copy(void *ctx, size_t at, const u8 *src, size_t n)
{
	struct kh_folio_read *r = ctx;
	/* Large folios are not enabled, so this is one page. */
	u8 *dst = kmap_local_folio(r->folio, at);

	memcpy(dst, src, n);
	kunmap_local(dst);
}

static void kh_folio_put(void *ctx)
{
	struct kh_folio_read *r = ctx;

	kh_slot_put(r->fs, r->slot);
}

static const struct kh_read_ops kh_folio_ops = {
	.get	= kh_folio_get,
	.copy	= kh_folio_copy,
	.put	= kh_folio_put,
};

/* Fill @folio of the file at entry @e, zeroing what lies past its end. */
static int kh_read_into(struct kh_fs *fs, const struct kh_entry *e,
			struct folio *folio)
{
	struct kh_folio_read r = { .fs = fs, .folio = folio };
	size_t size = folio_size(folio), len = 0;
	loff_t pos = folio_pos(folio);
	int err;

	if (pos < e->size)
		len = min_t(size_t, size, e->size - pos);
	err = kh_read_tar(fs->chunks, fs->ix.nchunks, e->data + pos, len,
			  &kh_folio_ops, &r);
	if (err)
		return err;
	folio_zero_segment(folio, len, size);
	return 0;
}

static int kh_read_folio(struct file *file, struct folio *folio)
{
	struct inode *inode = folio->mapping->host;
	struct kh_fs *fs = kh_sb_fs(inode->i_sb);
	struct kh_entry e;
	int err;

	kh_index_entry(&fs->ix, kh_ino_entry(inode), &e);
	err = kh_read_into(fs, &e, folio);
	if (!err)
		folio_mark_uptodate(folio);
	folio_unlock(folio);
	return err;
}

static void kh_readahead(struct readahead_control *rac)
{
	struct inode *inode = rac->mapping->host;
	struct kh_fs *fs = kh_sb_fs(inode->i_sb);
	struct folio *folio;
	struct kh_entry e;

	kh_index_entry(&fs->ix, kh_ino_entry(inode), &e);
	while ((folio = readahead_folio(rac))) {
		if (!kh_read_into(fs, &e, folio))
			folio_mark_uptodate(folio);
		folio_unlock(folio);
	}
}

static const struct address_space_operations kh_aops = {
	.read_folio	= kh_read_folio,
	.readahead	= kh_readahead,
};

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

static int kh_stats_show(struct seq_file *m, void *v)
{
	struct kh_fs *fs = m->private;

	seq_printf(m, "chunks %u\n", fs->ix.nchunks);
	seq_printf(m, "decodes %ld\n", atomic_long_read(&fs->decodes));
	seq_printf(m, "chunks_decoded %u\n",
		   bitmap_weight(fs->decoded, fs->ix.nchunks));
	seq_printf(m, "pages_filled %ld\n",
		   atomic_long_read(&fs->pages_filled));
	seq_printf(m, "decode_us %llu\n",
		   div_u64(atomic64_read(&fs->decode_ns), NSEC_PER_USEC));
	seq_printf(m, "fill_us %llu\n",
		   div_u64(atomic64_read(&fs->fill_ns), NSEC_PER_USEC));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kh_stats);

static void kh_fs_free(struct kh_fs *fs)
{
	int i;

	if (!fs)
		return;
	/* Waits for readers of the statistics. */
	debugfs_remove(fs->debugfs);
	for (i = 0; i < KH_SLOTS; i++) {
		vfree(fs->slot[i].buf);
		xz_dec_end(fs->slot[i].xz);
		mutex_destroy(&fs->slot[i].lock);
	}
	bitmap_free(fs->decoded);
	kvfree(fs->by_data);
	kvfree(fs->chunks);
	mutex_destroy(&fs->lock);
	kfree(fs);
}

static int kh_cmp_data(const void *a, const void *b, const void *priv)
{
	const struct kh_index *ix = priv;
	struct kh_entry ea, eb;

	kh_index_entry(ix, *(const u32 *)a, &ea);
	kh_index_entry(ix, *(const u32 *)b, &eb);
	return ea.data < eb.data ? -1 : ea.data > eb.data;
}

/* The regular files, in the order of their data in the tar. */
static int kh_files_by_data(struct kh_fs *fs)
{
	struct kh_entry e;
	u32 i;

	fs->by_data = kvmalloc_array(fs->ix.nentries, sizeof(*fs->by_data),
				     GFP_KERNEL);
	if (!fs->by_data)
		return -ENOMEM;
	for (i = 0; i < fs->ix.nentries; i++) {
		kh_index_entry(&fs->ix, i, &e);
		if ((e.mode & KH_MODE_TYPE) == KH_MODE_REG)
			fs->by_data[fs->nfiles++] = i;
	}
	sort_r(fs->by_data, fs->nfiles, sizeof(*fs->by_data), kh_cmp_data,
	       NULL, &fs->ix);
	return 0;
}

static int kh_fill_super(struct super_block *sb, struct fs_context *fc)
{
	struct kh_slot *s;
	struct kh_fs *fs;
	struct inode *root;
	u32 i, chunk_max = 0;
	int err;

	fs = kzalloc(sizeof(*fs), GFP_KERNEL);
	if (!fs)
		return -ENOMEM;
	sb->s_fs_info = fs;
	fs->sb = sb;
	mutex_init(&fs->lock);
	init_waitqueue_head(&fs->slot_free);
	for (i = 0; i < KH_SLOTS; i++) {
		mutex_init(&fs->slot[i].lock);
		fs->slot[i].chunk = KH_NO_CHUNK;
	}

	fs->data = kh_data;
	err = kh_index_parse(&fs->ix, fs->data->index, fs->data->index_size,
			     fs->data->archive_size);
	if (err) {
		errorfc(fc, "the built-in index is corrupt");
		return err;
	}
	fs->chunks = kvcalloc(fs->ix.nchunks, sizeof(*fs->chunks), GFP_KERNEL);
	if (!fs->chunks)
		return -ENOMEM;
	err = kh_chunks_parse(fs->data->archive, fs->data->archive_size, fs->chunks,
			      fs->ix.nchunks, fs->ix.tar_size);
	if (err) {
		errorfc(fc, "the built-in archive does not match its index");
		return err;
	}
	for (i = 0; i < fs->ix.nchunks; i++)
		chunk_max = max(chunk_max, fs->chunks[i].u_len);
	fs->decoded = bitmap_zalloc(fs->ix.nchunks, GFP_KERNEL);
	if (!fs->decoded)
		return -ENOMEM;
	err = kh_files_by_data(fs);
	if (err)
		return err;

	/* Single-call mode decodes into the slot: no dictionary to keep. */
	for (i = 0; i < KH_SLOTS; i++) {
		s = &fs->slot[i];
		s->xz = xz_dec_init(XZ_SINGLE, 0);
		s->buf = vmalloc(chunk_max);
		if (!s->xz || !s->buf)
			return -ENOMEM;
	}

	/* A real bdi, so that the VFS reads ahead. */
	err = super_setup_bdi(sb);
	if (err)
		return err;

	sb->s_flags |= SB_RDONLY;
	sb->s_magic = KHEADERS_FS_MAGIC;
	sb->s_op = &kh_sops;
	sb->s_maxbytes = MAX_LFS_FILESIZE;
	sb->s_blocksize = PAGE_SIZE;
	sb->s_blocksize_bits = PAGE_SHIFT;
	sb->s_time_gran = 1;

	root = kh_iget(sb, 0);
	if (IS_ERR(root))
		return PTR_ERR(root);
	sb->s_root = d_make_root(root);
	if (!sb->s_root)
		return -ENOMEM;

	fs->debugfs = debugfs_create_dir("kheaders", NULL);
	debugfs_create_file("stats", 0400, fs->debugfs, fs, &kh_stats_fops);
	return 0;
}

static int kh_get_tree(struct fs_context *fc)
{
	return get_tree_single(fc, kh_fill_super);
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

/* .owner is the module that holds the data, set at registration. */
static struct file_system_type kh_fs_type = {
	.name			= "kheaders",
	.init_fs_context	= kh_init_fs_context,
	.kill_sb		= kh_kill_sb,
};

/**
 * kheaders_fs_register - offer an archive as the kheaders filesystem
 * @owner: the module holding @data; a mount pins it
 * @data: the archive and its index, which must outlive the registration
 *
 * Return: 0, or the error of register_filesystem().
 */
int kheaders_fs_register(struct module *owner, const struct kheaders_data *data)
{
	kh_data = data;
	kh_fs_type.owner = owner;
	return register_filesystem(&kh_fs_type);
}
EXPORT_SYMBOL_NS_GPL(kheaders_fs_register, KHEADERS);

/**
 * kheaders_fs_unregister - withdraw the filesystem
 *
 * Called by the owner before its data goes; no mount can exist by then,
 * since each pins the owner.
 */
void kheaders_fs_unregister(void)
{
	unregister_filesystem(&kh_fs_type);
	kh_data = NULL;
}
EXPORT_SYMBOL_NS_GPL(kheaders_fs_unregister, KHEADERS);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Read-only filesystem over the kheaders archive");
