# The test framework, the host runner and the unit tests.
unit-y += tests/framework/ktap.o tests/framework/host_main.o
unit-y += tests/unit/test_fmt.o
unit-y += tests/unit/test_boot.o
kernel-test-y += tests/framework/ktap.o tests/framework/vm_main.o \
	tests/framework/vm_alloc_usage.o tests/vm/test_cpu.o tests/vm/test_mm.o \
	tests/vm/test_percpu.o tests/vm/test_apic.o
tests-t += tests/prove/style.t tests/prove/unit.t tests/prove/vm.t \
	tests/prove/crash.t
unit-y += tests/unit/test_igvm_file.o tests/unit/test_igvm_raw.o tests/unit/igvm_sample.o tests/unit/igvm_expect.o
unit-y += tests/unit/test_loadplan.o tools/csvsm/loadplan.o
unit-y += tests/unit/test_igvmbld.o
unit-y += tools/igvmbld/image.o
unit-y += tools/igvmbld/elf.o
unit-y += tools/igvmbld/symtab.o
unit-y += tools/igvmbld/layout.o
unit-y += tools/igvmbld/pagetable.o
unit-y += tools/igvmbld/vmsa.o
unit-y += tools/igvmbld/idblock.o
unit-y += tools/igvmbld/snp_stub_blob.o
unit-y += tests/unit/igvmbld_elf.o
tests-t += tests/prove/memmap.t
unit-y += kernel/mm/pgtable.o plat/host/pt_env.o tests/unit/test_pgtable.o
unit-y += tests/framework/alloc_usage.o
kernel-test-y += tests/vm/test_smp.o
kernel-test-y += tests/vm/test_sched.o
unit-y += tests/unit/test_clock.o
kernel-test-y += tests/vm/test_time.o
kernel-test-y += tests/vm/test_stress.o
kernel-test-y += tests/vm/test_tlb.o
kernel-test-y += tests/vm/test_smpsched.o tests/vm/test_evloop.o
kernel-test-y += tests/vm/test_schedstress.o
kernel-test-y += tests/vm/test_bench.o
unit-y += tests/unit/test_apic.o
kernel-test-y += tests/vm/test_user.o tests/vm/user_progs.o
unit-y += tests/unit/test_ramfs.o
kernel-test-y += tests/vm/test_ramfs.o
tests-t += tests/prove/ramfs.t
kernel-test-y += tests/vm/test_exec.o tests/vm/test_linux.o
kernel-test-y += tests/vm/test_native.o
# The SEV-SNP platform against the SNP model (tests/models/snp).
unit-y += tests/unit/test_snp_model.o tests/unit/test_snp_ghcb.o \
	tests/unit/test_snp_core.o tests/unit/test_snp_secrets.o \
	tests/unit/test_snp_loop.o tests/unit/test_snp_ap.o \
	tests/unit/test_snp_boot.o tests/unit/test_snp_vc.o \
	tests/unit/test_snp_start.o
