"""Run the load test: `python -m bench.load` from the repository root (`python bench/load` also works)."""
from __future__ import annotations

import argparse
import contextlib
import html
import http.client
import http.cookies
import json
import os
import random
import re
import secrets
import signal
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import sqlalchemy as sa  # noqa: E402

import bench.load  # noqa: E402
from bench.load import HOST, log  # noqa: E402
from bench.load.database import (  # noqa: E402
    DEFAULT_ADMIN_URL, EDITORS, READERS, Database, Plan, Target, flask_command, make_plan,
)
from bench.load.server import CpuMeter, Gunicorn, free_port, machine_busy  # noqa: E402

PASSWORD = "waymark-demo-2023"
P95_GOAL_MS = 300
REQUEST_TIMEOUT_S = 30
MARKER = "- Load test:"
# What each endpoint may answer in a correct run; anything else is counted as an error.
EXPECTED = {
    "POST /sign-in": {302},
    "POST /updates/<id>/edit": {302, 409},
}


# --- The client ---------------------------------------------------------------------------------------------


@dataclass
class Sample:
    endpoint: str
    status: int  # 0: connection error or timeout
    ms: float
    started: float


@dataclass
class Save:
    update_id: int
    base: str
    text: str
    status: int
    marker_in_conflict: bool | None = None


@dataclass
class Results:
    samples: list[Sample] = field(default_factory=list)
    saves: list[Save] = field(default_factory=list)
    failures: Counter = field(default_factory=Counter)  # connection errors and timeouts, by kind
    problems: Counter = field(default_factory=Counter)  # anything else a person would notice
    lock: threading.Lock = field(default_factory=threading.Lock)


class Budget:
    """The bounds: no request starts after the deadline or once `limit` requests have been sent."""

    def __init__(self, seconds: float, limit: int, pause: tuple[float, float] = (0.2, 1.0)):
        self.deadline = time.monotonic() + seconds
        self.limit = limit
        self.pause = pause
        self.used = 0
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def take(self) -> bool:
        if self.stop.is_set() or time.monotonic() >= self.deadline:
            return False
        with self.lock:
            if self.used >= self.limit:
                self.stop.set()
                return False
            self.used += 1
            return True

    def think(self, rng: random.Random) -> bool:
        pause = rng.uniform(*self.pause)
        return not self.stop.wait(min(pause, max(self.deadline - time.monotonic(), 0)))


class Stop(Exception):
    """The budget is spent: end this user's journey."""


class FormFields(HTMLParser):
    """The name/value pairs a browser would post for one form: its inputs, textareas and selects, and any
    element elsewhere that names it with form="...". Checkboxes and radios only when checked."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.pairs: list[tuple[str, str]] = []
        self._textarea = None
        self._select = None
        self._option = None

    def _mine(self, attrs: dict) -> bool:
        if "disabled" in attrs or not attrs.get("name"):
            return False
        return attrs["form"] == self.form_id if "form" in attrs else self.inside

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        elif tag == "input" and self._mine(attrs):
            kind = (attrs.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.pairs.append((attrs["name"], attrs.get("value") or "on"))
                return
            self.pairs.append((attrs["name"], attrs.get("value") or ""))
        elif tag == "textarea" and self._mine(attrs):
            self._textarea = (attrs["name"], [])
        elif tag == "select" and self._mine(attrs):
            self._select = {"name": attrs["name"], "first": None, "selected": None}
        elif tag == "option" and self._select is not None:
            self._option = {"value": attrs.get("value"), "selected": "selected" in attrs, "text": []}

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)
        elif self._option is not None:
            self._option["text"].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._textarea[1])
            # A newline straight after <textarea> is not part of the value.
            text = text[2:] if text.startswith("\r\n") else text[1:] if text.startswith("\n") else text
            self.pairs.append((self._textarea[0], text))
            self._textarea = None
        elif tag == "option" and self._option is not None:
            self._close_option()
        elif tag == "select" and self._select is not None:
            if self._option is not None:
                self._close_option()
            chosen = self._select["selected"] if self._select["selected"] is not None else self._select["first"]
            if chosen is not None:
                self.pairs.append((self._select["name"], chosen))
            self._select = None

    def _close_option(self):
        option = self._option
        value = option["value"] if option["value"] is not None else "".join(option["text"]).strip()
        if self._select["first"] is None:
            self._select["first"] = value
        if option["selected"]:
            self._select["selected"] = value
        self._option = None


def form_pairs(page: str, form_id: str) -> list[tuple[str, str]]:
    parser = FormFields(form_id)
    parser.feed(page)
    parser.close()
    return parser.pairs


CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
ID = re.compile(r"/\d+")


def normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


class User:
    """One simulated person: a session of their own (cookies kept here, as a browser would) and a journey."""

    def __init__(self, number: int, email: str, port: int, plan: Plan, budget: Budget, results: Results, run: str):
        self.number, self.email, self.port = number, email, port
        self.plan, self.budget, self.results, self.run = plan, budget, results, run
        self.rng = random.Random(f"{run}-{number}")
        # Each person's own address, as the reverse proxy passes it on: sign-in limits count per address.
        self.address = f"10.0.{number // 250}.{number % 250 + 1}"
        self.cookies: dict[str, str] = {}
        self.connection = None
        self.saves = 0

    # HTTP ------------------------------------------------------------------------------------------------

    def request(self, method: str, path: str, form: list[tuple[str, str]] | None = None) -> tuple[int, dict, str]:
        if not self.budget.take():
            raise Stop
        body = urlencode(form).encode() if form is not None else None
        headers = {"Host": f"{HOST}:{self.port}", "User-Agent": "waymark-load/1", "X-Forwarded-For": self.address}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        endpoint = f"{method} {ID.sub('/<id>', path)}"
        started = time.monotonic()
        status, response_headers, text = 0, {}, ""
        for attempt in (1, 2):
            reused = self.connection is not None and self.connection.sock is not None
            if self.connection is None:
                self.connection = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT_S)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode("utf-8", "replace")
                status = response.status
                response_headers = {"location": response.getheader("Location", "")}
                self._keep_cookies(response.msg.get_all("Set-Cookie") or [])
                if response.will_close:
                    self.connection.close()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as error:
                self.connection.close()
                self.connection = None
                # A kept-alive connection the server had already closed: a browser retries once.
                if reused and attempt == 1:
                    continue
                self._failed(endpoint, error)
                break
            except (OSError, http.client.HTTPException) as error:
                self.connection.close()
                self.connection = None
                self._failed(endpoint, error)
                break
        elapsed = (time.monotonic() - started) * 1000
        with self.results.lock:
            self.results.samples.append(Sample(endpoint, status, elapsed, started))
        return status, response_headers, text

    def _failed(self, endpoint: str, error: Exception) -> None:
        with self.results.lock:
            self.results.failures[f"{endpoint}: {type(error).__name__}"] += 1

    def _problem(self, what: str) -> None:
        with self.results.lock:
            self.results.problems[what] += 1

    def _keep_cookies(self, headers: list[str]) -> None:
        for header in headers:
            cookie = http.cookies.SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                expired = morsel["max-age"] == "0" or (
                    morsel["expires"] and "1970" in morsel["expires"]
                )
                if expired or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def follow(self, status: int, headers: dict) -> None:
        if status in (301, 302, 303) and headers.get("location"):
            target = urlsplit(headers["location"])
            if target.hostname not in (None, HOST):
                raise RuntimeError(f"refusing to follow a redirect off 127.0.0.1: {headers['location']}")
            self.request("GET", target.path + (f"?{target.query}" if target.query else ""))

    # The journey -----------------------------------------------------------------------------------------

    def run_journeys(self) -> None:
        try:
            for _attempt in range(3):
                if self.sign_in():
                    break
                if not self.budget.think(self.rng):
                    return
            else:
                self._problem(f"{self.email} could not sign in")
                return
            editable = self.plan.editable.get(self.email, [])
            viewable = self.plan.viewable[self.email]
            open_targets = [t for t in viewable if t.period_id == self.plan.open_period_id]
            while True:
                if editable:
                    target = self.rng.choice(editable)
                elif open_targets and self.rng.random() < 0.7:
                    target = self.rng.choice(open_targets)
                else:
                    target = self.rng.choice(viewable)
                self.journey(target, edit=bool(editable))
        except Stop:
            return
        except Exception as error:  # noqa: BLE001 - one simulated person failing must not stop the others
            self._problem(f"a simulated user stopped: {type(error).__name__}: {error}")
        finally:
            if self.connection is not None:
                self.connection.close()

    def pause(self) -> None:
        if not self.budget.think(self.rng):
            raise Stop

    def sign_in(self) -> bool:
        status, _h, page = self.request("GET", "/sign-in")
        match = CSRF_META.search(page) if status == 200 else None
        if match is None:
            if status == 200:
                self._problem("the sign-in page has no csrf-token meta tag")
            return False
        self.pause()
        form = [("email", self.email), ("password", PASSWORD), ("csrf_token", html.unescape(match.group(1)))]
        status, headers, _page = self.request("POST", "/sign-in", form)
        if status != 302:
            return False
        self.follow(status, headers)  # My work
        self.pause()
        return True

    def journey(self, target: Target, edit: bool) -> None:
        update = f"/updates/{target.update_id}"
        self.request("GET", "/")
        self.pause()
        self.request("GET", update)
        self.pause()
        if edit:
            self.edit_and_save(target)
        if target.report_readable:
            self.request("GET", f"/periods/{target.period_id}/report")
            self.pause()
        self.request("GET", f"/periods/{target.period_id}")
        self.pause()
        self.request("GET", f"/workstreams/{target.workstream_id}")
        self.pause()
        if target.review_readable and self.rng.random() < 0.25:
            self.request("GET", f"{update}/review")
            self.pause()

    def edit_and_save(self, target: Target) -> None:
        prepared = self.open_editor(target)
        if prepared is None:
            self.pause()
            return
        self.pause()  # typing
        status, headers = self.save(*prepared)
        if status == 302:
            self.follow(status, headers)  # back to the update, with "Draft saved"
        self.pause()

    def open_editor(self, target: Target):
        """GET the draft editor; the form to post, as the page gives it, with key activities changed."""
        editor = f"/updates/{target.update_id}/edit"
        status, _h, page = self.request("GET", editor)
        if status != 200:
            return None
        pairs = form_pairs(page, "draft-form")
        names = [name for name, _value in pairs]
        if "key_activities" not in names or "version" not in names or "base::key_activities" not in names:
            self._problem("the draft editor's form is missing key_activities, version or base::key_activities")
            return None
        self.saves += 1
        marker = f"{MARKER} user {self.number} save {self.saves} ({self.run})"
        base = text = ""
        changed = []
        for name, value in pairs:
            if name == "key_activities":
                kept = [line for line in normalise(value).split("\n") if not line.startswith(MARKER)]
                value = "\n".join([*kept, marker]).strip()
                text = value
            elif name == "base::key_activities":
                base = normalise(value)
            changed.append((name, value))
        return target.update_id, changed, base, text, marker

    def save(self, update_id: int, form: list, base: str, text: str, marker: str) -> tuple[int, dict]:
        status, headers, page = self.request("POST", f"/updates/{update_id}/edit", form)
        save = Save(update_id, base, text, status)
        if status == 409:
            # The conflict page shows both texts: theirs as saved, and the person's own in the box.
            save.marker_in_conflict = marker in html.unescape(page)
        with self.results.lock:
            self.results.saves.append(save)
        return status, headers


def simultaneous_saves(port: int, plan: Plan, run: str, pairs: int) -> tuple[dict, list[Save]]:
    """Two people open the same draft, change the same field and press Save at the same moment, `pairs`
    times: the first save must answer 302 and the second 409 with both texts, whichever order the database
    sees them in. (In the timed run such collisions happen only now and then.)"""
    owners = defaultdict(list)
    for email in EDITORS:
        for target in plan.editable.get(email, []):
            owners[target.update_id].append((email, target))
    update_id, editors = max(owners.items(), key=lambda item: len(item[1]))
    if len(editors) < 2:
        raise SystemExit("No draft has two editors to race")
    budget = Budget(REQUEST_TIMEOUT_S * 4 + pairs * 2, pairs * 6 + 10, pause=(0, 0))
    results = Results()
    people = [User(1000 + n, email, port, plan, budget, results, run) for n, (email, _t) in enumerate(editors[:2])]
    target = editors[0][1]
    outcomes = Counter()
    try:
        if not all(person.sign_in() for person in people):
            return {"update_id": update_id, "pairs": 0, "outcomes": {}, "error": "sign-in failed"}, []
        for _pair in range(pairs):
            prepared = [person.open_editor(target) for person in people]
            if None in prepared:
                outcomes["editor did not open"] += 1
                continue
            barrier, statuses = threading.Barrier(2), {}

            def press_save(person, form):
                barrier.wait()
                statuses[person.number] = person.save(*form)[0]

            threads = [threading.Thread(target=press_save, args=pair) for pair in zip(people, prepared)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(REQUEST_TIMEOUT_S + 5)
            outcomes[" + ".join(str(status) for status in sorted(statuses.values()))] += 1
    except Stop:
        pass
    finally:
        for person in people:
            if person.connection is not None:
                person.connection.close()
    return {"update_id": update_id, "accounts": [e for e, _t in editors[:2]], "pairs": sum(outcomes.values()),
            "outcomes": dict(outcomes)}, results.saves


# --- Figures ------------------------------------------------------------------------------------------------


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


def chain_problems(update_id: int, initial: str, stored: str, saves: list[Save]) -> list[str]:
    """Every save answered 302 changed key_activities, so the saved texts of one draft must form a single
    chain from the demo's text: each save based on (having seen) the one before, the last one stored. Two
    saves answered 302 from the same base means one overwrote the other unseen."""
    followers, maybe = defaultdict(list), defaultdict(list)
    for save in saves:
        if save.update_id != update_id:
            continue
        if save.status == 302:
            followers[save.base].append(save.text)
        elif save.status == 0 or save.status >= 500:
            maybe[save.base].append(save.text)  # no answer: it may have committed after all
    problems = []
    mine = sum(len(v) for v in followers.values())
    current, walked, seen = initial, 0, set()
    while current not in seen:
        seen.add(current)
        if followers.get(current):
            if len(followers[current]) > 1:
                problems.append(
                    f"update {update_id}: {len(followers[current])} saves answered 302 were based on the same "
                    "text, so all but one were overwritten unseen"
                )
            current = followers[current][-1]
            walked += 1
        elif current != stored:
            # A save with no answer counts only if the chain goes on from it.
            hops = [text for text in maybe.get(current, []) if text == stored or followers.get(text)]
            if not hops:
                break
            current = hops[-1]
        else:
            break
    if walked != mine:
        problems.append(f"update {update_id}: {mine - walked} of {mine} saved texts are not in the chain of saves")
    if current != stored:
        problems.append(f"update {update_id}: the stored text is not the last saved text")
    return problems


def verify(database_url: str, plan: Plan, saves: list[Save]) -> dict:
    """Every text answered 302 is the stored text or was replaced by a save based on it; one audit "edit"
    event naming key_activities per 302 save."""
    engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            stored = dict(
                connection.execute(
                    sa.text("SELECT id, key_activities FROM workstream_update WHERE period_id = :p"),
                    {"p": plan.open_period_id},
                ).all()
            )
            events = connection.execute(
                sa.text(
                    "SELECT object_id, changed_fields FROM audit_event WHERE action = 'edit' "
                    "AND object_type = 'WorkstreamUpdate' AND id > :before"
                ),
                {"before": plan.audit_before},
            ).all()
    finally:
        engine.dispose()
    audit_edits = sum(
        1 for _id, fields in events if "key_activities" in (json.loads(fields) if isinstance(fields, str) else fields)
    )
    saved = [s for s in saves if s.status == 302]
    unknown = [s for s in saves if s.status == 0 or s.status >= 500]
    problems = []
    for update_id, initial in plan.initial_text.items():
        problems += chain_problems(update_id, initial, stored[update_id], saves)
    conflicts = [s for s in saves if s.status == 409]
    missing_marker = sum(1 for s in conflicts if not s.marker_in_conflict)
    if missing_marker:
        problems.append(f"{missing_marker} conflict pages did not show the person's own text")
    if audit_edits != len(saved):
        problems.append(f"{audit_edits} audit 'edit' events name key_activities, but {len(saved)} saves answered 302")
    return {
        "saves_302": len(saved),
        "audit_edit_events_key_activities": audit_edits,
        "saves_unknown_outcome": len(unknown),
        "problems": problems,
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


# --- Main ---------------------------------------------------------------------------------------------------


def assign_accounts(users: int) -> list[str]:
    """Three editors to two readers, each kind round-robin over its accounts."""
    editors, readers, accounts = 0, 0, []
    for number in range(users):
        if number % 5 in (0, 2, 4):
            accounts.append(EDITORS[editors % len(EDITORS)])
            editors += 1
        else:
            accounts.append(READERS[readers % len(READERS)])
            readers += 1
    return accounts


def run_load(port: int, plan: Plan, args, run: str, cpu: CpuMeter) -> tuple[Results, float]:
    results = Results()
    budget = Budget(args.seconds, args.max_requests)
    accounts = assign_accounts(args.users)
    ramp = min(5.0, args.seconds / 10)
    threads = []
    started = time.monotonic()
    cpu.start()

    def person(number: int, email: str) -> None:
        if budget.stop.wait(ramp * number / max(args.users, 1)):
            return
        User(number, email, port, plan, budget, results, run).run_journeys()

    for number, email in enumerate(accounts):
        thread = threading.Thread(target=person, args=(number, email), name=f"user-{number}", daemon=True)
        thread.start()
        threads.append(thread)
    try:
        for thread in threads:
            thread.join(timeout=max(budget.deadline - time.monotonic(), 0) + REQUEST_TIMEOUT_S + 5)
    finally:
        budget.stop.set()
    duration = time.monotonic() - started
    return results, duration


def _interrupt(_signum, _frame):
    raise KeyboardInterrupt


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=bench.load.__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-requests", type=int, help="stop after this many requests (default users x seconds x 3)")
    parser.add_argument("--race-pairs", type=int, default=20,
                        help="after the timed run, pairs of saves of one draft sent at the same moment (0: none)")
    parser.add_argument("--out", help="write the figures as JSON here")
    parser.add_argument("--admin-url", default=DEFAULT_ADMIN_URL, help="the local server and its maintenance database")
    args = parser.parse_args(argv)
    if args.users < 1 or args.seconds <= 0:
        parser.error("--users and --seconds must be positive")
    args.max_requests = args.max_requests or int(args.users * args.seconds * 3)

    # Ctrl+C (even when started where SIGINT is ignored, e.g. in the background) and SIGTERM end the run
    # through the finally blocks below.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    run = uuid.uuid4().hex[:8]
    secret_key = secrets.token_urlsafe(48)
    database = Database(args.admin_url)
    workdir = Path(tempfile.mkdtemp(prefix="waymark-load-"))
    gunicorn = None
    keep_log = False
    try:
        log(f"creating database {database.name}")
        database.create()
        port = free_port()
        env = {
            **os.environ,
            "WAYMARK_ENV": "production",
            "SECRET_KEY": secret_key,
            "DATABASE_URL": database.url_string,
            "WAYMARK_BIND": f"{HOST}:{port}",
            "WEB_CONCURRENCY": str(args.workers),
            "WAYMARK_ACCESS_LOG": "-",
            # As in production (docs/production.md): one reverse proxy in front, whose X-Forwarded-For
            # names each person's address.
            "WAYMARK_PROXIES": "1",
        }
        env.pop("MAIL_SERVER", None)  # no email leaves a load test
        log("flask db upgrade; flask demo load")
        flask_command(env, "db", "upgrade")
        flask_command(env, "demo", "load")
        plan = make_plan(database.url_string, secret_key)
        gunicorn = Gunicorn(env, workdir / "gunicorn.log")
        log(f"starting gunicorn ({args.workers} workers) on {HOST}:{port}")
        gunicorn.start(port)
        busy0, total0 = machine_busy()
        time.sleep(2)
        busy1, total1 = machine_busy()
        idle_busy = (busy1 - busy0) / max(total1 - total0, 1)
        if idle_busy > 0.15:
            log(f"the machine is {idle_busy:.0%} busy before the load starts: other work will slow the figures down")
        log(f"{args.users} users for {args.seconds:g} s (at most {args.max_requests} requests)")
        cpu = CpuMeter(gunicorn)
        results, duration = run_load(port, plan, args, run, cpu)
        cpu_figures = cpu.stop()
        log_size = gunicorn.log_path.stat().st_size
        race, race_saves = {"pairs": 0, "outcomes": {}}, []
        if args.race_pairs > 0:
            log(f"{args.race_pairs} pairs of simultaneous saves of one draft")
            race, race_saves = simultaneous_saves(port, plan, run, args.race_pairs)
        gunicorn.stop()
        figures = {
            "users": args.users,
            "seconds": args.seconds,
            "workers": args.workers,
            "worker_settings": os.environ.get("GUNICORN_CMD_ARGS") or "app/gunicorn_config.py (sync)",
            **summarise(results, duration),
            "server": server_times(gunicorn.log_path, duration, args.workers, upto=log_size),
            "simultaneous_saves": race,
            "cpu": cpu_figures,
        }
        figures["cpu"]["machine"]["busy_fraction_before_start"] = round(idle_busy, 3)
        figures["verification"] = verify(database.url_string, plan, results.saves + race_saves)
        errors = figures["errors"]
        error_count = (
            errors["server_errors_5xx"] + errors["connection_errors"] + sum(errors["unexpected_statuses"].values())
            + sum(errors["client_problems"].values())
        )
        problems = figures["verification"]["problems"]
        figures["goals"] = [
            {"name": "errors", "ok": error_count == 0,
             "detail": f"{errors['server_errors_5xx']} >= 500, {errors['connection_errors']} connection errors, "
                       f"{sum(errors['unexpected_statuses'].values())} unexpected statuses, "
                       f"{sum(errors['client_problems'].values())} other problems (goal: 0)"},
            {"name": "no lost text", "ok": not problems, "detail": "; ".join(problems) or
             f"all {figures['verification']['saves_302']} saved texts accounted for, audit trail matches"},
            {"name": "simultaneous saves", "ok": race["outcomes"] == ({"302 + 409": args.race_pairs} if args.race_pairs else {}),
             "detail": (f"{race['pairs']} pairs of saves of update {race.get('update_id')} at the same moment: "
                        + ", ".join(f"{k}: {v}" for k, v in race["outcomes"].items())
                        + " (goal: every pair 302 + 409)") if args.race_pairs else "not run (--race-pairs 0)"},
            {"name": "p95 latency", "ok": figures["overall"]["p95_ms"] <= P95_GOAL_MS,
             "detail": f"{figures['overall']['p95_ms']:.0f} ms over all requests (goal: <= {P95_GOAL_MS} ms)"},
            {"name": "saves exercised", "ok": figures["saves"]["saved_302"] > 0,
             "detail": f"{figures['saves']['saved_302']} saves, {figures['saves']['conflicts_409']} conflicts"},
        ]
        figures["pass"] = all(goal["ok"] for goal in figures["goals"])
        print_report(figures)
        if errors["server_errors_5xx"] or any(
            part.startswith("5") for key in race["outcomes"] for part in key.split(" + ")
        ):
            print("\nExceptions in the gunicorn log (Flask and gunicorn both log the first of each failed request):\n"
                  + gunicorn.errors())
        if not figures["pass"]:
            keep_log = True
            log(f"gunicorn's log is kept in {gunicorn.log_path}")
        if args.out:
            Path(args.out).write_text(json.dumps(figures, indent=2) + "\n")
            log(f"figures written to {args.out}")
        return 0 if figures["pass"] else 1
    except KeyboardInterrupt:
        log("interrupted: stopping gunicorn and dropping the database")
        return 130
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if gunicorn is not None:
            gunicorn.stop()
        database.drop()
        log(f"database {database.name} dropped")
        if not keep_log:
            with contextlib.suppress(OSError):
                for leftover in workdir.iterdir():
                    leftover.unlink()
                workdir.rmdir()


if __name__ == "__main__":
    sys.exit(main())
