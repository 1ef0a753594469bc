/*
 * CREATE_VCPU and DELETE_VCPU through the generic lifecycle (kernel/vcpu/lifecycle.c) on
 * the fake platform and fake CPUs: what a guest observes (result codes, the new vCPU runs
 * or stops, the VMSA page is the SVSM's while the vCPU lives) on success, on every failure
 * path, and when calls of two vCPUs race (each call on its own thread, ordered through
 * vcpu_fault_hook()). Every platform state prepared is destroyed exactly once.
 */
#include <pthread.h>
#include <sched.h>

#include "kernel/vcpu/lifecycle.h"
#include "tests/unit/guest_fixture.h"
#include "tests/unit/harness.h"

#define PAGE 4096ull
#define WAIT_US 5000000ull /* bound of every wait for another thread */

static struct guest_fixture g;

/* The vCPU under test: APIC ID 1, so it runs on fake CPU 1. */
#define X_APIC 1
static uint64_t x_vmsa, x_ca;

/* A second calling vCPU B (APIC ID 3, never started: only its calls are made). */
static struct vcpu *b;
static struct fake_vcpu b_fv;

/* What the test does at each vcpu_fault_hook() point; NULL outside the tests below. */
static void (*test_hook)(enum vcpu_fault_point point, struct vcpu *v);

void vcpu_fault_hook(enum vcpu_fault_point point, struct vcpu *v)
{
	if (test_hook != NULL) {
		test_hook(point, v);
	}
}

static void setup(void)
{
	guest_fixture_setup(&g);
	fake_cpus_setup(4);
	test_hook = NULL;
	x_vmsa = g.ram + 0x500000;
	x_ca = x_vmsa + PAGE;
	b_fv = (struct fake_vcpu){0};
	b = vcpu_alloc(3, gpa_init(g.ram + 0x600000), VCPU_NO_VMSA);
	b->plat = &b_fv;
}

/* One core-protocol call made by vCPU @v (its calling area, its registers). */
static struct svsm_call_regs call_as(struct vcpu *v, uint32_t call, uint64_t rcx, uint64_t rdx,
				     uint64_t r8)
{
	struct fake_vcpu *fv = v->plat;
	volatile struct svsm_ca *ca = (volatile struct svsm_ca *)(uintptr_t)gpa_addr(v->ca_gpa);

	fv->regs = (struct svsm_call_regs){SVSM_CALL(0, call), rcx, rdx, r8, 0};
	ca->call_pending = 1;
	vcpu_handle_call(v);
	return fv->regs;
}

static uint64_t create_x(void)
{
	return call_as(g.v, SVSM_CORE_CREATE_VCPU, x_vmsa, x_ca, X_APIC).rax;
}

static uint64_t delete_as(struct vcpu *caller, uint64_t vmsa)
{
	return call_as(caller, SVSM_CORE_DELETE_VCPU, vmsa, 0, 0).rax;
}

/* The guest's view of a page: the SVSM refuses to validate it while it is a live VMSA. */
static bool page_is_svsm(uint64_t gpa)
{
	uint64_t e = svsm_pvalidate_entry_make(gpa, 0, true, true);
	struct svsm_pvalidate_call *req = (struct svsm_pvalidate_call *)(uintptr_t)(g.ca + 8);

	req->entry_count = 1;
	req->next = 0;
	req->entries[0] = e;
	return call_as(g.v, SVSM_CORE_PVALIDATE, g.ca + 8, 0, 0).rax == SVSM_ERR_INVALID_ADDRESS;
}

/* The fake vCPU created from x_vmsa (its platform state), or NULL. */
static struct fake_vcpu *x_fv(void)
{
	struct vcpu *v = vcpu_find_vmsa(gpa_init(x_vmsa));

	return v == NULL ? NULL : v->plat;
}

static bool wait_flag(volatile int *flag)
{
	for (unsigned i = 0; i < WAIT_US / 100; i++) {
		if (__atomic_load_n(flag, __ATOMIC_ACQUIRE) != 0) {
			return true;
		}
		fake_clock_sleep_us(100);
	}
	return false;
}

/* Waits until the vCPU from x_vmsa has entered its loop. */
static bool x_runs(void)
{
	for (unsigned i = 0; i < WAIT_US / 100; i++) {
		struct fake_vcpu *fv = x_fv();

		if (fv != NULL && __atomic_load_n(&fv->runs, __ATOMIC_ACQUIRE) > 0) {
			return true;
		}
		fake_clock_sleep_us(100);
	}
	return false;
}

/* ---- B's DELETE_VCPU on its own thread ------------------------------------------------ */

static pthread_t b_thread;
static bool b_started;
static volatile int b_done, b_waiting, b_saw_stopped, a_done;
static volatile uint64_t b_rax;
static _Thread_local bool i_am_b;

static void *b_delete(void *arg)
{
	(void)arg;
	i_am_b = true;
	b_rax = delete_as(b, x_vmsa);
	__atomic_store_n(&b_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void b_start(void)
{
	b_done = b_waiting = b_saw_stopped = 0;
	b_rax = 0;
	ASSERT_TRUE(pthread_create(&b_thread, NULL, b_delete, NULL) == 0);
	b_started = true;
}

static void b_join(void)
{
	if (b_started) {
		pthread_join(b_thread, NULL);
		b_started = false;
	}
}

static bool on_b(void)
{
	return i_am_b;
}

/* ---- success ------------------------------------------------------------------------- */

TEST(vcpu_lifecycle, create_runs_delete_stops)
{
	setup();
	EXPECT_EQ(create_x(), SVSM_SUCCESS);
	EXPECT_TRUE(x_runs());
	EXPECT_EQ(fake_cpus_started(X_APIC), 1);
	EXPECT_EQ(fake_log.last_cpu, X_APIC);
	EXPECT_TRUE(page_is_svsm(x_vmsa));
	EXPECT_FALSE(page_is_svsm(x_ca));
	/* The same VMSA, CA or APIC ID again, or another vCPU's pages: refused. */
	EXPECT_EQ(create_x(), SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(call_as(g.v, SVSM_CORE_CREATE_VCPU, x_vmsa + 2 * PAGE, x_ca + 2 * PAGE, X_APIC).rax,
		  SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(call_as(g.v, SVSM_CORE_CREATE_VCPU, x_vmsa + 2 * PAGE, x_ca, 2).rax,
		  SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(call_as(g.v, SVSM_CORE_CREATE_VCPU, x_vmsa + 2 * PAGE, x_vmsa, 2).rax,
		  SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(call_as(g.v, SVSM_CORE_CREATE_VCPU, x_vmsa, x_ca + 2 * PAGE, 2).rax,
		  SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(fake_log.prepares, 1);

	EXPECT_EQ(delete_as(g.v, x_vmsa), SVSM_SUCCESS);
	EXPECT_TRUE(fake_cpus_wait_done(X_APIC, WAIT_US)); /* its loop has ended */
	EXPECT_FALSE(page_is_svsm(x_vmsa));
	EXPECT_EQ(delete_as(g.v, x_vmsa), SVSM_ERR_INVALID_PARAMETER);
	/* Slot, APIC ID, pages and CPU can be used again. */
	EXPECT_EQ(create_x(), SVSM_SUCCESS);
	EXPECT_TRUE(x_runs());
	EXPECT_EQ(delete_as(b, x_vmsa), SVSM_SUCCESS);
	EXPECT_EQ(fake_log.prepares, 2);
	EXPECT_EQ(fake_log.destroys, 2);
}

/* ---- creation failures --------------------------------------------------------------- */

TEST(vcpu_lifecycle, create_failures_hold_nothing)
{
	setup();
	/* No CPU with that APIC ID; the caller's own APIC ID. */
	EXPECT_EQ(call_as(g.v, SVSM_CORE_CREATE_VCPU, x_vmsa, x_ca, 9).rax, SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(call_as(g.v, SVSM_CORE_CREATE_VCPU, x_vmsa, x_ca, 0).rax, SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(call_as(g.v, SVSM_CORE_CREATE_VCPU, x_vmsa, x_ca, 3).rax, SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(fake_log.prepares, 0);
	/* The platform refuses the state, or runs out of memory. */
	fake_log.prepare_result = SVSM_E_INVALID_PARAM;
	EXPECT_EQ(create_x(), SVSM_ERR_INVALID_PARAMETER);
	fake_log.prepare_result = SVSM_E_NOMEM;
	EXPECT_EQ(create_x(), SVSM_ERR_BUSY);
	fake_log.prepare_result = SVSM_OK;
	EXPECT_FALSE(page_is_svsm(x_vmsa));
	EXPECT_EQ(fake_cpus_started(X_APIC), 0);
	/* The CPU still finishes earlier work: busy, the guest may retry. */
	fake_cpus_set_busy(X_APIC, true);
	EXPECT_EQ(create_x(), SVSM_ERR_BUSY);
	EXPECT_EQ(fake_cpus_started(X_APIC), 0);
	EXPECT_EQ(fake_log.prepares, fake_log.destroys);
	EXPECT_FALSE(page_is_svsm(x_vmsa));
	EXPECT_EQ(delete_as(g.v, x_vmsa), SVSM_ERR_INVALID_PARAMETER);
	fake_cpus_set_busy(X_APIC, false);
	/* Nothing was left claimed: the same call now succeeds. */
	EXPECT_EQ(create_x(), SVSM_SUCCESS);
	EXPECT_TRUE(x_runs());
	EXPECT_EQ(delete_as(g.v, x_vmsa), SVSM_SUCCESS);
	EXPECT_EQ(fake_log.prepares, fake_log.destroys);
}

/*
 * From the review: CREATE_VCPU used to let the platform make the page a VMSA before it
 * reserved the target CPU; on a busy CPU it then asked the platform to undo that, and gave
 * the page back to the guest even when the undo failed (SNP: a host refusing AP_DESTROY),
 * leaving a live VMSA page writable by SVSM calls on the guest's behalf. Now the CPU is
 * reserved first, so a busy CPU never gets as far as a VMSA.
 */
TEST(vcpu_lifecycle, create_on_a_busy_cpu_never_makes_a_vmsa)
{
	setup();
	fake_log.destroy_result = SVSM_E_BUSY; /* a host that would refuse to destroy it */
	fake_cpus_set_busy(X_APIC, true);
	EXPECT_EQ(create_x(), SVSM_ERR_BUSY);
	EXPECT_EQ(fake_log.prepares, 0);
	EXPECT_FALSE(page_is_svsm(x_vmsa));
	fake_cpus_set_busy(X_APIC, false);
	fake_log.destroy_result = SVSM_OK;
	EXPECT_EQ(create_x(), SVSM_SUCCESS);
	EXPECT_TRUE(x_runs());
	EXPECT_EQ(delete_as(g.v, x_vmsa), SVSM_SUCCESS);
	EXPECT_EQ(fake_log.prepares, fake_log.destroys);
}

TEST(vcpu_lifecycle, create_with_full_table)
{
	struct vcpu *fill[VCPU_MAX];
	unsigned n = 0;

	setup();
	for (; n < VCPU_MAX; n++) {
		fill[n] = vcpu_alloc(100 + n, gpa_init(g.ram + 0x700000 + n * PAGE), VCPU_NO_VMSA);
		if (fill[n] == NULL) {
			break;
		}
	}
	EXPECT_EQ(n, VCPU_MAX - 2); /* A and B hold two slots */
	EXPECT_EQ(create_x(), SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(fake_log.prepares, 0);
	EXPECT_FALSE(page_is_svsm(x_vmsa));
	vcpu_release(fill[0]);
	EXPECT_EQ(create_x(), SVSM_SUCCESS);
	EXPECT_EQ(delete_as(g.v, x_vmsa), SVSM_SUCCESS);
	for (unsigned i = 1; i < n; i++) {
		vcpu_release(fill[i]);
	}
}

/* ---- deletion paths ------------------------------------------------------------------ */

TEST(vcpu_lifecycle, delete_self_is_refused)
{
	struct vcpu *x;

	setup();
	ASSERT_EQ(create_x(), SVSM_SUCCESS);
	ASSERT_TRUE(x_runs());
	x = vcpu_find_vmsa(gpa_init(x_vmsa));
	EXPECT_EQ(delete_as(x, x_vmsa), SVSM_ERR_INVALID_REQUEST);
	EXPECT_EQ(x_fv()->runs, 1); /* still running */
	EXPECT_EQ(fake_log.kicks, 0);
	EXPECT_EQ(delete_as(g.v, x_vmsa), SVSM_SUCCESS);
}

static void hook_b_waiting(enum vcpu_fault_point point, struct vcpu *v)
{
	(void)v;
	if (point == VCPU_FAULT_STOP_WAIT && on_b()) {
		__atomic_store_n(&b_waiting, 1, __ATOMIC_RELEASE);
	}
}

TEST(vcpu_lifecycle, delete_while_another_deletion_is_under_way)
{
	setup();
	ASSERT_EQ(create_x(), SVSM_SUCCESS);
	ASSERT_TRUE(x_runs());
	x_fv()->hold = true; /* X does not stop yet */
	test_hook = hook_b_waiting;
	b_start();
	EXPECT_TRUE(wait_flag(&b_waiting));
	EXPECT_EQ(delete_as(g.v, x_vmsa), SVSM_ERR_BUSY);
	x_fv()->hold = false;
	b_join();
	EXPECT_EQ(b_rax, SVSM_SUCCESS);
	EXPECT_EQ(delete_as(g.v, x_vmsa), SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(fake_log.destroys, 1);
	test_hook = NULL;
}

static void hook_time_passes(enum vcpu_fault_point point, struct vcpu *v)
{
	(void)v;
	if (point == VCPU_FAULT_STOP_WAIT) {
		fake_clock_advance_us(VCPU_DELETE_TIMEOUT_US + 1);
	}
}

TEST(vcpu_lifecycle, delete_timeout_leaves_the_vcpu_running)
{
	struct vcpu *x;

	setup();
	ASSERT_EQ(create_x(), SVSM_SUCCESS);
	ASSERT_TRUE(x_runs());
	x = vcpu_find_vmsa(gpa_init(x_vmsa));
	x_fv()->hold = true;
	test_hook = hook_time_passes;
	EXPECT_EQ(delete_as(g.v, x_vmsa), SVSM_ERR_BUSY);
	test_hook = NULL;
	EXPECT_EQ(x->state, VCPU_RUNNING);
	EXPECT_FALSE(x->stop_request);
	EXPECT_FALSE(fake_cpus_wait_done(X_APIC, 1000));
	EXPECT_TRUE(page_is_svsm(x_vmsa));
	EXPECT_EQ(fake_log.destroys, 0);
	/* The claim was dropped: a later deletion, by anyone, succeeds. */
	x_fv()->hold = false;
	EXPECT_EQ(delete_as(b, x_vmsa), SVSM_SUCCESS);
	EXPECT_EQ(fake_log.destroys, 1);
}

TEST(vcpu_lifecycle, delete_when_the_platform_refuses)
{
	setup();
	ASSERT_EQ(create_x(), SVSM_SUCCESS);
	ASSERT_TRUE(x_runs());
	fake_log.destroy_result = SVSM_E_BUSY; /* SNP: the host refused to destroy the VMSA */
	EXPECT_EQ(delete_as(g.v, x_vmsa), SVSM_ERR_BUSY);
	EXPECT_TRUE(fake_cpus_wait_done(X_APIC, WAIT_US)); /* stopped all the same */
	EXPECT_TRUE(page_is_svsm(x_vmsa));
	fake_log.destroy_result = SVSM_OK;
	EXPECT_EQ(delete_as(b, x_vmsa), SVSM_SUCCESS);
	EXPECT_FALSE(page_is_svsm(x_vmsa));
	EXPECT_EQ(fake_log.prepares, 1);
	EXPECT_EQ(fake_log.destroys, 1);
}

/* ---- security finding 1: a failing CREATE_VCPU races a DELETE_VCPU ------------------- */

/*
 * The interleaving the review found (2 ms delay after posted work in smp.c): A's
 * CREATE_VCPU cannot start the vCPU because its CPU is still busy; B's DELETE_VCPU finds
 * the vCPU in between and waits for it to stop; A's create fails and frees the slot; A
 * creates the vCPU again in the same slot and deletes it. Both deletions must not free it.
 * The hook pins every step: B runs its DELETE once A's create has published (if it ever
 * does); A's deletion, once the vCPU has stopped, waits for B to see that too (or to have
 * answered), and B then lets A finish first.
 */
static void hook_race(enum vcpu_fault_point point, struct vcpu *v)
{
	(void)v;
	switch (point) {
	case VCPU_FAULT_PUBLISHED:
		if (!b_started) {
			b_start();
			while (!__atomic_load_n(&b_waiting, __ATOMIC_ACQUIRE) &&
			       !__atomic_load_n(&b_done, __ATOMIC_ACQUIRE)) {
				sched_yield();
			}
		}
		break;
	case VCPU_FAULT_STOP_WAIT:
		if (on_b()) {
			__atomic_store_n(&b_waiting, 1, __ATOMIC_RELEASE);
		}
		break;
	case VCPU_FAULT_STOPPED:
		if (on_b()) {
			__atomic_store_n(&b_saw_stopped, 1, __ATOMIC_RELEASE);
			(void)wait_flag(&a_done);
		} else if (b_started) {
			for (unsigned i = 0; i < WAIT_US / 100 && !b_saw_stopped && !b_done; i++) {
				fake_clock_sleep_us(100);
			}
		}
		break;
	}
}

TEST(vcpu_lifecycle, failed_create_racing_delete_frees_once)
{
	setup();
	a_done = 0;
	b_started = false;
	b_waiting = b_done = 0;
	test_hook = hook_race;
	fake_cpus_set_busy(X_APIC, true);
	EXPECT_EQ(create_x(), SVSM_ERR_BUSY);
	fake_cpus_set_busy(X_APIC, false);
	if (!b_started) {
		/* The create never published the vCPU: B finds nothing, and is done. */
		b_start();
		EXPECT_TRUE(wait_flag(&b_done));
	}
	EXPECT_EQ(create_x(), SVSM_SUCCESS);
	EXPECT_TRUE(x_runs());
	EXPECT_EQ(delete_as(g.v, x_vmsa), SVSM_SUCCESS);
	__atomic_store_n(&a_done, 1, __ATOMIC_RELEASE);
	b_join();
	test_hook = NULL;
	/* B's vCPU never existed for it: "not found". One creation, one deletion. */
	EXPECT_EQ(b_rax, SVSM_ERR_INVALID_PARAMETER);
	EXPECT_TRUE(fake_cpus_wait_done(X_APIC, WAIT_US));
	EXPECT_FALSE(page_is_svsm(x_vmsa));
	EXPECT_EQ(fake_log.prepares, fake_log.destroys);
	EXPECT_EQ(delete_as(g.v, x_vmsa), SVSM_ERR_INVALID_PARAMETER);
}

/*
 * The second line of defence: should a bug free a vCPU's slot while a DELETE_VCPU waits
 * for it (as the failing CREATE_VCPU above once did), the deleter sees the slot's
 * generation move on and answers "not found" without destroying anything.
 */
TEST(vcpu_lifecycle, stale_deleter_frees_nothing)
{
	struct fake_vcpu *fv;
	struct vcpu *x;

	setup();
	ASSERT_EQ(create_x(), SVSM_SUCCESS);
	ASSERT_TRUE(x_runs());
	x = vcpu_find_vmsa(gpa_init(x_vmsa));
	fv = x->plat;
	fv->hold = true;
	test_hook = hook_b_waiting;
	b_start();
	EXPECT_TRUE(wait_flag(&b_waiting));
	vcpu_release(x); /* the bug: the slot is freed under B's claim */
	b_join();
	test_hook = NULL;
	EXPECT_EQ(b_rax, SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(fake_log.destroys, 0);
	/* Tidy up by hand what the bug orphaned: the vCPU's loop, state and page. */
	fv->hold = false;
	EXPECT_TRUE(fake_cpus_wait_done(X_APIC, WAIT_US));
	vcpu_release(x);
	heap_free(fv);
	guest_mem_unprotect_page(gpa_init(x_vmsa));
}

/* ---- vCPUs the guest starts with INIT-SIPI (vcpu_start_sipi) -------------------------- */

/* Stops every vCPU but the boot one, waiting up to WAIT_US. */
static bool stop_others(void)
{
	for (unsigned i = 0; i < WAIT_US / 100; i++) {
		if (vcpu_stop_all(g.v, 1000)) {
			return true;
		}
		fake_clock_sleep_us(100);
	}
	return false;
}

TEST(vcpu_lifecycle, sipi_starts_each_ap_once_without_ca_or_vmsa)
{
	setup();
	EXPECT_EQ(vcpu_start_sipi(2, 0x9a), SVSM_OK);
	EXPECT_EQ(fake_log.sipi_vector, 0x9a);
	EXPECT_EQ(fake_log.last_cpu, 2u);
	EXPECT_EQ(fake_log.last_ca, 0u);
	EXPECT_EQ(fake_log.last_vmsa, gpa_addr(VCPU_NO_VMSA));
	EXPECT_TRUE(fake_cpus_started(2) == 1);
	/* A second SIPI vCPU also has no calling area: no conflict on CA 0. */
	EXPECT_EQ(vcpu_start_sipi(1, 0x10), SVSM_OK);
	/* Already running: a restart request for its own CPU, no second vCPU. */
	EXPECT_EQ(vcpu_start_sipi(2, 0x9b), SVSM_OK);
	EXPECT_EQ(vcpu_find_apic(2)->sipi_request, 0x19bu);
	EXPECT_TRUE(fake_cpus_started(2) == 1);
	/* The boot CPU, no such CPU: refused. */
	EXPECT_EQ(vcpu_start_sipi(0, 0x9a), SVSM_E_INVALID_PARAM);
	EXPECT_EQ(vcpu_start_sipi(9, 0x9a), SVSM_E_INVALID_PARAM);
	EXPECT_EQ(fake_log.prepares, 2u);
	EXPECT_TRUE(stop_others());
	EXPECT_TRUE(fake_cpus_wait_done(1, WAIT_US));
	EXPECT_TRUE(fake_cpus_wait_done(2, WAIT_US));
}

TEST(vcpu_lifecycle, sipi_failure_holds_nothing)
{
	setup();
	fake_log.prepare_result = SVSM_E_NOMEM;
	EXPECT_EQ(vcpu_start_sipi(2, 0x9a), SVSM_E_NOMEM);
	fake_log.prepare_result = SVSM_OK;
	EXPECT_EQ(vcpu_start_sipi(2, 0x9a), SVSM_OK); /* slot and CPU were given back */
	EXPECT_TRUE(stop_others());
	EXPECT_TRUE(fake_cpus_wait_done(2, WAIT_US));
}
