#!/usr/bin/env python3
"""Server-side latency per route between two scrapes of App's /metrics (prometheus-net's
http_request_duration_seconds histogram): request count and p50/p99 interpolated within the histogram's buckets
(1 ms, 2 ms, 4 ms, ... so a figure is only as fine as its bucket). Prints a markdown table. Used by load.sh."""
import re
import sys
from collections import defaultdict

LINE = re.compile(r'^http_request_duration_seconds_bucket\{(?P<labels>.*)\}\s+(?P<value>\S+)$')
LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def read(path):
    buckets = defaultdict(lambda: defaultdict(float))
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = LINE.match(line)
            if not m:
                continue
            labels = dict(LABEL.findall(m.group("labels")))
            route = (labels.get("method", ""), labels.get("endpoint", "") or "(no route)")
            le = float("inf") if labels["le"] == "+Inf" else float(labels["le"])
            buckets[route][le] += float(m.group("value"))
    return buckets


def quantile(cumulative, q):
    total = cumulative[-1][1]
    if total <= 0:
        return None
    target = q * total
    previous_bound, previous_count = 0.0, 0.0
    for bound, count in cumulative:
        if count >= target:
            if bound == float("inf"):
                return previous_bound * 1000
            share = (target - previous_count) / (count - previous_count) if count > previous_count else 0
            return (previous_bound + share * (bound - previous_bound)) * 1000
        previous_bound, previous_count = bound, count
    return None


before, after = read(sys.argv[1]), read(sys.argv[2])
rows = []
for route, counts in after.items():
    cumulative = sorted((le, counts[le] - before.get(route, {}).get(le, 0.0)) for le in counts)
    total = cumulative[-1][1]
    if total > 0:
        rows.append((total, route, quantile(cumulative, 0.5), quantile(cumulative, 0.99)))
rows.sort(reverse=True)
print("Server side, every route App served in the scenario (from /metrics; the simulator's own routes and the")
print("callbacks it sends to App included):")
print()
print("| route | requests | p50 ms | p99 ms |")
print("|---|---:|---:|---:|")
for total, (method, endpoint), p50, p99 in rows[:16]:
    fmt = lambda v: "–" if v is None else f"{v:.1f}"
    print(f"| {method} {endpoint} | {total:.0f} | {fmt(p50)} | {fmt(p99)} |")
