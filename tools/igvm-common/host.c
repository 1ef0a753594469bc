/*
 * host.c owns the host-only services the IGVM tools need: libcrypto SHA-384 (the
 * struct snp_hash_ops the freestanding lib/ code calls) and SHA-256, file mapping, and
 * hex/number parsing. Not built into the kernel.
 */
#define OPENSSL_API_COMPAT 0x10101000L /* SHA384_Init: the cheapest per-page path */
#include "tools/igvm-common/host.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/sha.h>

static void host_sha384(void *ctx, const void *data, size_t len, uint8_t out[SNP_LD_SIZE])
{
	SHA512_CTX c;

	(void)ctx;
	SHA384_Init(&c);
	SHA384_Update(&c, data, len);
	SHA384_Final(out, &c);
}

static void host_sha384_pages(void *ctx, const uint8_t *const *pages, size_t count,
			      uint8_t (*out)[SNP_LD_SIZE])
{
	size_t i = 0;

	for (i = 0; i < count; i++) {
		host_sha384(ctx, pages[i], SNP_PAGE_SIZE, out[i]);
	}
}

static const struct snp_hash_ops host_ops = {
	.sha384 = host_sha384,
	.sha384_pages = host_sha384_pages,
	.ctx = NULL,
};

const struct snp_hash_ops *host_hash_ops(void)
{
	return &host_ops;
}

void host_sha256(const void *data, size_t len, uint8_t out[32])
{
	SHA256(data, len, out);
}

bool host_file_load(const char *prog, const char *path, struct host_file *f)
{
	struct stat st;
	int fd = -1;
	uint8_t *buf = NULL;
	size_t cap = 0;
	size_t len = 0;
	ssize_t n = 0;

	memset(f, 0, sizeof(*f));
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		return false;
	}
	if (fstat(fd, &st) != 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		close(fd);
		return false;
	}
	if (S_ISDIR(st.st_mode)) {
		fprintf(stderr, "%s: %s: is a directory\n", prog, path);
		close(fd);
		return false;
	}
	if (S_ISREG(st.st_mode) && st.st_size > 0) {
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);

		close(fd);
		if (m == MAP_FAILED) {
			fprintf(stderr, "%s: %s: mmap: %s\n", prog, path, strerror(errno));
			return false;
		}
		f->data = m;
		f->len = (size_t)st.st_size;
		f->mapped = true;
		return true;
	}
	/* Pipes, /dev/null, empty files: read it all. */
	for (;;) {
		if (len == cap) {
			uint8_t *nb = realloc(buf, cap == 0 ? 65536 : cap * 2);

			if (nb == NULL) {
				fprintf(stderr, "%s: %s: out of memory\n", prog, path);
				free(buf);
				close(fd);
				return false;
			}
			buf = nb;
			cap = cap == 0 ? 65536 : cap * 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
			free(buf);
			close(fd);
			return false;
		}
		if (n == 0) {
			break;
		}
		len += (size_t)n;
	}
	close(fd);
	f->data = buf;
	f->len = len;
	f->mapped = false;
	return true;
}

void host_file_unload(struct host_file *f)
{
	if (f->mapped) {
		munmap((void *)f->data, f->len);
	} else {
		free((void *)f->data);
	}
	memset(f, 0, sizeof(*f));
}

void host_hex(const uint8_t *data, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i = 0;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[data[i] >> 4];
		out[2 * i + 1] = digits[data[i] & 0xF];
	}
	out[2 * len] = '\0';
}

static int hexval(char c)
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

bool host_parse_hex(const char *s, uint8_t *out, size_t len)
{
	size_t i = 0;

	if (strlen(s) != 2 * len) {
		return false;
	}
	for (i = 0; i < len; i++) {
		int hi = hexval(s[2 * i]);
		int lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			return false;
		}
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

bool host_parse_u64(const char *s, uint64_t *out)
{
	char *end = NULL;
	unsigned long long v = 0;

	if (s == NULL || *s == '\0' || *s == '-') {
		return false;
	}
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0') {
		return false;
	}
	*out = v;
	return true;
}
