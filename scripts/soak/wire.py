"""Shared by the soak scripts (Python 3 standard library only): protobuf wire encoding, the vpa-store
framing (README "Protocol"), a blocking connection, and `vpa-store serve` as a child process.

Everything here talks to 127.0.0.1 only.
"""
import os
import re
import select
import signal
import socket
import struct
import subprocess
import threading
import time

# ---------------------------------------------------------------------------------------------
# Protobuf wire format, just enough: varints (0), 64-bit (1), length-delimited (2), 32-bit (5).

MASK64 = (1 << 64) - 1
INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1


def varint(n):
    n &= MASK64  # a negative int64 goes out as its 64-bit two's complement (10 bytes)
    out = bytearray()
    while n > 0x7F:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def zigzag(n):
    return ((n << 1) ^ (n >> 63)) & MASK64


def tag(number, wire_type):
    return varint(number << 3 | wire_type)


def f_varint(number, value):
    """A varint field, written even when 0 (proto2 `optional` presence)."""
    return tag(number, 0) + varint(value)


def f_sint(number, value):
    return tag(number, 0) + varint(zigzag(value))


def f_bytes(number, value):
    if isinstance(value, str):
        value = value.encode()
    return tag(number, 2) + varint(len(value)) + value


def p3(number, value):
    """A proto3 scalar: defaults (0, "", b"", None) are not written."""
    if not value:
        return b""
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int):
        return f_varint(number, value)
    return f_bytes(number, value)


def read_varint(data, i):
    n = shift = 0
    while True:
        if i >= len(data):
            raise ValueError("truncated varint")
        b = data[i]
        i += 1
        n |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return n, i
        if shift >= 70:
            raise ValueError("varint too long")


def decode_fields(data):
    """-> [(number, wire_type, value)]; value is an int (0, 1, 5) or bytes (2). Raises on bad input."""
    out, i = [], 0
    while i < len(data):
        key, i = read_varint(data, i)
        number, wt = key >> 3, key & 7
        if number == 0:
            raise ValueError("field number 0")
        if wt == 0:
            value, i = read_varint(data, i)
        elif wt == 2:
            n, i = read_varint(data, i)
            if i + n > len(data):
                raise ValueError("truncated bytes")
            value, i = bytes(data[i:i + n]), i + n
        elif wt == 1:
            if i + 8 > len(data):
                raise ValueError("truncated fixed64")
            value, i = int.from_bytes(data[i:i + 8], "little"), i + 8
        elif wt == 5:
            if i + 4 > len(data):
                raise ValueError("truncated fixed32")
            value, i = int.from_bytes(data[i:i + 4], "little"), i + 4
        else:
            raise ValueError("wire type %d" % wt)
        out.append((number, wt, value))
    return out


def decode(data):
    """-> {field number: [values]} (the last value of a field wins in proto)."""
    out = {}
    for number, _, value in decode_fields(data):
        out.setdefault(number, []).append(value)
    return out


def get(m, number, default=0):
    return m.get(number, [default])[-1]


def text(m, number):
    return get(m, number, b"").decode("utf-8", "replace")


def int64(m, number):
    v = get(m, number)
    return v - (1 << 64) if v >= 1 << 63 else v


# ---------------------------------------------------------------------------------------------
# Frames: a 4-byte big-endian length, then a vpa.store.v1.Frame (frame.proto).

K_HELLO, K_WELCOME, K_REQUEST, K_MESSAGE, K_STATUS, K_CANCEL, K_PING, K_PONG, K_GO_AWAY = range(2, 11)
KIND_NAMES = {2: "hello", 3: "welcome", 4: "request", 5: "message", 6: "status", 7: "cancel", 8: "ping",
              9: "pong", 10: "go_away"}
CODES = ["OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
         "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
         "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"]
SERVICE = "/vpa.store.v1.Store/"
METHODS = ["GetServerInfo", "CheckHealth", "Append", "Ingest", "GetActualResources", "GetResizeState",
           "ListResizes", "ListOomKills", "ReadEvents", "Watch", "ListVpas", "ListPods"]
WRITE_METHODS = {SERVICE + "Ingest", SERVICE + "Append"}


def code_name(code):
    return CODES[code] if 0 <= code < len(CODES) else "code %d" % code


def frame_body(call_id, kind, body):
    """An encoded Frame (without the length prefix); the kind is written even when empty."""
    return p3(1, call_id) + f_bytes(kind, body)


def framed(body):
    return struct.pack(">I", len(body)) + body


def frame(call_id, kind, body):
    return framed(frame_body(call_id, kind, body))


def hello(peer="soak", token="", version=1):
    return frame(0, K_HELLO, p3(1, version) + p3(2, peer) + p3(3, token))


def request_body(method, payload, timeout_ms=0, metadata=()):
    if not method.startswith("/"):
        method = SERVICE + method
    out = p3(1, method) + p3(2, timeout_ms)
    for key, value in metadata:
        out += f_bytes(3, p3(1, key) + p3(2, value))
    return out + p3(4, payload)


def request(call_id, method, payload, timeout_ms=0, metadata=()):
    return frame(call_id, K_REQUEST, request_body(method, payload, timeout_ms, metadata))


def cancel(call_id):
    return frame(call_id, K_CANCEL, b"")


def ping(opaque):
    return frame(0, K_PING, p3(1, opaque))


def parse_frame(body):
    """-> (call_id, kind, kind bytes); kind 0 when the frame carries none."""
    m = decode(body)
    kind = next((k for k in reversed(list(m)) if k in KIND_NAMES), 0)
    return get(m, 1), kind, (m[kind][-1] if kind else b"")


def describe_frame(raw):
    """One line for a person: the kind, call id, method and sizes of an encoded frame with prefix."""
    if len(raw) < 4:
        return "%d bytes (shorter than a length prefix)" % len(raw)
    n = struct.unpack(">I", raw[:4])[0]
    try:
        call_id, kind, body = parse_frame(raw[4:])
    except ValueError as e:
        return "prefix %d, %d bytes follow; not a Frame (%s)" % (n, len(raw) - 4, e)
    line = "prefix %d, %d bytes follow; call_id %d, %s" % (n, len(raw) - 4, call_id, KIND_NAMES.get(kind, "no kind"))
    if kind == K_REQUEST:
        try:
            r = decode(body)
            line += " %s, timeout_ms %d, payload %d bytes" % (text(r, 1), get(r, 2), len(get(r, 4, b"")))
        except ValueError as e:
            line += " (request does not decode: %s)" % e
    return line


def dump_tree(data, indent="  ", depth=0, out=None):
    """A generic protobuf field dump (nested messages guessed) as lines, for crash reports."""
    out = [] if out is None else out
    try:
        fields = decode_fields(data)
    except ValueError:
        out.append("%s<bytes %s>" % (indent * depth, data.hex()))
        return out
    for number, wt, value in fields:
        pad = indent * depth
        if wt == 0:
            signed = value - (1 << 64) if value >= 1 << 63 else value
            zz = (value >> 1) ^ -(value & 1)
            out.append("%s%d: varint %d (int64 %d, sint64 %d)" % (pad, number, value, signed, zz))
        elif wt == 2:
            nested = None
            if value and depth < 12:
                try:
                    if decode_fields(value) and not _printable(value):
                        nested = value
                except ValueError:
                    pass
            if nested is not None:
                out.append("%s%d: message (%d bytes)" % (pad, number, len(value)))
                dump_tree(value, indent, depth + 1, out)
            elif _printable(value):
                out.append("%s%d: %r" % (pad, number, value.decode()))
            else:
                out.append("%s%d: bytes %s" % (pad, number, value.hex()))
        else:
            out.append("%s%d: fixed%d %d" % (pad, number, 64 if wt == 1 else 32, value))
    return out


def _printable(b):
    try:
        s = b.decode()
    except UnicodeDecodeError:
        return False
    return all(32 <= ord(c) < 127 for c in s)


def hexdump(raw, prefix="   "):
    return "\n".join("%s%04x  %s" % (prefix, i, raw[i:i + 16].hex(" ")) for i in range(0, len(raw), 16))


# ---------------------------------------------------------------------------------------------
# A blocking connection.

class Closed(Exception):
    """The server closed the connection (or reset it)."""


class Connection:
    def __init__(self, port, timeout=10.0, host="127.0.0.1"):
        assert host == "127.0.0.1"
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = bytearray()
        self.eof = False

    def send(self, data):
        try:
            self.sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError) as e:
            raise Closed(str(e))

    def send_pumped(self, data, timeout=30.0):
        """Sends everything while reading what the server answers meanwhile into the buffer, so
        neither side can block the other with full socket buffers."""
        view, sent = memoryview(data), 0
        deadline = time.monotonic() + timeout
        try:
            self.sock.settimeout(0)
            while sent < len(data):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise socket.timeout("could not send %d bytes within %.1fs" % (len(data) - sent, timeout))
                readable, writable, _ = select.select([self.sock], [self.sock], [], left)
                if readable and not self.eof:
                    try:
                        chunk = self.sock.recv(262144)
                    except BlockingIOError:
                        chunk = None
                    if chunk == b"":
                        self.eof = True
                        raise Closed("end of stream while sending")
                    if chunk:
                        self.buffer += chunk
                if writable:
                    try:
                        sent += self.sock.send(view[sent:sent + 262144])
                    except BlockingIOError:
                        pass
        except (BrokenPipeError, ConnectionResetError) as e:
            raise Closed(str(e))
        finally:
            try:
                self.sock.settimeout(10)
            except OSError:
                pass

    def shutdown_write(self):
        try:
            self.sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def _fill(self, timeout):
        self.sock.settimeout(timeout)
        try:
            chunk = self.sock.recv(262144)
        except ConnectionResetError as e:
            raise Closed(str(e))
        if not chunk:
            self.eof = True
            raise Closed("end of stream")
        self.buffer += chunk

    def receive(self, timeout=10.0):
        """-> (call_id, kind, kind bytes). Raises Closed at the end of the stream, socket.timeout."""
        deadline = time.monotonic() + timeout
        while True:
            if len(self.buffer) >= 4:
                n = struct.unpack(">I", self.buffer[:4])[0]
                if len(self.buffer) >= 4 + n:
                    body = bytes(self.buffer[4:4 + n])
                    del self.buffer[:4 + n]
                    return parse_frame(body)
            left = deadline - time.monotonic()
            if left <= 0:
                raise socket.timeout("no complete frame within %.1fs" % timeout)
            self._fill(left)

    def drain_until_closed(self, timeout=5.0):
        """Reads and discards until the server closes; True if it did within `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            try:
                self._fill(left)
            except Closed:
                return True
            except socket.timeout:
                return False
            except OSError:
                return True
            if len(self.buffer) > 1 << 20:
                del self.buffer[:]

    def handshake(self, peer="soak", timeout=10.0):
        self.send(hello(peer))
        _, kind, body = self.receive(timeout)
        if kind != K_WELCOME:
            raise Closed("handshake refused: %s" % (status_text(body) if kind == K_STATUS else KIND_NAMES.get(kind)))
        return decode(body)

    def call(self, call_id, method, payload, timeout=10.0, timeout_ms=0):
        """One unary call -> (code, message, response payload bytes or None)."""
        self.send(request(call_id, method, payload, timeout_ms))
        answer = None
        deadline = time.monotonic() + timeout
        while True:
            cid, kind, body = self.receive(max(0.01, deadline - time.monotonic()))
            if kind == K_PING:
                self.send(frame(0, K_PONG, body))
            elif kind == K_STATUS and cid in (0, call_id):
                s = decode(body)
                return get(s, 1), text(s, 2), answer
            elif kind == K_MESSAGE and cid == call_id:
                answer = get(decode(body), 1, b"")

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def status_text(body):
    s = decode(body)
    return "%s: %s" % (code_name(get(s, 1)), text(s, 2))


# ---------------------------------------------------------------------------------------------
# `vpa-store serve` as a child process.

class Children:
    """Every process we start, so each can be killed on the way out (and only those, by pid).
    The pids are also written to a file the shell wrapper's trap reads."""

    def __init__(self, pid_file=None):
        self.lock = threading.Lock()
        self.procs = {}
        self.pid_file = pid_file

    def add(self, proc):
        with self.lock:
            self.procs[proc.pid] = proc
            self._write()

    def remove(self, proc):
        with self.lock:
            self.procs.pop(proc.pid, None)
            self._write()

    def _write(self):
        if self.pid_file:
            tmp = self.pid_file + ".tmp"
            with open(tmp, "w") as f:
                f.write("".join("%d\n" % pid for pid in self.procs))
            os.replace(tmp, self.pid_file)

    def kill_all(self):
        with self.lock:
            procs = list(self.procs.values())
        for proc in procs:
            if proc.poll() is None:
                try:
                    proc.kill()
                except OSError:
                    pass
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            self.remove(proc)


CHILDREN = Children(os.environ.get("SOAK_PID_FILE"))


def summary(line):
    """Prints the final line of a part, and appends it to $SOAK_SUMMARY_FILE for soak.sh."""
    print(line, flush=True)
    path = os.environ.get("SOAK_SUMMARY_FILE")
    if path:
        with open(path, "a") as f:
            f.write(line + "\n")


def install_signal_handlers():
    """SIGTERM/SIGHUP end the run like Ctrl-C: children are killed in the `finally` blocks."""
    def handler(signum, _frame):
        raise KeyboardInterrupt("signal %d" % signum)
    for s in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, handler)


def run_cli(binary, args, timeout=120, **kwargs):
    """Runs `vpa-store args…` to completion (killed after `timeout`) -> CompletedProcess-like."""
    proc = subprocess.Popen([binary] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)
    CHILDREN.add(proc)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        err += b"\n[soak: killed after %ds]" % timeout
    finally:
        CHILDREN.remove(proc)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out.decode("utf-8", "replace"),
                                       err.decode("utf-8", "replace"))


def signal_name(returncode):
    if returncode is None:
        return "running"
    if returncode < 0:
        try:
            return "signal %s" % signal.Signals(-returncode).name
        except ValueError:
            return "signal %d" % -returncode
    return "exit %d" % returncode


class Server:
    """`vpa-store serve --db DB --listen 127.0.0.1:0` with its log in a file."""

    def __init__(self, binary, db, log_path, extra=(), start_timeout=60.0):
        self.log_path = log_path
        self.log = open(log_path, "wb")
        self.started_at = time.monotonic()
        self.proc = subprocess.Popen(
            [binary, "serve", "--db", db, "--listen", "127.0.0.1:0", "--log-level", "warning"] + list(extra),
            stdout=subprocess.PIPE, stderr=self.log, stdin=subprocess.DEVNULL)
        CHILDREN.add(self.proc)
        self.port = None
        line = self._first_line(start_timeout)
        if not line.startswith("listening on 127.0.0.1:"):
            self.kill()
            raise RuntimeError("serve did not start (%s); printed %r; log:\n%s"
                               % (signal_name(self.proc.returncode), line, self.log_tail()))
        self.port = int(line[len("listening on 127.0.0.1:"):].split(",")[0])
        # Nothing else is printed on stdout; keep reading it so the pipe never fills.
        threading.Thread(target=self._drain_stdout, daemon=True).start()

    def _first_line(self, timeout):
        fd = self.proc.stdout.fileno()
        data = b""
        deadline = time.monotonic() + timeout
        while b"\n" not in data:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                break
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            data += chunk
        return data.split(b"\n")[0].decode("utf-8", "replace")

    def _drain_stdout(self):
        try:
            while self.proc.stdout.read(4096):
                pass
        except (OSError, ValueError):
            pass

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc.poll() is None

    def kill(self):
        """SIGKILL; -> the return code (-9 unless it had already exited by itself)."""
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(signal.SIGKILL)
            except OSError:
                pass
        try:
            code = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            code = None
        self._done()
        return code

    def terminate(self, timeout=15.0):
        """SIGTERM; -> (return code or None if it did not exit within `timeout`, seconds taken).
        A server that does not exit in time is killed afterwards."""
        start = time.monotonic()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            code = None
            self.proc.kill()
            self.proc.wait(timeout=10)
        taken = time.monotonic() - start
        self._done()
        return code, taken

    def _done(self):
        CHILDREN.remove(self.proc)
        try:
            self.log.close()
        except OSError:
            pass

    def log_tail(self, lines=25):
        try:
            self.log.flush()
        except (OSError, ValueError):
            pass
        try:
            with open(self.log_path, "rb") as f:
                data = f.read()[-20000:]
        except OSError:
            return ""
        return "\n".join(data.decode("utf-8", "replace").splitlines()[-lines:])

    def dying(self):
        """True once the process exited, or began dying: the Swift runtime prints its backtrace
        (which takes seconds) before the process ends."""
        if self.proc.poll() is not None:
            return True
        try:
            with open(self.log_path, "rb") as f:
                f.seek(self._log_checked)
                data = f.read()
        except (OSError, AttributeError):
            return False
        if b"*** Signal " in data or b"Fatal error" in data or b"*** Swift runtime failure" in data:
            return True
        self._log_checked += max(0, len(data) - 64)
        return False

    _log_checked = 0

    def wait_dead(self, timeout=20.0):
        """Waits for a dying process to end (its backtrace written) -> return code or None."""
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def crash_line(self):
        """The server's last words in one line: the runtime's reason and the first frames of the
        crashed thread that are the project's own code."""
        try:
            with open(self.log_path, "rb") as f:
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return ""
        return crash_summary(text)


FRAME_LINE = re.compile(r"0x[0-9a-f]+ (.+?)(?: \+ \d+)? in \S+ at (\S+)$")


def crash_summary(text):
    reason = ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("***") and "Backtracing" not in stripped:
            reason = stripped.strip("* ")
            break
        if "Fatal error" in stripped or "Precondition failed" in stripped or "Assertion failed" in stripped:
            reason = stripped
            break
    frames, crashed = [], False
    for line in text.splitlines():
        if " crashed:" in line:
            crashed = True
            continue
        if crashed:
            if line.startswith("Thread ") or line.startswith("Registers"):
                break
            m = FRAME_LINE.search(line)
            if m and "/Sources/" in m.group(2):
                frames.append("%s (%s)" % (m.group(1), m.group(2)[m.group(2).find("Sources/"):]))
                if len(frames) == 3:
                    break
    if not reason and not frames:
        return ""
    return reason + ("; at " + " <- ".join(frames) if frames else "")


def health(port, timeout=5.0):
    """A fresh connection, the handshake and GetServerInfo -> (ok, detail)."""
    conn = None
    try:
        conn = Connection(port, timeout=timeout)
        conn.handshake("soak-health", timeout)
        code, message, answer = conn.call(1, "GetServerInfo", b"", timeout)
        if code != 0:
            return False, "GetServerInfo: %s: %s" % (code_name(code), message)
        return True, "head %d" % int64(decode(answer or b""), 4)
    except (OSError, Closed, ValueError) as e:
        return False, "%s: %s" % (type(e).__name__, e)
    finally:
        if conn:
            conn.close()
