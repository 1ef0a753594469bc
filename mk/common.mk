# Compiler flags shared by the kernel (target) build and the host builds.

CC       ?= gcc
HOSTCC   ?= gcc
CLANG    ?= clang
LD       ?= ld
OBJCOPY  ?= objcopy

WARN     := -Wall -Wextra -Werror -Wimplicit-fallthrough -Wno-unused-parameter \
            -Wstrict-prototypes -Wmissing-prototypes -Wshadow -Wundef
CSTD     := -std=gnu11
INCLUDES := -Iinclude -I.

# Kernel: freestanding, no red zone, kernel code model, no SSE in general code.
KCFLAGS  := $(CSTD) $(WARN) $(INCLUDES) -ffreestanding -fno-builtin -nostdinc \
            -isystem $(shell $(CC) -print-file-name=include) \
            -fno-pic -fno-pie -mno-red-zone -mcmodel=kernel -mgeneral-regs-only \
            -mno-mmx -mno-sse -mno-sse2 -fno-stack-protector -fno-omit-frame-pointer \
            -fno-asynchronous-unwind-tables -fno-strict-aliasing -ffunction-sections \
            -O2 -g -DSVSM_KERNEL=1 -MMD -MP
KASFLAGS := $(INCLUDES) -DSVSM_KERNEL=1 -D__ASSEMBLY__ -g -MMD -MP
KLDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments

# Host: unit tests and tools, with AddressSanitizer and UndefinedBehaviorSanitizer.
SANFLAGS    := -fsanitize=address,undefined -fno-sanitize-recover=all
HOSTCFLAGS  := $(CSTD) $(WARN) $(INCLUDES) -O1 -g -fno-omit-frame-pointer -DSVSM_HOST=1 -MMD -MP
TOOLCFLAGS  := $(CSTD) $(WARN) $(INCLUDES) -O2 -g -DSVSM_HOST=1 -MMD -MP
