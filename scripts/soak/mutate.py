"""Frame mutations for the fuzzer (Python 3 standard library only).

Two kinds:
- `request`: a Request frame whose envelope stays valid (lengths recomputed) while its payload,
  method, timeout or metadata are mutated: structure-aware changes of the protobuf tree (extreme
  varints such as INT64_MIN/MAX, huge or odd strings, dropped, duplicated, re-typed or unknown
  fields, spliced sub-messages) and byte-level changes of the payload. The server must answer each
  with a status on its call and keep the connection.
- `raw`: the bytes on the wire, prefix included: bit flips, byte inserts and deletes, truncation,
  length-prefix corruption, splices, over-long varints, frames a client may not send (hello again,
  welcome, status, go_away, a request on call 0 or reusing an id in flight, a frame without or with
  two kinds). The server may answer with a status on call 0 and close: that is the right answer.
"""
import random
import struct

from wire import (INT64_MAX, INT64_MIN, MASK64, METHODS, SERVICE, K_CANCEL, K_REQUEST, decode_fields, f_bytes, frame,
                  frame_body, framed, p3, request_body, varint)

INTERESTING_INTS = sorted({
    0, 1, 2, 3, 7, 0x7F, 0x80, 0xFF, 0x100, 0x3FFF, 0x4000, 0x7FFF, 0x8000, 0xFFFF, 0x10000,
    0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x100000000, (1 << 53), (1 << 53) + 1,
    INT64_MAX, INT64_MIN & MASK64, (INT64_MIN + 1) & MASK64, MASK64, MASK64 - 1, MASK64 - 999,
    (-2) & MASK64, (-1000) & MASK64, (-(1 << 31)) & MASK64, (-(1 << 32)) & MASK64,
    1000, 1001, 5000, 9999, 10000, 10001, 8192, 8193, 16384, 500, 5001,
    1024, 1023, 4194304, 4194305, 1 << 30, (1 << 30) + 1,
    1793606400000, 253402300799999, 253402300800000, (-62135596800000) & MASK64, (-62135596800001) & MASK64,
    INT64_MAX // 1000, INT64_MAX // 1000 + 1, (INT64_MIN // 1000) & MASK64, (INT64_MIN // 1000 - 1) & MASK64,
    INT64_MAX // 1000000, INT64_MAX - 3600000, INT64_MAX - 300000, (INT64_MIN + 3600000) & MASK64,
})

# The ones most likely to break arithmetic: INT64_MIN, INT64_MAX, -1, 0 and their neighbours
# (as 64-bit varints; for sint64 fields MASK64 is INT64_MIN and MASK64 - 1 is INT64_MAX).
EXTREME_INTS = [INT64_MIN & MASK64, INT64_MAX, MASK64, MASK64 - 1, 0, (INT64_MIN + 1) & MASK64, INT64_MAX - 1]

INTERESTING_STRINGS = [
    b"", b"a", b"\x00", b"\x00\x00\x00\x00", b"\xff", b"\xff\xfe\xfd", b"\xc3\x28", b"\xed\xa0\x80",
    "é".encode(), "\U0001F4A5".encode(), b"/", b"//", b"../..", b"shop/", b"/web-ok", b"shop/web-ok",
    b"shop/web-resizing", b"6f1c1f4e-0000-4000-8000-000000000002", b"%s%s%n%x", b"'; DROP TABLE events; --",
    b"in_progress", b"pending_deferred", b"pending_infeasible", b"in_progress_error", b"completed", b"none",
    b"auto", b"enabled", b"disabled", b"AUTO", b"PodObserved", b"ResizeTransition", b"UsageSampled", b"UsageExpired",
    b"OomKilled", b"Unknown", b"-1", b"0", b"9223372036854775808", b"1e309", b"NaN", b"2026-11-02T09:00:00Z",
    b"InPlaceOrRecreate", b"Off", b"Deferred", b"Infeasible", b"Error", b"OOMKilled", b"True", b"False",
    b"ReplicaSet", b"Deployment", b"shop/web-deferred/6f1c1f4e-0000-4000-8000-000000000003/0/app",
    b"a" * 255, b"a" * 256, b"x" * 4096, b"\x00" * 1024, b"/" * 1000, b"\xe2\x80\xae" * 20,
]

LONG_SIZES = [65536, 1 << 20, 3 << 20]


class Mutator:
    def __init__(self, rng, requests, other_frames, max_frame=4194304):
        self.rng = rng
        self.requests = requests            # [(method, payload, timeout_ms)]
        self.other_frames = other_frames    # [(call_id, kind, body)]
        self.max_frame = max_frame
        self.dictionary = list(INTERESTING_STRINGS)
        for _, payload, _ in requests:
            self._collect_strings(payload, 0)
        self.payloads = [p for _, p, _ in requests if p]

    def _collect_strings(self, data, depth):
        try:
            fields = decode_fields(data)
        except ValueError:
            return
        for _, wt, value in fields:
            if wt == 2:
                if self._is_message(value) and depth < 10:
                    self._collect_strings(value, depth + 1)
                elif value not in self.dictionary:
                    self.dictionary.append(value)

    # -- values --------------------------------------------------------------------------------

    def interesting_int(self):
        if self.rng.random() < 0.4:
            return self.rng.choice(EXTREME_INTS)
        return self.rng.choice(INTERESTING_INTS)

    def int_value(self, old=0):
        rng = self.rng
        r = rng.random()
        if r < 0.55:
            return self.interesting_int()
        if r < 0.75:
            return (old + rng.choice((-1, 1)) * rng.choice((1, 1, 2, 16, 1000, 60000, 3600000, 1 << 32))) & MASK64
        if r < 0.9:
            return rng.getrandbits(rng.choice((7, 14, 31, 32, 63, 64)))
        return (old ^ (1 << rng.randrange(64))) & MASK64

    def string_value(self, old=b""):
        rng = self.rng
        r = rng.random()
        if r < 0.4:
            return rng.choice(self.dictionary)
        if r < 0.7 and old:
            return self.mutate_bytes(old)
        if r < 0.8:
            return old + rng.choice(self.dictionary)
        if r < 0.805:
            return rng.choice((b"a", b"\xff", b"/")) * rng.choice(LONG_SIZES)
        return bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 40)))

    def field_number(self):
        rng = self.rng
        r = rng.random()
        if r < 0.75:
            return rng.randint(1, 16)
        if r < 0.85:
            return rng.randint(17, 2047)
        if r < 0.92:
            return rng.choice((19000, 19999, (1 << 29) - 1, 1 << 28))
        if r < 0.96:
            return 0  # invalid in protobuf
        return rng.randint(2048, (1 << 29) - 1)

    def random_field(self):
        rng = self.rng
        wt = rng.choice((0, 0, 0, 2, 2, 1, 5))
        if wt == 0:
            value = self.int_value()
        elif wt == 2:
            r = rng.random()
            if r < 0.5:
                value = self.string_value()
            elif r < 0.8 and self.payloads:
                value = rng.choice(self.payloads)
            else:
                value = encode_fields([self.random_field() for _ in range(rng.randint(1, 4))]) if rng.random() < 0.9 else b""
        else:
            value = rng.getrandbits(64 if wt == 1 else 32)
        return (self.field_number(), wt, value)

    # -- protobuf trees ------------------------------------------------------------------------

    @staticmethod
    def _is_message(value):
        if not value or len(value) > 65536:
            return False  # (a huge string of one letter parses as fixed64 fields: slow, and not ours)
        try:
            fields = decode_fields(value)
        except ValueError:
            return False
        if not fields:
            return False
        try:
            s = value.decode()
            if all(32 <= ord(c) < 127 for c in s):
                return False  # a printable string that happens to parse
        except UnicodeDecodeError:
            pass
        return True

    def mutate_message(self, data, depth=0):
        rng = self.rng
        try:
            fields = decode_fields(data)
        except ValueError:
            return self.mutate_bytes(data)
        if not fields or rng.random() < 0.1:
            fields.insert(rng.randint(0, len(fields)), self.random_field())
            return encode_fields(fields)
        i = rng.randrange(len(fields))
        number, wt, value = fields[i]
        if wt == 2 and depth < 12 and rng.random() < 0.7 and self._is_message(value):
            fields[i] = (number, wt, self.mutate_message(value, depth + 1))
            return encode_fields(fields)
        r = rng.random()
        if r < 0.08:
            del fields[i]
        elif r < 0.14:
            fields.insert(i, fields[i] if rng.random() < 0.5 else (number, wt, self._leaf(wt, value)))
        elif r < 0.19:
            new_wt = rng.choice((0, 1, 2, 5, 3, 4, 6, 7))
            if new_wt == 0:
                value = len(value) if isinstance(value, bytes) else value
            elif new_wt == 2:
                value = value if isinstance(value, bytes) else varint(value)
            elif new_wt in (1, 5):
                value = int.from_bytes(value[:8].ljust(8, b"\0"), "little") if isinstance(value, bytes) else value
            fields[i] = (number, new_wt, value)
        elif r < 0.24:
            fields[i] = (self.field_number(), wt, value)
        elif r < 0.28 and wt == 2 and self.payloads:
            fields[i] = (number, wt, rng.choice(self.payloads))
        else:
            fields[i] = (number, wt, self._leaf(wt, value))
        return encode_fields(fields)

    def _leaf(self, wt, value):
        if wt == 0:
            return self.int_value(value)
        if wt == 2:
            return self.string_value(value)
        if wt in (1, 5):
            return self.int_value(value) if self.rng.random() < 0.5 else self.rng.getrandbits(64)
        return value

    def mutate_bytes(self, data):
        rng = self.rng
        data = bytearray(data)
        op = rng.randrange(9)
        if op == 0 and data:                                   # flip 1-4 bits
            for _ in range(rng.randint(1, 4)):
                i = rng.randrange(len(data))
                data[i] ^= 1 << rng.randrange(8)
        elif op == 1 and data:                                 # set a byte to an edge value
            data[rng.randrange(len(data))] = rng.choice((0, 1, 0x7F, 0x80, 0xFF, rng.getrandbits(8)))
        elif op == 2:                                          # insert bytes
            i = rng.randint(0, len(data))
            data[i:i] = bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 16)))
        elif op == 3 and data:                                 # delete a range
            i = rng.randrange(len(data))
            del data[i:i + rng.randint(1, 16)]
        elif op == 4 and data:                                 # duplicate a range
            i = rng.randrange(len(data))
            j = min(len(data), i + rng.randint(1, 32))
            data[j:j] = data[i:j]
        elif op == 5 and data:                                 # truncate
            del data[rng.randrange(len(data)):]
        elif op == 6:                                          # an over-long or endless varint
            i = rng.randint(0, len(data))
            data[i:i] = b"\xff" * rng.randint(9, 12) + (b"\x01" if rng.random() < 0.5 else b"")
        elif op == 7:                                          # an extreme varint field
            i = rng.randint(0, len(data))
            data[i:i] = varint(rng.randint(1, 16) << 3) + varint(self.interesting_int())
        else:
            data = bytearray(self.string_value(bytes(data)))
        return bytes(data)

    # -- frames --------------------------------------------------------------------------------

    def request(self, call_id):
        """-> (method, framed bytes): a Request frame, valid as a frame, with mutated content."""
        rng = self.rng
        method, payload, timeout_ms = rng.choice(self.requests)
        method = SERVICE + method
        metadata = []
        extra_request, extra_frame = b"", b""
        for _ in range(1 + min(int(rng.expovariate(1.0)), 5)):
            r = rng.random()
            if r < 0.70:
                payload = self.mutate_message(payload)
            elif r < 0.78:
                payload = self.mutate_bytes(payload)
            elif r < 0.82:
                method = SERVICE + rng.choice(METHODS)
            elif r < 0.85:
                method = text_value(self.mutate_bytes(method.encode())) if rng.random() < 0.7 \
                    else rng.choice(("", "/", SERVICE, "/vpa.store.v1.Store/", "/vpa.store.v2.Store/Ingest",
                                     "GetServerInfo", SERVICE + "getServerInfo", SERVICE + "Ingest/", "é" * 300))
            elif r < 0.90:
                timeout_ms = rng.choice((1, 2, 5, 0, self.interesting_int()))
            elif r < 0.93:
                metadata += [(text_value(self.string_value(b"k")[:300]), text_value(self.string_value(b"v")[:300]))
                             for _ in range(rng.choice((1, 2, 50)))]
            elif r < 0.96 and self.payloads:
                payload = splice_fields(rng, payload, rng.choice(self.payloads))
            elif r < 0.98:
                extra_request += encode_fields([self.unknown_field(5)])
            else:
                extra_frame += encode_fields([self.unknown_field(11)])
        # The envelope stays a valid Frame: strings are UTF-8 without NUL (the server refuses a NUL in
        # any name or key, and closes), unknown fields have numbers the messages do not use.
        body = request_body(method, payload, timeout_ms & MASK64, metadata) + extra_request
        return method, framed(p3(1, call_id) + f_bytes(K_REQUEST, body) + extra_frame)

    def unknown_field(self, lowest):
        number, wt, value = self.random_field()
        return (max(number, lowest), wt, value)

    def raw(self, call_id):
        """-> framed bytes (possibly several frames, possibly not frames at all)."""
        rng = self.rng
        r = rng.random()
        if r < 0.5:
            _, base = self.request(call_id)
        elif r < 0.8:
            method, payload, timeout_ms = rng.choice(self.requests)
            base = frame(call_id, K_REQUEST, request_body(method, payload, timeout_ms))
        else:
            cid, kind, body = rng.choice(self.other_frames)
            base = frame(cid, kind, body)
        op = rng.randrange(14)
        if op == 0:                                            # bits anywhere, prefix included
            return self.mutate_bytes(base) if rng.random() < 0.3 else _flip(rng, base)
        if op == 1:                                            # bytes changed inside the frame, prefix kept
            return base[:4] + self.mutate_bytes(base[4:])
        if op == 2:                                            # bytes changed, prefix fixed
            return framed(self.mutate_bytes(base[4:]))
        if op == 3:                                            # truncated (the server waits for the rest)
            return base[:rng.randrange(len(base))]
        if op == 4:                                            # truncated, prefix fixed
            return framed(base[4:4 + rng.randrange(max(1, len(base) - 4))])
        if op == 5:                                            # length prefix corrupted
            n = len(base) - 4
            prefix = rng.choice((0, 1, 2, 3, n - 1, n + 1, n * 2, self.max_frame, self.max_frame + 1, 0x7FFFFFFF,
                                 0xFFFFFFFF, rng.getrandbits(32), rng.getrandbits(12)))
            return struct.pack(">I", max(0, prefix) & 0xFFFFFFFF) + base[4:]
        if op == 6:                                            # two frames spliced
            _, other = self.request(call_id + 1)
            i, j = rng.randrange(len(base)), rng.randrange(len(other))
            joined = base[:i] + other[j:]
            return framed(joined[4:]) if rng.random() < 0.5 else joined
        if op == 7:                                            # the Frame envelope itself mutated
            return framed(self.mutate_message(base[4:]))
        if op == 8:                                            # a frame a client may not send
            cid, kind, body = rng.choice(self.other_frames)
            return frame(cid, kind, self.mutate_message(body) if rng.random() < 0.3 else body)
        if op == 9:                                            # an id reused while its call is in flight
            watch = request_body("Watch", p3(1, 1) + p3(3, 50), 0)
            method, payload, timeout_ms = rng.choice(self.requests)
            return (frame(call_id, K_REQUEST, watch) + frame(call_id, K_REQUEST, request_body(method, payload, timeout_ms))
                    + frame(call_id, K_CANCEL, b""))
        if op == 10:                                           # extreme call ids, no kind, two kinds
            body = base[4:]
            choice = rng.randrange(4)
            if choice == 0:
                return framed(varint(1 << 3) + varint(rng.choice((MASK64, INT64_MIN & MASK64, 0, 1 << 32))) + body)
            if choice == 1:
                return framed(p3(1, call_id))
            if choice == 2:
                return framed(body + f_bytes(K_CANCEL, b""))
            return framed(b"")
        if op == 11:                                           # garbage
            junk = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 64)))
            return (struct.pack(">I", len(junk)) if rng.random() < 0.7 else b"") + junk
        if op == 12:                                           # over-long varints in the envelope
            return framed(b"\xff" * rng.randint(10, 12) + base[4:] if rng.random() < 0.5
                          else varint(4 << 3 | 2) + b"\xff" * 10 + b"\x01" + base[4:])
        # the same frame twice (a duplicated id) or followed by a truncated copy
        return base + (base if rng.random() < 0.5 else base[:rng.randrange(len(base))])

    def first(self, hello_body):
        """-> bytes sent as the very first thing on a connection (instead of a valid hello)."""
        rng = self.rng
        r = rng.random()
        if r < 0.45:                                           # a hello with mutated fields
            return framed(frame_body(0, 2, self.mutate_message(hello_body)))
        if r < 0.55:                                           # a hello with an extreme version
            return framed(frame_body(0, 2, p3(1, self.interesting_int()) + p3(2, "soak")))
        if r < 0.75:                                           # something else first
            return self.raw(1)
        if r < 0.9:                                            # a valid request before any hello
            method, payload, timeout_ms = rng.choice(self.requests)
            return frame(1, K_REQUEST, request_body(method, payload, timeout_ms))
        return _flip(rng, frame(0, 2, hello_body))


def text_value(data):
    """Bytes made into a string a valid Frame can carry: UTF-8, no NUL."""
    return data.decode("utf-8", "replace").replace("\x00", "")


def encode_fields(fields):
    out = bytearray()
    for number, wt, value in fields:
        out += varint(number << 3 | wt)
        if wt == 0:
            out += varint(value)
        elif wt == 2:
            out += varint(len(value)) + value
        elif wt == 1:
            out += (value & MASK64).to_bytes(8, "little")
        elif wt == 5:
            out += (value & 0xFFFFFFFF).to_bytes(4, "little")
        # 3, 4 (groups), 6, 7 (invalid): the tag alone
    return bytes(out)


def splice_fields(rng, a, b):
    try:
        fa, fb = decode_fields(a), decode_fields(b)
    except ValueError:
        return a[:rng.randint(0, len(a))] + b[rng.randint(0, len(b)):]
    i, j = rng.randint(0, len(fa)), rng.randint(0, len(fb))
    return encode_fields(fa[:i] + fb[j:])


def _flip(rng, data):
    data = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(data))
        data[i] ^= 1 << rng.randrange(8)
    return bytes(data)


def stream_is_incomplete(raw, max_frame):
    """True when the server, after reading `raw`, would wait for more bytes (its last frame is not
    complete and its prefix is within the limit): the sender must close its side to end it."""
    i = 0
    while True:
        if len(raw) - i == 0:
            return False
        if len(raw) - i < 4:
            return True
        n = struct.unpack(">I", raw[i:i + 4])[0]
        if n > max_frame:
            return False  # refused at the prefix: RESOURCE_EXHAUSTED and closed
        if i + 4 + n > len(raw):
            return True
        i += 4 + n


def new_rng(seed):
    return random.Random(seed)
