#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""An independent SEV-SNP launch digest of an IGVM file, for measure.t.

Usage:
  snp_measure.py digest FILE     print the digest (96 hex digits)
  snp_measure.py offsets FILE    print file offsets of interesting pages:
                                 "measured OFF" (SNP page data, measured),
                                 "vmsa OFF" (the SNP VMSA page) and
                                 "native OFF" (data no SNP directive uses)
  snp_measure.py no-snp IN OUT   copy IN with its SEV_SNP platform declared
                                 as SEV_ES instead, checksum fixed

Written from the IGVM format (Microsoft's igvm_defs) and the SNP ABI's
PAGE_INFO record with hashlib and struct only, sharing no code with
csvsm: directives in file order, those whose compatibility mask has the
SNP platform's bit; each 4 KiB page becomes a 112-byte PAGE_INFO
{previous digest, contents, length 0x70, page type, 0, 0, 0,0,0, gpa}
and the digest becomes its SHA-384. Page types: 1 normal (contents =
SHA-384 of the page), 2 VMSA (same), 3 zero, 4 unmeasured, 5 secrets,
6 CPUID (contents zero). It checks only what it needs; csvsm's reader
does the full validation.
"""
import hashlib
import struct
import sys
import zlib

MAGIC = 0x4D564749
PAGE = 4096
PLATFORM = 0x001
PARAMETER_AREA, PAGE_DATA, PARAMETER_INSERT, VP_CONTEXT = \
    0x301, 0x302, 0x303, 0x304
SEV_SNP, SEV_ES = 0x02, 0x05
FLAG_2MB, FLAG_UNMEASURED = 0x1, 0x2
DT_NORMAL, DT_SECRETS, DT_CPUID, DT_CPUID_XF = 0, 1, 2, 3
T_NORMAL, T_VMSA, T_ZERO, T_UNMEASURED, T_SECRETS, T_CPUID = range(1, 7)


class Igvm:
    """The fixed header and the variable headers of one file."""

    def __init__(self, data):
        self.data = data
        magic, version, self.vh_off, self.vh_size, total, _ = \
            struct.unpack_from("<6I", data, 0)
        if magic != MAGIC or total != len(data):
            raise ValueError("not an IGVM file")
        self.header_size = 32 if version == 2 else 24
        self.entries = []  # (type, tlv offset, payload bytes)
        pos, end = self.vh_off, self.vh_off + self.vh_size
        while pos < end:
            vtype, length = struct.unpack_from("<II", data, pos)
            self.entries.append((vtype & 0x7FFFFFFF, pos,
                                 data[pos + 8:pos + 8 + length]))
            pos += 8 + (length + 7) // 8 * 8

    def snp_mask(self):
        for vtype, _, p in self.entries:
            if vtype == PLATFORM:
                mask, _, ptype = struct.unpack_from("<IBB", p, 0)
                if ptype == SEV_SNP:
                    return mask
        raise ValueError("no SEV-SNP platform")

    def page(self, off):
        if off == 0 or off + PAGE > len(self.data):
            raise ValueError("page at 0x%x outside the file" % off)
        return self.data[off:off + PAGE]


def page_info(digest, contents, ptype, gpa):
    return (digest + contents + struct.pack("<HBBB3B", 0x70, ptype, 0, 0,
                                            0, 0, 0) + struct.pack("<Q", gpa))


def walk(f):
    """Yields (page type, gpa, file offset or 0) in measurement order."""
    mask = f.snp_mask()
    areas = {}
    for vtype, _, p in f.entries:
        if vtype == PARAMETER_AREA:
            size, index, _ = struct.unpack_from("<QII", p, 0)
            areas[index] = size
        elif vtype == PAGE_DATA:
            gpa, m, off, flags, dtype = struct.unpack_from("<QIIIH", p, 0)
            if not m & mask:
                continue
            count = 512 if flags & FLAG_2MB else 1
            for i in range(count):
                if dtype == DT_SECRETS:
                    t = T_SECRETS
                elif dtype in (DT_CPUID, DT_CPUID_XF):
                    t = T_CPUID
                elif flags & FLAG_UNMEASURED:
                    t = T_UNMEASURED
                elif off == 0:
                    t = T_ZERO
                else:
                    t = T_NORMAL
                yield t, gpa + i * PAGE, off + i * PAGE if off else 0
        elif vtype == PARAMETER_INSERT:
            gpa, m, index = struct.unpack_from("<QII", p, 0)
            if m & mask:
                for i in range(areas[index] // PAGE):
                    yield T_UNMEASURED, gpa + i * PAGE, 0
        elif vtype == VP_CONTEXT:
            gpa, m, off = struct.unpack_from("<QII", p, 0)
            if m & mask:
                yield T_VMSA, gpa, off


def digest(f):
    d = bytes(48)
    for t, gpa, off in walk(f):
        if t in (T_NORMAL, T_VMSA):
            contents = hashlib.sha384(f.page(off)).digest()
        else:
            contents = bytes(48)
        d = hashlib.sha384(page_info(d, contents, t, gpa)).digest()
    return d


def offsets(f):
    used = set()
    out = {}
    for t, _, off in walk(f):
        if off:
            used.add(off)
            if t == T_NORMAL:
                out.setdefault("measured", off)
            elif t == T_VMSA:
                out.setdefault("vmsa", off)
    for vtype, _, p in f.entries:
        if vtype in (PAGE_DATA, VP_CONTEXT):
            off = struct.unpack_from("<I", p, 12)[0]  # both layouts
            if off and off not in used:
                out.setdefault("native", off)
    return out


def no_snp(f):
    data = bytearray(f.data)
    for vtype, pos, p in f.entries:
        if vtype == PLATFORM and p[5] == SEV_SNP:
            data[pos + 8 + 5] = SEV_ES
    struct.pack_into("<I", data, 20, 0)
    region = bytes(data[:f.header_size]) + \
        bytes(data[f.vh_off:f.vh_off + f.vh_size])
    struct.pack_into("<I", data, 20, zlib.crc32(region) & 0xFFFFFFFF)
    return bytes(data)


def main(argv):
    if len(argv) < 3 or argv[1] not in ("digest", "offsets", "no-snp"):
        sys.stderr.write(__doc__)
        return 2
    with open(argv[2], "rb") as fh:
        f = Igvm(fh.read())
    if argv[1] == "digest":
        print(digest(f).hex())
    elif argv[1] == "offsets":
        for k, v in sorted(offsets(f).items()):
            print(k, v)
    else:
        with open(argv[3], "wb") as fh:
            fh.write(no_snp(f))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
