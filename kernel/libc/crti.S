/*
 * Prologue of _init (glibc crti.o): kernel.ld places this first, then every .init fragment
 * of the archives (libcrypto's "call OPENSSL_cpuid_setup"), then crtn.S. The push keeps
 * %rsp 16-byte aligned for the fragments' calls.
 */
	.section .init, "ax", @progbits
	.globl _init
	.type _init, @function
_init:
	pushq %rbp
	movq %rsp, %rbp

	.section .note.GNU-stack, "", @progbits
