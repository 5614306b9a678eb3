# The vTPM service (issue 8): the transport-independent core on libtpms
# (vtpm_core.c, vtpm_nv_mem.c) and its host transport, vtpm-host, which
# serves the mssim protocol for tpm2-tools (tests/prove/vtpm_host.t) and
# the benchmark (bench/vtpm.sh). Needs libtpms-dev (scripts/deps.sh).
VTPM_CORE := user/vtpm/vtpm_core.o user/vtpm/vtpm_nv_mem.o
VTPM_HOST := $(BUILD)/tools/vtpm-host

$(VTPM_HOST): $(addprefix $(BUILD)/host/,$(VTPM_CORE) user/vtpm/host_main.o \
		lib/mssim/mssim.o)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) -o $@ $^ -ltpms -lcrypto

all: $(VTPM_HOST)
tests-t += tests/prove/vtpm_host.t tests/prove/vtpm_core.t \
	tests/prove/vtpm_reqd.t

# The core through the vTPM protocol layer, on the model platform: a KTAP
# binary of its own under ASan and UBSan, since it links libtpms and
# libcrypto (the main unit-test binary links neither).
VTPM_TESTS := $(BUILD)/vtpm-core-tests
$(VTPM_TESTS): $(addprefix $(BUILD)/san/,$(sort $(VTPM_CORE) \
		tests/framework/ktap.o tests/framework/host_main.o \
		tests/unit/test_vtpm_core.o tests/unit/proto_model.o \
		kernel/mm/alloc_fail.o \
		$(libhost-y)))
	$(Q)$(HOSTCC) $(SANFLAGS) -o $@ $^ -ltpms -lcrypto

all: $(VTPM_TESTS)

# The service for csvsm (/sbin/vtpm in the production RAM FS): static
# glibc with Debian's libtpms.a and libcrypto.a, stripped. The linker's
# notes about dlopen/getaddrinfo in static programs concern code never
# called.
# It lands at the fixed path the manifests name (build/user, as
# user/module.mk's programs), whatever $(BUILD) is.
$(USER_BUILD)/vtpm: $(addprefix $(BUILD)/host/,$(VTPM_CORE) user/vtpm/svc_main.o)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) -static -s -o $@ $^ -ltpms -lcrypto 2>$@.link-notes || \
		{ cat $@.link-notes >&2; exit 1; }

all: $(USER_BUILD)/vtpm
