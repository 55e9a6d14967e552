#!/usr/bin/env python3
"""Capture what an RTMP client sends, for test fixtures.

Usage: capture.py c1 OUT  -- record C0+C1 (1537 bytes) then close.
       capture.py publish OUT -- simple handshake, answer connect/createStream/publish minimally,
                                 record every byte the client sends after C2.
Prints the port on stdout line 1; exits after the client closes or 15 s.

The fixtures next to this script were made with (PORT from line 1; kill the client afterwards):
  Handshake/ffmpeg-c0c1.bin              capture.py c1 ...;  ffmpeg -re -f lavfi -i testsrc -t 1 -f flv rtmp://127.0.0.1:PORT/live/x
  Handshake/rtmpdump-simple-c0c1.bin     capture.py c1 ...;  rtmpdump -r rtmp://127.0.0.1:PORT/live/x -o /dev/null
  Handshake/rtmpdump-digest-c0c1.bin     capture.py c1 ...;  the same with -w <64 hex digits> -x 12345 (SWF
                                         verification makes librtmp use the digest handshake)
  Chunk/ffmpeg-publish-after-handshake.bin  capture.py publish ...;  ffmpeg -re -f lavfi -i testsrc=size=160x120:rate=15
      -f lavfi -i sine=frequency=440:sample_rate=44100 -t 1 -c:v libx264 -g 15 -b:v 100k -c:a aac -b:a 32k
      -f flv rtmp://127.0.0.1:PORT/live/x
"""
import os, socket, struct, sys, time

mode, out = sys.argv[1], sys.argv[2]
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(1)
print(srv.getsockname()[1], flush=True)
srv.settimeout(15)
conn, _ = srv.accept(); conn.settimeout(5)

def recvn(n):
    b = b""
    while len(b) < n:
        d = conn.recv(n - len(b))
        if not d: raise EOFError
        b += d
    return b

c0c1 = recvn(1537)
if mode == "c1":
    open(out, "wb").write(c0c1); conn.close(); sys.exit(0)

s1 = b"\0" * 8 + os.urandom(1528)
conn.sendall(b"\x03" + s1 + c0c1[1:])
recvn(1536)

def amf_str(s): return b"\x02" + struct.pack(">H", len(s)) + s.encode()
def amf_num(n): return b"\x00" + struct.pack(">d", n)
def amf_obj(d):
    b = b"\x03"
    for k, v in d:
        b += struct.pack(">H", len(k)) + k.encode() + v
    return b + b"\x00\x00\x09"
def send_msg(csid, mtype, sid, payload):
    # fmt 0, chunk size 128
    hdr = bytes([csid]) + struct.pack(">I", 0)[1:] + struct.pack(">I", len(payload))[1:] + bytes([mtype]) + struct.pack("<I", sid)
    out_b = hdr + payload[:128]
    for i in range(128, len(payload), 128):
        out_b += bytes([0xC0 | csid]) + payload[i:i+128]
    conn.sendall(out_b)

rec = bytearray(); buf = bytearray(); chunk = 128
streams = {}  # csid -> dict
def parse():
    global chunk
    pos = 0
    while True:
        if pos >= len(buf): break
        start = pos
        if not one_chunk(start):
            break
        pos = one_chunk.end
    del buf[:pos]

def one_chunk(pos):
    global chunk
    if True:
        b0 = buf[pos]; fmt = b0 >> 6; cs = b0 & 0x3f; pos += 1
        if cs == 0:
            if pos + 1 > len(buf): return False
            cs = 64 + buf[pos]; pos += 1
        elif cs == 1:
            if pos + 2 > len(buf): return False
            cs = 64 + buf[pos] + buf[pos+1] * 256; pos += 2
        st = streams.setdefault(cs, {"len": 0, "type": 0, "sid": 0, "data": bytearray(), "ext": False})
        hl = [11, 7, 3, 0][fmt]
        if pos + hl > len(buf): return False
        h = buf[pos:pos+hl]; pos += hl
        ts = None
        if fmt <= 2: ts = int.from_bytes(h[0:3], "big")
        if fmt <= 1:
            st["len"] = int.from_bytes(h[3:6], "big"); st["type"] = h[6]
        if fmt == 0: st["sid"] = struct.unpack("<I", h[7:11])[0]
        if fmt <= 2: st["ext"] = ts == 0xFFFFFF
        if st["ext"]:
            if pos + 4 > len(buf): return False
            pos += 4
        n = min(chunk, st["len"] - len(st["data"]))
        if pos + n > len(buf): return False
        st["data"] += buf[pos:pos+n]; pos += n
        if len(st["data"]) == st["len"]:
            on_message(st["type"], st["sid"], bytes(st["data"])); st["data"] = bytearray()
        one_chunk.end = pos
        return True

def on_message(t, sid, p):
    global chunk
    if t == 1: chunk = struct.unpack(">I", p[:4])[0]; return
    if t != 20: return
    n = struct.unpack(">H", p[1:3])[0]; name = p[3:3+n].decode()
    txn = struct.unpack(">d", p[4+n:12+n])[0]
    if name == "connect":
        send_msg(3, 20, 0, amf_str("_result") + amf_num(txn) + amf_obj([("fmsVer", amf_str("FMS/3,0,1,123"))])
                 + amf_obj([("level", amf_str("status")), ("code", amf_str("NetConnection.Connect.Success"))]))
    elif name == "createStream":
        send_msg(3, 20, 0, amf_str("_result") + amf_num(txn) + b"\x05" + amf_num(1))
    elif name == "publish":
        send_msg(5, 20, 1, amf_str("onStatus") + amf_num(0) + b"\x05"
                 + amf_obj([("level", amf_str("status")), ("code", amf_str("NetStream.Publish.Start"))]))

deadline = time.time() + 15
while time.time() < deadline:
    try: d = conn.recv(65536)
    except socket.timeout: break
    if not d: break
    rec += d; buf += d; parse()
open(out, "wb").write(rec)
