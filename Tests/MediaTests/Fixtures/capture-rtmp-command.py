#!/usr/bin/env python3
"""Capture the payload of the first RTMP AMF0 command (the `connect`) that ffmpeg sends.

Usage: capture-rtmp-command.py OUTPUT.bin
Listens on 127.0.0.1 (ephemeral port), runs ffmpeg as a publisher against it, answers the
plain RTMP handshake, reassembles chunks until the first type-20 message and writes its payload.
"""
import socket, struct, subprocess, sys

out = sys.argv[1]
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(1)
port = srv.getsockname()[1]
ff = subprocess.Popen(
    ["ffmpeg", "-nostdin", "-v", "quiet", "-re", "-f", "lavfi", "-i", "testsrc2=size=64x64:rate=5",
     "-t", "5", "-c:v", "libx264", "-f", "flv", f"rtmp://127.0.0.1:{port}/live/test"])
try:
    srv.settimeout(10)
    conn, _ = srv.accept()
    conn.settimeout(10)

    def recv_exact(n):
        data = b""
        while len(data) < n:
            part = conn.recv(n - len(data))
            if not part:
                raise EOFError
            data += part
        return data

    c0c1 = recv_exact(1537)
    conn.sendall(b"\x03" + bytes(1536) + c0c1[1:])
    recv_exact(1536)  # C2

    chunk_size = 128
    streams = {}  # csid -> [timestamp, length, type, stream id, payload so far]
    while True:
        b0 = recv_exact(1)[0]
        fmt, csid = b0 >> 6, b0 & 0x3F
        if csid == 0:
            csid = 64 + recv_exact(1)[0]
        elif csid == 1:
            lo, hi = recv_exact(2)
            csid = 64 + lo + hi * 256
        st = streams.setdefault(csid, [0, 0, 0, 0, b""])
        if fmt <= 2:
            ts = int.from_bytes(recv_exact(3), "big")
            if fmt <= 1:
                st[1] = int.from_bytes(recv_exact(3), "big")
                st[2] = recv_exact(1)[0]
                if fmt == 0:
                    st[3] = struct.unpack("<I", recv_exact(4))[0]
            if ts == 0xFFFFFF:
                recv_exact(4)
        need = min(chunk_size, st[1] - len(st[4]))
        st[4] += recv_exact(need)
        if len(st[4]) < st[1]:
            continue
        payload, st[4] = st[4], b""
        if st[2] == 1:
            chunk_size = struct.unpack(">I", payload[:4])[0] & 0x7FFFFFFF
        elif st[2] == 20:
            with open(out, "wb") as f:
                f.write(payload)
            break
finally:
    ff.kill()
    ff.wait()
