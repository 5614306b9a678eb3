# Processes and system calls: ring-3 tasks in their own address spaces.
kernel-y += kernel/proc/handle.o kernel/proc/console.o kernel/proc/process.o kernel/proc/exec.o kernel/sys/syscall.o kernel/sys/reqcalls.o kernel/sys/mem.o kernel/sys/file.o arch/x86/syscall.o
unit-y += kernel/proc/handle.o tests/unit/test_handle.o
# The csvsm-native calls and the per-process policy.
kernel-y += kernel/proc/policy.o kernel/proc/chanq.o kernel/sys/native.o
unit-y += kernel/proc/policy.o kernel/proc/chanq.o tests/unit/test_policy.o tests/unit/test_chanq.o
