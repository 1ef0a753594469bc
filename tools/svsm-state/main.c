/*
 * svsm-state: the host tool for the SVSM's persistent state image (docs/state.md
 * "svsm-state"): create a blank image, inspect it without the key, dump it with the key,
 * move libtpms state in from and out to an swtpm state directory, replace one record, and
 * verify and print the SVSM's persistent log. Every operation that
 * writes does all its checks and crypto first and writes through lib/state_store's commit
 * (torn-write safe), so a failed operation leaves the image as it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log_store.h"
#include "lib/state_store.h"
#include "tools/svsm-state/swtpm_blob.h"

#define SWTPM_PERMALL  "tpm2-00.permall"
#define SWTPM_VOLATILE "tpm2-00.volatilestate"
#define FILE_MAX       (4u * 1024u * 1024u)

static const char *prog = "svsm-state";

struct opts {
	const char *image;
	const char *key;
	const char *size;
	const char *record;
	const char *out;
	const char *in;
	const char *swtpm_dir;
	int help;
};

static const char usage_main[] =
	"usage: svsm-state COMMAND IMAGE [options]   (svsm-state COMMAND --help for details)\n"
	"  create IMAGE --size N[K|M|G] [--key KEYFILE]  new blank (or formatted) image\n"
	"  inspect IMAGE                                 slots, generations, records (no key)\n"
	"  dump IMAGE --key KEYFILE [--record TYPE --out FILE]\n"
	"                                                verify and decrypt; write one record\n"
	"  import-swtpm IMAGE --key KEYFILE --swtpm-dir DIR   swtpm's TPM 2 state into IMAGE\n"
	"  export-swtpm IMAGE --key KEYFILE --swtpm-dir DIR   IMAGE's TPM state to swtpm\n"
	"  put IMAGE --key KEYFILE --record TYPE --in FILE    replace one record (new generation)\n"
	"  logs IMAGE --key KEYFILE                      verify and print the SVSM's saved log\n"
	"KEYFILE: the 32-byte state secret the KBS releases, raw (32 bytes) or 64 hex digits.\n"
	"Record TYPEs: vtpm, vtpm-volatile, uefi-vars, log, uefi-mm (or 1..5).\n";

static const char usage_create[] =
	"usage: svsm-state create IMAGE --size N[K|M|G] [--key KEYFILE]\n"
	"Create IMAGE (it must not exist) as a zero-filled sparse file of N bytes (a multiple\n"
	"of 512, at least 16K). Without --key the image is blank: the SVSM formats it at its\n"
	"first boot after attestation. With --key it is formatted now (generation 1, no records).\n"
	"Each slot uses up to 4 MiB, so sizes above 8M leave the rest unused.\n";
static const char usage_inspect[] =
	"usage: svsm-state inspect IMAGE\n"
	"Print both slots' headers as stored - generation, key id, record types, sizes and\n"
	"sectors - without the key. Nothing is authenticated; use dump to verify.\n"
	"Exit status 0 if at least one header parses, 1 otherwise.\n";
static const char usage_dump[] =
	"usage: svsm-state dump IMAGE --key KEYFILE [--record TYPE --out FILE]\n"
	"Authenticate both slots, choose the one the SVSM would load, and print its generation\n"
	"and records. With --record, write that record's plaintext to FILE (- for stdout).\n";
static const char usage_import[] =
	"usage: svsm-state import-swtpm IMAGE --key KEYFILE --swtpm-dir DIR\n"
	"Read DIR/tpm2-00.permall (and DIR/tpm2-00.volatilestate if present) as written by\n"
	"swtpm without --key, strip swtpm's blob header, and commit them as the vtpm (and\n"
	"vtpm-volatile) records of IMAGE as a new generation. A blank IMAGE is formatted; any\n"
	"other IMAGE must open with KEYFILE, and its other records are kept.\n";
static const char usage_export[] =
	"usage: svsm-state export-swtpm IMAGE --key KEYFILE --swtpm-dir DIR\n"
	"Write IMAGE's vtpm record to DIR/tpm2-00.permall with swtpm's blob header (and its\n"
	"vtpm-volatile record to DIR/tpm2-00.volatilestate, or remove a stale one), each via a\n"
	"temporary file and rename. Run swtpm on DIR without --key. IMAGE is only read.\n";

static const char usage_put[] =
	"usage: svsm-state put IMAGE --key KEYFILE --record TYPE --in FILE\n"
	"Load IMAGE as dump does, replace record TYPE with the bytes of FILE (- for stdin; an\n"
	"empty FILE removes the record) and commit them as the next generation; the other\n"
	"records are kept. With dump --record this edits a record by hand (e.g. the tests'\n"
	"tampering with the log).\n";
static const char usage_logs[] =
	"usage: svsm-state logs IMAGE --key KEYFILE\n"
	"Load IMAGE as dump does, verify the SVSM's log record (each entry's chain value, the\n"
	"anchor of the oldest entry, the header MAC; docs/logging.md \"Persistence\") and print\n"
	"one line per entry, oldest first:\n"
	"  boot N seq S time_us T level L cpu C TEXT\n"
	"N counts the SVSM's boots since the log began, S is the line's number in its boot, T\n"
	"microseconds since that boot's reset, L error|warn|info|debug|raw (+partial,\n"
	"+truncated); bytes outside printable ASCII in TEXT are shown as \\xNN. Lines lost\n"
	"inside a boot (the ring overflowed before a commit) are reported as such. Exit 0 if\n"
	"the log verifies; 1 if it does not (the entries before the break are printed, then\n"
	"the break: which entry, boot and seq) or if IMAGE has no log.\n";

__attribute__((format(printf, 1, 2))) static int die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

/* --- the image as a state_dev --- */

struct image {
	int fd;
	uint64_t sectors;
	struct state_dev dev;
};

static enum svsm_err img_read(void *ctx, uint64_t lba, void *buf, uint32_t n)
{
	struct image *im = ctx;
	size_t len = (size_t)n * STATE_SECTOR_SIZE;

	if (lba > im->sectors || n > im->sectors - lba) {
		return SVSM_E_IO;
	}
	return pread(im->fd, buf, len, (off_t)(lba * STATE_SECTOR_SIZE)) == (ssize_t)len
		       ? SVSM_OK : SVSM_E_IO;
}

static enum svsm_err img_write(void *ctx, uint64_t lba, const void *buf, uint32_t n)
{
	struct image *im = ctx;
	size_t len = (size_t)n * STATE_SECTOR_SIZE;

	if (lba > im->sectors || n > im->sectors - lba) {
		return SVSM_E_IO;
	}
	return pwrite(im->fd, buf, len, (off_t)(lba * STATE_SECTOR_SIZE)) == (ssize_t)len
		       ? SVSM_OK : SVSM_E_IO;
}

static enum svsm_err img_flush(void *ctx)
{
	struct image *im = ctx;

	return fsync(im->fd) == 0 ? SVSM_OK : SVSM_E_IO;
}

static int image_open(struct image *im, const char *path, bool writable)
{
	struct stat sb;

	im->fd = open(path, writable ? O_RDWR : O_RDONLY);
	if (im->fd < 0) {
		return die("%s: %s", path, strerror(errno));
	}
	if (fstat(im->fd, &sb) != 0 || (!S_ISREG(sb.st_mode) && !S_ISBLK(sb.st_mode))) {
		close(im->fd);
		return die("%s: not a regular file", path);
	}
	if (sb.st_size % STATE_SECTOR_SIZE != 0) {
		close(im->fd);
		return die("%s: size %lld is not a multiple of %u (truncated image?)", path,
			   (long long)sb.st_size, STATE_SECTOR_SIZE);
	}
	im->sectors = (uint64_t)sb.st_size / STATE_SECTOR_SIZE;
	if (state_slot_sectors(im->sectors) == 0) {
		close(im->fd);
		return die("%s: %lld bytes is too small for a state image (at least %u)", path,
			   (long long)sb.st_size, 2 * STATE_SLOT_SECTORS_MIN * STATE_SECTOR_SIZE);
	}
	im->dev = (struct state_dev){im, im->sectors, img_read, img_write, img_flush};
	return 0;
}

/* --- files --- */

static int read_file(const char *path, uint8_t **data, size_t *size, bool quiet_missing)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t n;

	*data = NULL;
	*size = 0;
	if (f == NULL) {
		if (quiet_missing && errno == ENOENT) {
			return 0;
		}
		return die("%s: %s", path, strerror(errno));
	}
	buf = malloc(FILE_MAX + 1);
	if (buf == NULL) {
		fclose(f);
		return die("out of memory");
	}
	n = fread(buf, 1, FILE_MAX + 1, f);
	if (ferror(f) || n > FILE_MAX) {
		fclose(f);
		free(buf);
		return die("%s: %s", path, n > FILE_MAX ? "file too large" : "read error");
	}
	fclose(f);
	*data = buf;
	*size = n;
	return 0;
}

/* Writes @path via a temporary file in the same directory and rename(). */
static int write_file_atomic(const char *path, const uint8_t *data, size_t size, mode_t mode)
{
	char tmp[4096];
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.svsm-state.tmp", path) >= (int)sizeof(tmp)) {
		return die("%s: path too long", path);
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0) {
		return die("%s: %s", tmp, strerror(errno));
	}
	if (write(fd, data, size) != (ssize_t)size || fsync(fd) != 0) {
		close(fd);
		unlink(tmp);
		return die("%s: write failed", tmp);
	}
	close(fd);
	if (rename(tmp, path) != 0) {
		unlink(tmp);
		return die("%s: %s", path, strerror(errno));
	}
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

/* KEYFILE: exactly 32 raw bytes, or 64 hex digits with optional surrounding whitespace. */
static int load_keys(const char *path, struct state_keys *keys)
{
	uint8_t secret[STATE_SECRET_SIZE];
	uint8_t *data = NULL;
	size_t size = 0, start = 0, end, i;
	int rc;

	if (path == NULL) {
		return die("--key KEYFILE is required");
	}
	if (read_file(path, &data, &size, false) != 0) {
		return 1;
	}
	end = size;
	if (size == STATE_SECRET_SIZE) {
		memcpy(secret, data, sizeof(secret));
	} else {
		while (start < end && strchr(" \t\r\n", data[start]) != NULL) {
			start++;
		}
		while (end > start && strchr(" \t\r\n", data[end - 1]) != NULL) {
			end--;
		}
		if (end - start != 2 * STATE_SECRET_SIZE) {
			free(data);
			return die("%s: expected 32 raw bytes or 64 hex digits, got %zu bytes", path,
				   size);
		}
		for (i = 0; i < STATE_SECRET_SIZE; i++) {
			int hi = hexval(data[start + 2 * i]), lo = hexval(data[start + 2 * i + 1]);

			if (hi < 0 || lo < 0) {
				free(data);
				return die("%s: not a hex digit at offset %zu", path, start + 2 * i);
			}
			secret[i] = (uint8_t)(hi << 4 | lo);
		}
	}
	memset(data, 0, size);
	free(data);
	rc = state_keys_derive(secret, keys) == SVSM_OK ? 0 : die("key derivation failed");
	memset(secret, 0, sizeof(secret));
	return rc;
}

static void print_key_id(const uint8_t *id)
{
	uint32_t i;

	for (i = 0; i < STATE_KEY_ID_SIZE; i++) {
		printf("%02x", id[i]);
	}
}

static void print_records(const struct state *st)
{
	uint32_t t, n = 0;

	for (t = 1; t <= STATE_REC_TYPE_MAX; t++) {
		if (st->rec[t].data != NULL) {
			printf("  record %-14s %8u bytes\n", state_rec_type_name(t), st->rec[t].size);
			n++;
		}
	}
	if (n == 0) {
		printf("  (no records)\n");
	}
}

/* Loads IMAGE with @keys; a failure prints the store's message and each slot's. */
static int load_state(struct image *im, const char *path, const struct state_keys *keys,
		      struct state *st, bool blank_ok, bool *blank)
{
	struct state_report rep;
	enum svsm_err err = state_load(&im->dev, keys, st, &rep);

	*blank = false;
	if (err == SVSM_E_NOT_FOUND && blank_ok) {
		*blank = true;
		return 0;
	}
	if (err != SVSM_OK) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, rep.msg);
		return 1;
	}
	return 0;
}

/* --- commands --- */

static int parse_size(const char *s, uint64_t *out)
{
	char *end = NULL;
	unsigned long long v;
	uint64_t mul = 1;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s) {
		return -1;
	}
	if (*end == 'K' || *end == 'k') {
		mul = 1024;
		end++;
	} else if (*end == 'M' || *end == 'm') {
		mul = 1024 * 1024;
		end++;
	} else if (*end == 'G' || *end == 'g') {
		mul = 1024ull * 1024 * 1024;
		end++;
	}
	if (*end != '\0' || v > (64ull << 30) / mul) {
		return -1;
	}
	*out = v * mul;
	return 0;
}

static int cmd_create(const struct opts *o)
{
	struct state_keys keys;
	struct image im;
	struct state st;
	struct state_report rep;
	uint64_t size = 0;
	int fd;

	if (o->size == NULL || parse_size(o->size, &size) != 0) {
		return die("create: --size N[K|M|G] is required (got %s)", o->size ? o->size : "none");
	}
	if (size % STATE_SECTOR_SIZE != 0 || size < 2 * STATE_SLOT_SECTORS_MIN * STATE_SECTOR_SIZE) {
		return die("create: size %llu must be a multiple of 512 and at least %u",
			   (unsigned long long)size, 2 * STATE_SLOT_SECTORS_MIN * STATE_SECTOR_SIZE);
	}
	if (o->key != NULL && load_keys(o->key, &keys) != 0) {
		return 1;
	}
	fd = open(o->image, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		return die("%s: %s%s", o->image, strerror(errno),
			   errno == EEXIST ? " (create never overwrites an image)" : "");
	}
	if (ftruncate(fd, (off_t)size) != 0 || fsync(fd) != 0) {
		close(fd);
		unlink(o->image);
		return die("%s: %s", o->image, strerror(errno));
	}
	close(fd);
	if (o->key != NULL) {
		if (image_open(&im, o->image, true) != 0) {
			unlink(o->image);
			return 1;
		}
		if (state_format(&im.dev, &keys, &st, &rep) != SVSM_OK) {
			close(im.fd);
			unlink(o->image);
			return die("%s: format: %s", o->image, rep.msg);
		}
		close(im.fd);
		state_keys_wipe(&keys);
		printf("%s: %llu bytes, formatted: generation 1, no records\n", o->image,
		       (unsigned long long)size);
		return 0;
	}
	printf("%s: %llu bytes, blank (the SVSM formats it at first boot)\n", o->image,
	       (unsigned long long)size);
	return 0;
}

static int cmd_inspect(const struct opts *o)
{
	struct image im;
	struct state_header_info info;
	struct state_report rep;
	uint8_t sector[STATE_SECTOR_SIZE];
	uint32_t ss, i, r;
	int parsed = 0;
	int blank = 0;

	if (image_open(&im, o->image, false) != 0) {
		return 1;
	}
	ss = state_slot_sectors(im.sectors);
	printf("image %s: %llu sectors; two slots of %u sectors\n", o->image,
	       (unsigned long long)im.sectors, ss);
	for (i = 0; i < 2; i++) {
		uint64_t lba = state_slot_lba(ss, i);

		printf("slot %c (sector %llu): ", i == 0 ? 'A' : 'B', (unsigned long long)lba);
		if (img_read(&im, lba, sector, 1) != SVSM_OK) {
			printf("read error\n");
			continue;
		}
		if (state_header_peek(sector, i, ss, &info, &rep) != SVSM_OK) {
			printf("%s\n", info.blank ? "blank" : rep.msg);
			blank += info.blank;
			continue;
		}
		parsed++;
		printf("format %u, generation %llu, %u records, %u sectors used, key id ",
		       info.version, (unsigned long long)info.generation, info.record_count,
		       info.used_sectors);
		print_key_id(info.key_id);
		printf("\n");
		for (r = 0; r < info.record_count; r++) {
			printf("  record %u: %-14s %8u bytes at sector %u\n", r,
			       state_rec_type_name(info.rec[r].type), info.rec[r].size,
			       info.rec[r].offset);
		}
	}
	printf("(not authenticated: header MACs and record tags need the key; see dump)\n");
	close(im.fd);
	if (blank == 2) {
		printf("image is blank: the SVSM formats it at first boot\n");
		return 0;
	}
	return parsed > 0 ? 0 : 1;
}

static int cmd_dump(const struct opts *o)
{
	struct state_keys keys;
	struct image im;
	struct state st;
	const uint8_t *data = NULL;
	uint32_t size = 0, type = 0;
	bool blank;
	int rc = 1;

	memset(&st, 0, sizeof(st));
	if (o->record != NULL) {
		type = state_rec_type_parse(o->record);
		if (type == 0) {
			return die("dump: unknown record type %s", o->record);
		}
		if (o->out == NULL) {
			return die("dump: --record needs --out FILE (- for stdout)");
		}
	}
	if (load_keys(o->key, &keys) != 0 || image_open(&im, o->image, false) != 0) {
		return 1;
	}
	if (load_state(&im, o->image, &keys, &st, false, &blank) != 0) {
		goto out;
	}
	if (type != 0) {
		if (state_get(&st, type, &data, &size) != SVSM_OK) {
			die("%s: no %s record", o->image, state_rec_type_name(type));
			goto out;
		}
		if (strcmp(o->out, "-") == 0) {
			rc = fwrite(data, 1, size, stdout) == size ? 0 : die("stdout: write failed");
		} else {
			rc = write_file_atomic(o->out, data, size, 0600);
		}
		goto out;
	}
	printf("%s: verified: slot %c, generation %llu\n", o->image, st.active_slot == 0 ? 'A' : 'B',
	       (unsigned long long)st.generation);
	print_records(&st);
	rc = 0;
out:
	state_free(&st);
	state_keys_wipe(&keys);
	close(im.fd);
	return rc;
}

static int cmd_put(const struct opts *o)
{
	struct state_keys keys;
	struct state_report rep;
	struct image im;
	struct state st;
	uint8_t *data = NULL;
	size_t size = 0;
	uint32_t type;
	bool blank;
	int rc = 1;

	memset(&st, 0, sizeof(st));
	if (o->record == NULL || o->in == NULL) {
		return die("put: needs --record TYPE and --in FILE");
	}
	type = state_rec_type_parse(o->record);
	if (type == 0) {
		return die("put: unknown record type %s", o->record);
	}
	if (read_file(strcmp(o->in, "-") == 0 ? "/dev/stdin" : o->in, &data, &size, false) != 0) {
		return 1;
	}
	if (size > state_rec_type_max_size(type)) {
		free(data);
		return die("put: %s is %zu bytes, a %s record holds at most %u", o->in, size,
			   state_rec_type_name(type), state_rec_type_max_size(type));
	}
	if (load_keys(o->key, &keys) != 0) {
		free(data);
		return 1;
	}
	if (image_open(&im, o->image, true) != 0) {
		free(data);
		state_keys_wipe(&keys);
		return 1;
	}
	if (load_state(&im, o->image, &keys, &st, false, &blank) != 0) {
		goto out;
	}
	if (size == 0) {
		state_delete(&st, type);
	} else if (state_set(&st, type, data, (uint32_t)size) != SVSM_OK) {
		die("put: out of memory");
		goto out;
	}
	if (state_commit(&im.dev, &keys, &st, &rep) != SVSM_OK) {
		die("%s: commit failed: %s", o->image, rep.msg);
		goto out;
	}
	printf("%s: %s record %s (%zu bytes), generation %llu\n", o->image,
	       state_rec_type_name(type), size == 0 ? "removed" : "written", size,
	       (unsigned long long)st.generation);
	rc = 0;
out:
	if (data != NULL) {
		memset(data, 0, size);
		free(data);
	}
	state_free(&st);
	state_keys_wipe(&keys);
	close(im.fd);
	return rc;
}

struct log_print {
	uint64_t boot;
	uint64_t next_seq;
	uint64_t lost;
};

static void print_log_entry(const struct log_store_entry *e, void *arg)
{
	static const char *const names[] = {"error", "warn", "info", "debug", "raw"};
	struct log_print *lp = arg;
	uint32_t lvl = e->level & 7u;

	if (e->boot == lp->boot && e->seq > lp->next_seq) {
		printf("boot %llu: %llu lines lost before seq %llu (the ring overflowed)\n",
		       (unsigned long long)e->boot, (unsigned long long)(e->seq - lp->next_seq),
		       (unsigned long long)e->seq);
		lp->lost += e->seq - lp->next_seq;
	}
	lp->boot = e->boot;
	lp->next_seq = e->seq + 1;
	printf("boot %llu seq %llu time_us %llu level %s%s%s cpu %u ", (unsigned long long)e->boot,
	       (unsigned long long)e->seq, (unsigned long long)e->time_us,
	       lvl <= LOG_STORE_LEVEL_MAX ? names[lvl] : "?", (e->level & 0x40u) ? "+partial" : "",
	       (e->level & LOG_STORE_F_TRUNCATED) ? "+truncated" : "", e->cpu);
	for (uint16_t i = 0; i < e->len; i++) {
		unsigned char ch = (unsigned char)e->text[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '\\') {
			putchar(ch);
		} else {
			printf("\\x%02x", ch);
		}
	}
	putchar('\n');
}

static int cmd_logs(const struct opts *o)
{
	struct state_keys keys;
	struct log_store_report rep;
	struct log_store_info info;
	struct log_print lp = {0};
	struct image im;
	struct state st;
	const uint8_t *data = NULL;
	uint32_t size = 0;
	bool blank;
	int rc = 1;

	memset(&st, 0, sizeof(st));
	if (load_keys(o->key, &keys) != 0) {
		return 1;
	}
	if (image_open(&im, o->image, false) != 0) {
		state_keys_wipe(&keys);
		return 1;
	}
	if (load_state(&im, o->image, &keys, &st, false, &blank) != 0) {
		goto out;
	}
	if (state_get(&st, STATE_REC_LOG, &data, &size) != SVSM_OK) {
		die("%s: no log record (the SVSM has not saved a log in this image)", o->image);
		goto out;
	}
	if (log_store_verify(keys.log_chain, data, size, print_log_entry, &lp, &info, &rep) !=
	    SVSM_OK) {
		fflush(stdout);
		if (rep.entry == LOG_STORE_AT_HEADER) {
			die("%s: log does NOT verify: %s (after %u good entries)", o->image, rep.msg,
			    rep.verified);
		} else {
			die("%s: log does NOT verify at entry %u (boot %llu seq %llu): %s", o->image,
			    rep.entry, (unsigned long long)rep.boot, (unsigned long long)rep.seq,
			    rep.msg);
		}
		goto out;
	}
	fflush(stdout);
	fprintf(stderr, "%s: log verified: %u entries, boots up to %llu, %llu older entries "
		"dropped, %llu lines lost; generation %llu\n", o->image, info.count,
		(unsigned long long)info.boot, (unsigned long long)info.dropped,
		(unsigned long long)lp.lost, (unsigned long long)st.generation);
	rc = 0;
out:
	state_free(&st);
	state_keys_wipe(&keys);
	close(im.fd);
	return rc;
}

static int swtpm_path(char *buf, size_t size, const char *dir, const char *name)
{
	if (snprintf(buf, size, "%s/%s", dir, name) >= (int)size) {
		return die("%s: path too long", dir);
	}
	return 0;
}

/* Reads an swtpm blob file into record @type of @st; absent and optional: deletes it. */
static int import_blob(struct state *st, const char *dir, const char *name, uint32_t type,
		       bool optional)
{
	char path[4096];
	uint8_t *data = NULL;
	size_t size = 0, off = 0, len = 0;
	const char *why = NULL;
	int rc = 1;

	if (swtpm_path(path, sizeof(path), dir, name) != 0 ||
	    read_file(path, &data, &size, optional) != 0) {
		return 1;
	}
	if (data == NULL) {
		state_delete(st, type);
		return 0;
	}
	why = swtpm_blob_unwrap(data, size, &off, &len);
	if (why != NULL) {
		die("%s: %s", path, why);
	} else if (len == 0 || len > state_rec_type_max_size(type)) {
		die("%s: libtpms blob of %zu bytes (the %s record holds 1..%u)", path, len,
		    state_rec_type_name(type), state_rec_type_max_size(type));
	} else if (state_set(st, type, data + off, (uint32_t)len) != SVSM_OK) {
		die("out of memory");
	} else {
		rc = 0;
	}
	free(data);
	return rc;
}

static int cmd_import(const struct opts *o)
{
	struct state_keys keys;
	struct image im;
	struct state st;
	struct state_report rep;
	bool blank = false;
	int rc = 1;

	memset(&st, 0, sizeof(st));
	if (o->swtpm_dir == NULL) {
		return die("import-swtpm: --swtpm-dir DIR is required");
	}
	if (load_keys(o->key, &keys) != 0 || image_open(&im, o->image, true) != 0) {
		return 1;
	}
	if (load_state(&im, o->image, &keys, &st, true, &blank) != 0) {
		goto out;
	}
	if (blank && state_init(&st, im.sectors) != SVSM_OK) {
		die("%s: too small", o->image);
		goto out;
	}
	if (import_blob(&st, o->swtpm_dir, SWTPM_PERMALL, STATE_REC_VTPM, false) != 0 ||
	    import_blob(&st, o->swtpm_dir, SWTPM_VOLATILE, STATE_REC_VTPM_VOLATILE, true) != 0) {
		goto out;
	}
	if (state_commit(&im.dev, &keys, &st, &rep) != SVSM_OK) {
		die("%s: commit: %s", o->image, rep.msg);
		goto out;
	}
	printf("%s: imported %s%s: generation %llu\n", o->image, SWTPM_PERMALL,
	       st.rec[STATE_REC_VTPM_VOLATILE].data != NULL ? " and " SWTPM_VOLATILE : "",
	       (unsigned long long)st.generation);
	rc = 0;
out:
	state_free(&st);
	state_keys_wipe(&keys);
	close(im.fd);
	return rc;
}

static int export_blob(const struct state *st, const char *dir, const char *name, uint32_t type)
{
	char path[4096];
	const uint8_t *data = NULL;
	uint8_t *blob = NULL;
	uint32_t size = 0;
	size_t blob_size = 0;
	int rc;

	if (swtpm_path(path, sizeof(path), dir, name) != 0) {
		return 1;
	}
	if (state_get(st, type, &data, &size) != SVSM_OK) {
		if (unlink(path) != 0 && errno != ENOENT) {
			return die("%s: %s", path, strerror(errno));
		}
		return 0;
	}
	blob = swtpm_blob_wrap(data, size, &blob_size);
	if (blob == NULL) {
		return die("out of memory");
	}
	rc = write_file_atomic(path, blob, blob_size, 0640);
	free(blob);
	return rc;
}

static int cmd_export(const struct opts *o)
{
	struct state_keys keys;
	struct image im;
	struct state st;
	struct stat sb;
	const uint8_t *data = NULL;
	uint32_t size = 0;
	bool blank;
	int rc = 1;

	memset(&st, 0, sizeof(st));
	if (o->swtpm_dir == NULL) {
		return die("export-swtpm: --swtpm-dir DIR is required");
	}
	if (stat(o->swtpm_dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		return die("%s: not a directory", o->swtpm_dir);
	}
	if (load_keys(o->key, &keys) != 0 || image_open(&im, o->image, false) != 0) {
		return 1;
	}
	if (load_state(&im, o->image, &keys, &st, false, &blank) != 0) {
		goto out;
	}
	if (state_get(&st, STATE_REC_VTPM, &data, &size) != SVSM_OK) {
		die("%s: no vtpm record to export (generation %llu)", o->image,
		    (unsigned long long)st.generation);
		goto out;
	}
	if (export_blob(&st, o->swtpm_dir, SWTPM_PERMALL, STATE_REC_VTPM) != 0 ||
	    export_blob(&st, o->swtpm_dir, SWTPM_VOLATILE, STATE_REC_VTPM_VOLATILE) != 0) {
		goto out;
	}
	printf("%s: generation %llu exported to %s/%s (%u bytes of libtpms state)\n", o->image,
	       (unsigned long long)st.generation, o->swtpm_dir, SWTPM_PERMALL, size);
	rc = 0;
out:
	state_free(&st);
	state_keys_wipe(&keys);
	close(im.fd);
	return rc;
}

struct command {
	const char *name;
	int (*run)(const struct opts *o);
	const char *usage;
};

static const struct command commands[] = {
	{"create", cmd_create, usage_create},
	{"inspect", cmd_inspect, usage_inspect},
	{"dump", cmd_dump, usage_dump},
	{"import-swtpm", cmd_import, usage_import},
	{"export-swtpm", cmd_export, usage_export},
	{"put", cmd_put, usage_put},
	{"logs", cmd_logs, usage_logs},
};

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"help", no_argument, NULL, 'h'},
		{"key", required_argument, NULL, 'k'},
		{"size", required_argument, NULL, 's'},
		{"record", required_argument, NULL, 'r'},
		{"out", required_argument, NULL, 'o'},
		{"in", required_argument, NULL, 'i'},
		{"swtpm-dir", required_argument, NULL, 'd'},
		{NULL, 0, NULL, 0},
	};
	const struct command *cmd = NULL;
	struct opts o;
	size_t i;
	int c;

	memset(&o, 0, sizeof(o));
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(usage_main, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) == 0) {
			cmd = &commands[i];
		}
	}
	if (cmd == NULL) {
		fprintf(stderr, "%s: unknown command %s\n%s", prog, argv[1], usage_main);
		return 2;
	}
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			o.help = 1;
			break;
		case 'k':
			o.key = optarg;
			break;
		case 's':
			o.size = optarg;
			break;
		case 'r':
			o.record = optarg;
			break;
		case 'o':
			o.out = optarg;
			break;
		case 'i':
			o.in = optarg;
			break;
		case 'd':
			o.swtpm_dir = optarg;
			break;
		default:
			fputs(cmd->usage, stderr);
			return 2;
		}
	}
	if (o.help) {
		fputs(cmd->usage, stdout);
		return 0;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "%s: %s needs exactly one IMAGE\n%s", prog, cmd->name, cmd->usage);
		return 2;
	}
	o.image = argv[optind];
	return cmd->run(&o);
}
