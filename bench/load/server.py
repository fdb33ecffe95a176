"""gunicorn as in production, started on a free port on 127.0.0.1 and always stopped, and the CPU the
workers, PostgreSQL and the load generator use meanwhile (from /proc): so the figures say whether the
latency came from the app or from a machine busy with other work."""
from __future__ import annotations

import contextlib
import ctypes
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from bench.load import HOST, ROOT


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM when this script dies, even if it is killed outright (Linux)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Gunicorn:
    def __init__(self, env: dict, log_path: Path):
        self.env = env
        self.log_path = log_path
        self.process = None

    def start(self, port: int) -> None:
        self.log_file = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:app.gunicorn_config", "wsgi:app"],
            cwd=ROOT, env=self.env, stdout=self.log_file, stderr=subprocess.STDOUT,
            start_new_session=True, preexec_fn=_die_with_parent,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                connection = http.client.HTTPConnection(HOST, port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    connection.close()
                    return
            time.sleep(0.2)
        raise SystemExit(f"gunicorn did not answer /healthz within 60 s:\n{self.log_tail()}")

    def worker_pids(self) -> list[int]:
        return [pid for pid, ppid in _processes() if ppid == self.process.pid] if self.process else []

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=35)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log_file.close()

    def errors(self) -> str:
        """The exceptions the log reports, each with how many times, without their tracebacks."""
        exception = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit)\b.*:")
        with contextlib.suppress(OSError):
            found = Counter(
                line[:200] for line in self.log_path.read_text(errors="replace").splitlines() if exception.search(line)
            )
            return "\n".join(f"{count:>5} x {line}" for line, count in found.most_common())
        return ""

    def log_tail(self, lines: int = 40) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""


# --- CPU accounting from /proc ------------------------------------------------------------------------------


def _processes():
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = Path(f"/proc/{entry}/stat").read_text()
                yield int(entry), int(stat[stat.rindex(")") + 2:].split()[1])


def _cpu_seconds(pid: int) -> float | None:
    with contextlib.suppress(OSError, IndexError, ValueError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2:].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return None


def _rss_mb(pid: int) -> float | None:
    with contextlib.suppress(OSError, ValueError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return None


def _postgres_pids() -> list[int]:
    pids = []
    for pid, _ppid in _processes():
        with contextlib.suppress(OSError):
            if Path(f"/proc/{pid}/comm").read_text().strip() == "postgres":
                pids.append(pid)
    return pids


def machine_busy() -> tuple[float, float]:
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


class CpuMeter:
    """CPU seconds used during the run by the gunicorn workers (replacements included), PostgreSQL and this
    load generator, sampled twice a second so processes that come and go are counted."""

    def __init__(self, gunicorn: Gunicorn):
        self.gunicorn = gunicorn
        self.first: dict[str, dict[int, float]] = {"gunicorn workers": {}, "postgresql": {}}
        self.last: dict[str, dict[int, float]] = {"gunicorn workers": {}, "postgresql": {}}
        self._stop = threading.Event()

    def _sample(self, initial: bool = False) -> None:
        groups = {"gunicorn workers": self.gunicorn.worker_pids(), "postgresql": _postgres_pids()}
        for name, pids in groups.items():
            for pid in pids:
                used = _cpu_seconds(pid)
                if used is None:
                    continue
                # A process first seen after the start counts from zero (a replacement worker, a new backend).
                self.first[name].setdefault(pid, used if initial else 0.0)
                self.last[name][pid] = used

    def _loop(self) -> None:
        while not self._stop.wait(0.5):
            self._sample()

    def start(self) -> None:
        self._sample(initial=True)
        self.t0, self.self0, self.machine0 = time.monotonic(), time.process_time(), machine_busy()
        self._thread = threading.Thread(target=self._loop, name="cpu-meter", daemon=True)
        self._thread.start()

    def stop(self) -> dict:
        self._stop.set()
        self._thread.join()
        self._sample()
        elapsed = time.monotonic() - self.t0
        result = {
            name: sum(used - self.first[name][pid] for pid, used in self.last[name].items())
            for name in self.last
        }
        result["load generator"] = time.process_time() - self.self0
        busy1, total1 = machine_busy()
        busy0, total0 = self.machine0
        cores = os.cpu_count() or 1
        report = {name: {"cpu_s": round(v, 1), "cores": round(v / elapsed, 2)} for name, v in result.items()}
        busy_fraction = (busy1 - busy0) / max(total1 - total0, 1)
        # Everything else on the machine (gunicorn's master, the kernel, other people's jobs).
        report["other"] = {"cores": round(max(busy_fraction * cores - sum(result.values()) / elapsed, 0), 2)}
        report["machine"] = {"cores": cores, "busy_fraction": round(busy_fraction, 3)}
        rss = [_rss_mb(pid) for pid in self.gunicorn.worker_pids()]
        report["worker_rss_mb"] = [round(v) for v in rss if v is not None]
        return report
