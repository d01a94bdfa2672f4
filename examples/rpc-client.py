#!/usr/bin/env python3
"""A minimal vpa-store client in Python 3 with the standard library only (README "Protocol").

    python3 examples/rpc-client.py 127.0.0.1:7373 [--namespace NS] [--pod NAME] [--token-file F] [--dump]

Calls GetServerInfo and GetActualResources and prints one JSON object per line: the server info,
then one line per container. A non-OK status exits 1 with its code name and message. --dump writes
the bytes of the GetActualResources call (request frame, response frames) to stderr as hex.
"""
import argparse, json, socket, struct, sys

# Protobuf, just enough: varints (wire type 0) and length-delimited fields (wire type 2).
def varint(n):
    n &= (1 << 64) - 1                      # a negative int64 is sent as its 64-bit two's complement
    out = bytearray()
    while n > 0x7F:
        out.append(n & 0x7F | 0x80); n >>= 7
    return bytes(out + bytes([n]))

def field(number, value):                   # None, "", b"" and 0 are proto3 defaults: not sent
    if not value: return b""
    if isinstance(value, int): return varint(number << 3 | 0) + varint(value)
    value = value.encode() if isinstance(value, str) else value
    return varint(number << 3 | 2) + varint(len(value)) + value

def read_varint(data, i):
    n = shift = 0
    while True:
        b = data[i]; i += 1
        n |= (b & 0x7F) << shift; shift += 7
        if b < 0x80: return n, i

def decode(data):                           # -> {field number: [values]}; ints or bytes
    out, i = {}, 0
    while i < len(data):
        key, i = read_varint(data, i)
        if key & 7 == 0: value, i = read_varint(data, i)
        elif key & 7 == 2: n, i = read_varint(data, i); value, i = data[i:i + n], i + n
        elif key & 7 in (1, 5): size = 8 if key & 7 == 1 else 4; value, i = data[i:i + size], i + size
        else: raise ValueError("unsupported wire type %d" % (key & 7))
        out.setdefault(key >> 3, []).append(value)
    return out

def get(m, number, default=0): return m.get(number, [default])[-1]
def text(m, number): return get(m, number, b"").decode()
def int64(m, number): v = get(m, number); return v - (1 << 64) if v >= 1 << 63 else v
def sint64(m, number): v = get(m, number, None); return None if v is None else (v >> 1) ^ -(v & 1)

# Frames: 4-byte big-endian length, then a vpa.store.v1.Frame (frame.proto).
KINDS = {2: "hello", 3: "welcome", 4: "request", 5: "message", 6: "status", 7: "cancel", 8: "ping", 9: "pong",
         10: "go_away"}
CODES = ["OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
         "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
         "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"]
dump = False

def show(direction, raw):
    m = decode(raw[4:])
    kind = next((KINDS[k] for k in m if k in KINDS), "?")
    print("%s %d bytes: length prefix + Frame (call_id %d, %s)" % (direction, len(raw), get(m, 1), kind), file=sys.stderr)
    for i in range(0, len(raw), 16): print("   %04x  %s" % (i, raw[i:i + 16].hex(" ")), file=sys.stderr)

def send(sock, call_id, kind, body):          # the kind is written even when empty (a cancel)
    frame = field(1, call_id) + varint(kind << 3 | 2) + varint(len(body)) + body
    raw = struct.pack(">I", len(frame)) + frame
    if dump: show(">", raw)
    sock.sendall(raw)

def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk: fail("connection closed by the server")
        data += chunk
    return data

def receive(sock):                          # -> (call_id, kind number, kind's message as bytes)
    head = recv_exact(sock, 4)
    body = recv_exact(sock, struct.unpack(">I", head)[0])
    if dump: show("<", head + body)
    m = decode(body)
    kind = next(k for k in m if k in KINDS)
    return get(m, 1), kind, m[kind][-1]

def fail(message): print("rpc-client: " + message, file=sys.stderr); sys.exit(1)

def check(status):                          # Status: code = 1, message = 2
    s = decode(status)
    if get(s, 1) != 0: fail("%s: %s" % (CODES[get(s, 1)], text(s, 2)))

def call(sock, call_id, method, payload, timeout_ms):
    """One unary call: Request frame out; one Message frame and one Status frame back."""
    send(sock, call_id, 4, field(1, "/vpa.store.v1.Store/" + method) + field(2, timeout_ms) + field(4, payload))
    answer = None
    while True:
        cid, kind, body = receive(sock)
        if kind == 8: send(sock, 0, 9, body)            # a ping is answered with the same opaque
        elif kind == 6 and cid in (0, call_id):         # call 0: the connection is refused or closing
            check(body)
            return answer or {}
        elif kind == 5 and cid == call_id: answer = decode(decode(body)[1][-1] if body else b"")
        # go_away: the call in flight is still finished; nothing else to do in a one-shot client

def main():
    global dump
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("server", help="HOST:PORT or unix:/path/to/socket")
    p.add_argument("--namespace", default=""); p.add_argument("--pod", default="")
    p.add_argument("--token-file"); p.add_argument("--timeout-ms", type=int, default=5000)
    p.add_argument("--dump", action="store_true", help="hex dump of the GetActualResources frames on stderr")
    a = p.parse_args()
    token = open(a.token_file).read().strip() if a.token_file else ""
    try:
        if a.server.startswith("unix:"):
            sock = socket.socket(socket.AF_UNIX); sock.connect(a.server[5:])
        else:
            host, _, port = a.server.rpartition(":"); sock = socket.create_connection((host.strip("[]"), int(port)))
    except OSError as e: fail("cannot connect to %s: %s" % (a.server, e))
    # Handshake: Hello{protocol_version 1, peer_name, token} on call 0; Welcome or a refusing Status.
    send(sock, 0, 2, field(1, 1) + field(2, "rpc-client.py") + field(3, token))
    _, kind, body = receive(sock)
    if kind == 6: check(body)
    info = call(sock, 1, "GetServerInfo", b"", a.timeout_ms)
    print(json.dumps({"server_version": text(info, 1), "protocol_version": get(info, 2), "store_id": text(info, 3),
                      "head_position": int64(info, 4), "first_position": int64(info, 5),
                      "in_place_mode": text(info, 6), "in_place_detected": bool(get(info, 7))}))
    dump = a.dump
    # GetActualResourcesRequest: namespace = 1, pod = 2. Response: position = 1, containers = 2.
    answer = call(sock, 2, "GetActualResources", field(1, a.namespace) + field(2, a.pod), a.timeout_ms)
    dump = False
    for raw in answer.get(2, []):           # ContainerResources (views.proto)
        c = decode(raw)
        actual = decode(get(c, 6, b""))     # ResourceRequirements: requests = 1, limits = 2
        resources = {}
        for number, name in ((1, "requests"), (2, "limits")):
            r = decode(get(actual, number, b""))  # ResourceList: sint64 cpu_millicores = 1, memory_bytes = 2
            values = {"cpu_millicores": sint64(r, 1), "memory_bytes": sint64(r, 2)}
            resources[name] = {k: v for k, v in values.items() if v is not None}
        print(json.dumps({"namespace": text(c, 1), "pod": text(c, 2), "container": text(c, 4),
                          "container_type": ["container", "init"][get(c, 5)],
                          "source": ["status", "spec_fallback", "spec"][get(c, 8)],
                          "actual": resources, "position": int64(c, 11)}))
    sock.close()

if __name__ == "__main__":
    main()
