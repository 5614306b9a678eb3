# svsm-reqd: the ring-3 request loop (user/svsm-reqd/main.c) over the
# protocol layer (lib/proto) and the freestanding string functions,
# compiled for ring 3, linked as a static ET_EXEC (crt/start.S applies
# no relocations, and the protocol tables hold pointers), and packed into both images' RAM FS as
# /sbin/svsm-reqd (ramfs/base.manifest).
REQD_OBJS := $(USER_BUILD)/reqd/main.o $(USER_BUILD)/reqd/proto.o \
	$(USER_BUILD)/reqd/core.o $(USER_BUILD)/reqd/errno_map.o \
	$(USER_BUILD)/reqd/string.o

$(USER_BUILD)/reqd/main.o: user/svsm-reqd/main.c
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(USER_CFLAGS) -Iinclude -fpie -c -o $@ $<

$(USER_BUILD)/reqd/%.o: lib/proto/%.c
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(USER_CFLAGS) -Iinclude -fpie -c -o $@ $<

$(USER_BUILD)/reqd/string.o: lib/util/string.c
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(USER_CFLAGS) -Iinclude -fpie -c -o $@ $<

$(USER_BUILD)/svsm-reqd: $(USER_BUILD)/crt/start.o $(REQD_OBJS)
	$(Q)$(HOSTCC) -static $(USER_LDFLAGS) -o $@ $^
