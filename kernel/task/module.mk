# Kernel tasks and the scheduler: task life cycle and stacks, run queues,
# the tick, wait queues and mutexes, and the x86 context switch.
kernel-y += kernel/task/task.o kernel/task/sched.o kernel/task/waitq.o kernel/task/evloop.o \
	arch/x86/switch.o
