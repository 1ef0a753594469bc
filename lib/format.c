/*
 * printf-style formatter (see format.h). No global state; the caller's sink decides
 * where characters go (serial port, buffer).
 */
#include "lib/format.h"

#include <stdbool.h>
#include <stdint.h>

enum fmt_len { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE, LEN_PTRDIFF, LEN_MAX };

struct fmt_spec {
	bool left;
	bool zero;
	bool plus;
	bool space;
	bool alt;
	int width;
	int precision; /* -1: none */
	enum fmt_len len;
};

struct fmt_out {
	format_sink_fn sink;
	void *ctx;
	size_t count;
};

static void out_char(struct fmt_out *o, char c)
{
	o->sink(o->ctx, c);
	o->count++;
}

static void out_pad(struct fmt_out *o, char c, int n)
{
	while (n-- > 0) {
		out_char(o, c);
	}
}

static void out_string(struct fmt_out *o, const struct fmt_spec *s, const char *str)
{
	size_t len = 0;
	int pad;

	if (str == NULL) {
		str = "(null)";
	}
	while (str[len] != '\0' && (s->precision < 0 || len < (size_t)s->precision)) {
		len++;
	}
	pad = s->width > (int)len ? s->width - (int)len : 0;
	if (!s->left) {
		out_pad(o, ' ', pad);
	}
	for (size_t i = 0; i < len; i++) {
		out_char(o, str[i]);
	}
	if (s->left) {
		out_pad(o, ' ', pad);
	}
}

static void out_number(struct fmt_out *o, const struct fmt_spec *s, uint64_t v, bool neg,
		       unsigned base, bool upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;
	int prefix_len = 0;
	int zeros = 0;
	int pad;
	char sign = '\0';

	while (v != 0) {
		tmp[n++] = digits[v % base];
		v /= base;
	}
	if (n == 0 && s->precision != 0) {
		tmp[n++] = '0';
	}
	if (neg) {
		sign = '-';
	} else if (s->plus) {
		sign = '+';
	} else if (s->space) {
		sign = ' ';
	}
	while (prefix != NULL && prefix[prefix_len] != '\0') {
		prefix_len++;
	}
	if (s->precision > n) {
		zeros = s->precision - n;
	}
	pad = s->width - n - zeros - prefix_len - (sign != '\0' ? 1 : 0);
	if (pad < 0) {
		pad = 0;
	}
	if (s->zero && !s->left && s->precision < 0) {
		zeros += pad;
		pad = 0;
	}
	if (!s->left) {
		out_pad(o, ' ', pad);
	}
	if (sign != '\0') {
		out_char(o, sign);
	}
	for (int i = 0; i < prefix_len; i++) {
		out_char(o, prefix[i]);
	}
	out_pad(o, '0', zeros);
	while (n > 0) {
		out_char(o, tmp[--n]);
	}
	if (s->left) {
		out_pad(o, ' ', pad);
	}
}

static uint64_t fetch_unsigned(enum fmt_len len, va_list *ap)
{
	switch (len) {
	case LEN_CHAR: return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_SHORT: return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_LONG: return va_arg(*ap, unsigned long);
	case LEN_LLONG: return va_arg(*ap, unsigned long long);
	case LEN_SIZE: return va_arg(*ap, size_t);
	case LEN_PTRDIFF: return (uint64_t)va_arg(*ap, ptrdiff_t);
	case LEN_MAX: return va_arg(*ap, uintmax_t);
	case LEN_INT:
	default: return va_arg(*ap, unsigned int);
	}
}

static int64_t fetch_signed(enum fmt_len len, va_list *ap)
{
	switch (len) {
	case LEN_CHAR: return (signed char)va_arg(*ap, int);
	case LEN_SHORT: return (short)va_arg(*ap, int);
	case LEN_LONG: return va_arg(*ap, long);
	case LEN_LLONG: return va_arg(*ap, long long);
	case LEN_SIZE: return (int64_t)va_arg(*ap, size_t);
	case LEN_PTRDIFF: return va_arg(*ap, ptrdiff_t);
	case LEN_MAX: return va_arg(*ap, intmax_t);
	case LEN_INT:
	default: return va_arg(*ap, int);
	}
}

static const char *parse_spec(const char *p, struct fmt_spec *s, va_list *ap)
{
	*s = (struct fmt_spec){.precision = -1, .len = LEN_INT};
	for (;; p++) {
		if (*p == '-') {
			s->left = true;
		} else if (*p == '0') {
			s->zero = true;
		} else if (*p == '+') {
			s->plus = true;
		} else if (*p == ' ') {
			s->space = true;
		} else if (*p == '#') {
			s->alt = true;
		} else {
			break;
		}
	}
	if (*p == '*') {
		s->width = va_arg(*ap, int);
		if (s->width < 0) {
			s->left = true;
			s->width = -s->width;
		}
		p++;
	} else {
		while (*p >= '0' && *p <= '9') {
			s->width = s->width * 10 + (*p++ - '0');
		}
	}
	if (*p == '.') {
		p++;
		s->precision = 0;
		if (*p == '*') {
			s->precision = va_arg(*ap, int);
			if (s->precision < 0) {
				s->precision = -1;
			}
			p++;
		} else {
			while (*p >= '0' && *p <= '9') {
				s->precision = s->precision * 10 + (*p++ - '0');
			}
		}
	}
	if (p[0] == 'h' && p[1] == 'h') {
		s->len = LEN_CHAR;
		p += 2;
	} else if (p[0] == 'h') {
		s->len = LEN_SHORT;
		p++;
	} else if (p[0] == 'l' && p[1] == 'l') {
		s->len = LEN_LLONG;
		p += 2;
	} else if (p[0] == 'l') {
		s->len = LEN_LONG;
		p++;
	} else if (p[0] == 'z') {
		s->len = LEN_SIZE;
		p++;
	} else if (p[0] == 't') {
		s->len = LEN_PTRDIFF;
		p++;
	} else if (p[0] == 'j') {
		s->len = LEN_MAX;
		p++;
	}
	return p;
}

size_t format_emit(format_sink_fn sink, void *ctx, const char *fmt, va_list ap_in)
{
	struct fmt_out o = {sink, ctx, 0};
	struct fmt_spec s;
	va_list ap;
	const char *p = fmt;

	va_copy(ap, ap_in);
	while (*p != '\0') {
		if (*p != '%') {
			out_char(&o, *p++);
			continue;
		}
		p = parse_spec(p + 1, &s, &ap);
		switch (*p) {
		case 'd':
		case 'i': {
			int64_t v = fetch_signed(s.len, &ap);
			uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

			out_number(&o, &s, mag, v < 0, 10, false, NULL);
			break;
		}
		case 'u':
			out_number(&o, &s, fetch_unsigned(s.len, &ap), false, 10, false, NULL);
			break;
		case 'x':
		case 'X': {
			uint64_t v = fetch_unsigned(s.len, &ap);

			s.plus = s.space = false;
			out_number(&o, &s, v, false, 16, *p == 'X',
				   s.alt && v != 0 ? (*p == 'X' ? "0X" : "0x") : NULL);
			break;
		}
		case 'o': {
			uint64_t v = fetch_unsigned(s.len, &ap);

			s.plus = s.space = false;
			out_number(&o, &s, v, false, 8, false, s.alt && v != 0 ? "0" : NULL);
			break;
		}
		case 'p': {
			uint64_t v = (uintptr_t)va_arg(ap, void *);

			s.plus = s.space = false;
			out_number(&o, &s, v, false, 16, false, "0x");
			break;
		}
		case 's':
			out_string(&o, &s, va_arg(ap, const char *));
			break;
		case 'c': {
			char c[2] = {(char)va_arg(ap, int), '\0'};

			s.precision = -1;
			if (c[0] == '\0') {
				out_pad(&o, ' ', s.left ? 0 : s.width - 1);
				out_char(&o, '\0');
				out_pad(&o, ' ', s.left ? s.width - 1 : 0);
			} else {
				out_string(&o, &s, c);
			}
			break;
		}
		case '%':
			out_char(&o, '%');
			break;
		case '\0':
			/* A lone '%' at the end: print it and stop. */
			out_char(&o, '%');
			va_end(ap);
			return o.count;
		default:
			/* Unknown conversion: print it verbatim so the mistake is visible. */
			out_char(&o, '%');
			out_char(&o, *p);
			break;
		}
		p++;
	}
	va_end(ap);
	return o.count;
}

struct buf_sink {
	char *buf;
	size_t size;
	size_t pos;
};

static void buf_put(void *ctx, char c)
{
	struct buf_sink *b = ctx;

	if (b->pos + 1 < b->size) {
		b->buf[b->pos] = c;
	}
	b->pos++;
}

int format_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buf_sink b = {buf, size, 0};
	size_t n = format_emit(buf_put, &b, fmt, ap);

	if (size > 0) {
		buf[n < size ? n : size - 1] = '\0';
	}
	return n > INT32_MAX ? INT32_MAX : (int)n;
}

int format_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = format_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
