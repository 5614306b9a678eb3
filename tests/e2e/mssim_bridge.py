#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Drives the mssim bridge of `csvsm run --mssim-port` with raw frames.

Usage: mssim_bridge.py PORT fake|csvsm

PORT is the data port (platform PORT+1). Against tests/e2e/fake_csvsm.py
("fake") the TPM commands select how the fake csvsm answers, to prove
that the bridge checks what comes back; against csvsm ("csvsm") they are
real TPM commands. Either way: bad client input closes its connection
only, and the bridge goes on serving. Prints "ok DESC" or "not ok DESC"
per check; exit status 0 when all ran.
"""
import socket
import struct
import sys
import time

import mssim_client
from mssim_client import recv_exact, send_command

PORT = int(sys.argv[1])
MODE = sys.argv[2]
GETRANDOM = bytes.fromhex("80010000000c0000017b0008")
FAILURE = bytes.fromhex("80010000000a00000101")
failed = 0


def check(cond, desc):
    global failed
    print(("ok " if cond else "not ok ") + desc)
    sys.stdout.flush()
    failed += 0 if cond else 1


def conn(port=PORT):
    return mssim_client.conn(port, 120)


def closed(s, within=10.0):
    return mssim_client.closed(s, within)


def command(cmd, locality=0):
    s = conn()
    try:
        return send_command(s, cmd, locality)
    finally:
        s.close()


def fake_cmd(scenario, param=0):
    """A command the fake csvsm reads as SCENARIO, PARAM."""
    return struct.pack(">HIII", 0x8001, 14, scenario, param)


def alive():
    """A command is answered with a well-formed response."""
    if MODE == "fake":
        rsp = command(fake_cmd(0, 20))
        return rsp is not None and len(rsp) == 20 and rsp[6:10] == b"\0" * 4
    rsp = command(GETRANDOM)
    return rsp is not None and len(rsp) >= 10 and \
        struct.unpack(">I", rsp[2:6])[0] == len(rsp)


def expect_closed(frame, what, port=PORT, end=False):
    """The bridge closes a connection that sent FRAME (and, with END,
    ended its side: a frame cut short)."""
    s = conn(port)
    s.sendall(frame)
    if end:
        s.shutdown(socket.SHUT_WR)
    check(closed(s, 3.0), what + ": the connection is closed")
    s.close()


def main():
    # The platform port: every code tpm2-tools may send answers 0.
    s = conn(PORT + 1)
    good = True
    for code in (1, 2, 3, 4, 9, 10, 11, 12, 17, 18):
        s.sendall(struct.pack(">I", code))
        good = good and recv_exact(s, 4) == b"\0\0\0\0"
    s.sendall(struct.pack(">I", 20))
    check(good and closed(s), "platform codes answer 0; SESSION_END ends")
    s.close()
    expect_closed(struct.pack(">I", 0xDEAD), "unknown platform code",
                  PORT + 1)

    # The data port.
    s = conn()
    s.sendall(struct.pack(">II", 15, 1))
    check(recv_exact(s, 12) == struct.pack(">III", 1, 0, 0),
          "REMOTE_HANDSHAKE answers version 1")
    s.close()
    check(alive(), "a command is answered")
    expect_closed(struct.pack(">IBI", 8, 0, 4088) + b"\x80" * 4088,
                  "a command of 4088 bytes")
    expect_closed(struct.pack(">IBI", 8, 0, 0xFFFFFFFF), "size 0xffffffff")
    expect_closed(struct.pack(">I", 0x12345678), "unknown data code")
    expect_closed(struct.pack(">I", 5), "HASH_START on the data port")
    expect_closed(struct.pack(">IBI", 8, 0, 12) + GETRANDOM[:5],
                  "a connection ending inside a command", end=True)
    check(alive(), "the bridge serves after bad input")

    # 4087 bytes is the most a vTPM buffer carries: served.
    big = fake_cmd(0, 10) if MODE == "fake" else GETRANDOM
    big = big[:2] + struct.pack(">I", 4087) + big[6:]
    big += b"\0" * (4087 - len(big))
    rsp = command(big)
    check(rsp is not None and len(rsp) >= 10,
          "a command of 4087 bytes is carried and answered")

    # A stalled partial frame does not hold up others and is closed.
    s = conn()
    s.sendall(struct.pack(">IB", 8, 0))
    t0 = time.monotonic()
    check(alive() and time.monotonic() - t0 < 4.0,
          "a stalled connection does not hold up another")
    check(closed(s, 15.0), "a stalled partial frame is closed (%.1f s)"
          % (time.monotonic() - t0))
    s.close()

    # Two clients at once, served in turn on their own connections.
    a, b = conn(), conn()
    cmd = fake_cmd(0, 30) if MODE == "fake" else GETRANDOM
    rb = send_command(b, cmd)
    ra = send_command(a, cmd)
    check(ra is not None and rb is not None and len(ra) == len(rb),
          "two connections at once are both served")
    a.close()
    b.close()

    # Several commands on one connection, one after another.
    s = conn()
    rs = [send_command(s, cmd) for _ in range(5)]
    s.close()
    check(all(r is not None and len(r) == len(rs[0]) for r in rs),
          "five commands on one connection")

    if MODE == "fake":
        fake_checks()
    else:
        # Locality 1: csvsm refuses the request (INVALID_PARAMETER).
        check(command(GETRANDOM, locality=1) == FAILURE,
              "locality 1: csvsm refuses it, the client gets "
              "TPM_RC_FAILURE")
    check(alive(), "the bridge still serves at the end")
    sys.exit(1 if failed else 0)


def fake_checks():
    for n in (10, 124, 125, 200, 4092):
        rsp = command(fake_cmd(0, n))
        want = bytes((i * 7) & 0xFF for i in range(n - 10))
        check(rsp is not None and len(rsp) == n and rsp[10:] == want,
              "a response of %d bytes comes back whole" % n)
    rsp = command(fake_cmd(0, 12), locality=3)
    check(rsp is not None and rsp[10:] == bytes([3, 10]),
          "the locality reaches csvsm")
    for scen, what in ((1, "a response size past the buffer (4093)"),
                       (2, "a response size under a TPM header (9)"),
                       (3, "a TPM header disagreeing with the size"),
                       (4, "an SVSM error (INVALID_PARAMETER)"),
                       (5, "the channel closing mid-command"),
                       (6, "an ERROR frame from the channel")):
        check(command(fake_cmd(scen)) == FAILURE,
              what + ": TPM_RC_FAILURE")
        check(alive(), "served after " + what)


if __name__ == "__main__":
    main()
