#!/usr/bin/env python3
"""Write-to-visible latency: N single-document adds with commit=true (as CKAN sends one
per dataset edit), each followed by a query for it; prints p50/p99/max of the add (the
document is searchable when it returns) and of add + read-back.

    benches/scripts/write-latency.py [BASE_URL] [N]
"""
import json
import sys
import time
import urllib.request

base = (sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8983").rstrip("/")
n = int(sys.argv[2]) if len(sys.argv) > 2 else 200


def post(path, body):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        r.read()


def found(doc_id):
    with urllib.request.urlopen(f"{base}/solr/ckan/select?q=id:{doc_id}&rows=0&wt=json") as r:
        return json.load(r)["response"]["numFound"]


adds, visible = [], []
for i in range(n):
    doc_id = f"write-latency-{int(time.time() * 1000)}-{i}"
    doc = {"index_id": doc_id, "id": doc_id, "name": doc_id, "title": f"Write latency {i}",
           "site_id": "default", "entity_type": "package", "dataset_type": "dataset",
           "state": "active", "capacity": "public", "notes": "measuring write to visible"}
    t0 = time.perf_counter()
    post("/solr/ckan/update?commit=true", [doc])
    t1 = time.perf_counter()
    if found(doc_id) != 1:
        sys.exit(f"{doc_id} was not visible after its commit=true add returned")
    t2 = time.perf_counter()
    adds.append((t1 - t0) * 1000)
    visible.append((t2 - t0) * 1000)
post("/solr/ckan/update?commit=true", {"delete": {"query": "id:write-latency-*"}})


def pct(values, p):
    values = sorted(values)
    return values[max(0, min(len(values) - 1, -(-len(values) * p // 100) - 1))]


for name, values in (("add with commit=true", adds), ("add + read back", visible)):
    print(f"| {name} | {n} | {pct(values, 50):.1f} | {pct(values, 99):.1f} | {max(values):.1f} |")
