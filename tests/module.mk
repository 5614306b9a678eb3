# The test framework, the host runner and the unit tests.
unit-y += tests/framework/ktap.o tests/framework/host_main.o
unit-y += tests/unit/test_fmt.o
unit-y += tests/unit/test_boot.o
kernel-test-y += tests/framework/ktap.o tests/framework/vm_main.o \
	tests/vm/test_cpu.o
tests-t += tests/prove/style.t tests/prove/unit.t tests/prove/vm.t \
	tests/prove/crash.t
