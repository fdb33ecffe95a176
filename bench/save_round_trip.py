"""Median time of a draft save round trip (POST /updates/<id>/edit → redirect), through the Flask test
client on a fresh SQLite demo database. Usage: python bench/save_round_trip.py [SAVES]"""
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402
from app.config import TestConfig  # noqa: E402
from app.demo.loader import load_demo  # noqa: E402


def main(saves: int = 100) -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder}/bench.sqlite")
        with app.app_context():
            upgrade()
            load_demo()
        client = app.test_client()
        page = client.get("/sign-in").get_data(as_text=True)
        token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        client.post("/sign-in", data={"email": "louisa.simpson@example.org", "password": "waymark-demo-2023", "csrf_token": token})
        editor = "/updates/12/edit"
        timings = []
        for number in range(saves):
            html = client.get(editor).get_data(as_text=True)
            form = dict(re.findall(r'<input type="hidden" name="(base::[^"]+|csrf_token)" value="([^"]*)"', html))
            form["version"] = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
            form.update(key_activities=f"Save number {number}: templates uploaded to the Hub.", engagement="Met fortnightly.")
            started = time.perf_counter()
            response = client.post(editor, data=form)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 302, response.status_code
        print(f"{saves} saves: median {statistics.median(timings):.1f} ms, p95 {sorted(timings)[int(saves * 0.95) - 1]:.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
