# svsm-reqd: the ring-3 request loop (user/svsm-reqd/main.c), a libsvsm
# program over the protocol layer (lib/proto) compiled for ring 3, linked
# as a static ET_EXEC like the other programs of user/module.mk, packed
# into both images' RAM FS as /sbin/svsm-reqd (ramfs/base.manifest).
REQD_OBJ := $(USER_OBJ)/user/svsm-reqd/main.o \
	$(addprefix $(USER_OBJ)/lib/proto/,proto.o core.o vtpm.o errno_map.o)

$(USER_BUILD)/svsm-reqd: $(USER_CRT) $(REQD_OBJ) $(LIBSVSM)
	$(Q)$(HOSTCC) $(USER_PROG_LDFLAGS) -o $@ $^

all: $(USER_BUILD)/svsm-reqd
