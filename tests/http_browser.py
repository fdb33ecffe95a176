"""A person's browser over real HTTP, for tests against the app served in a thread: its own cookies,
and the CSRF token of the page it last read, sent with every form it posts."""
from __future__ import annotations

import html
import http.client
import re
from urllib.parse import urlencode

from app.demo.people import DEMO_PASSWORD

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


class Browser:
    """One person's browser over HTTP: its cookies and the CSRF token of the page it last read."""

    def __init__(self, port: int):
        self.port, self.cookies, self.token = port, {}, ""

    def exchange(self, method: str, path: str, fields=None) -> tuple[int, str, dict[str, str]]:
        """Send one request; (status, page, response headers)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if fields is not None:
            pairs = fields.items() if isinstance(fields, dict) else fields
            body = urlencode([*pairs, ("csrf_token", self.token)], doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
            for cookie in response.msg.get_all("Set-Cookie") or []:
                name, _, rest = cookie.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        finally:
            connection.close()
        token = CSRF_META.search(text)
        if token:
            self.token = html.unescape(token.group(1))
        return response.status, text, dict(response.getheaders())

    def request(self, method: str, path: str, fields=None) -> tuple[int, str]:
        status, text, _headers = self.exchange(method, path, fields)
        return status, text

    def get(self, path: str) -> str:
        status, text = self.request("GET", path)
        assert status == 200, (path, status)
        return text

    def post(self, path: str, fields) -> tuple[int, str]:
        return self.request("POST", path, fields)

    @classmethod
    def signed_in(cls, port: int, email: str) -> Browser:
        browser = cls(port)
        browser.get("/sign-in")
        status, _ = browser.post("/sign-in", {"email": email, "password": DEMO_PASSWORD})
        assert status == 302, f"could not sign in as {email}"
        browser.get("/")
        return browser
