#!/usr/bin/env python3
"""Record the non-media RTMP messages a real client sends to a server.

Usage: capture-client-session.py OUTPUT.rtmpcap publish|play -- CLIENT ARGS... (use {url} for the URL)

Listens on 127.0.0.1 (ephemeral port), runs the client against rtmp://127.0.0.1:PORT/live/test,
answers the plain handshake and replies to commands the way Headwater's RTMPServerSessionStateMachine
does (SRS's sequence), and writes every message except audio/video (types 8, 9) as records:
  u8 type id, u32 message stream id, u32 timestamp, u32 length (all big-endian), payload.
Publishers are recorded until they disconnect; players for one second after `play`.
"""
import socket, struct, subprocess, sys, time

out, mode = sys.argv[1], sys.argv[2]
client_args = sys.argv[sys.argv.index("--") + 1:]

srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(1)
url = f"rtmp://127.0.0.1:{srv.getsockname()[1]}/live/test"
proc = subprocess.Popen([a.replace("{url}", url) for a in client_args],
                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

def amf_str(s):
    b = s.encode()
    return b"\x02" + struct.pack(">H", len(b)) + b
def amf_num(n):
    return b"\x00" + struct.pack(">d", n)
def amf_bool(v):
    return b"\x01" + (b"\x01" if v else b"\x00")
AMF_NULL, AMF_UNDEFINED = b"\x05", b"\x06"
def amf_obj(props):
    body = b"".join(struct.pack(">H", len(k)) + k.encode() + v for k, v in props)
    return b"\x03" + body + b"\x00\x00\x09"

def read_amf_prefix(payload):
    """Command name and transaction id (when present)."""
    name_len = struct.unpack(">H", payload[1:3])[0]
    name = payload[3:3 + name_len].decode()
    rest = payload[3 + name_len:]
    txn = struct.unpack(">d", rest[1:9])[0] if rest[:1] == b"\x00" else 0.0
    return name, txn

OUT_CHUNK = 60000
records = []
try:
    srv.settimeout(15)
    conn, _ = srv.accept()
    conn.settimeout(15)

    def recv_exact(n):
        data = b""
        while len(data) < n:
            part = conn.recv(n - len(data))
            if not part:
                raise EOFError
            data += part
        return data

    def send(type_id, stream_id, payload, csid=3, chunk=OUT_CHUNK):
        header = bytes([csid]) + (0).to_bytes(3, "big") + len(payload).to_bytes(3, "big") + bytes([type_id])
        header += struct.pack("<I", stream_id)
        data, first = b"", True
        for i in range(0, max(len(payload), 1), chunk):
            data += (header if first else bytes([0xC0 | csid])) + payload[i:i + chunk]
            first = False
        conn.sendall(data)

    def status(code, name, level="status"):
        return amf_obj([("level", amf_str(level)), ("code", amf_str(code)),
                        ("description", amf_str(code)), ("details", amf_str(name))])

    c0c1 = recv_exact(1537)
    conn.sendall(b"\x03" + bytes(1536) + c0c1[1:])
    recv_exact(1536)

    in_chunk = 128
    streams = {}
    fcpublish = False
    deadline = None
    while deadline is None or time.time() < deadline:
        if deadline is not None:
            conn.settimeout(max(0.05, deadline - time.time()))
        try:
            b0 = recv_exact(1)[0]
        except (EOFError, socket.timeout, ConnectionResetError):
            break
        fmt, csid = b0 >> 6, b0 & 0x3F
        if csid == 0:
            csid = 64 + recv_exact(1)[0]
        elif csid == 1:
            lo, hi = recv_exact(2)
            csid = 64 + lo + hi * 256
        st = streams.setdefault(csid, {"ts": 0, "delta": 0, "len": 0, "type": 0, "sid": 0, "buf": b"", "ext": False})
        if fmt <= 2:
            ts = int.from_bytes(recv_exact(3), "big")
            if fmt <= 1:
                st["len"] = int.from_bytes(recv_exact(3), "big")
                st["type"] = recv_exact(1)[0]
                if fmt == 0:
                    st["sid"] = struct.unpack("<I", recv_exact(4))[0]
            st["ext"] = ts == 0xFFFFFF
            if st["ext"]:
                ts = struct.unpack(">I", recv_exact(4))[0]
            if fmt == 0:
                st["ts"] = ts
            else:
                st["delta"] = ts
                if not st["buf"]:
                    st["ts"] += ts
        else:
            if st["ext"]:
                recv_exact(4)
            if not st["buf"] and st["len"]:
                st["ts"] += st["delta"]
        need = min(in_chunk, st["len"] - len(st["buf"]))
        st["buf"] += recv_exact(need)
        if len(st["buf"]) < st["len"]:
            continue
        payload, st["buf"] = st["buf"], b""
        t, sid = st["type"], st["sid"]
        if t not in (8, 9):
            records.append(struct.pack(">BIII", t, sid, st["ts"] & 0xFFFFFFFF, len(payload)) + payload)
        if t == 1:
            in_chunk = struct.unpack(">I", payload[:4])[0] & 0x7FFFFFFF
        if t not in (17, 20):
            continue
        body = payload[1:] if t == 17 and payload[:1] == b"\x00" else payload
        name, txn = read_amf_prefix(body)
        if name == "connect":
            send(5, 0, struct.pack(">I", 2500000), csid=2, chunk=128)
            send(6, 0, struct.pack(">IB", 2500000, 2), csid=2, chunk=128)
            send(1, 0, struct.pack(">I", OUT_CHUNK), csid=2, chunk=128)
            send(20, 0, amf_str("_result") + amf_num(txn)
                 + amf_obj([("fmsVer", amf_str("FMS/3,5,3,888")), ("capabilities", amf_num(127)), ("mode", amf_num(1))])
                 + amf_obj([("level", amf_str("status")), ("code", amf_str("NetConnection.Connect.Success")),
                            ("description", amf_str("Connection succeeded")), ("objectEncoding", amf_num(0))]))
            send(20, 0, amf_str("onBWDone") + amf_num(0) + AMF_NULL)
        elif name in ("releaseStream", "FCPublish", "FCUnpublish"):
            fcpublish = fcpublish or name == "FCPublish"
            send(20, 0, amf_str("_result") + amf_num(txn) + AMF_NULL + AMF_UNDEFINED)
        elif name == "createStream":
            send(20, 0, amf_str("_result") + amf_num(txn) + AMF_NULL + amf_num(1))
        elif name == "getStreamLength":
            send(20, 0, amf_str("_result") + amf_num(txn) + AMF_NULL + amf_num(0))
        elif name == "publish":
            if fcpublish:
                send(20, sid, amf_str("onFCPublish") + amf_num(0) + AMF_NULL
                     + amf_obj([("code", amf_str("NetStream.Publish.Start")), ("description", amf_str("Started"))]))
            send(20, sid, amf_str("onStatus") + amf_num(0) + AMF_NULL + status("NetStream.Publish.Start", "test"))
        elif name == "play":
            send(4, 0, struct.pack(">HI", 0, sid), csid=2, chunk=128)
            send(20, sid, amf_str("onStatus") + amf_num(0) + AMF_NULL + status("NetStream.Play.Reset", "test"))
            send(20, sid, amf_str("onStatus") + amf_num(0) + AMF_NULL + status("NetStream.Play.Start", "test"))
            send(18, sid, amf_str("|RtmpSampleAccess") + amf_bool(True) + amf_bool(True))
            if mode == "play":
                deadline = time.time() + 1.0
        elif name in ("deleteStream", "closeStream", "pause") or txn == 0:
            pass
        else:
            send(20, 0, amf_str("_result") + amf_num(txn) + AMF_NULL + AMF_NULL)
finally:
    proc.kill()
    proc.wait()

with open(out, "wb") as f:
    f.write(b"".join(records))
print(f"{out}: {len(records)} messages")
