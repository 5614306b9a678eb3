// SPDX-License-Identifier: MIT
/*
 * Processes (svsm/proc.h). The spawner builds the address space (text
 * copied through the window, a zeroed stack) and creates the task; the
 * task's first C code builds the user frame at the top of its kernel
 * stack and leaves through arch_user_return(). The scheduler switches
 * the user half, TSS.RSP0 and the SYSCALL stack with the task
 * (sched_switch_user in kernel/task/sched.c).
 *
 * A fault in ring 3 is reported (vector, error code, RIP, RSP, CR2 for a
 * page fault; no backtrace: the user stack is not the kernel's to walk)
 * and ends the process with PROC_EXIT_KILLED | vector. The process's
 * memory is freed by process_wait(), once the task is off every CPU.
 */
#include "arch/cpu.h"
#include "arch/fpu.h"
#include "arch/insn.h"
#include "arch/user.h"

#include "svsm/heap.h"
#include "svsm/log.h"
#include "svsm/panic.h"
#include "svsm/proc.h"
#include "svsm/string.h"

#include "proc_internal.h"

#define FLAT_MAX_BYTES 0x100000U
#define FPU_ALIGN 64U

static uint64_t next_pid = 1;

struct process *process_current(void)
{
	return task_current()->proc;
}

/**
 * The task's first code: drops to ring 3 at the process's entry with
 * every general register zero (the psABI's RDX = 0: no exit function
 * for the program to register). The frame is a local, below this
 * function's own stack: a frame at the very top of the kernel stack
 * would overlap this code's stack, and the call's return address would
 * land in it (it did, in RDX: a kernel address handed to the user, and
 * glibc registering it as an exit handler).
 */
static void process_main(void *arg)
{
	struct process *p = arg;
	struct trap_frame f = {
		.rip = p->entry,
		.cs = USER_CS,
		.rflags = RFLAGS_IF | RFLAGS_FIXED,
		.rsp = p->stack,
		.ss = USER_SS,
	};

	arch_user_return(&f);
}

/** Frees what a process holds (its task never ran or was joined). */
void process_free(struct process *p)
{
	handle_table_destroy(&p->handles);
	uspace_destroy(&p->us);
	kfree(p->fpu_alloc);
	kfree(p);
}

enum svsm_err process_new(struct process **out)
{
	struct process *p = kzalloc(sizeof(*p));
	enum svsm_err err;

	if (!p) {
		return SVSM_ERR_NOMEM;
	}
	/* XSAVE wants 64-byte alignment: allocate room to align. */
	p->fpu_alloc = kmalloc(fpu_area_size() + FPU_ALIGN - 1U);
	if (!p->fpu_alloc) {
		kfree(p);
		return SVSM_ERR_NOMEM;
	}
	p->fpu = (uint8_t *)p->fpu_alloc +
		 ((FPU_ALIGN - ((uintptr_t)p->fpu_alloc & (FPU_ALIGN - 1U))) &
		  (FPU_ALIGN - 1U));
	fpu_area_init(p->fpu);
	handle_table_init(&p->handles);
	p->mem_pages_max = PROC_MEM_PAGES_DEFAULT;
	err = handle_install_console(&p->handles);
	if (err != SVSM_OK) {
		kfree(p->fpu_alloc);
		kfree(p);
		return err;
	}
	err = uspace_create(&p->us);
	if (err != SVSM_OK) {
		handle_table_destroy(&p->handles);
		kfree(p->fpu_alloc);
		kfree(p);
		return err;
	}
	*out = p;
	return SVSM_OK;
}

enum svsm_err process_start(struct process *p, uint32_t cpu, const char *name)
{
	p->id = __atomic_fetch_add(&next_pid, 1, __ATOMIC_RELAXED);
	return task_create_user(cpu, process_main, p, name, p, &p->task);
}

enum svsm_err process_map_stack(struct process *p)
{
	uint64_t va = USER_STACK_TOP - (uint64_t)USER_STACK_PAGES * PAGE_SIZE;
	enum svsm_err err =
		uspace_map_new(&p->us, va, USER_STACK_PAGES, PT_PROT_WRITE);

	return err == SVSM_OK ? process_mem_note(p, va, USER_STACK_PAGES) : err;
}

enum svsm_err process_spawn_flat(const void *code, size_t len, uint32_t cpu,
				 const char *name, struct process **out)
{
	uint64_t text_pages = (len + PAGE_SIZE - 1U) / PAGE_SIZE;
	struct process *p;
	enum svsm_err err;

	if (!code || len == 0 || len > FLAT_MAX_BYTES) {
		return SVSM_ERR_INVAL;
	}
	err = process_new(&p);
	if (err != SVSM_OK) {
		return err;
	}
	/* Text is read-execute from the start: the copy goes through the
	 * window to the physical pages. */
	err = uspace_map_new(&p->us, USER_TEXT_VA, text_pages, PT_PROT_EXEC);
	if (err == SVSM_OK) {
		err = process_mem_note(p, USER_TEXT_VA, text_pages);
	}
	if (err == SVSM_OK) {
		err = uspace_write(&p->us, USER_TEXT_VA, code, len);
	}
	if (err == SVSM_OK) {
		err = process_map_stack(p);
	}
	p->entry = USER_TEXT_VA;
	p->stack = USER_STACK_TOP;
	if (err == SVSM_OK) {
		err = process_start(p, cpu, name);
	}
	if (err != SVSM_OK) {
		process_free(p);
		return err;
	}
	*out = p;
	return SVSM_OK;
}

uint32_t process_wait(struct process *p)
{
	uint32_t status;

	task_join(p->task);
	status = p->status;
	process_free(p);
	return status;
}

void process_exit(uint32_t status)
{
	struct process *p = process_current();

	CHECK(p != NULL);
	p->status = status;
	task_exit();
}

/** Names the exceptions a user program can cause. */
static const char *fault_name(uint64_t vector)
{
	switch (vector) {
	case VEC_DE:
		return "divide error";
	case VEC_UD:
		return "invalid opcode";
	case VEC_GP:
		return "general protection";
	case VEC_PF:
		return "page fault";
	default:
		return "exception";
	}
}

void process_fault(struct trap_frame *f)
{
	struct process *p = process_current();
	struct task *self = task_current();

	CHECK(p != NULL);
	sti();
	log_printf("process %llu (%s) killed: %s (vector %llu, error 0x%llx) "
		   "at rip 0x%llx rsp 0x%llx",
		   (unsigned long long)p->id, self->name, fault_name(f->vector),
		   (unsigned long long)f->vector,
		   (unsigned long long)f->error_code,
		   (unsigned long long)f->rip, (unsigned long long)f->rsp);
	if (f->vector == VEC_PF) {
		log_printf(" address 0x%llx", (unsigned long long)read_cr2());
	}
	log_printf("\n");
	process_exit(PROC_EXIT_KILLED | (uint32_t)(f->vector & 0xFFU));
}
