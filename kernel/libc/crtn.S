/* Epilogue of _init (glibc crtn.o): see crti.S. */
	.section .init, "ax", @progbits
	popq %rbp
	ret

	.section .note.GNU-stack, "", @progbits
