"""IIB members and viewers see only what CMT signed off; programme staff see the live rows, marked where they
are not yet signed off.

The programme staff change things in the open period (a draft with a new description, outcomes, forecast date,
rating, activities, a risk and a milestone) and in a reopened one (the signed-off Sep–Oct period reopened for
Governance, left returned and edited, and for Procurement, edited, submitted and approved with another rating).
Every text they wrote holds MARKER and every date they set is in 2031 or 2032, so a reader's page that shows
anything of it is caught; each rating a reader's page shows is checked against the signed-off snapshots.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from html import unescape
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from app import workflow
from app.extensions import db
from app.formatting import short_period
from app.models import RAG, Milestone, ProgrammeReport, ReportingPeriod, ReportState, Risk, User, WorkstreamUpdate
from app.reports.signed_off import sections_disagreeing_with_snapshots
from app.updates.rows import NEXT_MILESTONES, RISKS, add_row
from app.updates.services import draft_fields, save_draft
from tests.conftest import user_by_email
from tests.personas import COMMITTEE_MEMBER, HEIDI_ROBINSON, LOUISA_SIMPSON, NICK_BELL, READERS, RICHARD_CARR


MARKER = "MARKER"
OPEN_FORECAST = dt.date(2031, 7, 19)
REOPENED_FORECAST = dt.date(2032, 3, 23)
# Every way a page could write the dates the staff set.
MARKER_DATES = [
    text
    for day in (OPEN_FORECAST, REOPENED_FORECAST)
    for text in (day.isoformat(), f"{day.day} {day:%B %Y}", f"{day.day} {day:%b %Y}")
]
# What only a live view shows.
LIVE_ONLY_WORDS = ["Not yet signed off", "(proposed)", "Returned", "Reopened"]
NOT_SIGNED_OFF = "Not yet signed off"
PACKS = ("pdf", "docx")


def _save(update: WorkstreamUpdate, user: User, **changes) -> None:
    fields = draft_fields(update)
    result = save_draft(update, user, update.version, base=fields, mine={**fields, **changes})
    assert result.changed and not result.conflicts


def _other_rating(rating: RAG | None) -> RAG:
    return RAG.RED if rating is not RAG.RED else RAG.GREEN


def _change_the_open_period(ids) -> None:
    pm = user_by_email(LOUISA_SIMPSON)
    update = db.session.get(WorkstreamUpdate, ids.update("GOV", "nov_dec"))
    _save(
        update, pm,
        workstream_description=f"{MARKER}-OPEN-DESCRIPTION",
        outcomes=f"{MARKER}-OPEN-HEADING\n- {MARKER}-OPEN-OUTCOME",
        forecast_completion_date=OPEN_FORECAST.isoformat(),
        proposed_rag="AMBER_RED",
        key_activities=f"{MARKER}-OPEN-ACTIVITIES",
        rag_rationale=f"{MARKER}-OPEN-RATIONALE",
        rag_change_reason=f"{MARKER}-OPEN-REASON",
    )
    add_row(RISKS, update, pm, {"description": f"{MARKER}-OPEN-RISK", "mitigation": f"{MARKER}-OPEN-MITIGATION"})
    add_row(NEXT_MILESTONES, update, pm, {"description": f"{MARKER}-OPEN-MILESTONE"})


def _change_a_reopened_period(ids) -> None:
    pm, sponsor = user_by_email(LOUISA_SIMPSON), user_by_email(NICK_BELL)
    report = db.session.scalar(
        sa.select(ProgrammeReport).where(ProgrammeReport.period_id == ids.periods["sep_oct"]).order_by(
            ProgrammeReport.revision.desc()
        )
    )
    workflow.perform(
        "reopen", report, sponsor, version=report.version, reason=f"{MARKER}-REOPEN-REASON",
        workstream_ids=[ids.workstreams["GOV"], ids.workstreams["PRC"]],
    )
    # Governance: returned, and its project manager rewrites it (the draft is not submitted again).
    governance = db.session.get(WorkstreamUpdate, ids.update("GOV", "sep_oct"))
    changes = {
        "workstream_description": f"{MARKER}-REOPENED-DESCRIPTION",
        "forecast_completion_date": REOPENED_FORECAST.isoformat(),
        "proposed_rag": _other_rating(governance.proposed_rag).name,
        "key_activities": f"{MARKER}-REOPENED-ACTIVITIES",
        "rag_change_reason": f"{MARKER}-REOPENED-REASON",
    }
    if governance.milestones_this_period:
        changes["milestones-0-status_note"] = f"{MARKER}-REOPENED-MILESTONE-NOTE"
    _save(governance, pm, **changes)
    add_row(RISKS, governance, pm, {"description": f"{MARKER}-REOPENED-RISK", "mitigation": f"{MARKER}-REOPENED-MITIGATION"})
    # Procurement: rewritten, submitted and approved with another agreed rating than was signed off.
    procurement = db.session.get(WorkstreamUpdate, ids.update("PRC", "sep_oct"))
    signed_off_rating = procurement.proposed_rag
    _save(
        procurement, pm,
        proposed_rag=_other_rating(signed_off_rating).name,
        key_activities=f"{MARKER}-REOPENED-PRC-ACTIVITIES",
        rag_rationale=f"{MARKER}-REOPENED-PRC-RATIONALE",
        rag_change_reason=f"{MARKER}-REOPENED-PRC-REASON",
    )
    workflow.perform("submit", procurement, pm, version=procurement.version)
    workflow.perform(
        "approve", procurement, sponsor, version=procurement.version,
        sponsor_comments=f"{MARKER}-REOPENED-PRC-COMMENTS", agreed_rag=_other_rating(signed_off_rating).name,
        agreed_rag_justification="",
    )


@pytest.fixture
def changed(app, ids):
    """The demo after the staff's changes in the open and the reopened period."""
    with app.test_request_context():
        _change_the_open_period(ids)
        _change_a_reopened_period(ids)
        db.session.remove()
    return ids


def label(rating: RAG | None) -> str | None:
    return rating.label if rating else None


def signed_off_ratings_from_snapshots(app) -> dict[tuple[int, int], RAG | None]:
    """(workstream id, period id) -> agreed rating, from each period's latest signed-off snapshot."""
    with app.app_context():
        reports = db.session.scalars(
            sa.select(ProgrammeReport)
            .where(ProgrammeReport.state == ReportState.SIGNED_OFF)
            .order_by(ProgrammeReport.revision)
        ).all()
        latest = {report.period_id: report for report in reports}
        ratings = {
            (section["workstream"]["id"], period_id): RAG[section["agreed_rag"]] if section["agreed_rag"] else None
            for period_id, report in latest.items()
            for section in report.snapshot["workstreams"]
        }
        db.session.remove()
    return ratings


def plain(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))).strip()


def rating_in(cell_html: str) -> str | None:
    label = plain(cell_html)
    return None if label in ("Not agreed", "Not rated", "Not yet rated", "No rating") else label


def heatmap_cells(html: str) -> dict[tuple[int, str], str | None]:
    """(workstream id, period label) -> the rating shown, from the heat-map on /periods."""
    header = re.search(r'<thead class="govuk-table__head">(.*?)</thead>', html.split('wm-heatmap__table', 1)[1], re.S)
    labels = re.findall(r'<span class="govuk-visually-hidden">([^<]+)</span>', header.group(1))
    cells = {}
    for workstream_id, row in re.findall(
        r'href="/workstreams/(\d+)">[^<]*</a></th>(.*?)</tr>', html.split('wm-heatmap__table', 1)[1], re.S
    ):
        found = re.findall(r'<td class="govuk-table__cell wm-heatmap__cell">(.*?)</td>', row, re.S)
        assert len(found) == len(labels)
        for label, cell in zip(labels, found):
            cells[(int(workstream_id), unescape(label))] = rating_in(cell)
    return cells


def trend_rows(html: str) -> list[tuple[str, str | None]]:
    """(short period label, rating shown) of each rating trend's table on the page."""
    rows = []
    for table in re.findall(r'<table class="govuk-table wm-trend__table">(.*?)</table>', html, re.S):
        for label, cell in re.findall(r'<th scope="row" class="govuk-table__header">([^<]+)</th>\s*<td[^>]*>(.*?)</td>', table, re.S):
            rows.append((unescape(label).strip(), rating_in(cell)))
    return rows


def update_rows(html: str) -> list[tuple[int, str | None]]:
    """(update id, rating shown) of each row of the workstream page's list of highlight reports."""
    return [
        (int(update_id), rating_in(cell))
        for update_id, cell in re.findall(
            r'href="/updates/(\d+)">[^<]+</a></th>\s*<td[^>]*>[^<]*</td>\s*<td[^>]*>(.*?)</td>', html, re.S
        )
    ]


class Walk:
    """Every GET page a person reaches: each GET route filled with the demo's ids, then the links on them."""

    SKIP = {"static", "auth.reset_password", "main.health"}

    def __init__(self, app, ids):
        self.app = app
        with app.app_context():
            self.update_ids = list(db.session.scalars(sa.select(WorkstreamUpdate.id)))
            self.rows = {
                "next-milestones": dict(db.session.execute(
                    sa.select(Milestone.update_id, sa.func.min(Milestone.id)).group_by(Milestone.update_id)
                ).all()),
                "risks": dict(db.session.execute(
                    sa.select(Risk.update_id, sa.func.min(Risk.id)).group_by(Risk.update_id)
                ).all()),
            }
            self.revisions = db.session.execute(sa.select(ProgrammeReport.period_id, ProgrammeReport.revision)).all()
            self.user_ids = list(db.session.scalars(sa.select(User.id)))
            db.session.remove()
        self.ids = ids

    def _values(self, rule) -> list[dict]:
        arguments = set(rule.arguments)
        if arguments == set():
            return [{}]
        if arguments == {"period_id"}:
            return [{"period_id": p} for p in self.ids.periods.values()]
        if arguments == {"workstream_id"}:
            return [{"workstream_id": w} for w in self.ids.workstreams.values()]
        if arguments == {"programme_id"}:
            return [{"programme_id": self.ids.programme}]
        if arguments == {"programme_id", "user_id"}:
            return [{"programme_id": self.ids.programme, "user_id": u} for u in self.user_ids]
        if arguments == {"update_id"}:
            return [{"update_id": u} for u in self.update_ids]
        if arguments == {"period_id", "revision"}:
            return [{"period_id": p, "revision": r} for p, r in self.revisions]
        if arguments == {"period_id", "extension"}:
            return [{"period_id": p, "extension": e} for p in self.ids.periods.values() for e in PACKS]
        if arguments == {"period_id", "revision", "extension"}:
            return [{"period_id": p, "revision": r, "extension": e} for p, r in self.revisions for e in PACKS]
        if arguments == {"update_id", "name"}:
            return [{"update_id": u, "name": n} for u in self.update_ids for n in self.rows]
        if arguments == {"update_id", "name", "row_id"}:
            return [
                {"update_id": u, "name": n, "row_id": rows[u]} for n, rows in self.rows.items() for u in rows
            ]
        if arguments == {"update_id", "row_id"}:
            return [{"update_id": u, "row_id": r} for u, r in self.rows["risks"].items()]
        pytest.fail(f"{rule.endpoint}: give the reader walk values for {sorted(arguments)}")

    def start(self) -> list[str]:
        from flask import url_for

        paths = []
        with self.app.test_request_context():
            for rule in self.app.url_map.iter_rules():
                if "GET" not in rule.methods or rule.endpoint in self.SKIP:
                    continue
                paths += [url_for(rule.endpoint, **values) for values in self._values(rule)]
        return paths

    def pages(self, client) -> dict[str, str]:
        """path -> page text (HTML, or a pack's text) of every page answered 200."""
        queue, seen, found = self.start(), set(), {}
        while queue:
            path = queue.pop()
            if path in seen:
                continue
            seen.add(path)
            response = client.get(path)
            if response.status_code in (301, 302, 303):
                target = response.headers["Location"]
                if not target.startswith("/sign-in"):
                    queue.append(urlsplit(target)._replace(fragment="").geturl())
                continue
            if response.status_code != 200:
                continue
            if response.mimetype == "text/html":
                html = response.get_data(as_text=True)
                found[path] = html
                for link in re.findall(r'href="(/[^"#]*)', html):
                    link = unescape(link)
                    if not link.startswith(("/assets/", "/sign-in", "/password/")):
                        queue.append(link)
            elif path.endswith(".docx"):
                with zipfile.ZipFile(io.BytesIO(response.data)) as pack:
                    found[path] = pack.read("word/document.xml").decode("utf-8")
            elif path.endswith(".pdf"):
                found[path] = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
        return found


def assert_only_signed_off(app, ids, pages: dict[str, str], who: str) -> None:
    expected = signed_off_ratings_from_snapshots(app)
    with app.app_context():
        periods = {p.label: p for p in db.session.scalars(sa.select(ReportingPeriod))}
        update_of = {
            u.id: (u.workstream_id, u.period_id) for u in db.session.scalars(sa.select(WorkstreamUpdate))
        }
        db.session.remove()
    short_labels = {short_period(p.start_date, p.end_date): p for p in periods.values()}
    checked_cells = 0
    for path, html in pages.items():
        where = f"{path} for {who}"
        for text in [MARKER, *MARKER_DATES]:
            assert text not in html, f"{where} shows {text!r}"
        if not path.endswith(PACKS):
            shown = plain(html)
            for word in LIVE_ONLY_WORDS:
                assert word not in shown, f"{where} shows {word!r}"
        if path.endswith("/periods") and "wm-heatmap__table" in html:
            for (workstream_id, period_label), rating in heatmap_cells(html).items():
                signed = expected.get((workstream_id, periods[period_label].id))
                assert rating == label(signed), f"{where}: heat-map {workstream_id} {period_label}"
                checked_cells += 1
        if path.startswith("/workstreams/"):
            workstream_id = int(path.rsplit("/", 1)[1])
            for period_label, rating in trend_rows(html):
                signed = expected.get((workstream_id, short_labels[period_label].id))
                assert rating == label(signed), f"{where}: trend {period_label}"
                checked_cells += 1
            for update_id, rating in update_rows(html):
                assert update_of[update_id] in expected, f"{where} lists update {update_id}, in no signed-off revision"
                assert rating == label(expected[update_of[update_id]]), f"{where}: update {update_id}"
                checked_cells += 1
    assert checked_cells > 0, "no rating was checked: the page layouts changed under this test"


@pytest.mark.parametrize("email", READERS)
def test_readers_see_nothing_the_staff_changed_after_sign_off(ids, app, signed_in, changed, email):
    walk = Walk(app, changed)
    pages = walk.pages(signed_in(email))
    # The walk reached the pages a reader reads.
    for path in ["/", f"/programmes/{ids.programme}/periods", f"/programmes/{ids.programme}/workstreams", f"/workstreams/{changed.workstreams['GOV']}",
                 f"/periods/{changed.periods['sep_oct']}", f"/updates/{changed.update('GOV', 'sep_oct')}",
                 f"/periods/{changed.periods['sep_oct']}/report"]:
        assert path in pages, f"{email} did not reach {path}"
    for pack in PACKS:
        # The packs were read as text: each holds the signed-off report's workstreams.
        assert "Governance and decision making" in pages[f"/periods/{changed.periods['sep_oct']}/report.{pack}"]
    assert_only_signed_off(app, changed, pages, email)


@pytest.mark.parametrize("email", READERS)
def test_readers_keep_seeing_the_signed_off_values_of_a_reopened_period(ids, app, signed_in, changed, email):
    client = signed_in(email)
    with app.app_context():
        report = db.session.scalar(
            sa.select(ProgrammeReport).where(
                ProgrammeReport.period_id == changed.periods["sep_oct"], ProgrammeReport.revision == 1
            )
        )
        sections = {s["workstream"]["code"]: s for s in report.snapshot["workstreams"]}
        db.session.remove()
    for code in ("GOV", "PRC"):
        signed = sections[code]
        page = plain(client.get(f"/workstreams/{changed.workstreams[code]}").get_data(as_text=True))
        assert plain(signed["workstream"]["description"])[:60] in page
        forecast = dt.date.fromisoformat(signed["workstream"]["forecast_completion_date"])
        assert f"{forecast.day} {forecast:%B %Y}" in page
        assert "Signed off, revision 1" in page
        cells = heatmap_cells(client.get(f"/programmes/{ids.programme}/periods").get_data(as_text=True))
        assert cells[(changed.workstreams[code], "1 September 2023 – 31 October 2023")] == RAG[signed["agreed_rag"]].label
        update_page = plain(client.get(f"/updates/{changed.update(code, 'sep_oct')}").get_data(as_text=True))
        first_line = signed["key_activities"].strip().splitlines()[0].removeprefix("- ")
        assert plain(first_line)[:40] in update_page
    my_work = plain(client.get("/").get_data(as_text=True))
    assert "1 September 2023 – 31 October 2023" in my_work and "Revision 1" in my_work


def test_a_readers_review_link_leads_to_the_signed_off_update(signed_in, changed):
    update_id = changed.update("GOV", "sep_oct")
    response = signed_in(RICHARD_CARR).get(f"/updates/{update_id}/review")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/updates/{update_id}"


def test_readers_see_a_workstream_and_its_ratings_as_signed_off_before_any_change(app, signed_in, ids):
    """The same walk over the demo as loaded: the snapshots and the pages agree from the start."""
    pages = Walk(app, ids).pages(signed_in(COMMITTEE_MEMBER))
    assert_only_signed_off(app, ids, pages, COMMITTEE_MEMBER)


# --- Programme staff: the live view, marked where it is not yet signed off ---------------------------------


def _tagged(html_fragment: str) -> bool:
    return NOT_SIGNED_OFF in plain(html_fragment)


def details_part(html: str) -> str:
    return html.split("Agreed rating over time", 1)[0]


def test_staff_see_no_marks_while_the_live_rows_are_what_was_signed_off(signed_in, ids):
    client = signed_in(HEIDI_ROBINSON)
    for code in ("GOV", "PRC", "PTN"):
        assert not _tagged(details_part(client.get(f"/workstreams/{ids.workstreams[code]}").get_data(as_text=True)))
    listing = client.get(f"/programmes/{ids.programme}/workstreams").get_data(as_text=True)
    assert not _tagged(listing)


def test_staff_see_the_live_workstream_details_marked_not_yet_signed_off(signed_in, changed):
    client = signed_in(HEIDI_ROBINSON)
    html = client.get(f"/workstreams/{changed.workstreams['GOV']}").get_data(as_text=True)
    details = details_part(html)
    # The reopened period's save came last, so its description is the live one.
    assert f"{MARKER}-REOPENED-DESCRIPTION" in details
    assert re.search(r"Project description\s*<strong[^>]*govuk-tag[^>]*>Not yet signed off</strong>", details)
    assert re.search(r"Project outcomes\s*<strong[^>]*govuk-tag[^>]*>Not yet signed off</strong>", details)
    forecast = f"{REOPENED_FORECAST.day} {REOPENED_FORECAST:%B %Y}"
    assert re.search(rf"{forecast}\s*<strong[^>]*govuk-tag[^>]*>Not yet signed off</strong>", details)
    assert "govuk-inset-text" in details
    # A workstream nobody changed carries no mark on its details.
    untouched = client.get(f"/workstreams/{changed.workstreams['PTN']}").get_data(as_text=True)
    assert not _tagged(details_part(untouched))


def test_staff_see_the_workstream_list_marked_where_the_forecast_is_not_signed_off(ids, signed_in, changed):
    html = signed_in(HEIDI_ROBINSON).get(f"/programmes/{ids.programme}/workstreams").get_data(as_text=True)
    rows = dict(re.findall(r'href="/workstreams/(\d+)">[^<]*</a></th>(.*?)</tr>', html, re.S))
    governance, partnership = rows[str(changed.workstreams["GOV"])], rows[str(changed.workstreams["PTN"])]
    assert f"{REOPENED_FORECAST.day} {REOPENED_FORECAST:%B %Y}" in governance and _tagged(governance)
    assert not _tagged(partnership)


def test_staff_see_updates_not_yet_signed_off_marked_in_the_workstream_list_of_reports(signed_in, changed):
    html = signed_in(HEIDI_ROBINSON).get(f"/workstreams/{changed.workstreams['GOV']}").get_data(as_text=True)
    rows = dict(re.findall(r'href="/updates/(\d+)">[^<]+</a></th>(.*?)</tr>', html, re.S))
    assert "Returned" in rows[str(changed.update("GOV", "sep_oct"))] and _tagged(rows[str(changed.update("GOV", "sep_oct"))])
    assert _tagged(rows[str(changed.update("GOV", "nov_dec"))])
    assert not _tagged(rows[str(changed.update("GOV", "jul_aug"))])


def test_staff_see_a_live_rating_that_differs_from_the_signed_off_one_marked_on_the_heat_map(ids, app, signed_in, changed):
    html = signed_in(NICK_BELL).get(f"/programmes/{ids.programme}/periods").get_data(as_text=True)
    expected = signed_off_ratings_from_snapshots(app)
    period = "1 September 2023 – 31 October 2023"
    cells = heatmap_cells(html)
    procurement, governance = changed.workstreams["PRC"], changed.workstreams["GOV"]
    # Procurement was approved again with another rating: the live one is shown, marked.
    assert cells[(procurement, period)] is not None
    signed_rating = expected[(procurement, changed.periods["sep_oct"])]
    assert cells[(procurement, period)] == f"{_other_rating(signed_rating).label} {NOT_SIGNED_OFF}"
    # Governance is back with its project manager: no agreed rating now, where one was signed off.
    assert cells[(governance, period)] == f"Not agreed {NOT_SIGNED_OFF}"
    # Workstreams nobody reopened show their signed-off rating unmarked.
    partnership = changed.workstreams["PTN"]
    assert cells[(partnership, period)] == label(expected[(partnership, changed.periods["sep_oct"])])


def test_the_trend_marks_the_periods_whose_live_rating_is_not_signed_off(signed_in, changed):
    html = signed_in(HEIDI_ROBINSON).get(f"/workstreams/{changed.workstreams['PRC']}").get_data(as_text=True)
    trend_part = html.split("Agreed rating over time", 1)[1].split("Highlight reports", 1)[0]
    assert _tagged(trend_part)
    assert "1 September 2023 – 31 October 2023" in plain(trend_part)


def test_sign_off_writes_the_signed_off_sections_that_verify_checks(app, changed):
    with app.app_context():
        assert sections_disagreeing_with_snapshots() == []
        db.session.remove()


def test_verify_names_a_signed_off_section_that_no_longer_agrees_with_its_snapshot(app, ids):
    from app.models.reports import SignedOffSection
    from tests.maintenance_cli import invoke

    with app.app_context():
        section = db.session.scalar(
            sa.select(SignedOffSection).where(
                SignedOffSection.period_id == ids.periods["sep_oct"], SignedOffSection.workstream_id == ids.workstreams["PRC"]
            )
        )
        section.agreed_rag = _other_rating(section.agreed_rag)
        db.session.commit()
        db.session.remove()
    result = invoke(app, "verify")
    assert result.exit_code == 1
    assert (
        f"SECTIONS 1 September 2023 – 31 October 2023 revision 1: workstream {ids.workstreams['PRC']}'s agreed_rag "
        "differs from the snapshot"
    ) in result.output


def test_a_workstream_missing_from_the_newest_signed_off_period_shows_its_details_from_an_earlier_one(app, ids):
    from app.models.reports import SignedOffSection
    from app.reports.signed_off import signed_off_details

    with app.test_request_context():
        db.session.execute(
            sa.delete(SignedOffSection).where(
                SignedOffSection.period_id == ids.periods["sep_oct"], SignedOffSection.workstream_id == ids.workstreams["PTN"]
            )
        )
        jul_aug = db.session.scalar(
            sa.select(ProgrammeReport.snapshot).where(ProgrammeReport.period_id == ids.periods["jul_aug"])
        )
        details = signed_off_details(ids.programme, [ids.workstreams["PTN"], ids.workstreams["GOV"]])
        db.session.rollback()
    expected = next(s["workstream"] for s in jul_aug["workstreams"] if s["workstream"]["code"] == "PTN")
    assert details[ids.workstreams["PTN"]] == expected
    assert details[ids.workstreams["GOV"]]["code"] == "GOV"


def test_staff_see_a_reopened_period_and_its_updates_marked_not_yet_signed_off(signed_in, changed):
    client = signed_in(HEIDI_ROBINSON)
    period = plain(client.get(f"/periods/{changed.periods['sep_oct']}").get_data(as_text=True))
    assert f"{NOT_SIGNED_OFF} The table and overview below are live. IIB members and viewers see revision 1" in period
    update = plain(client.get(f"/updates/{changed.update('GOV', 'sep_oct')}").get_data(as_text=True))
    assert f"{NOT_SIGNED_OFF} This is the live highlight report. IIB members and viewers see it as revision 1" in update
    assert f"{MARKER}-REOPENED-ACTIVITIES" in update


def test_staff_see_the_open_period_marked_and_a_signed_off_one_not(signed_in, ids):
    client = signed_in(HEIDI_ROBINSON)
    open_period = plain(client.get(f"/periods/{ids.periods['nov_dec']}").get_data(as_text=True))
    assert "IIB members and viewers see this period once CMT signs it off" in open_period
    draft = plain(client.get(f"/updates/{ids.update('GOV', 'nov_dec')}").get_data(as_text=True))
    assert "IIB members and viewers see it once CMT signs the period off" in draft
    for path in (f"/periods/{ids.periods['sep_oct']}", f"/updates/{ids.update('GOV', 'sep_oct')}"):
        assert NOT_SIGNED_OFF not in plain(client.get(path).get_data(as_text=True)), path


def test_verify_names_a_signed_off_section_that_is_missing(app, ids):
    from app.models.reports import SignedOffSection
    from tests.maintenance_cli import invoke

    with app.app_context():
        db.session.execute(
            sa.delete(SignedOffSection).where(
                SignedOffSection.period_id == ids.periods["jul_aug"], SignedOffSection.workstream_id == ids.workstreams["GOV"]
            )
        )
        db.session.commit()
        db.session.remove()
    result = invoke(app, "verify")
    assert result.exit_code == 1
    assert (
        f"SECTIONS 1 July 2023 – 31 August 2023 revision 1: no signed-off section for workstream {ids.workstreams['GOV']}"
    ) in result.output
