#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A stand-in for QEMU and csvsm behind `csvsm run --qemu fake_csvsm.py`.

It takes the request channel's socket from QEMU's -chardev argument and
answers frames (docs/REQCHAN.md) the way csvsm's native platform does,
with a guest memory span of 0x100000 + 0xff00000, so the mssim bridge can
be tested against a csvsm that misbehaves on purpose. It checks what the
bridge sends: the buffer must be validated (PVALIDATE) before the first
SVSM_VTPM_CMD, RCX must point at it, and the request must be in the
layout of Linux's tpm_svsm driver. A violation is printed to stderr as
"fake_csvsm: VIOLATION ..." and answered with TPM rc 0xbad.

The TPM command selects the answer: its command code (bytes 6..9) is
the scenario, the u32 after it a parameter.

  0  success, a response of PARAM bytes (at least the 10-byte header)
  1  the response size field says 4093 (past the buffer)
  2  the response size field says 9 (shorter than a TPM header)
  3  the TPM header's size disagrees with the size field
  4  RAX INVALID_PARAMETER
  5  the channel connection is closed without a reply
  6  an ERROR frame (address) instead of the reply
"""
import os
import socket
import struct
import sys
import zlib

MAGIC = b"CSRQ"
SYNC, CALL, WRITE, READ, ERROR = 1, 2, 3, 4, 0xFF
BASE, SIZE = 0x100000, 0xFF00000
PAGE = BASE + SIZE - 0x1000
mem = {}
validated = set()
stats = {"pvalidate": 0, "cmds": 0}


def log(msg):
    sys.stderr.write("fake_csvsm: " + msg + "\n")
    sys.stderr.flush()


def frame(ftype, seq, payload=b""):
    head = MAGIC + bytes([1, ftype]) + struct.pack("<HI", len(payload), seq)
    return head + struct.pack("<I", zlib.crc32(head + payload)) + payload


def mem_write(gpa, data):
    for i, b in enumerate(data):
        mem[gpa + i] = b


def mem_read(gpa, n):
    return bytes(mem.get(gpa + i, 0) for i in range(n))


def tpm_response(rc, body=b""):
    return struct.pack(">HII", 0x8001, 10 + len(body), rc) + body


def vtpm_cmd(rcx):
    """Returns (rax, response bytes to put at the buffer, or None)."""
    req = mem_read(rcx, 4096)
    cmd8, loc, size = struct.unpack_from("<IBI", req, 0)
    violation = None
    if rcx != PAGE:
        violation = "RCX %#x is not the bridge's page" % rcx
    elif PAGE not in validated:
        violation = "SVSM_VTPM_CMD before the page was validated"
    elif cmd8 != 8 or size > 4087:
        violation = "request header %s" % req[:9].hex()
    if violation:
        log("VIOLATION " + violation)
        return 0, struct.pack("<I", 10) + tpm_response(0xBAD)
    stats["cmds"] += 1
    cmd = req[9:9 + size]
    scen = struct.unpack_from(">I", cmd, 6)[0] if len(cmd) >= 10 else 0
    param = struct.unpack_from(">I", cmd, 10)[0] if len(cmd) >= 14 else 10
    if scen == 0:
        n = max(param, 10)
        body = bytes((i * 7 + loc) & 0xFF for i in range(n - 10))
        rsp = tpm_response(0, body)
        return 0, struct.pack("<I", len(rsp)) + rsp
    if scen == 1:
        return 0, struct.pack("<I", 4093) + tpm_response(0)
    if scen == 2:
        return 0, struct.pack("<I", 9) + tpm_response(0)
    if scen == 3:
        rsp = tpm_response(0, b"\0" * 6)
        return 0, struct.pack("<I", len(rsp) - 2) + rsp
    if scen == 4:
        return 0x80000005, None
    return None, scen


def pvalidate(rcx):
    entries, nxt = struct.unpack_from("<HH", mem_read(rcx, 4), 0)
    for i in range(nxt, entries):
        e = struct.unpack("<Q", mem_read(rcx + 8 + 8 * i, 8))[0]
        page = e & ~0xFFF
        if e & 4:
            if page in validated:
                return 0x80001010
            validated.add(page)
            mem_write(page, b"\0" * 4096)
            stats["pvalidate"] += 1
    return 0


def serve(c):
    buf = b""
    while True:
        while True:
            i = buf.find(MAGIC)
            if i >= 0 and len(buf) >= i + 16:
                n = struct.unpack_from("<H", buf, i + 6)[0]
                if len(buf) >= i + 16 + n:
                    break
            chunk = c.recv(65536)
            if not chunk:
                return
            buf += chunk
        ftype = buf[i + 5]
        seq = struct.unpack_from("<I", buf, i + 8)[0]
        payload = buf[i + 16:i + 16 + n]
        buf = buf[i + 16 + n:]
        if ftype == SYNC:
            c.sendall(frame(SYNC | 0x80, seq,
                            struct.pack("<QQQ", BASE, SIZE, 1)))
        elif ftype == WRITE:
            gpa = struct.unpack_from("<Q", payload)[0]
            mem_write(gpa, payload[8:])
            c.sendall(frame(WRITE | 0x80, seq))
        elif ftype == READ:
            gpa, ln = struct.unpack_from("<QI", payload)
            c.sendall(frame(READ | 0x80, seq, mem_read(gpa, ln)))
        elif ftype == CALL:
            rax, rcx, rdx, r8, r9 = struct.unpack("<5Q", payload)
            if rax == 1:  # core PVALIDATE
                rax = pvalidate(rcx)
            elif rax == (2 << 32) | 1:
                rax, data = vtpm_cmd(rcx)
                if rax is None:
                    if data == 5:
                        log("closing the channel mid-command")
                        return
                    c.sendall(frame(ERROR, seq, struct.pack("<II", 7, seq)))
                    continue
                if data is not None:
                    mem_write(rcx, data)
            else:
                rax = 0x80000001
            c.sendall(frame(CALL | 0x80, seq,
                            struct.pack("<5Q", rax, rcx, rdx, r8, r9)))


def main():
    path = None
    for a in sys.argv:
        if a.startswith("socket,id=req,path="):
            path = a.split("path=", 1)[1].split(",server")[0]
            path = path.replace(",,", ",")
    if not path:
        log("no request socket in the arguments")
        sys.exit(1)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(1)
    log("listening on the request socket")
    sessions = 0
    while True:
        c, _ = s.accept()
        sessions += 1
        log("session %d (validations %d, commands %d)"
            % (sessions, stats["pvalidate"], stats["cmds"]))
        try:
            serve(c)
        except (ConnectionError, OSError):
            pass
        c.close()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        os._exit(0)
