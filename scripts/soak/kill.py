#!/usr/bin/env python3
"""Soak part 1, SIGKILL cycles (issue 16). Run through scripts/soak.sh, which gives it a temporary
directory and the binary.

Each cycle starts `vpa-store serve` on the same database, checks that every pod whose ingest was
acknowledged in the previous cycle is there, runs concurrent ingest clients (RPC clients with several
Ingest calls in flight, and `vpa-store ingest --server` processes), SIGKILLs the server 0.3-2 s in,
and goes on. After the last cycle the server is started once more, every acknowledged pod is looked
up (over RPC and in the file), the server is stopped with SIGTERM, and `vpa-store verify` must pass.

Acknowledged: the RPC client got status OK for its Ingest call, or `vpa-store ingest` exited 0.
Lost: acknowledged, but absent (or with another UID) after the restart.
Crash: a server that exits by itself, a server that cannot start again on the database, a non-zero
exit from the final SIGTERM, or no exit within 15 s of it.
"""
import sys

sys.dont_write_bytecode = True
import argparse
import json
import os
import random
import shutil
import subprocess
import threading
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from messages import ingest_item, ingest_request, list_pods_request, simple_pod  # noqa: E402
from wire import (CHILDREN, Closed, Connection, K_PING, K_PONG, K_STATUS, Server, code_name, decode, frame, get,  # noqa: E402
                  install_signal_handlers, request, run_cli, signal_name, summary, text)

BASE_MS = 1793606400000  # 2026-11-02T00:00:00Z


class Ledger:
    """Pods whose ingest was acknowledged, by namespace (one namespace per cycle)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.by_namespace = {}
        self.calls = 0
        self.refused = {}

    def acked(self, pods):
        with self.lock:
            self.calls += 1
            for namespace, name, uid in pods:
                self.by_namespace.setdefault(namespace, {})[name] = uid

    def refusal(self, what):
        with self.lock:
            self.refused[what] = self.refused.get(what, 0) + 1

    def count(self, namespace=None):
        with self.lock:
            if namespace is not None:
                return len(self.by_namespace.get(namespace, {}))
            return sum(len(v) for v in self.by_namespace.values())


def new_pods(rng, namespace, prefix, seq, count):
    return [(namespace, "%s-%d-%d" % (prefix, seq, i), str(uuid.UUID(int=rng.getrandbits(128), version=4)))
            for i in range(count)]


def rpc_client(port, namespace, prefix, deadline, ledger, rng):
    """Ingest calls with 1-8 in flight until the connection dies (or the deadline)."""
    try:
        conn = Connection(port, timeout=5)
        conn.handshake("soak-kill-" + prefix, 5)
    except (OSError, Closed, ValueError):
        return
    inflight, next_id, seq = {}, 1, 0
    depth = rng.randint(1, 8)
    try:
        while time.monotonic() < deadline:
            while len(inflight) < depth:
                pods = new_pods(rng, namespace, prefix, seq, rng.randint(1, 3))
                seq += 1
                items = [ingest_item(1, simple_pod(uid, ns, name, cpu=rng.randint(10, 4000),
                                                   start_time_ms=BASE_MS)) for ns, name, uid in pods]
                conn.send(request(next_id, "Ingest", ingest_request(items)))
                inflight[next_id] = pods
                next_id += 1
            call_id, kind, body = conn.receive(timeout=10)
            if kind == K_PING:
                conn.send(frame(0, K_PONG, body))
            elif kind == K_STATUS:
                if call_id == 0:
                    break  # the connection is closing
                pods = inflight.pop(call_id, None)
                code = get(decode(body), 1)
                if pods is not None and code == 0:
                    ledger.acked(pods)
                elif pods is not None:
                    ledger.refusal(code_name(code))
    except (OSError, Closed, ValueError):
        pass  # killed: the calls in flight are not acknowledged
    finally:
        conn.close()


def pod_json(namespace, name, uid, cpu):
    res = {"requests": {"cpu": "%dm" % cpu, "memory": "128Mi"}, "limits": {"cpu": "%dm" % (cpu * 2), "memory": "256Mi"}}
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": namespace, "uid": uid, "generation": 1,
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs-soak",
                                              "uid": "rs-soak-uid", "controller": True}]},
            "spec": {"nodeName": "node-a", "containers": [{"name": "app", "image": "soak:1", "resources": res}]},
            "status": {"phase": "Running", "startTime": "2026-11-02T00:00:00Z",
                       "containerStatuses": [{"name": "app", "restartCount": 0, "ready": True,
                                              "state": {"running": {"startedAt": "2026-11-02T00:00:01Z"}},
                                              "resources": res}]}}


def cli_client(binary, port, namespace, prefix, deadline, ledger, rng, workdir, stop, running):
    """`vpa-store ingest --server` processes, one after the other, until one fails or `stop` is set.
    A process still running when the server is killed is killed too (its ingest then counts as not
    acknowledged, whatever happened to it), which spares waiting for its reconnection attempts."""
    path = os.path.join(workdir, "ingest-%s.json" % prefix)
    seq = 0
    while time.monotonic() < deadline and not stop.is_set():
        pods = new_pods(rng, namespace, prefix, seq, rng.randint(1, 3))
        seq += 1
        with open(path, "w") as f:
            json.dump({"apiVersion": "v1", "kind": "List",
                       "items": [pod_json(ns, name, uid, rng.randint(10, 4000)) for ns, name, uid in pods]}, f)
        proc = subprocess.Popen([binary, "ingest", "--server", "127.0.0.1:%d" % port, path], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        CHILDREN.add(proc)
        running[prefix] = proc
        try:
            code = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = proc.wait()
        finally:
            CHILDREN.remove(proc)
        if code != 0:
            return  # the server is gone (or refused): not acknowledged
        ledger.acked(pods)


def pods_over_rpc(port, namespace=""):
    """{(namespace, name): uid} of the live pods, paged through ListPods."""
    conn = Connection(port, timeout=60)
    try:
        conn.handshake("soak-kill-check", 30)
        found, page_after = {}, ""
        for call_id in range(1, 100001):
            code, message, answer = conn.call(call_id, "ListPods", list_pods_request(namespace, page_after=page_after,
                                                                                      limit=5000), timeout=120)
            if code != 0:
                raise RuntimeError("ListPods: %s: %s" % (code_name(code), message))
            m = decode(answer or b"")
            for record in m.get(2, []):
                pod = decode(get(decode(record), 1, b""))
                found[(text(pod, 2), text(pod, 3))] = text(pod, 1)
            page_after = text(m, 3)
            if not page_after:
                break
        return found
    finally:
        conn.close()


def missing_from(expected, found):
    """Acknowledged pods absent from `found` (or present with another UID)."""
    return sorted((ns, name, uid) for (ns, name), uid in expected.items() if found.get((ns, name)) != uid)


def main():
    p = argparse.ArgumentParser(description="vpa-store soak: SIGKILL cycles")
    p.add_argument("--binary", required=True)
    p.add_argument("--workdir", required=True)
    p.add_argument("--cycles", type=int, default=100)
    p.add_argument("--rpc-clients", type=int, default=3, help="Python RPC ingest clients per cycle (default 3)")
    p.add_argument("--cli-clients", type=int, default=1, help="`vpa-store ingest --server` clients per cycle (default 1)")
    p.add_argument("--kill-min", type=float, default=0.3)
    p.add_argument("--kill-max", type=float, default=2.0)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--crash-dir", default=None, help="where the logs of a crashed server are kept")
    a = p.parse_args()
    install_signal_handlers()
    seed = a.seed if a.seed is not None else random.randrange(1 << 32)
    rng = random.Random(seed)
    db = os.path.join(a.workdir, "kill.db")
    log_path = os.path.join(a.workdir, "kill-server.log")
    crash_dir = a.crash_dir or os.path.join(os.environ.get("TMPDIR", "/tmp"),
                                            "vpa-store-soak-kill-" + time.strftime("%Y%m%d-%H%M%S"))
    print("soak kill: %d cycles, %d RPC + %d CLI ingest clients, SIGKILL %.1f-%.1fs in, seed %d, binary %s"
          % (a.cycles, a.rpc_clients, a.cli_clients, a.kill_min, a.kill_max, seed, a.binary), flush=True)

    ledger = Ledger()
    lost_pods, crashes, failures = set(), 0, []  # lost: distinct pods missing at any look-up
    started = time.monotonic()
    cycles_done = 0
    cycle_times = []

    def record_crash(server, what):
        nonlocal crashes
        crashes += 1
        os.makedirs(crash_dir, exist_ok=True)
        kept = os.path.join(crash_dir, "server-crash-%d.log" % crashes)
        shutil.copyfile(server.log_path, kept)
        print("CRASH: %s (%s)\n  last words: %s\n  log kept at %s; its tail:\n%s"
              % (what, signal_name(server.proc.returncode), server.crash_line() or "-", kept,
                 "\n".join("    " + l for l in server.log_tail(15).splitlines())), flush=True)

    def check(server, namespace, label):
        """Looks the acknowledged pods of `namespace` ("" = every namespace) up through `server`."""
        with ledger.lock:
            if namespace:
                expected = {(namespace, n): u for n, u in ledger.by_namespace.get(namespace, {}).items()}
            else:
                expected = {(ns, n): u for ns, pods in ledger.by_namespace.items() for n, u in pods.items()}
        try:
            found = pods_over_rpc(server.port, namespace)
        except (OSError, Closed, RuntimeError, ValueError) as e:
            failures.append("looking up the pods after %s: %s: %s" % (label, type(e).__name__, e))
            print("FAIL: " + failures[-1], flush=True)
            return len(expected), 0
        missing = missing_from(expected, found)
        if missing:
            lost_pods.update(missing)
            print("LOST after %s: %d acknowledged pods missing, e.g. %s" % (label, len(missing), missing[:5]), flush=True)
        return len(expected), len(missing)

    server = None
    try:
        for cycle in range(a.cycles):
            t0 = time.monotonic()
            try:
                server = Server(a.binary, db, log_path)
            except RuntimeError as e:
                crashes += 1
                failures.append("cycle %d: the server does not start again on the database: %s" % (cycle + 1, e))
                print("CRASH: " + failures[-1], flush=True)
                server = None
                break
            startup = time.monotonic() - t0
            if cycle > 0:
                check(server, "soak-c%d" % (cycle - 1), "restart %d" % cycle)
            namespace = "soak-c%d" % cycle
            deadline = time.monotonic() + 30  # bounded, should the kill not end the clients
            stop, running = threading.Event(), {}
            threads = []
            for k in range(a.rpc_clients):
                threads.append(threading.Thread(target=rpc_client, daemon=True, args=(
                    server.port, namespace, "r%d" % k, deadline, ledger, random.Random(rng.getrandbits(64)))))
            for k in range(a.cli_clients):
                threads.append(threading.Thread(target=cli_client, daemon=True, args=(
                    a.binary, server.port, namespace, "k%d" % k, deadline, ledger, random.Random(rng.getrandbits(64)),
                    a.workdir, stop, running)))
            for t in threads:
                t.start()
            kill_after = rng.uniform(a.kill_min, a.kill_max)
            kill_at = time.monotonic() + kill_after
            while time.monotonic() < kill_at and not server.dying():
                time.sleep(0.01)
            if server.dying():  # exited, or writing its backtrace
                into = kill_after - (kill_at - time.monotonic())
                server.wait_dead()
                record_crash(server, "cycle %d: the server exited by itself %.2fs into the ingest" % (cycle + 1, into))
                server.kill()
                ended = "CRASHED %.2fs in" % into
            else:
                ended = "killed %.2fs in" % kill_after
                code = server.kill()
                if code != -9:
                    record_crash(server, "cycle %d: SIGKILLed server ended with %s" % (cycle + 1, signal_name(code)))
            server = None
            stop.set()
            for proc in list(running.values()):
                if proc.poll() is None:
                    proc.kill()
            for t in threads:
                t.join(timeout=40)
            cycles_done += 1
            cycle_times.append(time.monotonic() - t0)
            print("cycle %d/%d: start %.2fs, %s, acknowledged %d pods (total %d), lost %d, crashes %d, %.2fs"
                  % (cycle + 1, a.cycles, startup, ended, ledger.count(namespace), ledger.count(), len(lost_pods), crashes,
                     time.monotonic() - t0), flush=True)

        # The final restart: every acknowledged pod, over RPC, then SIGTERM.
        if not failures:
            try:
                server = Server(a.binary, db, log_path)
            except RuntimeError as e:
                crashes += 1
                failures.append("final restart: the server does not start on the database: %s" % e)
                print("CRASH: " + failures[-1], flush=True)
                server = None
        if server is not None:
            if cycles_done:
                check(server, "soak-c%d" % (cycles_done - 1), "the final restart")
            total, missing = check(server, "", "the final restart (all namespaces)")
            print("final restart: %d acknowledged pods looked up over RPC, %d missing" % (total, missing), flush=True)
            code, taken = server.terminate(15)
            if code != 0:
                crashes += 1
                failures.append("SIGTERM: the server %s after %.1fs" % (
                    "did not exit" if code is None else "ended with " + signal_name(code), taken))
                print("CRASH: " + failures[-1], flush=True)
                print(server.log_tail(15), flush=True)
            else:
                print("SIGTERM: exit 0 in %.2fs" % taken, flush=True)
            server = None

        # The file itself, read without a server.
        if os.path.exists(db):
            result = run_cli(a.binary, ["query", "resources", "--db", db, "--format", "json"], timeout=600)
            if result.returncode != 0:
                failures.append("query resources --db: %s: %s" % (signal_name(result.returncode), result.stderr.strip()[-500:]))
                print("FAIL: " + failures[-1], flush=True)
            else:
                rows = json.loads(result.stdout or "[]")
                found = {(r["namespace"], r["pod"]): r.get("podUID") for r in rows}
                with ledger.lock:
                    expected = {(ns, n): u for ns, pods in ledger.by_namespace.items() for n, u in pods.items()}
                missing = missing_from(expected, found)
                print("file: %d acknowledged pods looked up with `query resources --db`, %d missing"
                      % (len(expected), len(missing)), flush=True)
                if missing:
                    lost_pods.update(missing)
                    print("LOST in the file: e.g. %s" % missing[:5], flush=True)
            verify = run_cli(a.binary, ["verify", "--db", db], timeout=1800)
            verify_ok = verify.returncode == 0
            print("verify: %s: %s" % (signal_name(verify.returncode),
                                      (verify.stdout.strip() or verify.stderr.strip())[:2000]), flush=True)
        else:
            verify_ok = False
            print("verify: no database at %s" % db, flush=True)
    except KeyboardInterrupt:
        print("soak kill: interrupted", flush=True)
        CHILDREN.kill_all()
        return 130
    finally:
        if server is not None:
            server.kill()
        CHILDREN.kill_all()

    lost = len(lost_pods)
    elapsed = time.monotonic() - started
    if ledger.refused:
        print("non-OK statuses seen by the clients (not failures): %s" % ", ".join(
            "%s %d" % kv for kv in sorted(ledger.refused.items())), flush=True)
    print("%.1fs in all; a cycle took %.2fs on average (at most %.2fs); %d acknowledged Ingest calls"
          % (elapsed, sum(cycle_times) / max(1, len(cycle_times)), max(cycle_times or [0]), ledger.calls), flush=True)
    for f in failures:
        print("failure: " + f, flush=True)
    summary("soak kill: cycles %d, acknowledged %d, lost %d, verify %s, crashes %d"
            % (cycles_done, ledger.count(), lost, "ok" if verify_ok else "FAILED", crashes))
    return 0 if lost == 0 and crashes == 0 and verify_ok and not failures else 1


if __name__ == "__main__":
    sys.exit(main())
