# File systems: the read-only RAM FS packed into the image.
kernel-y += kernel/fs/ramfs.o
