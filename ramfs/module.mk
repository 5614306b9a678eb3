# The RAM file systems packed into the images (docs/RAMFS.md):
# build/NAME.ramfs for build/NAME.igvm, from the manifests listed in
# RAMFS_MANIFESTS_NAME. Each archive is rebuilt when mkramfs, a manifest
# or a file a manifest names changes.
RAMFS_MANIFESTS_csvsm := ramfs/base.manifest ramfs/csvsm.manifest
RAMFS_MANIFESTS_csvsm-test := ramfs/base.manifest tests/vm/ramfs.manifest
# The production kernel with a vTPM that faults on its first run
# (tests/prove/vtpm_reqd.t).
RAMFS_MANIFESTS_csvsm-vtpmfault := ramfs/base.manifest \
	tests/e2e/vtpm-fault.manifest

# The SRC files named by manifests $(1).
ramfs_sources = $(shell sed -n 's/^[^#][^=]*=//p' $(1))

define ramfs_rule
$(BUILD)/$(1).ramfs: $(BUILD)/tools/mkramfs $(RAMFS_MANIFESTS_$(1)) \
		$(call ramfs_sources,$(RAMFS_MANIFESTS_$(1)))
	@mkdir -p $$(dir $$@)
	$$(Q)$(BUILD)/tools/mkramfs --output $$@ \
		$(addprefix --manifest ,$(RAMFS_MANIFESTS_$(1)))
endef
$(foreach i,csvsm csvsm-test csvsm-vtpmfault,$(eval $(call ramfs_rule,$(i))))

$(BUILD)/csvsm-vtpmfault.igvm: $(BUILD)/csvsm.elf \
		$(BUILD)/csvsm-vtpmfault.ramfs $(BUILD)/tools/igvmbld
	$(Q)$(BUILD)/tools/igvmbld --kernel $< \
		--ramfs $(BUILD)/csvsm-vtpmfault.ramfs \
		--output $@

all: $(BUILD)/csvsm-vtpmfault.igvm
