# Processes and system calls: ring-3 tasks in their own address spaces.
kernel-y += kernel/proc/handle.o kernel/proc/console.o kernel/proc/process.o kernel/proc/exec.o kernel/sys/syscall.o kernel/sys/mem.o kernel/sys/file.o arch/x86/syscall.o
unit-y += kernel/proc/handle.o tests/unit/test_handle.o
