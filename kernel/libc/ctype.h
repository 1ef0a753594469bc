/*
 * glibc's ctype ABI for the "C" locale (kernel/libc/ctype.c): __ctype_b_loc,
 * __ctype_tolower_loc and __ctype_toupper_loc return pointers to tables indexed -128..255,
 * with glibc's little-endian class bits. Host unit tests build them under klibc_.
 */
#pragma once

#include <stdint.h>

#include "kernel/libc/string.h" /* KLIBC() */

#define CTYPE_UPPER 0x0100
#define CTYPE_LOWER 0x0200
#define CTYPE_ALPHA 0x0400
#define CTYPE_DIGIT 0x0800
#define CTYPE_XDIGIT 0x1000
#define CTYPE_SPACE 0x2000
#define CTYPE_PRINT 0x4000
#define CTYPE_GRAPH 0x8000
#define CTYPE_BLANK 0x0001
#define CTYPE_CNTRL 0x0002
#define CTYPE_PUNCT 0x0004
#define CTYPE_ALNUM 0x0008

const unsigned short **KLIBC(__ctype_b_loc)(void);
const int32_t **KLIBC(__ctype_tolower_loc)(void);
const int32_t **KLIBC(__ctype_toupper_loc)(void);
int KLIBC(tolower)(int c);
int KLIBC(toupper)(int c);
