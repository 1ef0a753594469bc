/*
 * Owns the "C"-locale character tables of the shim (ctype.h): constant, built by the
 * compiler, so there is no initialisation and no lock. Bytes 0x80-0xff and EOF (-1)
 * belong to no class; case mapping leaves them alone (glibc's layout, checked by
 * tests/unit/libc_ctype_test.c).
 */
#include "kernel/libc/ctype.h"

/* The tables start from a default range and patch entries after it: intended overrides. */
#pragma GCC diagnostic ignored "-Woverride-init"

#define O 128 /* table offset: index -128 is element 0 */
#define C_PUNCT (CTYPE_PUNCT | CTYPE_PRINT | CTYPE_GRAPH)
#define C_DIGIT (CTYPE_DIGIT | CTYPE_XDIGIT | CTYPE_ALNUM | CTYPE_PRINT | CTYPE_GRAPH)
#define C_UPPER (CTYPE_UPPER | CTYPE_ALPHA | CTYPE_ALNUM | CTYPE_PRINT | CTYPE_GRAPH)
#define C_LOWER (CTYPE_LOWER | CTYPE_ALPHA | CTYPE_ALNUM | CTYPE_PRINT | CTYPE_GRAPH)

static const unsigned short class_table[384] = {
    [O + 0x00 ... O + 0x1f] = CTYPE_CNTRL,
    [O + '\t'] = CTYPE_CNTRL | CTYPE_SPACE | CTYPE_BLANK,
    [O + '\n' ... O + '\r'] = CTYPE_CNTRL | CTYPE_SPACE,
    [O + ' '] = CTYPE_SPACE | CTYPE_PRINT | CTYPE_BLANK,
    [O + '!' ... O + '/'] = C_PUNCT,
    [O + '0' ... O + '9'] = C_DIGIT,
    [O + ':' ... O + '@'] = C_PUNCT,
    [O + 'A' ... O + 'F'] = C_UPPER | CTYPE_XDIGIT,
    [O + 'G' ... O + 'Z'] = C_UPPER,
    [O + '[' ... O + '`'] = C_PUNCT,
    [O + 'a' ... O + 'f'] = C_LOWER | CTYPE_XDIGIT,
    [O + 'g' ... O + 'z'] = C_LOWER,
    [O + '{' ... O + '~'] = C_PUNCT,
    [O + 0x7f] = CTYPE_CNTRL,
};

#define ID4(b) (b), (b) + 1, (b) + 2, (b) + 3
#define ID16(b) ID4(b), ID4((b) + 4), ID4((b) + 8), ID4((b) + 12)
#define ID64(b) ID16(b), ID16((b) + 16), ID16((b) + 32), ID16((b) + 48)
#define ID128(b) ID64(b), ID64((b) + 64)

/*
 * As glibc: indices -128..-2 (a signed char above 0x7f) give the unsigned byte, EOF (-1)
 * gives EOF, 0..255 give themselves; then the letters are patched by designators.
 */
static const int32_t lower_table[384] = {
    ID128(128), [O - 1] = -1, ID128(0), ID128(128), [O + 'A'] = 'a',
    'b',	'c',	      'd',	'e',	    'f',
    'g',	'h',	      'i',	'j',	    'k',
    'l',	'm',	      'n',	'o',	    'p',
    'q',	'r',	      's',	't',	    'u',
    'v',	'w',	      'x',	'y',	    'z',
};

static const int32_t upper_table[384] = {
    ID128(128), [O - 1] = -1, ID128(0), ID128(128), [O + 'a'] = 'A',
    'B',	'C',	      'D',	'E',	    'F',
    'G',	'H',	      'I',	'J',	    'K',
    'L',	'M',	      'N',	'O',	    'P',
    'Q',	'R',	      'S',	'T',	    'U',
    'V',	'W',	      'X',	'Y',	    'Z',
};

static const unsigned short *const class_ptr = class_table + O;
static const int32_t *const lower_ptr = lower_table + O;
static const int32_t *const upper_ptr = upper_table + O;

const unsigned short **KLIBC(__ctype_b_loc)(void)
{
	return (const unsigned short **)&class_ptr;
}

const int32_t **KLIBC(__ctype_tolower_loc)(void)
{
	return (const int32_t **)&lower_ptr;
}

const int32_t **KLIBC(__ctype_toupper_loc)(void)
{
	return (const int32_t **)&upper_ptr;
}

int KLIBC(tolower)(int c)
{
	return c >= -128 && c < 256 ? lower_ptr[c] : c;
}

int KLIBC(toupper)(int c)
{
	return c >= -128 && c < 256 ? upper_ptr[c] : c;
}
