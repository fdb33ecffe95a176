"""Programmes kept apart, over the real demo data: Improvement Plan and Initial Improvement Plan.

* Nobody of one programme opens anything of the other: every page the app has that names one of the other's
  objects (the programme, its periods and their reports, revisions and packs, its workstreams, its updates
  and their rows) refuses them, and the refusal names nothing of it.
* Someone with roles in both sees My work in one group per programme, each with that programme's tasks only.
* The pages of one programme, the navigation included, link only to that programme's periods, workstreams,
  updates and lists, and name none of the other's periods or workstreams.

(tests/test_authorization.py asks every route, POSTs included, as single-role personas of another programme.)
"""
from __future__ import annotations

import dataclasses
import itertools
import re
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from werkzeug.routing import AnyConverter

from app.demo import content, second_programme
from app.extensions import db
from app.models import ProgrammeReport, ReportingPeriod, Role, RoleAssignment, WorkstreamUpdate
from app.reports.rendering import forget_bodies
from tests.conftest import sign_in, text, user_by_email
from tests.demo_ids import DemoIds, demo_ids, second_programme_ids
from tests.personas import EVERYONE, HEIDI_ROBINSON, LOUISA_SIMPSON, NICK_BELL, SECOND_PMO, SECOND_PROGRAMME_PEOPLE

FIRST, SECOND = content.PROGRAMME["name"], second_programme.PROGRAMME["name"]
WORKSTREAM_TITLES = {
    FIRST: [spec["title"] for spec in content.WORKSTREAMS],
    SECOND: [spec["title"] for spec in second_programme.WORKSTREAMS],
}
# The URL variables that name a programme's objects; a rule with any other (a token, a file, an account) is
# not about a programme.
OBJECT_VARIABLES = {"programme_id", "period_id", "revision", "workstream_id", "update_id", "row_id"}


@dataclasses.dataclass
class Programme:
    """A demo programme's ids, its periods' labels and every object its pages may link to."""

    name: str
    ids: DemoIds
    period_labels: list[str]
    revisions: dict[int, list[int]]  # period id -> its report's revisions
    rows: dict[int, dict[str, int]]  # update id -> list name -> the id of the list's first row

    @property
    def objects(self) -> dict[str, set[int]]:
        return {
            "programmes": {self.ids.programme},
            "periods": set(self.ids.periods.values()),
            "workstreams": set(self.ids.workstreams.values()),
            "updates": set(self.ids.updates.values()),
        }


def programme(app, name: str) -> Programme:
    ids = demo_ids(app) if name == FIRST else second_programme_ids(app)
    with app.app_context():
        labels = [db.session.get(ReportingPeriod, pid).label for pid in ids.periods.values()]
        revisions = {
            pid: list(db.session.scalars(sa.select(ProgrammeReport.revision).where(ProgrammeReport.period_id == pid)))
            for pid in ids.periods.values()
        }
        rows = {}
        for update_id in ids.updates.values():
            update = db.session.get(WorkstreamUpdate, update_id)
            lists = {"next-milestones": update.milestones_next_period, "risks": update.risks_in_order}
            rows[update_id] = {name: items[0].id for name, items in lists.items() if items}
    return Programme(name, ids, labels, revisions, rows)


@pytest.fixture
def programmes(app) -> dict[str, Programme]:
    return {name: programme(app, name) for name in (FIRST, SECOND)}


# --- Every address that names one of a programme's objects ----------------------------------------------------


def _fillings(rule, variables: set[str], of: Programme):
    """Every way to fill the rule's object variables with the programme's objects: each period (with each of its
    report's revisions), each workstream, each update (with the first row of each of its lists)."""
    ids = of.ids
    groups = [[{"programme_id": ids.programme}]]
    if "period_id" in variables:
        groups.append([
            {"period_id": period_id, "revision": revision}
            for period_id in ids.periods.values()
            for revision in (of.revisions[period_id] if "revision" in variables else [None])
        ])
    if "workstream_id" in variables:
        groups.append([{"workstream_id": workstream_id} for workstream_id in ids.workstreams.values()])
    if "update_id" in variables:
        groups.append([
            {"update_id": update_id, "row_id": row_id, "name": list_name}
            for update_id in ids.updates.values()
            # The list is the rule's "name" (next-milestones or risks), or the one its path names.
            for list_name, row_id in (
                [(name, row) for name, row in of.rows[update_id].items() if "name" in rule.arguments or f"/{name}/" in rule.rule]
                if "row_id" in variables else [(None, None)]
            )
        ])
    for parts in itertools.product(*groups):
        filling = {name: value for part in parts for name, value in part.items()}
        yield {name: value for name, value in filling.items() if name in rule.arguments and value is not None}


def addresses_of(app, of: Programme) -> list[str]:
    """Every GET address of the URL map that names one of the programme's objects, once for each object."""
    addresses = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        choices = {n: sorted(c.items) for n, c in rule._converters.items() if isinstance(c, AnyConverter)}
        variables = set(rule.arguments) - set(choices)
        if not variables or not variables <= OBJECT_VARIABLES:
            continue
        for values in _fillings(rule, variables, of):
            unfilled = sorted(set(choices) - set(values))
            for combination in itertools.product(*(choices[name] for name in unfilled)):
                addresses.add(rule.build({**values, **dict(zip(unfilled, combination))}, append_unknown=False)[1])
    return sorted(addresses)


def test_the_addresses_cover_every_kind_of_page_of_both_programmes(app, programmes):
    for of in programmes.values():
        addresses = addresses_of(app, of)
        ids = of.ids
        expected = [
            f"/programmes/{ids.programme}", f"/programmes/{ids.programme}/periods", f"/programmes/{ids.programme}/workstreams",
            *(f"/periods/{pid}" for pid in ids.periods.values()),
            *(f"/periods/{pid}/{page}" for pid in ids.periods.values()
              for page in ("report", "report.pdf", "report.docx", "overview", "sign-off", "reopen",
                           "revisions/1", "revisions/1.pdf", "revisions/1.docx")),
            *(f"/workstreams/{wid}" for wid in ids.workstreams.values()),
            *(f"/updates/{uid}{page}" for uid in ids.updates.values() for page in ("", "/review", "/edit")),
        ]
        assert set(expected) <= set(addresses), sorted(set(expected) - set(addresses))
        assert any(re.fullmatch(r"/updates/\d+/next-milestones/\d+", a) for a in addresses), of.name
    assert any(re.fullmatch(r"/updates/\d+/risks/\d+/close", a) for a in addresses_of(app, programmes[FIRST]))


@pytest.fixture(scope="module")
def refusals(session_app, databases):
    """Each demo person's answers to every address of the other programme, read once over the demo data (the
    requests are GETs, which change nothing)."""
    with session_app.app_context():
        db.engine.dispose()
    databases.reset()
    forget_bodies()
    of = {name: programme(session_app, name) for name in (FIRST, SECOND)}
    answers = {}
    for people, other in ((EVERYONE, of[SECOND]), (SECOND_PROGRAMME_PEOPLE, of[FIRST])):
        addresses = addresses_of(session_app, other)
        for email in people:
            client = session_app.test_client()
            _sign_in(client, email)
            # Asked as htmx asks too: a fragment route must refuse the same way.
            answers[email] = (other, {address: client.get(address, headers={"HX-Request": "true"}) for address in addresses})
    return answers


def _sign_in(client, email: str) -> None:
    response = sign_in(client, email)
    assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/", email


@pytest.mark.parametrize("email", EVERYONE + SECOND_PROGRAMME_PEOPLE)
def test_nobody_of_one_programme_opens_anything_of_the_other(refusals, email):
    other, answers = refusals[email]
    assert len(answers) > 30
    let_in = {address: response.status_code for address, response in answers.items() if response.status_code != 403}
    assert not let_in, f"{email} was not refused {other.name}'s {let_in}"
    for address, response in answers.items():
        page = text(response)
        for title in WORKSTREAM_TITLES[other.name]:
            assert title not in page, (address, title)
        for label in other.period_labels:
            assert label not in page, (address, label)


# --- My work of someone in both programmes ------------------------------------------------------------------


def grant(app, email: str, role: Role, programme_id: int, workstream_id: int | None = None) -> None:
    with app.app_context():
        db.session.add(RoleAssignment(user=user_by_email(email), role=role, programme_id=programme_id, workstream_id=workstream_id))
        db.session.commit()


def my_work_groups(html: str) -> list[tuple[str, list[str]]]:
    """(heading, the links in its section) for each programme's section of My work."""
    main = html[html.index("<main"):html.index("</main>")]
    sections = re.split(r'<h2 class="govuk-heading-m">', main)[1:]
    return [
        (section[:section.index("</h2>")].strip(), re.findall(r'href="([^"]+)"', section))
        for section in sections
    ]


def test_a_project_manager_in_both_programmes_sees_each_programmes_drafts_under_its_own_name(app, signed_in, programmes):
    first, second = programmes[FIRST].ids, programmes[SECOND].ids
    grant(app, LOUISA_SIMPSON, Role.PROJECT_MANAGER, second.programme, second.workstreams["TRN"])
    groups = my_work_groups(text(signed_in(LOUISA_SIMPSON).get("/")))
    assert [heading for heading, _links in groups] == [
        f"{FIRST}, Cambridgeshire and Peterborough Combined Authority",
        f"{SECOND}, Cambridgeshire and Peterborough Combined Authority",
    ]
    (_, in_first), (_, in_second) = groups
    assert sorted(link for link in in_first if link.startswith("/updates/")) == sorted(
        f"/updates/{first.update(code, 'nov_dec')}" for code in ("GOV", "PRC")
    )
    assert sorted(link for link in in_second if link.startswith("/updates/")) == sorted(
        f"/updates/{second.update('TRN', period)}" for period in ("feb_2023", "mar_2023")
    )
    assert f"/programmes/{first.programme}/periods" in in_first and f"/programmes/{second.programme}/periods" in in_second


def test_a_cmt_member_in_both_programmes_is_asked_to_sign_off_each_programmes_open_periods_in_its_group(
    app, signed_in, programmes
):
    first, second = programmes[FIRST].ids, programmes[SECOND].ids
    grant(app, NICK_BELL, Role.CMT_MEMBER, second.programme)
    page = text(signed_in(NICK_BELL).get("/"))
    (_, in_first), (_, in_second) = my_work_groups(page)
    assert f"/periods/{first.periods['nov_dec']}" in in_first
    assert sorted(link for link in in_second if link.startswith("/periods/")) == sorted(
        f"/periods/{second.periods[period]}" for period in ("feb_2023", "mar_2023")
    )
    for links, of in ((in_first, programmes[FIRST]), (in_second, programmes[SECOND])):
        assert_links_stay_in(links, of)


def test_my_work_of_someone_in_one_programme_has_that_programme_only(signed_in, programmes):
    for email, name in ((HEIDI_ROBINSON, FIRST), (SECOND_PMO, SECOND)):
        groups = my_work_groups(text(signed_in(email).get("/")))
        assert [heading.split(",")[0] for heading, _links in groups] == [name]
        assert_links_stay_in(groups[0][1], programmes[name])


# --- The pages and navigation of one programme ----------------------------------------------------------------

_LINK = re.compile(r"^/(programmes|periods|workstreams|updates)/(\d+)")


def assert_links_stay_in(links: list[str], of: Programme) -> None:
    objects = of.objects
    for link in links:
        match = _LINK.match(link)
        if match:
            assert int(match.group(2)) in objects[match.group(1)], f"{link} is not {of.name}'s"


def pages_of(of: Programme) -> list[str]:
    ids = of.ids
    return [
        f"/programmes/{ids.programme}", f"/programmes/{ids.programme}/periods", f"/programmes/{ids.programme}/workstreams",
        *(f"/periods/{pid}" for pid in ids.periods.values()),
        *(f"/periods/{pid}/report" for pid in ids.periods.values()),
        *(f"/workstreams/{wid}" for wid in ids.workstreams.values()),
        *(f"/updates/{uid}" for uid in ids.updates.values()),
    ]


@pytest.fixture
def in_both(app, programmes):
    """Heidi Robinson, Improvement Plan's PMO, made PMO and PMO support of every workstream of the second
    programme too: someone who may open every page of both."""
    second = programmes[SECOND].ids
    grant(app, HEIDI_ROBINSON, Role.PMO, second.programme)
    for workstream_id in second.workstreams.values():
        grant(app, HEIDI_ROBINSON, Role.PMO_SUPPORT, second.programme, workstream_id)
    return HEIDI_ROBINSON


@pytest.mark.parametrize("name", [FIRST, SECOND])
def test_the_pages_of_one_programme_link_only_to_its_own_things_and_name_none_of_the_others(
    signed_in, programmes, in_both, name
):
    client = signed_in(in_both)
    of, other = programmes[name], programmes[SECOND if name == FIRST else FIRST]
    for page in pages_of(of):
        response = client.get(page)
        assert response.status_code == 200, page
        html = text(response)
        assert_links_stay_in(re.findall(r'href="([^"]+)"', html), of)
        for title in WORKSTREAM_TITLES[other.name]:
            assert title not in html, (page, title)
        for label in other.period_labels:
            assert label not in html, (page, label)
        # The navigation is the programme's in view: its periods and workstreams.
        navigation = html[html.index('class="govuk-service-navigation'):html.index("</nav>")]
        assert f'href="/programmes/{of.ids.programme}/periods"' in navigation, page
        assert f'href="/programmes/{of.ids.programme}/workstreams"' in navigation, page


@pytest.mark.parametrize("name", [FIRST, SECOND])
def test_a_programmes_lists_hold_all_of_its_periods_and_workstreams(signed_in, programmes, in_both, name):
    client = signed_in(in_both)
    of = programmes[name]
    periods = text(client.get(f"/programmes/{of.ids.programme}/periods"))
    assert all(label in periods for label in of.period_labels)
    assert {int(i) for i in re.findall(r'href="/periods/(\d+)"', periods)} == set(of.ids.periods.values())
    workstreams = text(client.get(f"/programmes/{of.ids.programme}/workstreams"))
    assert all(title.replace("'", "&#39;") in workstreams for title in WORKSTREAM_TITLES[name])
    assert {int(i) for i in re.findall(r'href="/workstreams/(\d+)"', workstreams)} == set(of.ids.workstreams.values())


def test_the_programme_wide_addresses_send_each_person_to_their_own_programme_or_the_list(signed_in, programmes, in_both):
    first, second = programmes[FIRST].ids.programme, programmes[SECOND].ids.programme
    for email, where in ((NICK_BELL, first), (SECOND_PMO, second)):
        client = signed_in(email)
        for address, endpoint in (("/periods", "periods"), ("/workstreams", "workstreams")):
            assert urlsplit(client.get(address).headers["Location"]).path == f"/programmes/{where}/{endpoint}", email
        listed = {int(i) for i in re.findall(r'href="/programmes/(\d+)"', text(client.get("/programmes")))}
        assert listed == {where}, email
    both = signed_in(in_both)
    assert urlsplit(both.get("/periods").headers["Location"]).path == "/programmes"
    assert {int(i) for i in re.findall(r'href="/programmes/(\d+)"', text(both.get("/programmes")))} == {first, second}
