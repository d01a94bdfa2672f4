"""Encoders for the request messages of store.proto and the event bodies of events.proto that the
soak scripts send (Python 3 standard library only). Field numbers as in proto/vpa/store/v1/*.proto.
proto2 messages (events.proto, views.proto) write every field that is set, 0 included; proto3
messages (store.proto) leave out defaults.
"""
from wire import f_bytes, f_sint, f_varint, p3

MI = 1024 * 1024


def opt_int(number, value):
    return b"" if value is None else f_varint(number, value)


def opt_str(number, value):
    return b"" if value is None else f_bytes(number, value)


def resource_list(cpu=None, memory=None):
    return (b"" if cpu is None else f_sint(1, cpu)) + (b"" if memory is None else f_sint(2, memory))


def requirements(requests=None, limits=None):
    return opt_str(1, requests) + opt_str(2, limits)


def container_state(kind=0, reason=None, exit_code=None, started_at_ms=None, finished_at_ms=None):
    return (f_varint(1, kind) + opt_str(2, reason) + (b"" if exit_code is None else f_sint(3, exit_code))
            + opt_int(4, started_at_ms) + opt_int(5, finished_at_ms))


def container_status(resources=None, allocated=None, restart_count=0, state=None, last_state=None):
    return (opt_str(1, resources) + opt_str(2, allocated) + f_varint(3, restart_count) + opt_str(4, state)
            + opt_str(5, last_state))


def container(name, ctype=0, desired=None, status=None):
    return f_bytes(1, name) + f_varint(2, ctype) + opt_str(3, desired) + opt_str(4, status)


def condition(ctype, status, reason=None, message=None, last_transition_ms=None, observed_generation=None):
    return (f_bytes(1, ctype) + f_bytes(2, status) + opt_str(3, reason) + opt_str(4, message)
            + opt_int(5, last_transition_ms) + opt_int(6, observed_generation))


def owner(kind, name, uid, controller=True):
    return f_bytes(1, kind) + f_bytes(2, name) + f_bytes(3, uid) + f_varint(4, int(controller))


def pod_observed(uid, namespace, name, containers, generation=1, observed_generation=1, phase="Running",
                 start_time_ms=None, node_name="node-a", owners=(), conditions=(), legacy_resize=None):
    out = (f_bytes(1, uid) + f_bytes(2, namespace) + f_bytes(3, name) + f_varint(4, generation)
           + f_varint(5, observed_generation) + f_bytes(6, phase) + opt_int(7, start_time_ms) + f_bytes(8, node_name))
    for o in owners:
        out += f_bytes(9, o)
    for c in conditions:
        out += f_bytes(10, c)
    out += opt_str(11, legacy_resize)
    for c in containers:
        out += f_bytes(12, c)
    return out


def simple_pod(uid, namespace, name, cpu=250, memory=256 * MI, start_time_ms=None):
    """A running pod with one container whose status resources equal its spec."""
    res = requirements(resource_list(cpu, memory), resource_list(cpu * 2, memory * 2))
    status = container_status(res, resource_list(cpu, memory), 0,
                              container_state(0, started_at_ms=start_time_ms))
    return pod_observed(uid, namespace, name, [container("app", 0, res, status)], start_time_ms=start_time_ms,
                        owners=[owner("ReplicaSet", "rs-" + name.rsplit("-", 1)[0], "rs-uid")])


def ingest_item(kind, body):
    """IngestItem: pod = 1, deleted_pod = 2, eviction = 3, vpa = 4, deleted_vpa = 5, usage = 6."""
    return f_bytes(kind, body)


def ingest_request(items, observed_at_ms=0, idempotency_key="", in_place_mode="", expected_head=None):
    out = p3(1, idempotency_key)
    if expected_head is not None:
        out += f_varint(2, expected_head)  # a oneof member: written even when 0
    out += p3(3, observed_at_ms) + p3(4, in_place_mode)
    for item in items:
        out += f_bytes(5, item)
    return out


def eviction(event_key, at_ms, namespace, name, uid=None, offenders=(("app", 500 * MI),)):
    out = f_bytes(1, event_key) + f_varint(2, at_ms)
    for c, usage in offenders:
        out += f_bytes(3, f_bytes(1, c) + f_varint(2, usage))
    return out + f_bytes(4, namespace) + f_bytes(5, name) + opt_str(6, uid)


def vpa_observed(namespace, name, uid, target_name, update_mode="InPlaceOrRecreate", min_replicas=2):
    policy = (f_bytes(1, "app") + f_varint(2, 0) + f_bytes(3, resource_list(50, 64 * MI))
              + f_bytes(4, resource_list(4000, 8192 * MI)))
    return (f_bytes(1, namespace) + f_bytes(2, name) + f_bytes(3, uid) + f_bytes(4, "Deployment")
            + f_bytes(5, target_name) + f_bytes(6, update_mode) + f_varint(7, min_replicas) + f_bytes(8, policy))


def pod_usage(namespace, pod, at_ms, window_ms=60000, cpu=120, memory=200 * MI):
    sample = f_varint(1, at_ms) + f_varint(2, window_ms) + f_bytes(3, f_bytes(1, "app") + f_sint(2, cpu) + f_sint(3, memory))
    return f_bytes(1, namespace) + f_bytes(2, pod) + f_bytes(3, sample)


def resize_requested(container_name="app", cpu=500, memory=384 * MI):
    target = f_bytes(1, container_name) + f_varint(2, 0) + f_bytes(
        3, requirements(resource_list(cpu, memory), resource_list(cpu * 2, memory * 2)))
    return f_bytes(1, target) + f_bytes(2, "soak-updater") + f_bytes(3, "soak")


def event_to_append(pod_key="", vpa_key="", occurred_at_ms=0, body_field=10, body=b""):
    """EventToAppend: pod_key 1, occurred_at_ms 2, vpa_key 3; body oneof 10-13."""
    return p3(1, pod_key) + p3(2, occurred_at_ms) + p3(3, vpa_key) + f_bytes(body_field, body)


def append_request(events, idempotency_key="", expected_head=None):
    out = p3(1, idempotency_key)
    if expected_head is not None:
        out += f_varint(2, expected_head)
    for e in events:
        out += f_bytes(3, e)
    return out


def timeouts(deferred_ms=300000, in_progress_ms=3600000):
    return p3(1, deferred_ms) + p3(2, in_progress_ms)


def selector(namespace="", pod="", etype="", since_ms=0, until_ms=0):
    return p3(1, namespace) + p3(2, pod) + p3(3, etype) + p3(4, since_ms) + p3(5, until_ms)


def list_pods_request(namespace="", now_ms=0, page_after="", limit=0, with_timeouts=False):
    return (p3(1, namespace) + p3(2, now_ms) + (f_bytes(3, timeouts()) if with_timeouts else b"")
            + p3(4, page_after) + p3(5, limit))
