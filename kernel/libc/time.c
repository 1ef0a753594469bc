/*
 * Owns time for the shim: clock_gettime, gettimeofday, time, clock, gmtime_r/localtime_r
 * (UTC), nanosleep/usleep/sleep (busy waits). Everything runs on the TSC (tsc.h); the
 * wall clock adds a base read once from the CMOS RTC at init. That base comes from the
 * host and is not trusted: nothing security-relevant (TPM clock, key validity) may rely
 * on it. If the RTC reads back invalid, the base is TIME_FALLBACK_EPOCH and a warning is
 * logged. The base is written once on the BSP before the archives run, read-only after.
 */
#include "kernel/libc/time.h"

#include <stdbool.h>
#include <stddef.h>

#include "kernel/arch/x86_64/tsc.h"
#include "kernel/arch/x86_64/x86.h"

#include "kernel/lib/log.h"
#include "kernel/libc/errno.h"

#define TIME_FALLBACK_EPOCH 1767225600 /* 2026-01-01T00:00:00Z */
#define NS_PER_S 1000000000ull

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7

struct timespec {
	long tv_sec;
	long tv_nsec;
};

struct timeval {
	long tv_sec;
	long tv_usec;
};

struct tm {
	int tm_sec, tm_min, tm_hour, tm_mday, tm_mon, tm_year, tm_wday, tm_yday, tm_isdst;
	long tm_gmtoff;
	const char *tm_zone;
};

static int64_t epoch_at_tsc0 = TIME_FALLBACK_EPOCH;

/* TSC ticks since reset as nanoseconds, without 128-bit arithmetic. */
static uint64_t now_ns(void)
{
	uint64_t t = rdtsc();
	uint64_t hz = tsc_hz();

	return t / hz * NS_PER_S + t % hz * NS_PER_S / hz;
}

static uint8_t cmos_read(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static unsigned bcd(uint8_t v, bool is_bcd)
{
	return is_bcd ? (unsigned)(v & 0x0f) + (unsigned)(v >> 4) * 10 : v;
}

/* Days from 1970-01-01 to y-m-d (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void libc_days_to_civil(int64_t days, int *year, int *month, int *day)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned d = doy - (153 * mp + 2) / 5 + 1;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;

	*year = (int)((int64_t)yoe + era * 400 + (m <= 2));
	*month = (int)m;
	*day = (int)d;
}

void libc_time_init(void)
{
	uint8_t sec, min, hour, day, mon, year, status_b;
	bool is_bcd;
	unsigned h;
	int64_t secs;

	for (unsigned i = 0; i < 100000 && (cmos_read(0x0a) & 0x80) != 0; i++) {
		cpu_relax(); /* update in progress */
	}
	sec = cmos_read(0x00);
	min = cmos_read(0x02);
	hour = cmos_read(0x04);
	day = cmos_read(0x07);
	mon = cmos_read(0x08);
	year = cmos_read(0x09);
	status_b = cmos_read(0x0b);
	is_bcd = (status_b & 0x04) == 0;
	h = bcd(hour & 0x7f, is_bcd);
	if ((status_b & 0x02) == 0 && (hour & 0x80) != 0) {
		h = (h % 12) + 12; /* 12-hour mode, PM */
	} else if ((status_b & 0x02) == 0 && h == 12) {
		h = 0;
	}
	if (bcd(mon, is_bcd) < 1 || bcd(mon, is_bcd) > 12 || bcd(day, is_bcd) < 1 ||
	    bcd(day, is_bcd) > 31 || h > 23 || bcd(min, is_bcd) > 59 || bcd(sec, is_bcd) > 60) {
		pr_warn("time: CMOS RTC unreadable, wall clock starts at 2026-01-01\n");
		return;
	}
	secs =
	    days_from_civil(2000 + bcd(year, is_bcd), bcd(mon, is_bcd), bcd(day, is_bcd)) * 86400 +
	    h * 3600 + bcd(min, is_bcd) * 60 + bcd(sec, is_bcd);
	epoch_at_tsc0 = secs - (int64_t)(now_ns() / NS_PER_S);
}

int64_t libc_time_epoch(void)
{
	return epoch_at_tsc0;
}

int clock_gettime(int clock, struct timespec *ts);
int clock_gettime(int clock, struct timespec *ts)
{
	uint64_t ns = now_ns();

	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		ts->tv_sec = (long)(epoch_at_tsc0 + (int64_t)(ns / NS_PER_S));
		break;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		ts->tv_sec = (long)(ns / NS_PER_S);
		break;
	default:
		klibc_errno = EINVAL;
		return -1;
	}
	ts->tv_nsec = (long)(ns % NS_PER_S);
	return 0;
}

int gettimeofday(struct timeval *tv, void *tz);
int gettimeofday(struct timeval *tv, void *tz)
{
	struct timespec ts;

	(void)tz;
	if (tv != NULL) {
		(void)clock_gettime(CLOCK_REALTIME, &ts);
		tv->tv_sec = ts.tv_sec;
		tv->tv_usec = ts.tv_nsec / 1000;
	}
	return 0;
}

long time(long *out);
long time(long *out)
{
	long t = (long)(epoch_at_tsc0 + (int64_t)(now_ns() / NS_PER_S));

	if (out != NULL) {
		*out = t;
	}
	return t;
}

/* CPU time of the "process": time since reset, in CLOCKS_PER_SEC (10^6) units. */
long clock(void);
long clock(void)
{
	return (long)(now_ns() / 1000);
}

struct tm *gmtime_r(const long *t, struct tm *out);
struct tm *gmtime_r(const long *t, struct tm *out)
{
	int64_t days = *t / 86400;
	int64_t rem = *t % 86400;
	int y, m, d;

	if (rem < 0) {
		rem += 86400;
		days--;
	}
	libc_days_to_civil(days, &y, &m, &d);
	*out = (struct tm){
	    .tm_sec = (int)(rem % 60),
	    .tm_min = (int)(rem / 60 % 60),
	    .tm_hour = (int)(rem / 3600),
	    .tm_mday = d,
	    .tm_mon = m - 1,
	    .tm_year = y - 1900,
	    .tm_wday = (int)(((days % 7) + 11) % 7), /* 1970-01-01 was a Thursday */
	    .tm_yday = (int)(days - days_from_civil(y, 1, 1)),
	    .tm_zone = "UTC",
	};
	return out;
}

struct tm *localtime_r(const long *t, struct tm *out);
struct tm *localtime_r(const long *t, struct tm *out)
{
	return gmtime_r(t, out);
}

int nanosleep(const struct timespec *req, struct timespec *rem);
int nanosleep(const struct timespec *req, struct timespec *rem)
{
	if (req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= (long)NS_PER_S) {
		klibc_errno = EINVAL;
		return -1;
	}
	tsc_delay_us((uint64_t)req->tv_sec * 1000000 + (uint64_t)req->tv_nsec / 1000);
	if (rem != NULL) {
		*rem = (struct timespec){0, 0};
	}
	return 0;
}

int usleep(unsigned us);
int usleep(unsigned us)
{
	tsc_delay_us(us);
	return 0;
}

unsigned sleep(unsigned s);
unsigned sleep(unsigned s)
{
	tsc_delay_us((uint64_t)s * 1000000);
	return 0;
}
