"""The figures of a run (latency per endpoint as the client saw it and inside the workers, statuses,
errors, saves) and the printed report of them: one dict, which --out also writes as JSON."""
from __future__ import annotations

import contextlib
import re
from collections import Counter, defaultdict
from pathlib import Path

from bench.load import ID
from bench.load.users import Results

# What each endpoint may answer in a correct run; anything else is counted as an error.
EXPECTED = {
    "POST /sign-in": {302},
    "POST /updates/<id>/edit": {302, 409},
}


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest rank."""
    if not sorted_values:
        return 0.0
    rank = max(1, int(-(-q * len(sorted_values) // 100)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def latency_summary(values: list[float]) -> dict:
    ordered = sorted(values)
    return {
        "count": len(ordered),
        "p50_ms": round(percentile(ordered, 50), 1),
        "p95_ms": round(percentile(ordered, 95), 1),
        "p99_ms": round(percentile(ordered, 99), 1),
        "max_ms": round(ordered[-1], 1) if ordered else 0.0,
    }


ACCESS_LINE = re.compile(r'"(GET|POST|HEAD|PUT|DELETE) (\S+) HTTP/[\d.]+" (\d{3}) \S+ (\d+)ms')


def server_times(log_path: Path, duration: float, workers: int, upto: int | None = None) -> dict:
    """Time spent in the workers per endpoint, from gunicorn's access log (%(M)s ms). Client latency minus
    this is time waiting for a free worker (the listen queue) and on the wire."""
    by_endpoint = defaultdict(list)
    with contextlib.suppress(OSError):
        with open(log_path, "rb") as log_file:
            text = log_file.read(upto if upto is not None else -1).decode("utf-8", "replace")
        for line in text.splitlines():
            match = ACCESS_LINE.search(line)
            if match and match.group(2) != "/healthz":
                by_endpoint[f"{match.group(1)} {ID.sub('/<id>', match.group(2))}"].append(float(match.group(4)))
    every = [v for values in by_endpoint.values() for v in values]
    busy = sum(every) / 1000
    return {
        "endpoints": {name: latency_summary(values) for name, values in sorted(by_endpoint.items())},
        "overall": latency_summary(every),
        "worker_busy_s": round(busy, 1),
        "worker_utilisation": round(busy / (workers * duration), 3) if duration else 0.0,
    }


def summarise(results: Results, duration: float) -> dict:
    by_endpoint = defaultdict(list)
    statuses = defaultdict(Counter)
    for sample in results.samples:
        by_endpoint[sample.endpoint].append(sample.ms)
        statuses[sample.endpoint][sample.status] += 1
    endpoints = {}
    for name in sorted(by_endpoint):
        endpoints[name] = {
            **latency_summary(by_endpoint[name]),
            "statuses": {str(k): v for k, v in sorted(statuses[name].items())},
        }
    overall_statuses = Counter()
    for counter in statuses.values():
        overall_statuses.update(counter)
    unexpected = Counter()
    for name, counter in statuses.items():
        allowed = EXPECTED.get(name, {200, 302} if name == "GET /updates/<id>/edit" else {200})
        for status, count in counter.items():
            if status and status < 500 and status not in allowed:
                unexpected[f"{name} {status}"] += count
    # Latency by 5-second window of the run: shows a ramp-up queue, stalls, or a steady state.
    timeline = []
    if results.samples:
        t0 = min(sample.started for sample in results.samples)
        windows = defaultdict(list)
        for sample in results.samples:
            windows[int((sample.started - t0) // 5)].append(sample.ms)
        for index in sorted(windows):
            summary = latency_summary(windows[index])
            timeline.append({"from_s": index * 5, "requests": summary["count"], "p50_ms": summary["p50_ms"],
                             "p95_ms": summary["p95_ms"], "max_ms": summary["max_ms"]})
    saves = results.saves
    return {
        "timeline": timeline,
        "duration_s": round(duration, 1),
        "requests": len(results.samples),
        "requests_per_s": round(len(results.samples) / duration, 1) if duration else 0.0,
        "overall": latency_summary([s.ms for s in results.samples]),
        "endpoints": endpoints,
        "status_codes": {str(k): v for k, v in sorted(overall_statuses.items())},
        "errors": {
            "server_errors_5xx": sum(v for k, v in overall_statuses.items() if k >= 500),
            "connection_errors": overall_statuses.get(0, 0),
            "unexpected_statuses": dict(unexpected),
            "connection_error_kinds": dict(results.failures),
            "client_problems": dict(results.problems),
        },
        "saves": {
            "attempted": len(saves),
            "saved_302": sum(1 for s in saves if s.status == 302),
            "conflicts_409": sum(1 for s in saves if s.status == 409),
            "other": dict(Counter(str(s.status) for s in saves if s.status not in (302, 409))),
        },
    }


def print_report(figures: dict) -> None:
    print()
    print(f"{figures['requests']} requests in {figures['duration_s']} s: {figures['requests_per_s']} requests/s "
          f"({figures['users']} users, {figures['workers']} workers, {figures['worker_settings']})")
    print()
    server = figures.get("server", {}).get("endpoints", {})
    header = f"{'endpoint':<28} {'count':>6} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7}  {'in worker p50/p95':>17}  statuses"
    print(header)
    print("-" * len(header))
    rows = list(figures["endpoints"].items()) + [("all", {**figures["overall"], "statuses": figures["status_codes"]})]
    for name, row in rows:
        in_worker = server.get(name) if name != "all" else figures.get("server", {}).get("overall")
        worker = f"{in_worker['p50_ms']:.0f}/{in_worker['p95_ms']:.0f}" if in_worker and in_worker["count"] else "-"
        statuses = " ".join(f"{k}:{v}" for k, v in row["statuses"].items())
        print(f"{name:<28} {row['count']:>6} {row['p50_ms']:>7.0f} {row['p95_ms']:>7.0f} {row['p99_ms']:>7.0f} "
              f"{row['max_ms']:>7.0f}  {worker:>17}  {statuses}")
    print("(milliseconds; 'in worker' is the time gunicorn's access log gives the request inside a worker)")
    print()
    print("p95 by 5 s of the run (ms): " + " ".join(f"{w['p95_ms']:.0f}" for w in figures["timeline"]))
    saves = figures["saves"]
    print(f"Saves: {saves['attempted']} attempted, {saves['saved_302']} saved (302), {saves['conflicts_409']} conflicts "
          f"(409), other: {saves['other'] or 'none'}")
    errors = figures["errors"]
    print(f"Errors: {errors['server_errors_5xx']} responses >= 500, {errors['connection_errors']} connection errors, "
          f"unexpected statuses: {errors['unexpected_statuses'] or 'none'}")
    if errors["connection_error_kinds"]:
        print(f"  connection errors: {errors['connection_error_kinds']}")
    if errors["client_problems"]:
        print(f"  other problems: {errors['client_problems']}")
    check = figures["verification"]
    print(f"Audit: {check['audit_edit_events_key_activities']} 'edit' events naming key_activities for "
          f"{check['saves_302']} saves answered 302 (the timed run's and the simultaneous saves')")
    if "server" in figures:
        print(f"Workers busy {figures['server']['worker_busy_s']} s of {figures['workers']} x {figures['duration_s']} s "
              f"({figures['server']['worker_utilisation']:.0%}; over 100% means threads overlapping)")
    if "cpu" in figures:
        cpu = figures["cpu"]
        parts = ", ".join(f"{k} {v['cores']}" for k, v in cpu.items() if k not in ("machine", "worker_rss_mb"))
        print(f"CPU during the run, in cores: {parts}; machine {cpu['machine']['busy_fraction']:.0%} busy "
              f"of {cpu['machine']['cores']} cores; worker memory (RSS) {cpu['worker_rss_mb']} MB at the end")
        if cpu["other"]["cores"] > 0.25:
            print(f"Note: other processes used {cpu['other']['cores']} cores during the run, so latency is pessimistic.")
    print()
    for goal in figures["goals"]:
        print(f"{'PASS' if goal['ok'] else 'FAIL'} {goal['name']}: {goal['detail']}")
