"""The server's memory under the two attacks of issue 16 (findings 3 and 4), and its shutdown with a
client that reads nothing, on 127.0.0.1 in a temporary directory:

  python3 scripts/soak/memory.py .build/release/vpa-store

(a) 500 connections each announce a 4 MiB hello and send bytes for 5 s, with --token-file set;
(b) one connection pipelines 300 ReadEvents(limit 10000) over 12,000 events and never reads, then
    the server gets SIGTERM (grace 10 s) with that client still connected.
Prints resident memory (VmRSS, peak VmHWM) before and after.
"""
import json, os, shutil, socket, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wire

BIN = sys.argv[1] if len(sys.argv) > 1 else ".build/release/vpa-store"
work = tempfile.mkdtemp(prefix="vpa-store-memory-")

def rss(pid):
    out = {}
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(("VmRSS", "VmHWM")):
            k, v = line.split(":"); out[k] = int(v.split()[0]) // 1024
    return out

def start(extra):
    p = subprocess.Popen([BIN, "serve", "--db", f"{work}/s.db", "--listen", "127.0.0.1:0", "--log-level", "error"] + extra,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = p.stdout.readline().strip()
    port = int(line.split(":")[-1].split(",")[0])
    return p, port

# (a) 500 connections announcing a 4 MiB hello, sending 4 MiB - 1 bytes each, with a token set.
open(f"{work}/token", "w").write("s3cret")
p, port = start(["--token-file", f"{work}/token"])
time.sleep(0.5)
base = rss(p.pid)
socks = []
chunk = b"\0" * 65536
n = 4 * 1024 * 1024 - 1
t0 = time.time()
for i in range(500):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
        s.setblocking(False)
        s.send(n.to_bytes(4, "big"))
        socks.append(s)
    except OSError:
        pass
sent = 0
deadline = time.time() + 5
while time.time() < deadline:
    for s in socks:
        try: sent += s.send(chunk)
        except OSError: pass
peak = rss(p.pid)
refused = 0
for s in socks:
    try:
        s.setblocking(True); s.settimeout(0.2)
        s.recv(64); refused += 1   # a status frame, or EOF: the server answered and closed
    except socket.timeout: pass
    except OSError: refused += 1
    s.close()
p.terminate(); p.wait()
print(f"(a) 500 x 4 MiB hellos: RSS before {base['VmRSS']} MB, peak {peak['VmHWM']} MB, bytes accepted by the kernel {sent/1e6:.0f} MB, connections closed by the server {refused}/{len(socks)}")

# (b) 300 pipelined ReadEvents(limit 10000) on a socket never read.
os.remove(f"{work}/s.db")
pods = {"apiVersion": "v1", "kind": "List", "items": [
    {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": f"web-{i}", "namespace": "shop", "uid": f"u-{i}"},
     "spec": {"containers": [{"name": "app", "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}}]},
     "status": {"phase": "Running", "containerStatuses": [{"name": "app", "restartCount": 0, "state": {"running": {}},
                "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}}]}} for i in range(12000)]}
json.dump(pods, open(f"{work}/pods.json", "w"))
p, port = start([])
subprocess.run([BIN, "ingest", "--server", f"127.0.0.1:{port}", f"{work}/pods.json"], check=True, stdout=subprocess.DEVNULL)
time.sleep(0.5)
base = rss(p.pid)
s = socket.create_connection(("127.0.0.1", port))
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
read = wire.f_varint(1, 1) + wire.f_varint(2, 10000)   # ReadEventsRequest{from_position 1, limit 10000}
data = wire.hello() + b"".join(wire.request(i, "/vpa.store.v1.Store/ReadEvents", read) for i in range(1, 301))
s.setblocking(False)
off = 0
deadline = time.time() + 10
while off < len(data) and time.time() < deadline:
    try: off += s.send(data[off:])
    except BlockingIOError: time.sleep(0.05)
time.sleep(5)
held = rss(p.pid)
print(f"(b) 300 pipelined ReadEvents(limit 10000), never read: RSS before {base['VmRSS']} MB, after 5 s {held['VmRSS']} MB (peak {held['VmHWM']} MB); request bytes the server took {off}/{len(data)}")
t = time.time(); p.send_signal(15); p.wait(timeout=60)
print(f"    SIGTERM with that client still connected: exited {p.returncode} after {time.time()-t:.1f} s (grace 10 s)")
s.close()
shutil.rmtree(work, ignore_errors=True)
