/*
 * vtpm-ek-bench: times vtpm_ek_create() (TPM2_Startup, CreatePrimary from the TCG EK
 * template, FlushContext, Shutdown, reset) for ECC P-256 and RSA-2048 on a freshly
 * manufactured vTPM each round (new random EPS, so RSA prime search varies), and
 * prints the median as "bench <name> <ms> ms". Host-measured: the SVSM under QEMU TCG
 * is 11-15x slower warm (docs/reference/libtpms-in-kernel.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "kernel/services/vtpm/ek.h"
#include "kernel/services/vtpm/ram_store.h"
#include "kernel/services/vtpm/vtpm.h"

#define ROUNDS 7

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a;
	double y = *(const double *)b;

	return (x > y) - (x < y);
}

static int bench(enum vtpm_ek_type type, const char *name)
{
	double t[ROUNDS];
	double t0;
	int i;

	for (i = 0; i < ROUNDS; i++) {
		vtpm_power_off();
		ram_store_clear();
		if (vtpm_power_on() != SVSM_OK) {
			fprintf(stderr, "vtpm-ek-bench: power-on failed\n");
			return 1;
		}
		t0 = now_ms();
		if (vtpm_ek_create(type) != SVSM_OK) {
			fprintf(stderr, "vtpm-ek-bench: %s failed\n", name);
			return 1;
		}
		t[i] = now_ms() - t0;
	}
	qsort(t, ROUNDS, sizeof(t[0]), cmp_double);
	printf("bench %s %.2f ms\n", name, t[ROUNDS / 2]);
	fprintf(stderr, "  %s: median of %d fresh TPMs, min %.2f max %.2f ms (host, not TCG)\n",
		name, ROUNDS, t[0], t[ROUNDS - 1]);
	return 0;
}

int main(void)
{
	int rc = bench(VTPM_EK_ECC_P256, "ek_create_ms_ecc_p256_host") ||
		 bench(VTPM_EK_RSA_2048, "ek_create_ms_rsa2048_host");

	vtpm_power_off();
	ram_store_clear();
	return rc;
}
