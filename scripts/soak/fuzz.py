#!/usr/bin/env python3
"""Soak part 2, the frame fuzzer (issue 16). Run through scripts/soak.sh, which gives it a temporary
directory and the binary.

One `vpa-store serve` over a database holding a fixed set-up (pods in every resize state, an OOM
kill, VPAs, usage, appended events). Worker threads open connections and send mutated frames
(scripts/soak/mutate.py): most connections do the handshake and then pipeline batches of mutated
Request frames (the server must answer each with a status and keep the connection), followed by a
ping whose pong says the batch was read, and most end with raw mutations of the bytes on the wire
(up to 4, until the server closes the connection, which is the right answer to garbage); a fifth of
the connections send a mutation as their very first frame. After every batch of mutations (--batch) the server must still be alive
and answer GetServerInfo on a fresh connection within 5 s.

Every --rotate mutations, and at the end, the server is stopped with SIGTERM (it must exit 0 within
15 s), started again on its database (it must answer), stopped again, and `vpa-store verify` must
pass; then the next stretch starts on a fresh database.

A crash (the process dies), a hang (alive but no answer), a failed shutdown, restart or verify is
investigated: the in-flight connections of every worker and the writes the server had accepted
(Ingest/Append answered OK, which the server's state is a function of) are replayed against fresh
servers to find a small reproducer, saved as CRASHDIR/crash-N/reproducer.json with the server's log;
`python3 scripts/soak/replay.py --binary B CRASHDIR/crash-N/reproducer.json` replays it. Then the
fuzzing goes on with a fresh database (at most --max-crashes times).
"""
import sys

sys.dont_write_bytecode = True
import argparse
import collections
import glob
import json
import os
import random
import re
import shutil
import socket
import struct
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus  # noqa: E402
from mutate import Mutator, stream_is_incomplete  # noqa: E402
from replay import Harness, apply_setup  # noqa: E402
from wire import (CHILDREN, Closed, Connection, K_MESSAGE, K_PING, K_PONG, K_STATUS, K_WELCOME, SERVICE,  # noqa: E402
                  WRITE_METHODS, Server, cancel, code_name, decode, decode_fields, describe_frame, dump_tree, frame,
                  get, health, hello, hexdump, install_signal_handlers, parse_frame, ping, run_cli, signal_name, summary, text)

MAX_FRAME = 4194304
HELLO = hello("soak-fuzz")


class Stop(Exception):
    pass


class Worker:
    """One thread's mutator and the chunks it sent on its recent connections (for reproducers)."""

    def __init__(self, fuzz, index, seed):
        self.fuzz = fuzz
        self.index = index
        self.rng = random.Random(seed)
        self.mutator = Mutator(self.rng, corpus.requests(), corpus.other_frames(), MAX_FRAME)
        self.current = []
        self.previous = collections.deque(maxlen=2)
        self.opaque = (index + 1) << 48

    def begin(self, first):
        if self.current:
            self.previous.append(self.current)
        self.current = [first]

    def transcripts(self):
        return [list(c) for c in self.previous] + ([list(self.current)] if self.current else [])

    # -- one connection ---------------------------------------------------------------------------

    def run(self):
        fuzz = self.fuzz
        errors = 0
        while not fuzz.halt.is_set():
            try:
                if not self.connection():
                    return
                errors = 0
            except Stop:
                return
            except (Closed, OSError) as e:
                if fuzz.server_dying():
                    fuzz.halt.set()
                    return
                fuzz.note("connection error (server alive): %s: %s" % (type(e).__name__, e))
                errors += 1
                if errors >= 50:  # the server is alive but will not talk: the health check will tell
                    fuzz.note("worker %d gives up this batch after 50 connection errors in a row" % self.index)
                    return
                time.sleep(0.05 * errors)

    def connect(self):
        try:
            return Connection(self.fuzz.port, timeout=10)
        except OSError:
            if self.fuzz.server_dying():
                self.fuzz.halt.set()
                raise Stop()
            raise

    def connection(self):
        fuzz, rng = self.fuzz, self.rng
        if rng.random() < fuzz.first_rate:
            if not fuzz.take(1):
                return False
            data = self.mutator.first(corpus.hello_body())
            self.begin(data)
            conn = self.connect()
            fuzz.count("connections")
            try:
                self.send_counted(conn, data, "first")
                self.finish_raw(conn, data, after_handshake=False)
            finally:
                conn.close()
            return True

        conn = self.connect()
        fuzz.count("connections")
        self.begin(HELLO)
        try:
            try:
                welcome = conn.handshake("soak-fuzz", 10)
            except Closed:
                if fuzz.server_dying():
                    fuzz.halt.set()
                    raise Stop()
                raise
            if not welcome:
                return True
            next_id = 1
            for _ in range(rng.choice((0, 1, 1, 2))):
                k = fuzz.take(rng.choice((1, 2, 4, 8, 16, 32, 64)))
                if not k:
                    return False
                pending, watches, chunks = {}, [], []
                for _ in range(k):
                    method, data = self.mutator.request(next_id)
                    if len(data) - 4 > MAX_FRAME:
                        method, data = self.mutator.request(next_id)
                    if len(data) - 4 > MAX_FRAME:
                        continue
                    pending[next_id] = (method, data)
                    if method == SERVICE + "Watch":
                        watches.append(next_id)
                    chunks.append(data)
                    next_id += 1
                self.opaque += 1
                tail = b"".join(cancel(c) for c in watches) + ping(self.opaque)
                self.current.extend(chunks)
                self.current.append(tail)
                conn.send_pumped(b"".join(chunks) + tail)
                fuzz.count("requests", len(chunks))
                fuzz.count("mutations", len(chunks))
                if not self.collect(conn, pending):
                    return True
            # Raw mutations until one makes the server close the connection (at most 4).
            for _ in range(4 if rng.random() < fuzz.raw_rate else 0):
                if not fuzz.take(1):
                    break
                data = self.mutator.raw(next_id)
                next_id += 3
                self.current.append(data)
                self.send_counted(conn, data, "raw")
                if not self.finish_raw(conn, data, after_handshake=True):
                    break
        finally:
            conn.close()
        return True

    def send_counted(self, conn, data, what):
        self.fuzz.count(what)
        self.fuzz.count("mutations")
        try:
            conn.send_pumped(data, timeout=15)
        except Closed:
            pass  # the server closed while we were sending: a right answer to garbage

    def finish_raw(self, conn, data, after_handshake):
        """After a raw mutation: the server closes the connection, or keeps it (the pong of a ping
        sent after it arrives, or a welcome for a mutated hello it accepted)."""
        fuzz = self.fuzz
        try:
            if stream_is_incomplete(data, MAX_FRAME):
                conn.shutdown_write()   # the server waits for the rest; end of stream must close it
            else:
                self.opaque += 1
                if after_handshake:
                    conn.send_pumped(ping(self.opaque), timeout=5)
                deadline = time.monotonic() + 3
                while time.monotonic() < deadline:
                    cid, kind, body = conn.receive(max(0.05, deadline - time.monotonic()))
                    if kind == K_PONG and get(decode(body), 1) == self.opaque:
                        fuzz.count("kept open")
                        return True
                    if kind == K_WELCOME and not after_handshake:
                        fuzz.count("kept open")
                        return True
                    if kind == K_PING:
                        conn.send(frame(0, K_PONG, body))
                conn.shutdown_write()
            if conn.drain_until_closed(5):
                fuzz.count("closed by server")
            else:
                fuzz.stall(self, "after a raw frame and the end of our stream, the server kept the connection open 5 s")
        except Closed:
            fuzz.count("closed by server")
        except (socket.timeout, TimeoutError):
            conn.shutdown_write()
            if conn.drain_until_closed(5):
                fuzz.count("closed by server")
            else:
                fuzz.stall(self, "no answer, and no close, to a raw frame")
        if fuzz.server_dying():
            fuzz.halt.set()
            raise Stop()
        return False

    def collect(self, conn, pending):
        """Reads until every call of the batch has its status and the batch's pong arrived.
        -> False when the connection ended (or stalled)."""
        fuzz = self.fuzz
        pong = False
        cancelled = False
        deadline = time.monotonic() + 10
        while pending or not pong:
            left = deadline - time.monotonic()
            try:
                if left <= 0:
                    raise socket.timeout()
                cid, kind, body = conn.receive(left)
            except (socket.timeout, TimeoutError):
                if fuzz.server_dying():
                    fuzz.halt.set()
                    raise Stop()
                if not cancelled and pending:
                    # Calls that are still running (a slow answer, a watch whose timeout was mutated
                    # away): cancel them, they must then end.
                    cancelled = True
                    deadline = time.monotonic() + 10
                    conn.send_pumped(b"".join(cancel(c) for c in pending), timeout=5)
                    continue
                fuzz.stall(self, "calls %s without a status%s" % (
                    sorted(pending)[:10], "" if pong else ", and no pong"), pending)
                return False
            except Closed:
                if fuzz.server_dying():
                    fuzz.halt.set()
                    raise Stop()
                if pending:
                    fuzz.unexpected_close(self, pending)
                return False
            if kind == K_STATUS:
                s = decode(body)
                code = get(s, 1)
                if cid == 0:
                    fuzz.note("status on call 0 after a valid Request frame: %s: %s" % (code_name(code), text(s, 2)))
                    continue
                call = pending.pop(cid, None)
                if call is None:
                    continue
                fuzz.status(code)
                if code == 0 and call[0] in WRITE_METHODS:
                    fuzz.accepted(call[1])
            elif kind == K_PONG:
                if get(decode(body), 1) == self.opaque:
                    pong = True
            elif kind == K_PING:
                conn.send(frame(0, K_PONG, body))
            elif kind == K_MESSAGE:
                pass
        return True


class Fuzz:
    def __init__(self, a):
        self.a = a
        self.binary = a.binary
        self.workdir = a.workdir
        self.first_rate = a.first_rate
        self.raw_rate = a.raw_rate
        self.lock = threading.Lock()
        self.stats = collections.Counter()
        self.codes = collections.Counter()
        self.notes = collections.Counter()
        self.quota = 0
        self.halt = threading.Event()
        self.writes = []
        self.server = None
        self.port = None
        self.generation = 0
        self.crashes = 0
        self.hangs = 0
        self.failures = []
        self.findings = []
        self.health_ok = 0
        self.stalls = []
        seed = a.seed if a.seed is not None else random.randrange(1 << 32)
        self.seed = seed
        rng = random.Random(seed)
        self.workers = [Worker(self, i, rng.getrandbits(64)) for i in range(a.workers)]
        self.crash_dir = a.crash_dir or os.path.join(os.environ.get("TMPDIR", "/tmp"),
                                                     "vpa-store-soak-fuzz-" + time.strftime("%Y%m%d-%H%M%S"))

    # -- counters (workers call these) --------------------------------------------------------

    def take(self, n):
        with self.lock:
            granted = min(n, self.quota)
            self.quota -= granted
            return granted

    def count(self, what, n=1):
        with self.lock:
            self.stats[what] += n

    def status(self, code):
        with self.lock:
            self.codes[code] += 1

    def accepted(self, data):
        with self.lock:
            self.writes.append(data)

    def note(self, message):
        """Something worth a line once (the same words with other numbers are the same note)."""
        key = re.sub(r"\d+", "N", message)[:160]
        with self.lock:
            self.notes[key] += 1
            show = self.notes[key] == 1 and len(self.notes) <= 20
        if show:
            print("  note: " + message[:300], flush=True)

    def stall(self, worker, message, pending=None):
        with self.lock:
            self.stats["stalls"] += 1
            keep = len(self.stalls) < 5
            if keep:
                self.stalls.append((message, worker.transcripts()[-1:]))
        if keep:
            print("  STALL: %s (server %s)" % (message, "alive" if not self.server_dying() else "dying"), flush=True)
            for call_id, (method, data) in sorted((pending or {}).items())[:3]:
                print("    call %d: %s\n%s" % (call_id, describe_frame(data), hexdump(data[:256], "      ")), flush=True)

    def unexpected_close(self, worker, pending):
        with self.lock:
            self.stats["closed mid-batch"] += 1
        self.note("the server closed a connection with %d valid Request frames unanswered" % len(pending))

    def server_dying(self):
        server = self.server
        return server is None or server.dying()

    # -- the server ----------------------------------------------------------------------------

    def db_path(self):
        return os.path.join(self.workdir, "fuzz-%d.db" % self.generation)

    def log_path(self, suffix=""):
        return os.path.join(self.workdir, "fuzz-%d%s.log" % (self.generation, suffix))

    def start_fresh(self):
        self.generation += 1
        self.server = Server(self.binary, self.db_path(), self.log_path())
        self.port = self.server.port
        apply_setup(self.port)
        with self.lock:
            self.writes = []

    def remove_db(self):
        for path in glob.glob(glob.escape(self.db_path()) + "*"):  # with -wal, -shm, .lock
            try:
                os.remove(path)
            except OSError:
                pass

    def check_stopping(self, final):
        """SIGTERM (exit 0 within 15 s), restart on the same database, answer, SIGTERM, verify."""
        server, self.server = self.server, None
        code, taken = server.terminate(15)
        if code != 0:
            what = "SIGTERM: %s after %.1fs" % ("no exit" if code is None else signal_name(code), taken)
            self.crashes += 1
            self.finding("shutdown", what + ("; " + server.crash_line() if server.crash_line() else ""), server)
            return False
        line = "SIGTERM: exit 0 in %.2fs" % taken
        try:
            again = Server(self.binary, self.db_path(), self.log_path(".restart"))
        except RuntimeError as e:
            self.crashes += 1
            self.finding("restart", "the server does not start again on its database: %s" % str(e)[:1500], None)
            return False
        ok, detail = health(again.port, 10)
        if not ok:
            dying = again.dying()
            again.kill()
            self.crashes += 1
            self.finding("restart", "no answer after a restart on the same database: %s; %s" % (detail, again.crash_line()),
                         again if dying else None)
            return False
        code, taken = again.terminate(15)
        if code != 0:
            self.crashes += 1
            self.finding("shutdown", "second SIGTERM: %s after %.1fs" % ("no exit" if code is None else signal_name(code),
                                                                         taken), again)
            return False
        verify = run_cli(self.binary, ["verify", "--db", self.db_path()], timeout=1800)
        if verify.returncode != 0:
            self.failures.append("verify")
            self.finding("verify", "verify: %s: %s" % (signal_name(verify.returncode),
                                                       (verify.stdout + verify.stderr).strip()[:1500]), None)
            return False
        print("  %s; restarted on its database, answered, stopped; verify ok (%s)"
              % (line, verify.stdout.strip().splitlines()[0][:100] if verify.stdout.strip() else ""), flush=True)
        return True

    # -- findings ------------------------------------------------------------------------------

    def finding(self, stage, detail, server):
        n = len(self.findings) + 1
        cdir = os.path.join(self.crash_dir, "crash-%d" % n)
        os.makedirs(cdir, exist_ok=True)
        transcripts = [t for w in self.workers for t in w.transcripts()] if stage in ("frames", "unresponsive") else []
        with self.lock:
            writes = list(self.writes)
        print("FINDING %d (%s): %s" % (n, stage, detail), flush=True)
        if server is not None:
            shutil.copyfile(server.log_path, os.path.join(cdir, "server.log"))
        for suffix in ("", "-wal", "-shm"):  # the database as the failure left it
            if os.path.exists(self.db_path() + suffix):
                shutil.copyfile(self.db_path() + suffix, os.path.join(cdir, "store.db" + suffix))
        if transcripts:
            # The last chunk each worker sent (the likeliest culprits), before any replay.
            with open(os.path.join(cdir, "last-frames.txt"), "w") as f:
                for w in self.workers:
                    index = next((i for i in range(len(w.current) - 1, -1, -1) if not is_control(w.current[i])), None)
                    if index is not None:
                        chunk = w.current[index]
                        line = "worker %d, chunk %d of its connection: %s" % (w.index, index, describe_frame(chunk))
                        print("  last sent by " + line + "\n" + hexdump(chunk[:256], "      ")
                              + ("\n      …" if len(chunk) > 256 else ""), flush=True)
                        f.write(line + "\n" + chunk.hex() + "\n")
        record = {"failure": "%s: %s" % (stage, detail), "binary": self.binary, "seed": self.seed,
                  "writes": [w.hex() for w in writes], "connections": [[c.hex() for c in t] for t in transcripts]}
        with open(os.path.join(cdir, "recorded.json"), "w") as f:
            json.dump(record, f)
        kinds = signature((stage, detail, None))[1]
        entry = {"n": n, "stage": stage, "detail": detail, "dir": cdir, "reproducer": None, "kinds": kinds}
        earlier = next((f for f in self.findings if f["reproducer"] and f["stage"] == stage
                        and f["kinds"][:1] == kinds[:1]), None)
        self.findings.append(entry)
        if earlier:
            entry["signature"] = "%s (as finding %d)" % (earlier["signature"], earlier["n"])
            entry["reproducer"] = earlier["reproducer"]
            print("  the same failure as finding %d (reproducer %s); recorded in %s"
                  % (earlier["n"], earlier["reproducer"], cdir), flush=True)
            return
        if self.a.no_minimize:
            print("  recorded: %d accepted writes, %d connections in %s" % (len(writes), len(transcripts), cdir), flush=True)
            return
        t0 = time.monotonic()
        try:
            result = minimize(self.binary, self.workdir, writes, transcripts, stage, self.a.minimize_runs,
                              self.a.minimize_seconds)
        except (RuntimeError, OSError, Closed, ValueError) as e:
            result = None
            print("  minimizing failed: %s: %s" % (type(e).__name__, e), flush=True)
        if result is None:
            print("  not reproduced on a fresh server (took %.0fs); everything recorded in %s/recorded.json"
                  % (time.monotonic() - t0, cdir), flush=True)
            return
        writes, connections, rstage, rdetail, runs = result
        path = os.path.join(cdir, "reproducer.json")
        with open(path, "w") as f:
            json.dump({"failure": "%s: %s" % (rstage, rdetail), "binary": self.binary,
                       "writes": [w.hex() for w in writes], "connections": [[c.hex() for c in t] for t in connections]},
                      f, indent=1)
        entry["reproducer"] = path
        entry["signature"] = "%s: %s" % (rstage, rdetail)
        print("  reproduced (%d runs, %.0fs): %s: %s" % (runs, time.monotonic() - t0, rstage, rdetail), flush=True)
        print("  reproducer: %d accepted writes after the set-up, %d connections; replay with:\n"
              "    python3 scripts/soak/replay.py --binary %s %s" % (len(writes), len(connections), self.binary, path),
              flush=True)
        shown = 0
        for label, chunk in ([("write %d" % i, w) for i, w in enumerate(writes)]
                             + [("connection %d chunk %d" % (c, k), chunk) for c, t in enumerate(connections)
                                for k, chunk in enumerate(t) if not (k == 0 and chunk == HELLO)]):
            if shown == 4:
                print("    …", flush=True)
                break
            shown += 1
            print("  %s: %s\n%s" % (label, describe_frame(chunk), hexdump(chunk[:512], "      ")), flush=True)
            payload_tree = request_payload_tree(chunk)
            if payload_tree:
                print("    payload fields:\n" + "\n".join("      " + l for l in payload_tree[:40]), flush=True)

    # -- the run -------------------------------------------------------------------------------

    def run(self):
        a = self.a
        print("soak fuzz: %d mutations, batches of %d, %d workers, seed %d, binary %s"
              % (a.mutations, a.batch, a.workers, self.seed, a.binary), flush=True)
        started = time.monotonic()
        self.start_fresh()
        batch_no = 0
        since_rotation = 0
        while self.stats["mutations"] < a.mutations and len(self.findings) < a.max_crashes:
            batch_no += 1
            before = self.stats["mutations"]
            t0 = time.monotonic()
            with self.lock:
                self.quota = min(a.batch, a.mutations - before)
            self.halt.clear()
            threads = [threading.Thread(target=w.run, daemon=True) for w in self.workers]
            for t in threads:
                t.start()
            batch_deadline = time.monotonic() + 900  # a batch takes seconds; this only bounds the loop
            while any(t.is_alive() for t in threads):
                for t in threads:
                    t.join(0.05)
                if self.server.dying():
                    self.halt.set()
                if time.monotonic() > batch_deadline and not self.halt.is_set():
                    self.note("batch %d did not finish within 900 s; stopping its workers" % batch_no)
                    self.halt.set()
            for t in threads:
                t.join(60)
            with self.lock:
                self.quota = 0
            done = self.stats["mutations"] - before
            since_rotation += done
            dying = self.server.dying()
            ok, detail = (False, "the process died") if dying else health(self.port, 5)
            if ok:
                self.health_ok += 1
            elif not dying and self.server.dying():
                dying = True  # it died while we asked
            if not ok:
                if dying:
                    code = self.server.wait_dead()
                    self.crashes += 1
                    what = "the server died (%s): %s" % (signal_name(code), self.server.crash_line() or "no last words")
                    stage = "frames"
                else:
                    self.hangs += 1
                    what = "the server is alive but does not answer GetServerInfo within 5 s: %s" % detail
                    stage = "unresponsive"
                server, self.server = self.server, None
                server.kill()
                self.finding(stage, what, server)
                self.remove_db()
                if len(self.findings) < a.max_crashes:
                    self.start_fresh()
                    since_rotation = 0
            if done == 0 and ok:
                self.failures.append("no progress")
                print("FAIL: a whole batch sent no mutation while the server answered; giving up", flush=True)
                break
            elapsed = time.monotonic() - t0
            total = self.stats["mutations"]
            print("batch %d: mutations %d (%d in %.1fs, %.0f/s), connections %d, health %s, crashes %d, hangs %d, "
                  "stalls %d; statuses %s" % (
                      batch_no, total, done, elapsed, done / max(elapsed, 1e-9), self.stats["connections"],
                      "ok (%s)" % detail if ok else "FAILED", self.crashes, self.hangs, self.stats["stalls"],
                      self.code_summary()), flush=True)
            last = total >= a.mutations or len(self.findings) >= a.max_crashes
            if self.server is not None and (since_rotation >= a.rotate or last):
                self.check_stopping(final=last)
                self.remove_db()
                since_rotation = 0
                if not last:
                    self.start_fresh()
        if self.server is not None:
            self.check_stopping(final=True)
            self.remove_db()
        elapsed = time.monotonic() - started
        s = self.stats
        print("%.1fs, %.0f mutations/s: %d requests (valid frames, mutated content), %d raw, %d first frames; "
              "after raw frames the server closed %d connections and kept %d; %d writes accepted in the last stretch"
              % (elapsed, s["mutations"] / max(elapsed, 1e-9), s["requests"], s["raw"], s["first"],
                 s["closed by server"], s["kept open"], len(self.writes)), flush=True)
        print("statuses: %s" % self.code_summary(full=True), flush=True)
        if self.notes:
            print("notes: " + "; ".join("%s (%d×)" % (k[:120], n) for k, n in self.notes.most_common(8)), flush=True)
        if s["closed mid-batch"]:
            print("connections closed with valid requests unanswered: %d" % s["closed mid-batch"], flush=True)
        for f in self.findings:
            print("finding %d: %s" % (f["n"], f.get("signature") or "%s: %s" % (f["stage"], f["detail"])), flush=True)
            print("  %s" % ("reproducer " + f["reproducer"] if f["reproducer"] else "recorded in " + f["dir"]), flush=True)
        stopped = "" if s["mutations"] >= self.a.mutations else " of %d (stopped early: %s)" % (
            self.a.mutations, "no progress" if "no progress" in self.failures else "%d findings" % len(self.findings))
        summary("soak fuzz: mutations %d%s, connections %d, health checks %d ok, crashes %d, hangs %d, stalls %d%s"
                % (s["mutations"], stopped, s["connections"], self.health_ok, self.crashes, self.hangs, s["stalls"],
                   ", verify FAILED" if "verify" in self.failures else ""))
        return 0 if self.crashes == 0 and self.hangs == 0 and not self.failures else 1

    def code_summary(self, full=False):
        total = sum(self.codes.values()) or 1
        items = sorted(self.codes.items(), key=lambda kv: -kv[1])
        if not full:
            items = items[:4]
        return " ".join("%s %.0f%%" % (code_name(c), 100.0 * n / total) for c, n in items) if self.codes else "-"


def is_control(chunk):
    """True for the pings and cancels the fuzzer adds after a batch (not mutations)."""
    i = 0
    try:
        while i < len(chunk):
            n = struct.unpack(">I", chunk[i:i + 4])[0]
            _, kind, _ = parse_frame(chunk[i + 4:i + 4 + n])
            if kind not in (K_PING, 7):
                return False
            i += 4 + n
    except (ValueError, struct.error):
        return False
    return True


def request_payload_tree(chunk):
    try:
        _, kind, body = parse_frame(chunk[4:])
        if kind != 4:
            return None
        payload = get(decode(body), 4, b"")
        return dump_tree(payload) if payload else None
    except (ValueError, IndexError):
        return None


def minimize(binary, workdir, writes, transcripts, stage, budget, seconds=600):
    """Replays the recorded writes and connections against fresh servers and shrinks them while the
    same failure (stage and first words) still happens, within `budget` servers and about `seconds`.
    -> (writes, connections, stage, detail, runs) or None."""
    h = Harness(binary, workdir)
    give_up = time.monotonic() + seconds
    real_run = h.run

    def run(*args, **kwargs):
        if time.monotonic() > give_up:
            h.runs = max(h.runs, budget)  # out of time: no more shrinking
        return real_run(*args, **kwargs)
    h.run = run
    after = stage not in ("frames", "unresponsive")
    result = h.run(writes, transcripts, after=after)
    if result is None:
        result = h.run(writes, transcripts, after=True)
    if result is None:
        return None
    want_stage, kinds = signature(result)
    want = kinds[0]  # the first problem reported must still be among those reported

    def same(r):
        if r is None:
            return False
        stage_, kinds_ = signature(r)
        return stage_ == want_stage and want in kinds_

    def fits(w, c):
        return h.runs < budget and same(h.run(w, c, after=after))

    rstage, detail, index = result
    connections = transcripts
    if rstage == "writes":
        culprit = writes[index]
        connections, writes = [[HELLO, culprit]], writes[:index]
        want_stage = "frames"  # replayed as a connection, the write kills it among the frames
    elif rstage == "frames" and index is not None:
        connections = [transcripts[index[0]]]
        if not fits(writes, connections):
            connections = transcripts
    if rstage in ("frames", "writes") and h.runs < budget:
        single = h.run(writes, connections, singles=True, after=False)
        if same(single) and single[2]:
            c, k = single[2]
            candidate = [[HELLO, connections[c][k]]]
            if fits(writes, candidate):
                connections = candidate
    elif connections and fits(writes, []):
        connections = []
    if writes and h.runs < budget:
        if fits([], connections):
            writes = []
        else:
            lo, hi = 1, len(writes)  # the shortest prefix of the writes that still fails
            while lo < hi and h.runs < budget:
                mid = (lo + hi) // 2
                if fits(writes[:mid], connections):
                    hi = mid
                else:
                    lo = mid + 1
            writes = writes[:hi]
            if len(writes) > 1 and fits(writes[-1:], connections):
                writes = writes[-1:]
            elif len(writes) > 1:  # the last one is needed; which of the others are?
                last, rest = writes[-1], writes[:-1]
                # First guess: the writes that share a rare string (a pod's UID, name, …) with the last.
                near = related(rest, last)
                if near and len(near) < len(rest) and fits(near + [last], connections):
                    rest = near
                rest = ddmin(rest, lambda w: fits(w + [last], connections), lambda: budget - 1 - h.runs)
                writes = rest + [last]
    final = h.run(writes, connections, after=after)
    if final is None:
        return None
    return writes, connections, final[0], final[1], h.runs


def leaf_strings(data, depth=0, out=None):
    """The string and bytes values of a protobuf message, nested messages walked."""
    out = set() if out is None else out
    try:
        fields = decode_fields(data)
    except ValueError:
        return out
    for _, wt, value in fields:
        if wt == 2:
            if depth < 12 and Mutator._is_message(value):
                leaf_strings(value, depth + 1, out)
            elif 3 <= len(value) <= 4096:
                out.add(value)
    return out


def related(writes, trigger):
    """The writes holding a string of the trigger's that few writes hold."""
    try:
        _, _, body = parse_frame(trigger[4:])
        strings = leaf_strings(get(decode(body), 4, b""))
    except (ValueError, IndexError):
        return []
    limit = max(3, len(writes) // 20)
    rare = [s for s in strings if sum(1 for w in writes if s in w) <= limit]
    return [w for w in writes if any(s in w for s in rare)]


def signature(result):
    """What makes two failures the same: the stage and a kind of problem. -> (stage, [kinds]).
    A crash: the runtime's reason and the first function of the project's code in the crashed
    thread. Anything else: each line of the report with paths and numbers taken out (every replay
    has its own database, and fewer writes move the positions)."""
    stage, detail, _ = result
    words = re.sub(r"/\S+", "PATH", detail or "")
    if stage in ("frames", "writes"):
        reason, _, frames = words.partition("; at ")
        return (stage, [reason[:200] + " | " + frames.split(" <- ")[0].split(" (")[0]])
    lines = [re.sub(r"\d+", "N", line.strip(" -"))[:300] for line in words.splitlines()]
    return (stage, lines[1:] or lines)


def ddmin(items, fails, budget_left):
    """Delta debugging: a smaller list for which fails(list) still holds, within budget_left() runs."""
    n = 2
    while len(items) >= 2 and budget_left() > 0:
        chunk = max(1, len(items) // n)
        subsets = [items[i:i + chunk] for i in range(0, len(items), chunk)]
        reduced = False
        for i in range(len(subsets)):
            if budget_left() <= 0:
                break
            complement = [x for j, s in enumerate(subsets) if j != i for x in s]
            if fails(complement):
                items, n, reduced = complement, max(n - 1, 2), True
                break
        if not reduced:
            if n >= len(items):
                break
            n = min(len(items), n * 2)
    return items


def main():
    p = argparse.ArgumentParser(description="vpa-store soak: frame fuzzer")
    p.add_argument("--binary", required=True)
    p.add_argument("--workdir", required=True)
    p.add_argument("--mutations", type=int, default=1000000)
    p.add_argument("--batch", type=int, default=10000, help="mutations between health checks (default 10000)")
    p.add_argument("--rotate", type=int, default=100000,
                   help="mutations before stop/restart/verify and a fresh database (default 100000)")
    p.add_argument("--workers", type=int, default=3)
    p.add_argument("--first-rate", type=float, default=0.2, help="share of connections whose first frame is mutated")
    p.add_argument("--raw-rate", type=float, default=0.9,
                   help="share of the other connections that end with raw mutations (until the server closes, at most 4)")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--max-crashes", type=int, default=10)
    p.add_argument("--minimize-runs", type=int, default=50, help="fresh servers a reproducer may take (default 50)")
    p.add_argument("--minimize-seconds", type=int, default=240, help="time a reproducer may take (default 240)")
    p.add_argument("--no-minimize", action="store_true",
                   help="record findings without shrinking them (replay.py --minimize can do it later)")
    p.add_argument("--crash-dir", default=None)
    a = p.parse_args()
    a.binary = os.path.abspath(a.binary)
    install_signal_handlers()
    fuzz = Fuzz(a)
    try:
        return fuzz.run()
    except KeyboardInterrupt:
        print("soak fuzz: interrupted after %d mutations" % fuzz.stats["mutations"], flush=True)
        return 130
    finally:
        fuzz.halt.set()
        if fuzz.server is not None:
            fuzz.server.kill()
        CHILDREN.kill_all()


if __name__ == "__main__":
    sys.exit(main())
