// SPDX-License-Identifier: MIT
/*
 * The VMPL switch loop (vcpu_loop.h). One round:
 *
 * 1. snp_vcpu_arm(): the vCPU for this CPU's APIC ID is looked up under
 *    the guest's lock, and its VMSA gets EFER.SVME (runnable). Only VMSAs
 *    csvsm made VMSAs itself (CREATE_VCPU, or the boot vCPU it adopted)
 *    are ever run; a vCPU deleted meanwhile is not.
 * 2. SNP_RUN_VMPL through this CPU's GHCB page asks the host to run it at
 *    the guest's VMPL; the host answers when the guest exits back to
 *    VMPL0. A refused switch or a garbled answer terminates (ghcb.c).
 * 3. snp_vcpu_disarm(): EFER.SVME is cleared again while csvsm works on
 *    the vCPU, and VMSA.guest_exit_code is read once. Only VMGEXIT can
 *    carry an SVSM call; any other exit (an interrupt meant for VMPL0, a
 *    host that returned early) is not one, and the guest is re-entered
 *    untouched.
 * 4. The calling area's call_pending is taken (read, cleared) and only
 *    if it was set are RAX, RCX, RDX, R8 and R9 copied once out of the
 *    VMSA (snp_request_take); the call goes to proto_dispatch() with the
 *    SNP core operations; RAX, RCX, RDX and R8 go back into the VMSA
 *    (snp_request_finish). A calling area the guest made unreadable is
 *    its own mistake: the call is not served and the guest sees
 *    call_pending still set (Linux and OVMF then fail the call).
 *
 * The VMSA and calling area are guest memory that the guest cannot touch
 * while it is not running (this CPU runs it), and the VMSA is out of its
 * reach altogether once it is a VMSA, so a single copy of each is enough.
 * Integrity loss inside a call (snp_guest.is_lost) stops the loop before
 * anything is written back: on hardware the termination does not return.
 */
#include "vcpu_loop.h"

#include "svsm/proto.h"

/** Takes, serves and answers the call the guest left, if any. */
static enum svsm_err serve(struct snp_cpu *c, const struct snp_run *run)
{
	struct svsm_call_regs regs = { 0, 0, 0, 0, 0 };
	struct proto_env env;
	bool is_pending = false;
	enum svsm_err err = snp_request_take(c->g, run->slot, run->vmsa,
					     run->caa, &regs, &is_pending);

	if (err == SVSM_ERR_RANGE || err == SVSM_ERR_FAULT) {
		return SVSM_OK; /* its calling area is unreadable: not served */
	}
	if (err != SVSM_OK || !is_pending) {
		return err;
	}
	snp_proto_env(c->g, run->slot, &env);
	(void)proto_dispatch(&env, &regs); /* the result is in regs.rax */
	c->calls++;
	if (c->g->is_lost) {
		return SVSM_ERR_INTEGRITY; /* terminated: nothing more */
	}
	err = snp_request_finish(c->g, run->vmsa, &regs);
	/* The call deleted this very vCPU: there is nobody to answer. */
	return err;
}

enum svsm_err snp_vcpu_step(struct snp_cpu *c)
{
	struct snp_run run;
	uint64_t exit_code = 0;
	enum svsm_err err = snp_vcpu_arm(c->g, c->apic_id, &run);

	if (err != SVSM_OK) {
		return err;
	}
	err = ghcb_page_run_vmpl(c->ghcb, c->ghcb_gpa, SNP_GUEST_VMPL);
	if (err != SVSM_OK) {
		return err;
	}
	err = snp_vcpu_disarm(c->g, &run, &exit_code);
	if (err != SVSM_OK || exit_code != SNP_EXIT_VMGEXIT) {
		return err; /* not an SVSM call: enter the guest again */
	}
	return serve(c, &run);
}

enum svsm_err snp_vcpu_loop(struct snp_cpu *c)
{
	enum svsm_err err;

	do {
		err = snp_vcpu_step(c);
	} while (err == SVSM_OK);
	return err;
}
