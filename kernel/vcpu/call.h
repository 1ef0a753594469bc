/*
 * Serving one SVSM call of a vCPU (call.c): the step of the request loop that hands the
 * call to protocols/.
 */
#pragma once

struct vcpu;

/** vcpu_handle_call - serve one SVSM call of @v if its calling area has call_pending. */
void vcpu_handle_call(struct vcpu *v);
