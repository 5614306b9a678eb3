# The SVSM protocol layer, platform-neutral: in the kernel, the host
# unit tests (against a model platform) and the fuzz targets; svsm-reqd
# will link it in ring 3.
kernel-y += lib/proto/proto.o lib/proto/core.o lib/proto/errno_map.o
libhost-y += lib/proto/proto.o lib/proto/core.o lib/proto/errno_map.o
unit-y += tests/unit/test_proto.o tests/unit/proto_model.o
# The request decoder and every core call, the PVALIDATE walker above all.
fuzz-targets += proto
fuzz-proto-y := tests/fuzz/fuzz_proto.o tests/unit/proto_model.o \
	lib/proto/proto.o lib/proto/core.o
# The vTPM protocol (2) over a backend in proto_env.vtpm.
kernel-y += lib/proto/vtpm.o
libhost-y += lib/proto/vtpm.o
unit-y += tests/unit/test_proto_vtpm.o
# SVSM_VTPM_CMD's buffer parsing against a fake backend.
fuzz-targets += proto_vtpm
fuzz-proto_vtpm-y := tests/fuzz/fuzz_proto_vtpm.o tests/unit/proto_model.o \
	lib/proto/proto.o lib/proto/core.o lib/proto/vtpm.o
