# The SEV-SNP platform: the GHCB MSR and page protocols, the core
# protocol's privileged steps, the VMPL switch loop, csvsm's own APs, the
# boot checks and the secrets page. Not reachable at boot yet (csvsm does
# not boot on SNP; TCG has none), but built into the kernel so that it
# keeps compiling freestanding. The host tests run the same objects
# against the SNP model (tests/models/snp) behind arch/x86/snp_ops.h.
snp-objs := plat/snp/ghcb_msr.o plat/snp/ghcb.o plat/snp/snp_core.o \
	plat/snp/secrets.o plat/snp/vcpu_loop.o plat/snp/ap_start.o \
	plat/snp/boot.o plat/snp/vc.o plat/snp/start.o
kernel-y += $(snp-objs) plat/snp/plat.o
unit-y += $(snp-objs)
unit-y += tests/models/snp/snp_model.o
# The host's answers to the GHCB MSR client, fuzzed.
fuzz-targets += ghcb
fuzz-ghcb-y := tests/fuzz/fuzz_ghcb.o plat/snp/ghcb_msr.o kernel/mm/valid_state.o \
	tests/models/snp/snp_model.o
# The SNP CPUID page parser, fuzzed.
fuzz-targets += snp_cpuid
fuzz-snp_cpuid-y := tests/fuzz/fuzz_snp_cpuid.o plat/snp/boot.o \
	plat/snp/snp_core.o plat/snp/secrets.o plat/snp/ghcb_msr.o \
	kernel/mm/valid_state.o tests/models/snp/snp_model.o \
	lib/proto/proto.o lib/proto/core.o
# The #VC handler's instruction decoder and the host's IOIO/MSR answers.
fuzz-targets += snp_vc
fuzz-snp_vc-y := tests/fuzz/fuzz_snp_vc.o plat/snp/vc.o plat/snp/ghcb.o \
	plat/snp/boot.o plat/snp/snp_core.o plat/snp/secrets.o \
	plat/snp/ghcb_msr.o kernel/mm/valid_state.o \
	tests/models/snp/snp_model.o lib/proto/proto.o lib/proto/core.o
