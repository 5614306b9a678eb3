// SPDX-License-Identifier: MIT
/*
 * The production payload: the kernel reports that it is ready, starts
 * the first process, /sbin/init from the RAM FS (user/init, docs/INIT.md),
 * which starts and supervises the services, and idles. The services
 * (request loop, vTPM, ...) arrive as init's services.
 *
 * init is the only process the kernel starts itself. If it is missing or
 * cannot be started, or if it ends (it never should), the kernel says so
 * in an ERROR line and goes on idling: the VM stays up for the guest,
 * without services, and the reason is in the log.
 */
#include "svsm/boot.h"
#include "svsm/err.h"
#include "svsm/log.h"
#include "svsm/plat.h"
#include "svsm/proc.h"
#include "svsm/task.h"

#define INIT_PATH "/sbin/init"

/** Starts /sbin/init and waits for it; reports whatever goes wrong. */
static void run_init(void)
{
	static const char *const argv[] = { INIT_PATH, NULL };
	struct process *p;
	enum svsm_err err =
		process_spawn(INIT_PATH, argv, NULL, task_cpu(), &p);

	if (err != SVSM_OK) {
		pr_err("csvsm: cannot start %s: %s; no services will run\n",
		       INIT_PATH, svsm_err_name(err));
		return;
	}
	log_printf("csvsm: started %s (process %llu)\n", INIT_PATH,
		   (unsigned long long)p->id);
	uint64_t id = p->id;
	uint32_t status = process_wait(p);

	if (status & PROC_EXIT_KILLED) {
		pr_err("csvsm: init (process %llu) was killed (vector %u); "
		       "no services are supervised any more\n",
		       (unsigned long long)id, status & 0xFFU);
	} else {
		pr_err("csvsm: init (process %llu) exited with status %u; "
		       "no services are supervised any more\n",
		       (unsigned long long)id, status);
	}
}

/** Reports readiness, runs init and idles until the VM is stopped. */
void kernel_payload(void)
{
	log_printf("csvsm: ready\n");
	/* SEV-SNP serves the guest from the VMPL switch loop instead. */
	if (!plat_run_payload()) {
		run_init();
	}
	plat_idle();
}
