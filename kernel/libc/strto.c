/*
 * Owns number parsing of the shim (strto.h): strtol, strtoul, strtoll, strtoull and
 * atoi in the "C" locale, with glibc's rules: leading space, an optional sign, base 0
 * (prefix decides: 0x hex, 0 octal) or 2..36, saturation and ERANGE on overflow, EINVAL
 * for a bad base, *end at the first unparsed character (at @s if nothing parsed).
 * strtoul accepts a '-' and negates, as glibc does. No state.
 */
#include "kernel/libc/strto.h"

#include <stdbool.h>

#include "kernel/libc/errno.h"

/* <limits.h> is not available to -nostdinc code; the compiler predefines the same values. */
#define ULLONG_MAX_ (__LONG_LONG_MAX__ * 2ull + 1)
#define LLONG_MAX_ __LONG_LONG_MAX__
#define LLONG_MIN_ (-__LONG_LONG_MAX__ - 1)

static bool is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'z') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'Z') {
		return c - 'A' + 10;
	}
	return 99;
}

/*
 * Parse the magnitude; *neg gets the sign, *overflow whether it exceeded ULLONG_MAX_.
 * Returns the magnitude (saturated) and sets *end.
 */
static unsigned long long parse(const char *s, char **end, int base, bool *neg, bool *overflow)
{
	const char *p = s;
	unsigned long long v = 0;
	bool any = false;

	*neg = false;
	*overflow = false;
	if (base < 0 || base == 1 || base > 36) {
		klibc_errno = EINVAL;
		if (end != NULL) {
			*end = (char *)s;
		}
		return 0;
	}
	while (is_space(*p)) {
		p++;
	}
	if (*p == '+' || *p == '-') {
		*neg = *p == '-';
		p++;
	}
	if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
	    digit_value(p[2]) < 16) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = p[0] == '0' ? 8 : 10;
	}
	for (; digit_value(*p) < base; p++) {
		unsigned d = (unsigned)digit_value(*p);

		any = true;
		if (v > (ULLONG_MAX_ - d) / (unsigned)base) {
			*overflow = true;
			v = ULLONG_MAX_;
		} else if (!*overflow) {
			v = v * (unsigned)base + d;
		}
	}
	if (end != NULL) {
		*end = (char *)(any ? p : s);
	}
	return any ? v : 0;
}

unsigned long long KLIBC(strtoull)(const char *s, char **end, int base)
{
	bool neg, overflow;
	unsigned long long v = parse(s, end, base, &neg, &overflow);

	if (overflow) {
		klibc_errno = ERANGE;
		return ULLONG_MAX_;
	}
	return neg ? -v : v;
}

long long KLIBC(strtoll)(const char *s, char **end, int base)
{
	bool neg, overflow;
	unsigned long long v = parse(s, end, base, &neg, &overflow);

	if (!neg && (overflow || v > (unsigned long long)LLONG_MAX_)) {
		klibc_errno = ERANGE;
		return LLONG_MAX_;
	}
	if (neg && (overflow || v > (unsigned long long)LLONG_MAX_ + 1)) {
		klibc_errno = ERANGE;
		return LLONG_MIN_;
	}
	return neg ? (long long)(0 - v) : (long long)v;
}

long KLIBC(strtol)(const char *s, char **end, int base)
{
	return (long)KLIBC(strtoll)(s, end, base); /* long is 64-bit on x86-64 */
}

unsigned long KLIBC(strtoul)(const char *s, char **end, int base)
{
	return (unsigned long)KLIBC(strtoull)(s, end, base);
}

int KLIBC(atoi)(const char *s)
{
	return (int)KLIBC(strtol)(s, NULL, 10);
}
