#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Reads the SNP ID block of an IGVM file for idblock.t, so that its
signature can be checked with the openssl command line.

Usage:
  snp_id_block.py extract FILE DIR   write DIR/signed.bin (the 96-byte ID
                                     block the firmware checks: ld,
                                     family_id, image_id, version,
                                     guest_svn and the file's SNP policy),
                                     DIR/sig.der (r and s as a DER
                                     ECDSA-Sig-Value) and DIR/pub.der (qx
                                     and qy as a P-384 SubjectPublicKeyInfo);
                                     print "ld HEX"
  snp_id_block.py offset FILE        print the file offset of the ID
                                     block's payload

Written from the IGVM format (IGVM_VHS_SNP_ID_BLOCK, 696 bytes, little
endian, r/s/qx/qy in 72-byte zero-padded fields) and the SEV-SNP ABI's
ID_BLOCK, with struct only, sharing no code with csvsm.
"""
import struct
import sys

PLATFORM, GUEST_POLICY, ID_BLOCK = 0x001, 0x101, 0x30B
SEV_SNP = 0x02
FIELD = 72
P384 = 48
# SubjectPublicKeyInfo header for id-ecPublicKey on secp384r1 (RFC 5480),
# followed by the uncompressed point 04 || X || Y.
SPKI_P384 = bytes.fromhex("3076301006072a8648ce3d020106052b81040022036200")


def tlvs(data):
    """Yields (type, payload offset, payload) of every variable header."""
    off, size = struct.unpack_from("<II", data, 8)
    end = off + size
    while off + 8 <= end:
        typ, length = struct.unpack_from("<II", data, off)
        yield typ & 0x7FFFFFFF, off + 8, data[off + 8:off + 8 + length]
        off += 8 + ((length + 7) & ~7)


def find(data):
    """Returns (payload offset, payload, policy) for the SNP platform."""
    snp_mask = None
    policy = None
    for typ, _, p in tlvs(data):
        if typ == PLATFORM and p[5] == SEV_SNP:
            snp_mask = struct.unpack_from("<I", p, 0)[0]
    for typ, off, p in tlvs(data):
        if typ == GUEST_POLICY and \
                struct.unpack_from("<I", p, 8)[0] & snp_mask:
            policy = struct.unpack_from("<Q", p, 0)[0]
    for typ, off, p in tlvs(data):
        if typ == ID_BLOCK and struct.unpack_from("<I", p, 0)[0] & snp_mask:
            return off, p, policy
    sys.exit("no SNP ID block")


def der_int(le):
    """A DER INTEGER from a little-endian field."""
    v = int.from_bytes(le, "little")
    b = v.to_bytes((v.bit_length() + 8) // 8, "big")
    return b"\x02" + bytes([len(b)]) + b


def extract(path, out):
    data = open(path, "rb").read()
    _, p, policy = find(data)
    ld, family, image = p[8:56], p[56:72], p[72:88]
    version, svn = struct.unpack_from("<II", p, 88)
    sig = 104
    r, s = p[sig:sig + FIELD], p[sig + FIELD:sig + 2 * FIELD]
    key = sig + 2 * FIELD + 8
    qx, qy = p[key:key + FIELD], p[key + FIELD:key + 2 * FIELD]
    signed = ld + family + image + struct.pack("<IIQ", version, svn, policy)
    assert len(signed) == 96
    body = der_int(r) + der_int(s)
    point = b"\x04" + qx[:P384][::-1] + qy[:P384][::-1]
    with open(out + "/signed.bin", "wb") as f:
        f.write(signed)
    with open(out + "/sig.der", "wb") as f:
        f.write(b"\x30" + bytes([len(body)]) + body)
    with open(out + "/pub.der", "wb") as f:
        f.write(SPKI_P384 + point)
    print("ld " + ld.hex())


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "extract":
        extract(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "offset":
        print(find(open(sys.argv[2], "rb").read())[0])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
