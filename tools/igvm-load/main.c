/*
 * igvm-load: a loader for the NATIVE platform part of an IGVM file, for QEMU builds
 * without IGVM support (Debian's 7.2). It writes every PAGE_DATA run of the native
 * platform to OUTDIR as raw files, plus a small hand-off block for the PVH shim
 * (tests/igvm/pvh_shim.S), and prints the QEMU arguments that place them in guest memory.
 * The shim then does the loader's remaining work (memory map and VP count parameters)
 * and starts the VP at the IGVM's entry with RBX from the native VP context.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/igvm_parse.h"
#include "svsm/abi/igvm.h"

#define SHIM_PARAMS_GPA 0x180000u /* above 1 MiB: the BIOS stack lives low */
#define SHIM_MAGIC 0x52444c49u /* "ILDR" */
#define MAX_PAGES (1u << 20)

struct shim_params {
	uint32_t magic;
	uint32_t vp_count;
	uint64_t entry;
	uint64_t boot_params;
};

struct page {
	uint64_t gpa;
	const uint8_t *data; /* NULL: zero page */
};

static int cmp_page(const void *a, const void *b)
{
	const struct page *x = a, *y = b;

	return x->gpa < y->gpa ? -1 : x->gpa > y->gpa;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: igvm-load [--vps N] FILE.igvm OUTDIR\n"
		   "Writes the native-platform pages of FILE.igvm to OUTDIR and prints the QEMU\n"
		   "arguments (one per line) that load them, for use with the PVH shim\n"
		   "(build/igvm-shim.elf as -kernel). --vps sets the VP count (default 1).\n");
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fprintf(stderr, "igvm-load: %s: %s\n", path, strerror(errno));
		goto out;
	}
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "igvm-load: %s: read failed\n", path);
		free(buf);
		buf = NULL;
		goto out;
	}
	*len = (size_t)n;
out:
	if (f != NULL) {
		fclose(f);
	}
	return buf;
}

static int write_blob(const char *dir, const char *name, const void *p, size_t n, uint64_t gpa)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
		fprintf(stderr, "igvm-load: cannot write %s\n", path);
		return -1;
	}
	printf("-device\nloader,file=%s,addr=0x%llx,force-raw=on\n", path, (unsigned long long)gpa);
	return 0;
}

int main(int argc, char **argv)
{
	struct igvm_parser p;
	struct igvm_header h;
	struct page *pages = NULL;
	struct shim_params sp = {SHIM_MAGIC, 1, 0, 0};
	size_t count = 0, len = 0;
	uint8_t *file, *run = NULL;
	uint32_t mask;
	enum igvm_err err;
	int argi = 1, rc = 1, runs = 0;
	static const uint8_t zero[4096];

	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc > 2 && strcmp(argv[1], "--vps") == 0) {
		sp.vp_count = (uint32_t)strtoul(argv[2], NULL, 0);
		argi = 3;
	}
	if (argc - argi != 2 || sp.vp_count == 0) {
		usage(stderr);
		return 2;
	}
	file = read_file(argv[argi], &len);
	if (file == NULL) {
		return 1;
	}
	err = igvm_parse_open(&p, file, len);
	mask = 0;
	pages = calloc(MAX_PAGES, sizeof(*pages));
	while (err == IGVM_OK && pages != NULL && (err = igvm_parse_next(&p, &h)) == IGVM_OK) {
		/* Platform headers come first: the mask is known before any page. */
		mask = igvm_parse_platform_mask(&p, IGVM_PLATFORM_NATIVE);
		if (h.type == IGVM_VHT_PAGE_DATA && (h.u.page.compatibility_mask & mask) != 0) {
			if (count == MAX_PAGES) {
				fprintf(stderr, "igvm-load: too many pages\n");
				goto out;
			}
			pages[count++] = (struct page){h.u.page.gpa, h.data};
		} else if (h.type == IGVM_VHT_VP_CONTEXT && (h.u.vp.compatibility_mask & mask) != 0 &&
			   h.u.vp.vp_index == 0 && h.data != NULL &&
			   h.data_len >= sizeof(struct igvm_native_vp_context)) {
			struct igvm_native_vp_context vp;

			memcpy(&vp, h.data, sizeof(vp));
			sp.entry = vp.rip;
			sp.boot_params = vp.rbx;
		}
	}
	if (err != IGVM_E_END) {
		fprintf(stderr, "igvm-load: %s: %s at offset %#zx\n", argv[argi], igvm_strerror(err),
			igvm_parse_error_offset(&p));
		goto out;
	}
	if (mask == 0) {
		fprintf(stderr, "igvm-load: %s declares no NATIVE platform\n", argv[argi]);
		goto out;
	}
	if (sp.entry == 0 || sp.entry > 0xffffffffull || sp.boot_params == 0) {
		fprintf(stderr, "igvm-load: no usable native VP context for VP 0\n");
		goto out;
	}
	qsort(pages, count, sizeof(*pages), cmp_page);
	run = malloc(count * 4096 + 1);
	for (size_t i = 0; run != NULL && i < count;) {
		size_t j = i;
		char name[32];

		while (j < count && pages[j].gpa == pages[i].gpa + (j - i) * 4096) {
			memcpy(run + (j - i) * 4096, pages[j].data != NULL ? pages[j].data : zero, 4096);
			j++;
		}
		snprintf(name, sizeof(name), "run%d.bin", runs++);
		if (write_blob(argv[argi + 1], name, run, (j - i) * 4096, pages[i].gpa) != 0) {
			goto out;
		}
		i = j;
	}
	if (run != NULL && write_blob(argv[argi + 1], "shim-params.bin", &sp, sizeof(sp), SHIM_PARAMS_GPA) == 0) {
		rc = 0;
	}
out:
	free(run);
	free(pages);
	free(file);
	return rc;
}
