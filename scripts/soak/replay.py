#!/usr/bin/env python3
"""Replays a reproducer the fuzzer saved (crash-N/reproducer.json) against a fresh `vpa-store serve`,
or against a server already running on 127.0.0.1 (e.g. under a debugger):

    python3 scripts/soak/replay.py --binary .build/debug/vpa-store CRASHDIR/reproducer.json
    python3 scripts/soak/replay.py --port 7373 [--no-setup] CRASHDIR/reproducer.json

A reproducer is JSON: `writes` (hex frames of Ingest/Append calls the server had answered OK, sent
one at a time after the fuzzer's fixed set-up) and `connections` (each a list of hex chunks, sent
on one new connection in order; the first chunk is the hello, or what was sent instead of one).
After the frames the server must still answer, exit 0 within 15 s of SIGTERM, start again on its
database, answer, stop again, and pass `vpa-store verify`; the first step that fails is reported.
Exit 1 when it failed (reproduced), 0 when everything passed.
"""
import sys

sys.dont_write_bytecode = True
import argparse
import glob
import json
import os
import shutil
import socket
import struct
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus  # noqa: E402
from mutate import stream_is_incomplete  # noqa: E402
from wire import (CHILDREN, Closed, Connection, K_PING, K_PONG, K_REQUEST, K_STATUS, Server, code_name, decode,  # noqa: E402
                  frame, get, health, parse_frame, ping, run_cli, signal_name)

MAX_FRAME = 4194304


def apply_setup(port):
    conn = Connection(port, timeout=30)
    try:
        conn.handshake("soak-setup", 30)
        for call_id, (method, payload) in enumerate(corpus.setup_requests(), 1):
            code, message, _ = conn.call(call_id, method, payload, timeout=60)
            if code != 0:
                raise RuntimeError("set-up %s refused: %s: %s" % (method, code_name(code), message))
    finally:
        conn.close()


def request_call_id(chunk):
    """The call id of a chunk that is exactly one well-formed Request frame, else None."""
    if len(chunk) < 4 or struct.unpack(">I", chunk[:4])[0] != len(chunk) - 4:
        return None
    try:
        call_id, kind, _ = parse_frame(chunk[4:])
    except ValueError:
        return None
    return call_id if kind == K_REQUEST and call_id else None


def send_writes(port, writes, alive):
    """The accepted writes, one at a time on one connection, each awaited. -> index that killed it, or None."""
    if not writes:
        return None
    conn = Connection(port, timeout=30)
    try:
        conn.handshake("soak-replay-writes", 30)
        for i, chunk in enumerate(writes):
            call_id = request_call_id(chunk)
            try:
                conn.send(chunk)
                while True:
                    cid, kind, body = conn.receive(30)
                    if kind == K_PING:
                        conn.send(frame(0, K_PONG, body))
                    if kind == K_STATUS and cid in (0, call_id):
                        break
            except (Closed, OSError):
                if not alive():
                    return i
                conn.close()
                conn = Connection(port, timeout=30)
                conn.handshake("soak-replay-writes", 30)
            if not alive():
                return i
    finally:
        conn.close()
    return None


def send_connection(port, chunks, quiet=0.5, limit=15.0):
    """One connection: every chunk in order, then wait until the server is quiet or closes, then
    close our side and wait for it to close."""
    conn = Connection(port, timeout=10)
    try:
        conn.send_pumped(b"".join(chunks))
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            try:
                conn._fill(quiet)
                if len(conn.buffer) > 1 << 20:
                    del conn.buffer[:]
            except (socket.timeout, TimeoutError):
                break
        conn.shutdown_write()
        conn.drain_until_closed(5)
    except (Closed, OSError):
        pass
    finally:
        conn.close()


def send_alone(port, chunk, opaque=0xC0FFEE):
    """A hello, then one chunk, on a new connection; waits for the chunk's answer (its status, the
    server closing, or the pong of a ping sent after it)."""
    conn = Connection(port, timeout=10)
    try:
        conn.handshake("soak-replay", 10)
        call_id = request_call_id(chunk)
        if stream_is_incomplete(chunk, MAX_FRAME):
            conn.send(chunk)
            conn.shutdown_write()
            conn.drain_until_closed(5)
            return
        conn.send(chunk + (b"" if call_id else ping(opaque)))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            cid, kind, body = conn.receive(max(0.05, deadline - time.monotonic()))
            if kind == K_STATUS and (cid == call_id or cid == 0):
                break
            if kind == K_PONG and get(decode(body), 1) == opaque:
                break
            if kind == K_PING:
                conn.send(frame(0, K_PONG, body))
    except (Closed, OSError, ValueError):
        pass
    finally:
        conn.close()


class Harness:
    """Fresh servers over fresh databases in `workdir`, to replay writes and connections."""

    def __init__(self, binary, workdir):
        self.binary = binary
        self.workdir = workdir
        self.runs = 0

    def run(self, writes, connections, singles=False, after=True):
        """-> (stage, detail, index) of the first failure, or None when everything passed.
        singles: send every chunk after the first of each connection alone on its own connection
        (hello + chunk) and report the index (connection, chunk) after which the server died."""
        self.runs += 1
        db = os.path.join(self.workdir, "replay-%d.db" % self.runs)
        log = os.path.join(self.workdir, "replay-%d.log" % self.runs)
        server = None
        try:
            try:
                server = Server(self.binary, db, log)
            except RuntimeError as e:
                return ("start", str(e), None)
            apply_setup(server.port)

            def dead():
                return server.dying()

            i = send_writes(server.port, writes, lambda: not dead())
            if i is not None:
                server.wait_dead()
                return ("writes", server.crash_line() or signal_name(server.proc.returncode), i)
            for c, chunks in enumerate(connections):
                if singles:
                    for k, chunk in enumerate(chunks[1:], 1):
                        send_alone(server.port, chunk)
                        if dead():
                            server.wait_dead()
                            return ("frames", server.crash_line() or signal_name(server.proc.returncode), (c, k))
                else:
                    send_connection(server.port, chunks)
                    time.sleep(0.05)
                    if dead():
                        server.wait_dead()
                        return ("frames", server.crash_line() or signal_name(server.proc.returncode), (c, None))
            ok, detail = health(server.port, 10)
            if not ok:
                if dead():
                    server.wait_dead()
                    return ("frames", server.crash_line() or signal_name(server.proc.returncode), None)
                return ("unresponsive", detail, None)
            if not after:
                return None
            code, taken = server.terminate(15)
            if code != 0:
                return ("shutdown", "SIGTERM: %s after %.1fs; %s" % ("no exit" if code is None else signal_name(code), taken,
                                                                       server.crash_line()), None)
            try:
                server = Server(self.binary, db, log + ".restart")
            except RuntimeError as e:
                return ("restart", str(e)[:2000], None)
            ok, detail = health(server.port, 10)
            if not ok:
                return ("restart", "no answer after the restart: %s; %s" % (detail, server.crash_line()), None)
            code, taken = server.terminate(15)
            if code != 0:
                return ("shutdown", "second SIGTERM: %s after %.1fs" % ("no exit" if code is None else signal_name(code),
                                                                         taken), None)
            server = None
            verify = run_cli(self.binary, ["verify", "--db", db], timeout=600)
            if verify.returncode != 0:
                return ("verify", (verify.stdout + verify.stderr).strip()[:2000], None)
            return None
        finally:
            if server is not None:
                server.kill()
            for path in glob.glob(glob.escape(db) + "*"):  # with -wal, -shm, .lock
                try:
                    os.remove(path)
                except OSError:
                    pass


def load(path):
    with open(path) as f:
        data = json.load(f)
    writes = [bytes.fromhex(h) for h in data.get("writes", [])]
    connections = [[bytes.fromhex(h) for h in conn] for conn in data.get("connections", [])]
    return data, writes, connections


def minimize_file(a, data, writes, connections):
    import fuzz  # the shrinking lives with the fuzzer
    binary = os.path.abspath(a.binary or ".build/debug/vpa-store")
    workdir = tempfile.mkdtemp(prefix="vpa-store-replay-")
    stage = (data.get("failure") or "frames:").split(":")[0]
    try:
        result = fuzz.minimize(binary, workdir, writes, connections, stage, 200, a.minimize_seconds)
    finally:
        CHILDREN.kill_all()
        shutil.rmtree(workdir, ignore_errors=True)
    if result is None:
        print("not reproduced")
        return 0
    writes, connections, stage, detail, runs = result
    out = os.path.splitext(a.reproducer)[0] + ".min.json"
    with open(out, "w") as f:
        json.dump({"failure": "%s: %s" % (stage, detail), "binary": binary, "writes": [w.hex() for w in writes],
                   "connections": [[c.hex() for c in t] for t in connections]}, f, indent=1)
    print("%s: %s\n%d writes, %d connections after %d runs: %s" % (stage, detail, len(writes), len(connections), runs, out))
    return 1


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("reproducer")
    p.add_argument("--binary", default=None, help="start a fresh server with this vpa-store binary")
    p.add_argument("--port", type=int, default=None, help="use the server already listening on 127.0.0.1:PORT")
    p.add_argument("--no-setup", action="store_true", help="with --port: skip the fuzzer's fixed set-up")
    p.add_argument("--minimize", action="store_true",
                   help="shrink the file (e.g. a recorded.json) against fresh servers; writes FILE.min.json")
    p.add_argument("--minimize-seconds", type=int, default=600)
    a = p.parse_args()
    data, writes, connections = load(a.reproducer)
    if a.minimize:
        return minimize_file(a, data, writes, connections)
    print("reproducer: %d accepted writes, %d connections (%d chunks); recorded: %s"
          % (len(writes), len(connections), sum(len(c) for c in connections), data.get("failure", "-")))
    if a.port:
        if not a.no_setup:
            apply_setup(a.port)
        send_writes(a.port, writes, lambda: True)
        for chunks in connections:
            send_connection(a.port, chunks)
        ok, detail = health(a.port, 10)
        print("server on 127.0.0.1:%d after the replay: %s" % (a.port, "answers (%s)" % detail if ok else "NO ANSWER: " + detail))
        return 0 if ok else 1
    binary = a.binary or next((b for b in (".build/release/vpa-store", ".build/debug/vpa-store") if os.path.exists(b)), None)
    if not binary:
        p.error("no --binary and no .build/*/vpa-store")
    workdir = tempfile.mkdtemp(prefix="vpa-store-replay-")
    try:
        result = Harness(os.path.abspath(binary), workdir).run(writes, connections)
    finally:
        CHILDREN.kill_all()
        shutil.rmtree(workdir, ignore_errors=True)
    if result is None:
        print("not reproduced: the server answered, stopped, restarted and verified")
        return 0
    stage, detail, index = result
    print("REPRODUCED at %s%s: %s" % (stage, "" if index is None else " %s" % (index,), detail))
    return 1


if __name__ == "__main__":
    sys.exit(main())
