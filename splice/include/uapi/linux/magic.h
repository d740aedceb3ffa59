#define KHEADERS_FS_MAGIC	0x6b686673	/* "khfs" */
