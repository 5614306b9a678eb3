# SPDX-License-Identifier: MIT
"""Raw mssim client pieces shared by the tests that abuse an mssim server
(vtpm_frames.py against vtpm-host, mssim_bridge.py against the bridge of
`csvsm run --mssim-port`). All mssim integers are big-endian u32."""
import socket
import struct


def conn(port, timeout):
    """A TCP connection to 127.0.0.1:port."""
    return socket.create_connection(("127.0.0.1", port), timeout=timeout)


def recv_exact(s, n):
    """Exactly n bytes, or EOFError when the server closes first."""
    buf = b""
    while len(buf) < n:
        c = s.recv(n - len(buf))
        if not c:
            raise EOFError("closed after %d of %d bytes" % (len(buf), n))
        buf += c
    return buf


def closed(s, within):
    """True if the server closes the connection within `within` s."""
    s.settimeout(within)
    try:
        return s.recv(1) == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def send_command(s, cmd, locality=0):
    """SEND_COMMAND: the response, or None when its trailer is not zero."""
    s.sendall(struct.pack(">IBI", 8, locality, len(cmd)) + cmd)
    size = struct.unpack(">I", recv_exact(s, 4))[0]
    rsp = recv_exact(s, size)
    if recv_exact(s, 4) != b"\0\0\0\0":
        return None
    return rsp
