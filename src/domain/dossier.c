/*
 * dossier.c - content-addressed storage of dossier files. See dossier.h.
 */
#include "domain/dossier.h"

#include "core/util.h"
#include "domain/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *dossier_sniff(const unsigned char *h, size_t n)
{
	if (n >= 5 && !memcmp(h, "%PDF-", 5))
		return "application/pdf";
	if (n >= 8 && !memcmp(h, "\x89PNG\r\n\x1a\n", 8))
		return "image/png";
	if (n >= 3 && !memcmp(h, "\xff\xd8\xff", 3))
		return "image/jpeg";
	if (n >= 6 && (!memcmp(h, "GIF87a", 6) || !memcmp(h, "GIF89a", 6)))
		return "image/gif";
	if (n >= 4 && (!memcmp(h, "II*\0", 4) || !memcmp(h, "MM\0*", 4)))
		return "image/tiff";
	if (n >= 4 && !memcmp(h, "PK\x03\x04", 4))
		return "application/zip"; /* docx, xlsx, ofd are zip containers */
	if (n >= 8 && !memcmp(h, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8))
		return "application/x-ole-storage"; /* doc, xls */
	if (n >= 4 && (!memcmp(h, "RIFF", 4)))
		return "audio/wav";
	if (n >= 8 && !memcmp(h + 4, "ftyp", 4))
		return "video/mp4";
	if (n >= 3 && !memcmp(h, "ID3", 3))
		return "audio/mpeg";
	/* plain text: valid UTF-8 without control bytes other than tab, CR, LF (the head may cut a
	 * character in two at its end: allow 3 bytes of slack) */
	for (size_t i = 0; i < n; i++)
		if (h[i] < 0x20 && h[i] != '\t' && h[i] != '\n' && h[i] != '\r')
			return NULL;
	for (size_t cut = 0; n && cut < 4 && cut < n; cut++)
		if (util_utf8_valid((const char *)h, n - cut))
			return "text/plain";
	return NULL;
}

void dossier_path(const char *data_dir, const char *hex, char *out, size_t cap)
{
	snprintf(out, cap, "%s/files/%.2s/%.2s/%s", data_dir, hex, hex + 2, hex);
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int r = fsync(fd);
	close(fd);
	return r;
}

/* Move the temporary file into the content store unless the content is there already. */
static int store_content(const char *data_dir, const char *hex, const char *tmp, err *e)
{
	char dir[700], path[800];
	snprintf(dir, sizeof dir, "%s/files", data_dir);
	mkdir(dir, 0700);
	snprintf(dir, sizeof dir, "%s/files/%.2s", data_dir, hex);
	mkdir(dir, 0700);
	snprintf(dir, sizeof dir, "%s/files/%.2s/%.2s", data_dir, hex, hex + 2);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return err_set(e, E_IO, NULL, "无法创建文件目录");
	dossier_path(data_dir, hex, path, sizeof path);
	struct stat st;
	if (stat(path, &st) == 0) {
		unlink(tmp); /* the same content is stored once */
		return OK;
	}
	if (rename(tmp, path) != 0 || fsync_dir(dir) != 0)
		return err_set(e, E_IO, NULL, "保存文件失败");
	return OK;
}

int dossier_add(store *db, const principal *who, const char *data_dir, int64_t matter_id, const dossier_upload *up,
                int64_t *out_seq, err *e)
{
	int rc = OK;
	char hex[65], now[32], sid[24];
	arena *a = arena_new();
	json_t *p = NULL;
	store_matter m;
	if (!a)
		return err_set(e, E_NOMEM, NULL, "out of memory");
	static const char hx[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		hex[2 * i] = hx[up->sha256[i] >> 4];
		hex[2 * i + 1] = hx[up->sha256[i] & 15];
	}
	hex[64] = 0;
	const char *mime = dossier_sniff(up->head, up->head_len);
	if (!mime) {
		rc = err_set(e, E_MEDIATYPE, "file",
		             "不支持的文件类型：请上传 PDF、图片（PNG/JPEG/TIFF）、Office 文档、音视频或纯文本");
		goto done;
	}
	const char *name = up->name && *up->name ? up->name : "未命名文件";
	if (strlen(name) > 255 || !util_utf8_valid(name, strlen(name)) || strchr(name, '/')) {
		rc = err_set(e, E_INVALID, "name", "文件名无效（最多 255 字节，不能含 /）");
		goto done;
	}
	util_now_iso(now, sizeof now);
	p = json_pack("{s:s,s:s,s:s,s:I}", "sha256", hex, "name", name, "mime", mime, "size", (json_int_t)up->size);
	if (!p) {
		rc = err_set(e, E_NOMEM, NULL, "out of memory");
		goto done;
	}
	if ((rc = store_tx_begin(db, e)) || (rc = store_matter_get(db, matter_id, a, &m, e)))
		goto done;
	if (strcmp(m.status, "open")) {
		rc = err_set(e, E_CONFLICT, NULL, "案件已结案，不能再上传卷宗");
		goto done;
	}
	store_file f = { hex, "", now, (int64_t)up->size };
	f.mime = mime;
	int64_t seq;
	snprintf(sid, sizeof sid, "%lld", (long long)matter_id);
	if ((rc = store_file_insert(db, &f, e)) ||
	    (rc = audit_record_subject(db, who, "matter", sid, "dossier.file_added", hex, p, &seq, e)))
		goto done;
	store_matter_file mf = { .matter_id = matter_id,
		                 .sha256 = hex,
		                 .name = name,
		                 .unit_id = who->unit_id,
		                 .uploaded_by = who->user_id,
		                 .uploaded_at = now,
		                 .log_seq = seq };
	if ((rc = store_matter_file_insert(db, &mf, NULL, e)))
		goto done;
	/* The content goes in place before the commit: a crash between leaves an unreferenced file,
	 * never a reference to a missing one. */
	if ((rc = store_content(data_dir, hex, up->tmp_path, e)) || (rc = store_tx_commit(db, e)))
		goto done;
	if (out_seq)
		*out_seq = seq;
done:
	if (store_in_tx(db))
		store_tx_rollback(db);
	json_decref(p);
	arena_free(a);
	return rc;
}

int dossier_find(store *db, int64_t matter_id, const char *sha256_hex, arena *a, const char **out_name,
                 const char **out_mime, err *e)
{
	store_matter_file *files;
	size_t n;
	int rc = store_matter_file_list(db, matter_id, a, &files, &n, e);
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(files[i].sha256, sha256_hex)) {
			*out_name = files[i].name;
			*out_mime = files[i].mime;
			return OK;
		}
	return err_set(e, E_NOTFOUND, "sha256", "本案卷宗中没有这个文件");
}
