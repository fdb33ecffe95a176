"""The simulated people: each signs in with a session and an address of its own and follows real journeys,
posting forms as the pages give them, within a shared budget of time and requests; and the saves of one
draft pressed at the same moment, which the timed run only collides on now and then. What they saw is kept
for the checks and the report."""
from __future__ import annotations

import html
import http.client
import http.cookies
import random
import re
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

from bench.load import HOST, ID
from bench.load.database import EDITORS, READERS, Plan, Target
from bench.load.server import CpuMeter

PASSWORD = "waymark-demo-2023"
REQUEST_TIMEOUT_S = 30
MARKER = "- Load test:"


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
