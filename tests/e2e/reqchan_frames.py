#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Abuses csvsm's native request channel at the frame level.

Usage: reqchan_frames.py SOCKET

Speaks the frame format of docs/REQCHAN.md directly (a driver in Python
because building corrupt frames is what this test is about) and checks
that each bad frame is answered with an ERROR frame carrying the right
code and sequence number, that nothing a bad frame asked for was done,
and that a good request still works afterwards. Prints "ok DESC" or
"not ok DESC" per check; exit status 0 when all ran.
"""
import socket
import struct
import sys
import zlib

MAGIC = b"CSRQ"
SYNC, CALL, WRITE, READ, ERROR = 1, 2, 3, 4, 0xFF
E_CRC, E_LENGTH, E_TYPE, E_SEQ, E_VERSION, E_NOT_SYNCED, E_ADDR, E_PAYLOAD = \
    range(1, 9)
GPA = 0x2100000  # guest memory the checks write and read


def frame(ftype, seq, payload=b"", version=1, crc_fix=0, length=None):
    """Encodes a frame; crc_fix flips CRC bits, length overrides it."""
    n = len(payload) if length is None else length
    head = MAGIC + bytes([version, ftype]) + struct.pack("<HI", n, seq)
    crc = zlib.crc32(head + payload) ^ crc_fix
    return head + struct.pack("<I", crc) + payload


class Channel:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(60)
        self.s.connect(path)
        self.buf = b""

    def send(self, data):
        self.s.sendall(data)

    def reply(self):
        """Reads one frame; returns (type, seq, payload)."""
        while True:
            i = self.buf.find(MAGIC)
            if i >= 0 and len(self.buf) >= i + 16:
                n = struct.unpack_from("<H", self.buf, i + 6)[0]
                if len(self.buf) >= i + 16 + n:
                    ftype = self.buf[i + 5]
                    seq = struct.unpack_from("<I", self.buf, i + 8)[0]
                    payload = self.buf[i + 16:i + 16 + n]
                    self.buf = self.buf[i + 16 + n:]
                    return ftype, seq, payload
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError("channel closed")
            self.buf += chunk


failed = 0


def check(cond, desc):
    global failed
    print(("ok " if cond else "not ok ") + desc)
    failed += 0 if cond else 1


def expect_error(ch, code, seq, desc):
    ftype, rseq, payload = ch.reply()
    good = (ftype == ERROR and len(payload) == 8 and
            struct.unpack("<II", payload) == (code, seq))
    check(good, desc)
    if not good:
        print(f"# got type {ftype:#x} seq {rseq} payload {payload.hex()}")


def call_payload(rax, rcx=0, rdx=0, r8=0, r9=0):
    return struct.pack("<5Q", rax, rcx, rdx, r8, r9)


def main():
    ch = Channel(sys.argv[1])
    # A new connection is a new session only after SYNC; the previous
    # session's number may still be current, so start with a fresh one.
    ch.send(frame(CALL, 7, call_payload(6 << 0, 1)))
    ftype, _, payload = ch.reply()
    check(ftype == ERROR, "a request on a new connection before SYNC is "
          "refused or out of sequence")
    seq = 1000
    ch.send(frame(SYNC, seq))
    ftype, rseq, payload = ch.reply()
    check(ftype == SYNC | 0x80 and rseq == seq and len(payload) == 24,
          "SYNC is answered with the guest span")

    # Bad CRC, version, length: the parser drops them.
    ch.send(frame(CALL, seq + 1, call_payload(6, 1), crc_fix=1))
    expect_error(ch, E_CRC, seq + 1, "a bad CRC is refused")
    ch.send(frame(CALL, seq + 1, call_payload(6, 1), version=2))
    expect_error(ch, E_VERSION, seq + 1, "an unknown version is refused")
    ch.send(frame(CALL, seq + 1, b"", length=0x2000))
    expect_error(ch, E_LENGTH, seq + 1, "an oversized length is refused")

    # Garbage between frames is skipped; the next frame is served.
    ch.send(b"\x00garbageCSRCS\xff" + frame(CALL, seq + 1,
                                            call_payload(6, 1)))
    ftype, rseq, payload = ch.reply()
    check(ftype == CALL | 0x80 and rseq == seq + 1 and
          struct.unpack("<5Q", payload)[1] == (1 << 32) | 1,
          "after garbage the next call is served (QUERY_PROTOCOL)")
    seq += 1

    # Sequence numbers: a replay and a skip are refused, not acted on.
    ch.send(frame(WRITE, seq, struct.pack("<Q", GPA) + b"\x11" * 8))
    expect_error(ch, E_SEQ, seq, "a replayed sequence number is refused")
    ch.send(frame(WRITE, seq + 5, struct.pack("<Q", GPA) + b"\x22" * 8))
    expect_error(ch, E_SEQ, seq + 5, "a skipped sequence number is refused")
    ch.send(frame(READ, seq + 1, struct.pack("<QI", GPA, 8)))
    ftype, rseq, payload = ch.reply()
    check(ftype == READ | 0x80 and payload != b"\x11" * 8 and
          payload != b"\x22" * 8,
          "refused writes changed nothing")
    seq += 1

    # Types and payload sizes.
    seq += 1
    ch.send(frame(0x42, seq))
    expect_error(ch, E_TYPE, seq, "an unknown type is refused")
    seq += 1
    ch.send(frame(CALL, seq, b"\x00" * 39))
    expect_error(ch, E_PAYLOAD, seq, "a short CALL payload is refused")
    seq += 1
    ch.send(frame(READ, seq, struct.pack("<QI", GPA, 0)))
    expect_error(ch, E_PAYLOAD, seq, "a read of 0 bytes is refused")
    seq += 1
    ch.send(frame(READ, seq, struct.pack("<QI", GPA, 4097)))
    expect_error(ch, E_PAYLOAD, seq, "a read over 4096 bytes is refused")
    seq += 1
    ch.send(frame(WRITE, seq, b"\x00" * 4))
    expect_error(ch, E_PAYLOAD, seq, "a write without an address is "
                 "refused")
    seq += 1
    ch.send(frame(WRITE, seq, struct.pack("<Q", 0x400000) + b"\x00" * 8))
    expect_error(ch, E_ADDR, seq, "a write into the SVSM region is refused")
    seq += 1
    ch.send(frame(READ, seq, struct.pack("<QI", 0x400000, 8)))
    expect_error(ch, E_ADDR, seq, "a read of the SVSM region is refused")
    seq += 1
    ch.send(frame(READ, seq, struct.pack("<QI", 0xFFFFFFFFFFFFF000, 4096)))
    expect_error(ch, E_ADDR, seq, "a read that wraps is refused")

    # A full-size write and read back.
    seq += 1
    data = bytes(range(256)) * 16
    ch.send(frame(WRITE, seq, struct.pack("<Q", GPA) + data))
    ftype, rseq, _ = ch.reply()
    seq += 1
    ch.send(frame(READ, seq, struct.pack("<QI", GPA, 4096)))
    ftype, rseq, payload = ch.reply()
    check(ftype == READ | 0x80 and payload == data,
          "4096 bytes written and read back")

    # A new SYNC restarts the numbering.
    ch.send(frame(SYNC, 5))
    ch.reply()
    ch.send(frame(CALL, 6, call_payload(9 << 32)))
    ftype, rseq, payload = ch.reply()
    check(ftype == CALL | 0x80 and rseq == 6 and
          struct.unpack("<5Q", payload)[0] == 0x80000001,
          "after a new SYNC, calls are served (UNSUPPORTED_PROTOCOL)")
    return 0


if __name__ == "__main__":
    try:
        main()
    except (OSError, EOFError) as e:
        print(f"not ok the channel failed: {e}")
        sys.exit(1)
    sys.exit(0)
