# mkramfs: packs the RAM file system that igvmbld places in the image.
# (The top-level LIBHOST is not defined yet when this is read, so the
# library objects are named here.)
mkramfs-y += tools/mkramfs/main.o lib/ramfs/ramfs.o lib/ramfs/ramfs_pack.o \
	lib/util/crc32.o lib/util/fmt.o lib/util/err.o
MKRAMFS := $(BUILD)/tools/mkramfs

$(MKRAMFS): $(addprefix $(BUILD)/host/,$(mkramfs-y))
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) -o $@ $^

all: $(MKRAMFS)
