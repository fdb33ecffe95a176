"""What tests/test_fuzz.py needs to fuzz every route: the routes of the URL map, the fields each POST route
reads (from its WTForms form classes and from the forms on the pages that post to it), hostile values for
each kind of field, a digest of every table, and one database connection whose transaction is rolled back
after every example so examples stay independent without copying the database."""
from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import inspect
import itertools
import json
import re
from html.parser import HTMLParser
from urllib.parse import quote, quote_from_bytes

import sqlalchemy as sa
from hypothesis import strategies as st
from werkzeug.routing import AnyConverter
from wtforms import Form
from wtforms.fields import (
    DateField,
    FieldList,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    SubmitField,
)

from app.extensions import db
from app.forms import LONG_TEXT, SHORT_TEXT

IGNORED_METHODS = {"HEAD", "OPTIONS"}
_PLACEHOLDER = re.compile(r"<(?:([^<>:]+):)?([^<>:]+)>")


# --- The routes -------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Target:
    """One request shape of a rule: its method, with any-converter values ("submit", "risks") written in."""

    endpoint: str
    method: str
    rule: object
    fixed: tuple  # (name, value) of the any-converter values

    @property
    def request(self) -> str:
        """"METHOD path", the other URL variables left as <name> (as tests/authorization_matrix.py spells it)."""
        fixed = dict(self.fixed)
        path = _PLACEHOLDER.sub(lambda m: fixed.get(m.group(2), f"<{m.group(2)}>"), self.rule.rule)
        return f"{self.method} {path}"

    @property
    def variables(self) -> list[str]:
        """The URL variables the fuzz fills, in the order the rule names them."""
        fixed = dict(self.fixed)
        return [m.group(2) for m in _PLACEHOLDER.finditer(self.rule.rule) if m.group(2) not in fixed]

    def path(self, values: dict[str, str]) -> str:
        """The rule's path with every variable replaced by the given text, percent-encoded as a browser would."""
        fixed = dict(self.fixed)

        def segment(match):
            name = match.group(2)
            return fixed[name] if name in fixed else quote(values[name], safe="")

        return _PLACEHOLDER.sub(segment, self.rule.rule)


def fixed_values(rule, arguments: dict) -> tuple:
    """The any-converter values among a matched path's arguments, as (name, value) pairs sorted by name."""
    return tuple(sorted((n, arguments[n]) for n, c in rule._converters.items() if isinstance(c, AnyConverter)))


def targets(app) -> list[Target]:
    found = []
    for rule in app.url_map.iter_rules():
        choices = {n: sorted(c.items) for n, c in rule._converters.items() if isinstance(c, AnyConverter)}
        names = sorted(choices)
        for combination in itertools.product(*(choices[name] for name in names)):
            for method in sorted(rule.methods - IGNORED_METHODS):
                found.append(Target(rule.endpoint, method, rule, tuple(zip(names, combination))))
    return sorted(found, key=lambda t: (t.method, t.request))


# --- The fields a route reads ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Field:
    name: str
    kind: str  # text, integer, choice, choices, date, submit, query (a query parameter: anything)
    choices: tuple = ()


def form_classes(app, target: Target) -> list[type]:
    """The WTForms classes the route's view function names, directly or as the values of a mapping (e.g.
    ACTION_FORMS); from a mapping, the one keyed by this request's any-converter value when there is one."""
    view = inspect.unwrap(app.view_functions[target.endpoint])
    fixed = set(dict(target.fixed).values())
    found = []
    for name in view.__code__.co_names:
        value = view.__globals__.get(name)
        if isinstance(value, type) and issubclass(value, Form):
            found.append(value)
        elif isinstance(value, dict) and value and all(
            isinstance(v, type) and issubclass(v, Form) for v in value.values()
        ):
            keyed = [v for k, v in value.items() if k in fixed]
            found.extend(keyed or value.values())
    return list(dict.fromkeys(found))


def class_fields(app, form_class: type, entries: int = 2) -> list[Field]:
    """Every field the class reads, a FieldList with `entries` entries, with its kind and choices."""
    with app.test_request_context():
        form = form_class(formdata=None, meta={"csrf": False})
        fields = []

        def walk(bound):
            for field in bound:
                if isinstance(field, FieldList):
                    while len(field.entries) < entries:
                        field.append_entry()
                    for entry in field.entries:
                        walk(entry.form if isinstance(entry, FormField) else [entry])
                elif isinstance(field, FormField):
                    walk(field.form)
                elif field.type != "CSRFTokenField":
                    fields.append(_field(field))

        walk(form)
    return fields


def _field(field) -> Field:
    if isinstance(field, SubmitField):
        return Field(field.name, "submit")
    if isinstance(field, DateField):
        return Field(field.name, "date")
    if isinstance(field, IntegerField):
        return Field(field.name, "integer")
    if isinstance(field, (SelectMultipleField,)):
        return Field(field.name, "choices", _choice_values(field))
    if isinstance(field, (RadioField, SelectField)):
        return Field(field.name, "choice", _choice_values(field))
    return Field(field.name, "text")


def _choice_values(field) -> tuple:
    choices = field.choices or ()
    return tuple(str(c[0] if isinstance(c, (tuple, list)) else getattr(c, "value", c)) for c in choices)


class PageForms(HTMLParser):
    """The POST forms of a page: action -> {input name: (kind, values seen)}. An input outside its form
    element that names the form by id (form="draft-form") belongs to that form."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: dict[str, dict[str, tuple[str, list]]] = {}
        self._by_id: dict[str, str] = {}
        self._current: str | None = None
        self._select: tuple[str, str] | None = None
        self._pending: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag == "form" and attrs.get("method", "get").lower() == "post":
            self._current = attrs.get("action", "")
            self.forms.setdefault(self._current, {})
            if attrs.get("id"):
                self._by_id[attrs["id"]] = self._current
        elif tag in ("input", "textarea", "select") and attrs.get("name"):
            owner = attrs.get("form")
            if owner:
                self._pending.append((owner, attrs | {"_tag": tag}))
            elif self._current is not None:
                self._add(self._current, tag, attrs)
            if tag == "select":
                self._select = (owner or "", attrs["name"])
        elif tag == "option" and self._select is not None and self._current is not None:
            self.forms[self._current][self._select[1]][1].append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None
        elif tag == "select":
            self._select = None

    def close(self):
        super().close()
        for owner, attrs in self._pending:
            if owner in self._by_id:
                self._add(self._by_id[owner], attrs["_tag"], attrs)

    def _add(self, action, tag, attrs):
        name = attrs["name"]
        kind = {"select": "choice", "textarea": "text"}.get(tag) or {
            "radio": "choice", "checkbox": "choices", "submit": "submit", "number": "integer",
        }.get(attrs.get("type", "text"), "text")
        if re.search(r"-(day|month|year)$", attrs.get("id", "")):
            kind = "date"
        _, values = self.forms[action].setdefault(name, (kind, []))
        if tag == "input" and attrs.get("type") in ("radio", "checkbox"):
            values.append(attrs.get("value", ""))


def page_forms(html: str) -> dict[str, dict[str, tuple[str, list]]]:
    parser = PageForms()
    parser.feed(html)
    parser.close()
    return parser.forms


def merge_fields(from_classes: list[Field], from_pages: dict[str, tuple[str, list]]) -> list[Field]:
    """The class's fields (their kinds and choices are exact), then what only the pages post. A page field
    named with a prefix ("base::key_activities", "resolve::concerns") stands for the same prefix on every
    field: the pages show some of them (a conflict, only for the fields in conflict), the view reads any."""
    fields = {f.name: f for f in from_classes}
    for name, (kind, values) in sorted(from_pages.items()):
        if name == "csrf_token" or name in fields:
            continue
        fields[name] = Field(name, kind, tuple(dict.fromkeys(values)))
    prefixed = {}
    for field in fields.values():
        if "::" in field.name:
            prefix = field.name.split("::")[0] + "::"
            prefixed.setdefault(prefix, field)
    plain = [f for f in fields.values() if "::" not in f.name and f.kind != "submit" and f.name != "version"]
    for prefix, example in sorted(prefixed.items()):
        for field in plain:
            fields.setdefault(prefix + field.name, Field(prefix + field.name, example.kind, example.choices))
    return list(fields.values())


# --- Hostile values ----------------------------------------------------------------------------------------

# What an id or integer field might be sent instead of a small positive number.
HOSTILE_INTEGERS = (
    "-1", "0", "2147483647", "2147483648", "-2147483649", "4294967296", "9223372036854775807",
    "9223372036854775808", "-9223372036854775809", "18446744073709551616", "9" * 60, "1" + "0" * 400,
    "1.5", "1e9", "0x1f", "+3", " 7 ", "07", "\u0663", "\uff17", "", " ", "abc", "NaN", "inf", "-0",
    "1\x00", "\x00", "1,000", "[]", "{}", "null", "true",
)
# Text no page would send, beside anything Hypothesis makes up.
HOSTILE_TEXTS = (
    "", " ", "\x00", "a\x00b", "\x00" * 10, "\x01\x02\x1b[31m\x7f\x08", "\r", "\r\n\r\n", "\n" * 100,
    "\u202e\u200b\ufeff", "\ud7ff\ue000\U0010fffd", "<script>alert(1)</script>", "{{ 7 * 7 }}{% raw %}",
    "' OR '1'='1' --", "%00%ff", "..\\..\\etc/passwd", "😀" * 50, "\u0301" * 200,
)
LENGTHS = (SHORT_TEXT, SHORT_TEXT + 1, LONG_TEXT, LONG_TEXT + 1, 3 * LONG_TEXT)
# Bytes that are not UTF-8 at all, sent percent-encoded.
RAW_BYTES = (b"\xff", b"\xc0\x80", b"\xed\xa0\x80", b"a\xfeb")
DAYS = ("1", "7", "28", "29", "30", "31", "32", "0", "-1", "00", "99")
MONTHS = ("1", "2", "02", "12", "13", "0", "-1")
YEARS = ("2023", "2024", "1900", "0", "1", "9999", "10000", "99999999999", "-2023", "23")


def integer_texts():
    return st.one_of(st.sampled_from(HOSTILE_INTEGERS), st.integers(-(2**70), 2**70).map(str))


def texts():
    return st.one_of(st.sampled_from(HOSTILE_TEXTS), st.text(max_size=40), st.sampled_from(RAW_BYTES))


def long_texts():
    """Text at and past the forms' limits, in characters of one to three bytes and in NUL."""
    return st.tuples(st.sampled_from(LENGTHS), st.sampled_from("xé\x00\u20ac")).map(lambda p: p[1] * p[0])


def choice_values(choices: tuple):
    outside = [c for v in choices if v for c in (v.lower(), v + "\x00", f" {v} ", v * 2)]
    return st.one_of(
        st.sampled_from(choices) if choices else st.nothing(),
        st.sampled_from(outside) if outside else st.nothing(),
        texts(),
        integer_texts(),
    )


def date_boxes():
    """What a day, month and year date input might post: three boxes, or fewer, or more, each anything."""
    box = st.one_of(st.sampled_from(DAYS + MONTHS + YEARS), texts())
    real_shape = st.tuples(st.sampled_from(DAYS), st.sampled_from(MONTHS), st.sampled_from(YEARS)).map(list)
    return st.one_of(real_shape, st.lists(box, max_size=5))


def values_for(field: Field, context: dict):
    """A list of values for the field (none: not sent; several: repeated), given the request's context
    (e.g. the current version, the ids a choice of workstreams may hold)."""
    if field.kind == "date":
        return date_boxes()
    if field.kind == "integer":
        one = st.one_of(st.sampled_from(context.get(field.name, ()) or ("1",)), integer_texts())
    elif field.kind in ("choice", "choices"):
        one = choice_values(field.choices or tuple(context.get(field.name, ())))
    elif field.kind == "query":
        one = st.one_of(texts(), integer_texts())
    elif field.kind == "submit":
        one = st.one_of(st.just("Save"), texts())
    else:
        one = texts()
    many = 5 if field.kind == "choices" else 3
    return st.lists(one, max_size=many)


def plausible_values(field: Field, context: dict):
    """What a page of the service could send for the field, or nothing (typed text may be any characters)."""
    real = tuple(context.get(field.name, ())) or field.choices
    if field.kind == "date":
        return st.sampled_from(([], ["7", "11", "2024"], ["", "", ""]))
    if field.kind in ("integer", "choice", "choices") and real:
        one = st.sampled_from(real)
    elif field.kind == "submit":
        one = st.just("Save")
    else:
        one = st.one_of(st.sampled_from(("A plain sentence.", "", "Line one\r\nline two")), st.text(max_size=20))
    return st.lists(one, max_size=1)


def renamed(names: list[str]) -> list[str]:
    """Names near the real ones: a list entry at an index no page posts, and names nobody reads."""
    variants = {"", "\x00", "a" * 300, "csrf_token[]", "milestones", "__proto__", "base::", "::"}
    for name in names:
        match = re.fullmatch(r"(.+)-(\d+)-(.+)", name)
        if match:
            head, _, tail = match.groups()
            variants |= {f"{head}-{i}-{tail}" for i in ("-1", "99", "2147483648", "9" * 40, "x", "")}
    return sorted(variants - set(names))


@dataclasses.dataclass
class Hostile:
    """A request the fuzz sends."""

    path: str
    pairs: list  # (name, str or bytes) in order, for a form body or a query string
    body: str  # "form", "json", "multipart" or "none"
    htmx: bool

    def encoded_pairs(self) -> str:
        return "&".join(f"{_encode(name)}={_encode(value)}" for name, value in self.pairs)

    def payload(self) -> tuple[bytes | None, str | None]:
        if self.body == "none":
            return None, None
        if self.body == "json":
            data = {name: value if isinstance(value, str) else value.decode("latin-1") for name, value in self.pairs}
            return json.dumps(data).encode(), "application/json"
        if self.body == "multipart":
            parts = [
                b'--wmfuzz\r\nContent-Disposition: form-data; name="' + _bytes(name) + b'"\r\n\r\n'
                + _bytes(value) + b"\r\n"
                for name, value in self.pairs
            ]
            return b"".join(parts) + b"--wmfuzz--\r\n", "multipart/form-data; boundary=wmfuzz"
        return self.encoded_pairs().encode("ascii"), "application/x-www-form-urlencoded"

    def describe(self) -> str:
        shown = [(n, v if len(v) <= 60 else v[:60] + f"...({len(v)} long)") for n, v in self.pairs]
        return f"{self.path} body={self.body} htmx={self.htmx} fields={shown!r}"


def _bytes(value) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8")


_SAFE_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~"


def _encode(value) -> str:
    raw = _bytes(value)
    if len(raw) < 200 or not raw.rstrip(_SAFE_BYTES):
        return quote_from_bytes(raw, safe="")
    # Long text: every byte percent-encoded, which the C regex engine does far faster than quote().
    return re.sub(r"(..)", r"%\1", raw.hex())


@st.composite
def hostile_requests(draw, target: Target, url_values: dict, fields: list[Field], context: dict, query: bool):
    """The path with each variable a real value or a hostile one, and the fields, each left out, sent once
    or repeated, with names near the real ones mixed in; a POST's body is usually a form, sometimes JSON or
    multipart; the first CSRF token (added by the caller) is always the right one."""
    values = {}
    # Mostly the route's own objects, so the request reaches the form; sometimes another real one (locked,
    # someone else's), sometimes an id or token nobody could hold.
    for name in target.variables:
        real = url_values.get(name, ())
        hostile = integer_texts() if name.endswith("_id") or name == "revision" else texts().map(_text)
        pick = draw(st.integers(0, 9)) if real else 9
        values[name] = real[0] if pick < 7 else draw(st.sampled_from(real)) if pick < 8 else draw(hostile)
    pairs = []
    # Half the time every field is hostile; otherwise each is what a page would send (or left out) but
    # one, so the request can pass validation with that one hostile value in it.
    hostile_field = draw(st.sampled_from(fields)) if fields and draw(st.booleans()) else None
    for field in fields:
        if hostile_field is None or field == hostile_field:
            chosen = draw(values_for(field, context))
        else:
            chosen = draw(plausible_values(field, context))
        pairs.extend((field.name, value) for value in chosen)
    extra_names = renamed([f.name for f in fields])
    extras = draw(st.lists(st.tuples(st.sampled_from(extra_names), texts()), max_size=3))
    # One field at most carries text past the limits: a body of several is slow to send and no more hostile.
    texts_fields = [f.name for f in fields if f.kind in ("text", "query")]
    if texts_fields and draw(st.integers(0, 3)) == 3:
        pairs.append((draw(st.sampled_from(texts_fields)), draw(long_texts())))
    pairs = draw(st.permutations(pairs + extras)) if draw(st.booleans()) else pairs + extras
    body = "none" if query else ("form", "form", "form", "form", "form", "form", "form", "json", "multipart", "none")[
        draw(st.integers(0, 9))
    ]
    if body == "none" and not query:
        pairs = []
    return Hostile(target.path(values), pairs, body, draw(st.booleans()))


def _text(value) -> str:
    return value if isinstance(value, str) else value.decode("latin-1")


def query_names(app, target: Target) -> list[str]:
    """The query parameters the view reads (request.args.get("page", ...) in its source)."""
    view = inspect.unwrap(app.view_functions[target.endpoint])
    try:
        source = inspect.getsource(view)
    except (OSError, TypeError):
        return []
    return sorted(set(re.findall(r"request\.args\.get\(\s*[\"']([^\"']+)[\"']", source)))


# --- What a refusal says -----------------------------------------------------------------------------------


class _Text(HTMLParser):
    """The text a person reads in an error summary, a heading, beside a field or in a notification;
    failing all of those, in the main part of the page (or anywhere, for a fragment)."""

    MARKERS = ("govuk-error-summary", "govuk-error-message", "govuk-notification-banner", "wm-message")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.marked: list[str] = []
        self.headings: list[str] = []
        self.main: list[str] = []
        self.any: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        classes = attrs.get("class") or ""
        marked = any(m in classes for m in self.MARKERS) or attrs.get("role") == "alert"
        if tag not in ("input", "br", "img", "meta", "link", "hr"):
            self.stack.append((tag, marked))

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if self._skip or not data.strip():
            return
        tags = [tag for tag, _ in self.stack]
        self.any.append(data.strip())
        if any(marked for _, marked in self.stack):
            self.marked.append(data.strip())
        if "h1" in tags:
            self.headings.append(data.strip())
        if "main" in tags:
            self.main.append(data.strip())


def refusal_message(body: str) -> str:
    """What the page tells the person about the refusal; empty if it tells them nothing."""
    parser = _Text()
    parser.feed(body)
    parser.close()
    for found in (parser.marked, parser.headings, parser.main):
        if found:
            return " ".join(found)
    return "" if "<main" in body else " ".join(parser.any)


# --- The database: one connection, one rolled-back transaction per example -----------------------------------


class Sandbox:
    """While installed, the app's session works on one connection inside an outer transaction that every
    example rolls back (the app's commits become savepoints), so an accepted request leaves nothing
    behind for the next example. The digest reads every table through the same connection."""

    def __init__(self, app):
        self.app = app
        with app.app_context():
            self.engine = db.engine
            self.connection = self.engine.connect()
            metadata = sa.MetaData()
            metadata.reflect(bind=self.connection)
            self.connection.commit()
        self.tables = sorted(metadata.tables.values(), key=lambda t: t.name)
        self._original = None

    def install(self):
        self._original = db.session
        db.session = sa.orm.scoped_session(
            sa.orm.sessionmaker(bind=self.connection, join_transaction_mode="create_savepoint")
        )

    def uninstall(self):
        db.session.remove()
        db.session = self._original
        self.connection.close()

    @contextlib.contextmanager
    def example(self):
        outer = self.connection.begin()
        try:
            yield
        finally:
            db.session.remove()
            outer.rollback()

    def digest(self) -> dict[str, str]:
        """Each table's rows, ordered by primary key, hashed."""
        digests = {}
        for table in self.tables:
            order = list(table.primary_key.columns) or list(table.columns)
            hasher = hashlib.sha256()
            for row in self.connection.execute(sa.select(table).order_by(*order)):
                hasher.update(repr(tuple(row)).encode())
            digests[table.name] = hasher.hexdigest()
        return digests
