# The vTPM service (issue 8): the transport-independent core on libtpms
# (vtpm_core.c, vtpm_nv_mem.c) and its host transport, vtpm-host, which
# serves the mssim protocol for tpm2-tools (tests/prove/vtpm_host.t) and
# the benchmark (bench/vtpm.sh). Needs libtpms-dev (scripts/deps.sh).
VTPM_CORE := user/vtpm/vtpm_core.o user/vtpm/vtpm_nv_mem.o
VTPM_HOST := $(BUILD)/tools/vtpm-host

$(VTPM_HOST): $(addprefix $(BUILD)/host/,$(VTPM_CORE) user/vtpm/host_main.o)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) -o $@ $^ -ltpms -lcrypto

all: $(VTPM_HOST)
tests-t += tests/prove/vtpm_host.t
