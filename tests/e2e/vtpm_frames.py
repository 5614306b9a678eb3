#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Abuses vtpm-host's mssim ports with raw frames.

Usage: vtpm_frames.py PORT   (data port PORT, platform port PORT+1)

Each bad frame must close its own connection (or, for a bad TPM command
inside a good frame, get a TPM error response) and the server must keep
answering good frames. Exits non-zero with a message on the first
failure.
"""
import struct
import sys
import time

import mssim_client
from mssim_client import recv_exact

PORT = int(sys.argv[1])
GETRANDOM = bytes.fromhex("80010000000c0000017b0008")


def conn(port):
    return mssim_client.conn(port, 5)


def closed(s, within=5.0):
    """True if the server closes the connection within `within` s."""
    return mssim_client.closed(s, within)


def send_command(s, cmd, locality=0):
    rsp = mssim_client.send_command(s, cmd, locality)
    if rsp is None:
        fail("a response without its zero trailer")
    return rsp


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def expect_closed(frame, what, port=PORT):
    s = conn(port)
    s.sendall(frame)
    if not closed(s):
        fail(what + ": connection not closed")
    s.close()
    print("ok:", what)


def check_alive(what):
    s = conn(PORT)
    rsp = send_command(s, GETRANDOM)
    s.close()
    rc = struct.unpack(">I", rsp[6:10])[0]
    if rc != 0 or len(rsp) != 12 + 8:
        fail("after %s: GetRandom rc %#x len %d" % (what, rc, len(rsp)))


expect_closed(struct.pack(">IBI", 8, 0, 0xFFFFFFFF), "size 0xffffffff")
check_alive("huge size")
expect_closed(struct.pack(">IBI", 8, 0, 4097) + b"\x80" * 4097, "size 4097")
check_alive("4097")
expect_closed(struct.pack(">I", 0x12345678), "unknown data code")
expect_closed(struct.pack(">I", 21), "STOP on the data port")
check_alive("unknown code")
expect_closed(b"\0\0", "truncated code")
expect_closed(struct.pack(">IBI", 8, 0, 12) + GETRANDOM[:5], "truncated command")
check_alive("truncated")

# A frame that stops half-way: the others are served meanwhile, and it
# is closed once it has made no progress for a while.
s = conn(PORT)
s.sendall(struct.pack(">IB", 8, 0))
t0 = time.monotonic()
check_alive("a stalled frame on another connection")
if time.monotonic() - t0 > 1.0:
    fail("a stalled connection held up another for %.1f s"
         % (time.monotonic() - t0))
print("ok: a stalled connection does not hold up the others")
if not closed(s, 6.0):
    fail("stalled frame not closed")
s.close()
print("ok: stalled frame closed after %.1f s" % (time.monotonic() - t0))
check_alive("stall")

# The service ran TPM2_Startup itself: another is TPM_RC_INITIALIZE.
s = conn(PORT)
rsp = send_command(s, bytes.fromhex("80010000000c000001440000"))
s.close()
if struct.unpack(">I", rsp[6:10])[0] != 0x100:
    fail("Startup(CLEAR) answered " + rsp.hex())
print("ok: Startup(CLEAR) -> TPM_RC_INITIALIZE")

# Bad TPM commands in good frames: TPM errors, the connection stays.
s = conn(PORT)
for cmd, what in ((b"\x80\x01\x00", "3-byte command"),
                  (GETRANDOM[:2] + b"\0\0\0\x20" + GETRANDOM[6:], "size field 32 for 12 bytes"),
                  (b"\xff" * 12, "garbage header"),
                  (b"", "empty command")):
    rsp = send_command(s, cmd)
    if len(rsp) < 10 or struct.unpack(">I", rsp[6:10])[0] == 0:
        fail(what + ": no TPM error response: " + rsp.hex())
    print("ok: %s -> TPM rc %#x" % (what, struct.unpack(">I", rsp[6:10])[0]))
rsp = send_command(s, GETRANDOM, locality=5)
if struct.unpack(">I", rsp[6:10])[0] == 0:
    fail("locality 5 accepted")
rsp = send_command(s, GETRANDOM)
if struct.unpack(">I", rsp[6:10])[0] != 0:
    fail("good command after bad ones: " + rsp.hex())
s.close()
print("ok: bad TPM commands get TPM errors; the connection goes on")

# Platform port: known codes answer 0, an unknown one closes.
s = conn(PORT + 1)
for code in (1, 11, 17):
    s.sendall(struct.pack(">I", code))
    if recv_exact(s, 4) != b"\0\0\0\0":
        fail("platform code %d not acknowledged" % code)
s.close()
expect_closed(struct.pack(">I", 0xDEAD), "unknown platform code", PORT + 1)
check_alive("platform")
print("ok: all")
