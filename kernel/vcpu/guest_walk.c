/*
 * Guest page-table walk and instruction fetch (guest_walk.h). The guest's tables are
 * untrusted bytes: each entry is read once through guest_mem (guest RAM only, never SVSM
 * memory, a fault is an error), the walk has at most GUEST_WALK_MAX_LEVELS steps whatever
 * the entries say (a table that points at itself just yields a strange translation), and a
 * fetch translates at most two pages. Nothing is written: accessed bits stay as they are.
 * Modes (AMD APM vol. 2, "Page Translation and Protection"): paging off, 32-bit (4 KiB and
 * PSE 4 MiB pages, PSE-36), PAE (2 MiB pages), long mode with 4 or 5 levels (2 MiB and
 * 1 GiB pages). No state.
 */
#include "kernel/vcpu/guest_walk.h"

#include "kernel/arch/x86_64/x86.h"
#include "kernel/mm/guest_mem.h"

#define PTE_P       (1ull << 0)
#define PTE_RW      (1ull << 1)
#define PTE_US      (1ull << 2)
#define PTE_PS      (1ull << 7)
#define PTE_NX      (1ull << 63)
#define PTE_ADDR    0x000ffffffffff000ull /* bits 51:12 of a 64-bit entry */
#define PTE_2M_ADDR 0x000fffffffe00000ull
#define PTE_2M_RSVD 0x00000000001fe000ull /* bits 20:13 of a 2 MiB leaf */
#define PTE_1G_ADDR 0x000fffffc0000000ull
#define PTE_1G_RSVD 0x000000003fffe000ull /* bits 29:13 of a 1 GiB leaf */
#define PDE32_4M_ADDR 0xffc00000ull
#define PDE32_4M_RSVD (1ull << 21)        /* PSE-36 with a 40-bit physical address */
#define PDPTE_PAE_RSVD (PTE_NX | 0x1e6ull) /* legacy PAE PDPTE: bits 63, 8:5, 2:1 */
#define PAGE_4K 0x1000ull

/**
 * struct walk_mode - the shape of the walk in one paging mode.
 * @levels:     table levels (2, 3, 4 or 5).
 * @entry_size: bytes per entry (4 in 32-bit paging, else 8).
 * @index_bits: linear-address bits per level (10 in 32-bit paging, else 9).
 * @root:       the top table, from CR3.
 * @pae_legacy: PAE without long mode: the top level is the 4-entry PDPT.
 * @nx:         EFER.NXE in a mode with 64-bit entries: bit 63 means no-execute.
 * @long_mode:  EFER.LMA: linear addresses are 64-bit and must be canonical.
 */
struct walk_mode {
	unsigned levels;
	unsigned entry_size;
	unsigned index_bits;
	gpa_t root;
	bool pae_legacy;
	bool nx;
	bool long_mode;
};

static void walk_mode_of(const struct guest_paging *p, struct walk_mode *m)
{
	bool pae = (p->cr4 & CR4_PAE) != 0;

	*m = (struct walk_mode){.levels = 2, .entry_size = 4, .index_bits = 10,
				.root = gpa_init(p->cr3 & 0xfffff000ull)};
	if ((p->efer & EFER_LMA) != 0) {
		m->levels = (p->cr4 & CR4_LA57) != 0 ? 5 : 4;
		m->root = gpa_init(p->cr3 & PTE_ADDR);
		m->long_mode = true;
	} else if (pae) {
		m->levels = 3;
		m->root = gpa_init(p->cr3 & 0xffffffe0ull);
		m->pae_legacy = true;
	}
	if (m->levels > 2) {
		m->entry_size = 8;
		m->index_bits = 9;
		m->nx = (p->efer & EFER_NXE) != 0;
	}
}

static enum svsm_err stop(struct guest_walk_fault *f, enum guest_walk_why why, unsigned level,
			  gpa_t at, uint64_t entry)
{
	f->why = why;
	f->level = level;
	f->entry_gpa = at;
	f->entry = entry;
	return SVSM_E_INVALID_ADDRESS;
}

/* The linear address is canonical for @levels of translation (48 or 57 bits). */
static bool canonical(uint64_t linear, unsigned levels)
{
	unsigned bits = levels == 5 ? 57 : 48;

	return (uint64_t)((int64_t)(linear << (64 - bits)) >> (64 - bits)) == linear;
}

/*
 * Reserved bits of a present entry at @level (a leaf when @leaf). Only what the hardware
 * checks whatever MAXPHYADDR is: the guest could not have run from a translation with
 * these set, so one here means the tables changed since, or are hostile.
 */
static bool reserved(const struct walk_mode *m, unsigned level, uint64_t e, bool leaf)
{
	if (m->entry_size == 4) {
		return leaf && level == 2 && (e & PDE32_4M_RSVD) != 0;
	}
	if (m->pae_legacy && level == 3) {
		return (e & PDPTE_PAE_RSVD) != 0 || (e & PTE_PS) != 0;
	}
	if ((e & PTE_NX) != 0 && !m->nx) {
		return true;
	}
	if (level >= 4 && (e & PTE_PS) != 0) {
		return true; /* no leaf at PML4 or PML5 */
	}
	if (leaf && level == 3) {
		return (e & PTE_1G_RSVD) != 0;
	}
	return leaf && level == 2 && (e & PTE_2M_RSVD) != 0;
}

/* Base and size of the leaf entry @e at @level. */
static void leaf_of(const struct walk_mode *m, unsigned level, uint64_t e, uint64_t *base,
		    uint64_t *size)
{
	if (level == 1) {
		*base = e & (m->entry_size == 4 ? 0xfffff000ull : PTE_ADDR);
		*size = PAGE_4K;
	} else if (m->entry_size == 4) {
		*base = (e & PDE32_4M_ADDR) | (((e >> 13) & 0xffull) << 32);
		*size = 4ull << 20;
	} else if (level == 2) {
		*base = e & PTE_2M_ADDR;
		*size = 2ull << 20;
	} else {
		*base = e & PTE_1G_ADDR;
		*size = 1ull << 30;
	}
}

static enum svsm_err read_entry(const struct walk_mode *m, gpa_t at, uint64_t *e)
{
	uint32_t e32 = 0;
	enum svsm_err err;

	if (m->entry_size == 8) {
		return guest_mem_read(at, e, sizeof(*e));
	}
	err = guest_mem_read(at, &e32, sizeof(e32));
	*e = e32;
	return err;
}

/* A fetch from a page whose entries gave @user and @nx, at @p's CPL. */
static bool executable(const struct guest_paging *p, bool user, bool nx)
{
	if (nx) {
		return false;
	}
	if (p->cpl == 3) {
		return user;
	}
	return !user || (p->cr4 & CR4_SMEP) == 0;
}

/* A data write to a page whose entries gave @user and @rw, at @p's CPL. */
static bool writable(const struct guest_paging *p, bool user, bool rw)
{
	if (p->cpl == 3) {
		return user && rw;
	}
	return rw || (p->cr0 & CR0_WP) == 0;
}

/* What a translation is for: each kind has its own permission check (allowed()). */
enum walk_kind {
	WALK_FETCH,
	WALK_READ,
	WALK_WRITE,
};

/* A data read from a page whose entries gave @user: only U/S matters (no SMAP model). */
static bool readable(const struct guest_paging *p, bool user)
{
	return p->cpl != 3 || user;
}

static bool allowed(const struct guest_paging *p, enum walk_kind kind, bool user, bool rw,
		    bool nx)
{
	switch (kind) {
	case WALK_READ:
		return readable(p, user);
	case WALK_WRITE:
		return writable(p, user, rw);
	case WALK_FETCH:
		break;
	}
	return executable(p, user, nx);
}

static enum svsm_err walk(const struct guest_paging *p, uint64_t linear, enum walk_kind kind,
			  gpa_t *gpa, struct guest_walk_fault *fault)
{
	struct guest_walk_fault unused;
	struct guest_walk_fault *f = fault != NULL ? fault : &unused;
	struct walk_mode m;
	gpa_t table;
	bool user = true, nx = false, rw = true;

	*f = (struct guest_walk_fault){.why = GUEST_WALK_OK, .linear = linear};
	if ((p->cr0 & CR0_PG) == 0 || (p->cr0 & CR0_PE) == 0) {
		*gpa = gpa_init(linear & 0xffffffffull); /* no paging: linear is physical */
		return SVSM_OK;
	}
	walk_mode_of(p, &m);
	if (m.long_mode && !canonical(linear, m.levels)) {
		return stop(f, GUEST_WALK_NON_CANONICAL, m.levels, GPA_C(0), 0);
	}
	if (!m.long_mode) {
		linear &= 0xffffffffull;
	}
	table = m.root;
	for (unsigned level = m.levels; level >= 1; level--) {
		unsigned shift = 12 + (level - 1) * m.index_bits;
		uint64_t index = (linear >> shift) & ((1ull << m.index_bits) - 1);
		gpa_t at = gpa_add(table, index * m.entry_size);
		uint64_t e = 0, base = 0, size = 0;
		bool leaf = level == 1;

		if (read_entry(&m, at, &e) != SVSM_OK) {
			return stop(f, GUEST_WALK_NOT_RAM, level, at, 0);
		}
		if ((e & PTE_P) == 0) {
			return stop(f, GUEST_WALK_NOT_PRESENT, level, at, e);
		}
		if (level == 2 && (e & PTE_PS) != 0) {
			leaf = m.entry_size == 8 || (p->cr4 & CR4_PSE) != 0;
		} else if (level == 3 && (e & PTE_PS) != 0) {
			leaf = m.long_mode;
		}
		if (reserved(&m, level, e, leaf)) {
			return stop(f, GUEST_WALK_RESERVED, level, at, e);
		}
		if (!(m.pae_legacy && level == 3)) { /* a PAE PDPTE has no U/S and no NX */
			user = user && (e & PTE_US) != 0;
			nx = nx || (m.nx && (e & PTE_NX) != 0);
			rw = rw && (e & PTE_RW) != 0;
		}
		if (!leaf) {
			table = gpa_init(e & (m.entry_size == 4 ? 0xfffff000ull : PTE_ADDR));
			continue;
		}
		if (!allowed(p, kind, user, rw, nx)) {
			return stop(f, GUEST_WALK_PROTECTION, level, at, e);
		}
		leaf_of(&m, level, e, &base, &size);
		*gpa = gpa_init(base | (linear & (size - 1)));
		return SVSM_OK;
	}
	return stop(f, GUEST_WALK_NOT_PRESENT, 0, table, 0); /* not reached: level 1 is a leaf */
}

enum svsm_err guest_walk_translate(const struct guest_paging *p, uint64_t linear, gpa_t *gpa,
				   struct guest_walk_fault *fault)
{
	return walk(p, linear, WALK_FETCH, gpa, fault);
}

enum svsm_err guest_walk_translate_read(const struct guest_paging *p, uint64_t linear,
					gpa_t *gpa, struct guest_walk_fault *fault)
{
	return walk(p, linear, WALK_READ, gpa, fault);
}

enum svsm_err guest_walk_translate_write(const struct guest_paging *p, uint64_t linear,
					 gpa_t *gpa, struct guest_walk_fault *fault)
{
	return walk(p, linear, WALK_WRITE, gpa, fault);
}

enum svsm_err guest_walk_fetch(const struct guest_paging *p, uint64_t cs_base, uint64_t rip,
			       bool code64, uint8_t *buf, size_t len, size_t *fetched,
			       struct guest_walk_fault *fault)
{
	struct guest_walk_fault unused;
	struct guest_walk_fault *f = fault != NULL ? fault : &unused;
	uint64_t linear = code64 ? rip : (cs_base + rip) & 0xffffffffull;
	size_t done = 0;

	*fetched = 0;
	*f = (struct guest_walk_fault){.why = GUEST_WALK_OK, .linear = linear};
	len = len > 15 ? 15 : len;
	/* 15 bytes span at most two pages: two translations, whatever the tables say. */
	for (unsigned page = 0; page < 2 && done < len; page++) {
		uint64_t at = code64 ? linear + done : (linear + done) & 0xffffffffull;
		size_t chunk = PAGE_4K - (at & (PAGE_4K - 1));
		gpa_t gpa = GPA_C(0);
		enum svsm_err err;

		chunk = chunk < len - done ? chunk : len - done;
		err = guest_walk_translate(p, at, &gpa, f);
		if (err == SVSM_OK && guest_mem_read(gpa, buf + done, chunk) != SVSM_OK) {
			err = stop(f, GUEST_WALK_NOT_RAM, 0, gpa, 0);
		}
		if (err != SVSM_OK) {
			*fetched = done;
			return done == 0 ? SVSM_E_INVALID_ADDRESS : SVSM_OK;
		}
		done += chunk;
	}
	*fetched = done;
	return SVSM_OK;
}

const char *guest_walk_why_name(enum guest_walk_why why)
{
	switch (why) {
	case GUEST_WALK_OK:
		return "no fault";
	case GUEST_WALK_NOT_PRESENT:
		return "entry not present";
	case GUEST_WALK_RESERVED:
		return "reserved bit set";
	case GUEST_WALK_NOT_RAM:
		return "outside guest RAM";
	case GUEST_WALK_NON_CANONICAL:
		return "non-canonical address";
	case GUEST_WALK_PROTECTION:
		return "access not allowed at this privilege";
	}
	return "unknown";
}
