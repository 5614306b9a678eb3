# The test framework, the host runner and the unit tests.
unit-y += tests/framework/ktap.o tests/framework/host_main.o
unit-y += tests/unit/test_fmt.o
tests-t += tests/prove/unit.t
