#!/usr/bin/env python3
"""Writes a kubectl-shaped `List` of N running pods (2 containers each, status resources set) to
stdout, for measuring ingest: scripts/generate-pod-list.py 10000 > /tmp/pods-10k.json"""
import json
import sys

count = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
items = []
for i in range(count):
    app = {"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"cpu": "500m", "memory": "512Mi"}}
    sidecar = {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}}
    running = {"running": {"startedAt": "2026-11-01T00:00:05Z"}}
    items.append({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": f"app-{i}", "namespace": f"ns-{i % 50}", "uid": f"00000000-0000-4000-8000-{i:012d}",
                     "generation": 1, "labels": {"app": "x", "pod-template-hash": "abc"},
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": f"rs-{i // 3}",
                                          "uid": "u", "controller": True}]},
        "spec": {"nodeName": f"node-{i % 100}",
                 "containers": [{"name": "app", "image": "nginx:1.27", "resources": app},
                                {"name": "sidecar", "image": "envoy", "resources": sidecar}]},
        "status": {"phase": "Running", "startTime": "2026-11-01T00:00:00Z",
                   "conditions": [{"type": "Ready", "status": "True"}],
                   "containerStatuses": [
                       {"name": "app", "ready": True, "restartCount": 0, "image": "nginx", "imageID": "x",
                        "containerID": "containerd://abc", "state": running, "resources": app,
                        "allocatedResources": app["requests"]},
                       {"name": "sidecar", "restartCount": 0, "state": running, "resources": sidecar}]},
    })
json.dump({"apiVersion": "v1", "kind": "List", "items": items}, sys.stdout, indent=4)
