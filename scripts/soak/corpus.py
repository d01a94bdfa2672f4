"""The fuzzer's starting points: a fixed set-up that puts pods in every resize state, an OOM kill,
VPAs, usage and appended events into a fresh database, and one or more valid requests for every
method of the Store service with (nearly) every field set, so mutations have values to change.
"""
import struct

from messages import (MI, append_request, condition, container, container_state, container_status, event_to_append,
                      eviction, ingest_item, ingest_request, list_pods_request, owner, pod_observed, pod_usage,
                      requirements, resize_requested, resource_list, selector, simple_pod, timeouts, vpa_observed)
from wire import SERVICE, f_bytes, f_varint, p3, tag

T0 = 1793610000000  # 2026-11-02T01:00:00Z
HOUR = 3600 * 1000


def _pod(uid, ns, name, desired_cpu, status_cpu, conditions=(), state=None, restarts=0, last_state=None,
         legacy=None, init=False):
    desired = requirements(resource_list(desired_cpu, 256 * MI), resource_list(desired_cpu * 2, 512 * MI))
    actual = requirements(resource_list(status_cpu, 256 * MI), resource_list(status_cpu * 2, 512 * MI))
    state = state if state is not None else container_state(0, started_at_ms=T0 - HOUR)
    containers = [container("app", 0, desired, container_status(actual, resource_list(status_cpu, 256 * MI),
                                                                 restarts, state, last_state))]
    if init:
        done = container_state(1, "Completed", 0, T0 - HOUR - 9000, T0 - HOUR - 5000)
        containers.insert(0, container("migrate", 1, requirements(resource_list(100, 128 * MI), resource_list(None, 128 * MI)),
                                       container_status(requirements(resource_list(100, 128 * MI)), None, 0, done)))
    return pod_observed(uid, ns, name, containers, generation=2, observed_generation=2, start_time_ms=T0 - HOUR,
                        owners=[owner("ReplicaSet", "web-7d9c5" if ns == "shop" else "worker-rs", "rs-" + ns)],
                        conditions=conditions, legacy_resize=legacy)


RESIZING = condition("PodResizeInProgress", "True", None, None, T0, 2)
DEFERRED = condition("PodResizePending", "True", "Deferred", "Node didn't have enough resources: cpu", T0, 2)
INFEASIBLE = condition("PodResizePending", "True", "Infeasible", "Node has 2 cpus", T0, 2)
ERROR = condition("PodResizeInProgress", "True", "Error", "kubelet failed", T0, 2)


def pod_ok(cpu=250):
    return _pod("6f1c1f4e-0000-4000-8000-000000000001", "shop", "web-ok", cpu, cpu, init=True)


def pod_resizing():
    return _pod("6f1c1f4e-0000-4000-8000-000000000002", "shop", "web-resizing", 500, 250, [RESIZING])


def pod_deferred():
    return _pod("6f1c1f4e-0000-4000-8000-000000000003", "shop", "web-deferred", 1000, 250, [DEFERRED])


def pod_infeasible():
    return _pod("6f1c1f4e-0000-4000-8000-000000000004", "shop", "web-infeasible", 4000, 250, [INFEASIBLE])


def pod_error():
    return _pod("6f1c1f4e-0000-4000-8000-000000000006", "shop", "web-error", 800, 250, [ERROR], legacy="InProgress")


def pod_worker(oom=False):
    if oom:
        state = container_state(1, "OOMKilled", 137, T0 - HOUR, T0 + 50000)
        return _pod("6f1c1f4e-0000-4000-8000-000000000005", "jobs", "worker-oom", 200, 200, state=state, restarts=1)
    return _pod("6f1c1f4e-0000-4000-8000-000000000005", "jobs", "worker-oom", 200, 200)


def vpas():
    return [vpa_observed("shop", "web", "vpa-uid-web", "web"), vpa_observed("jobs", "worker", "vpa-uid-worker", "worker",
                                                                           "Recreate", 1)]


def recommendation():
    c = (f_bytes(1, "app") + f_bytes(2, resource_list(300, 300 * MI)) + f_bytes(3, resource_list(200, 200 * MI))
         + f_bytes(4, resource_list(900, 900 * MI)) + f_bytes(5, resource_list(310, 310 * MI)))
    return f_bytes(1, c) + f_bytes(2, "soak-recommender")


def updater_decision(action="evict"):
    return f_bytes(1, action) + f_bytes(2, "resize Deferred for 6m > 5m: evicting") + f_bytes(3, "shop/web") + f_bytes(4, "InPlaceOrRecreate")


def checkpoint():
    def histogram(ref):
        return (f_varint(1, ref) + f_bytes(2, f_varint(1, 3) + f_varint(2, 10000)) + f_bytes(2, f_varint(1, 7) + f_varint(2, 42))
                + tag(3, 1) + struct.pack("<d", 12.5))
    c = (f_bytes(1, "app") + f_bytes(2, "v3") + f_bytes(3, histogram(T0)) + f_bytes(4, histogram(T0 + 60000))
         + f_varint(5, T0 - HOUR) + f_varint(6, T0) + f_varint(7, 61))
    return f_varint(1, 12) + f_bytes(2, c)


def setup_requests():
    """(method, payload): applied to every fresh database, each must answer OK."""
    pods = [pod_ok(), pod_resizing(), pod_deferred(), pod_infeasible(), pod_error(), pod_worker()]
    return [
        ("Ingest", ingest_request([ingest_item(1, p) for p in pods] + [ingest_item(4, v) for v in vpas()],
                                  observed_at_ms=T0, in_place_mode="auto")),
        ("Ingest", ingest_request([ingest_item(1, pod_worker(oom=True))], observed_at_ms=T0 + 60000)),
        ("Ingest", ingest_request([ingest_item(6, pod_usage("shop", "web-ok", T0 + 60000)),
                                   ingest_item(3, eviction("jobs/evicted-1", T0 + 90000, "jobs", "worker-oom",
                                                           "6f1c1f4e-0000-4000-8000-000000000005"))],
                                  observed_at_ms=T0 + 90000)),
        ("Append", append_request([
            event_to_append(pod_key="shop/web-resizing", occurred_at_ms=T0 + 1000, body_field=10, body=resize_requested()),
            event_to_append(vpa_key="shop/web", occurred_at_ms=T0 + 2000, body_field=11, body=recommendation()),
            event_to_append(pod_key="shop/web-ok", occurred_at_ms=T0 + 3000, body_field=12, body=updater_decision()),
            event_to_append(vpa_key="shop/web", occurred_at_ms=T0 + 4000, body_field=13, body=checkpoint()),
        ], idempotency_key="setup-append-1")),
        # A second observation of the resizing pod, so its resize has a history with a `since`.
        ("Ingest", ingest_request([ingest_item(1, _pod("6f1c1f4e-0000-4000-8000-000000000002", "shop", "web-resizing",
                                                       600, 250, [RESIZING]))], observed_at_ms=T0 + 120000)),
    ]


def requests():
    """(method, payload, timeout_ms): valid requests the mutator starts from."""
    now = T0 + 2 * HOUR
    t = timeouts()
    sel = selector("shop", "web-resizing", "ResizeTransition", T0 - HOUR, T0 + 5 * HOUR)
    out = [
        ("GetServerInfo", b"", 5000),
        ("CheckHealth", b"", 5000),
        ("GetActualResources", p3(1, "shop") + p3(2, "web-resizing") + p3(3, "app") + f_varint(6, T0 + 60000)
         + p3(8, 10), 5000),
        ("GetActualResources", p3(1, "shop") + p3(4, "ReplicaSet") + p3(5, "web-7d9c5") + f_varint(7, 3) + p3(8, 2)
         + p3(9, "shop/web-deferred/6f1c1f4e-0000-4000-8000-000000000003/0/app"), 5000),
        ("GetActualResources", b"", 5000),
        ("GetResizeState", p3(1, "shop") + p3(2, "web-resizing") + p3(3, now) + f_bytes(4, t), 5000),
        ("GetResizeState", p3(1, "shop") + p3(2, "web-deferred") + p3(3, now) + f_bytes(4, t), 5000),
        ("GetResizeState", p3(1, "shop") + p3(2, "web-infeasible") + p3(3, now) + f_bytes(4, timeouts(1, 1)), 5000),
        ("GetResizeState", p3(1, "shop") + p3(2, "web-error") + p3(3, now), 5000),
        ("ListResizes", p3(1, "in_progress") + p3(2, "shop") + p3(3, now) + f_bytes(4, t), 5000),
        ("ListResizes", p3(3, now) + f_bytes(4, t), 5000),
        ("ListResizes", p3(1, "pending_deferred") + p3(3, now), 5000),
        ("ListOomKills", p3(1, "jobs") + p3(2, "worker-oom") + p3(3, "app") + p3(4, T0 - HOUR) + p3(5, T0 + HOUR), 5000),
        ("ReadEvents", p3(1, 1) + p3(2, 10) + f_bytes(3, sel), 5000),
        ("ReadEvents", p3(1, 2) + p3(2, 100), 5000),
        ("ReadEvents", p3(1, 1) + p3(2, 5) + f_bytes(3, selector("", "", "PodObserved", T0, T0 + HOUR)), 5000),
        ("Watch", p3(1, 1) + f_bytes(2, sel) + p3(3, 50), 100),
        ("Watch", p3(1, 3) + p3(3, 20), 60),
        ("ListVpas", p3(1, "shop"), 5000),
        ("ListPods", list_pods_request("shop", now, "", 2, with_timeouts=True), 5000),
        ("ListPods", list_pods_request("", now, "shop/web-deferred", 10), 5000),
        ("Append", append_request([event_to_append(pod_key="shop/web-resizing", occurred_at_ms=T0 + 5000, body_field=10,
                                                   body=resize_requested(cpu=700))], idempotency_key="k1"), 5000),
        ("Append", append_request([event_to_append(pod_key="6f1c1f4e-0000-4000-8000-000000000001", occurred_at_ms=T0 + 6000,
                                                   body_field=12, body=updater_decision("wait")),
                                   event_to_append(vpa_key="shop/web", occurred_at_ms=T0 + 6000, body_field=11,
                                                   body=recommendation())], expected_head=99), 5000),
        ("Append", append_request([event_to_append(vpa_key="jobs/worker", occurred_at_ms=T0 + 7000, body_field=13,
                                                   body=checkpoint())]), 5000),
        ("Ingest", ingest_request([ingest_item(1, pod_resizing()), ingest_item(1, pod_ok(300))],
                                  observed_at_ms=T0 + 3 * HOUR, idempotency_key="i1", in_place_mode="enabled"), 5000),
        ("Ingest", ingest_request([ingest_item(1, pod_deferred()), ingest_item(2, pod_infeasible())],
                                  observed_at_ms=T0 + 4 * HOUR), 5000),
        ("Ingest", ingest_request([ingest_item(6, pod_usage("shop", "web-ok", T0 + 3 * HOUR)),
                                   ingest_item(3, eviction("shop/ev-2", T0 + 3 * HOUR, "shop", "web-ok")),
                                   ingest_item(4, vpas()[0]), ingest_item(5, vpas()[1])],
                                  observed_at_ms=T0 + 3 * HOUR, expected_head=40), 5000),
        ("Ingest", ingest_request([ingest_item(1, pod_worker(oom=True)), ingest_item(1, pod_error()),
                                   ingest_item(1, simple_pod("new-uid-1", "shop", "web-new", 100, 64 * MI, T0))],
                                  observed_at_ms=T0 + 5 * HOUR, in_place_mode="disabled"), 5000),
    ]
    return out


def hello_body(peer="soak-fuzz", token="", version=1):
    return p3(1, version) + p3(2, peer) + p3(3, token)


# Frames the mutator may send as raw material besides requests (call id, kind, body).
def other_frames():
    return [
        (0, 2, hello_body()),                                  # hello again: refused after the handshake
        (0, 3, p3(1, 1) + p3(2, "x") + p3(3, "id") + p3(4, 5) + p3(5, 4096)),  # welcome from a client
        (1, 5, p3(1, b"\x08\x01")),                            # message from a client
        (1, 6, p3(1, 3) + p3(2, "no")),                        # status from a client
        (0, 10, p3(1, 7) + p3(2, "bye")),                      # go_away from a client
        (0, 8, p3(1, 42)),                                     # ping
        (0, 9, p3(1, 42)),                                     # pong (ignored)
        (5, 7, b""),                                           # cancel of an unknown id
        (0, 4, p3(1, SERVICE + "GetServerInfo")),              # a request on call 0
    ]

