"""SQL statements per request stay few and do not grow with the programme: the same count for 3 workstreams
over 3 periods as for 8 over 6. (Counts only; the benchmark measures time.)"""
import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from app.models import Milestone, WorkstreamUpdate
from bench.generate import Scale, generate
from bench.run import BenchConfig, StatementCounter, _open_updates, _person_with, csrf, signed_in

BUDGET = 15


def programme(databases, scale):
    app = create_app(BenchConfig, SQLALCHEMY_DATABASE_URI=databases.fresh_url())
    with app.app_context():
        upgrade()
        ids = generate(scale)
        ids["draft"], ids["submitted"] = _open_updates(ids["open_period_id"])
        db.session.remove()
    return app, ids


def counts(app, ids):
    with app.app_context():
        counter = StatementCounter(db.engine)
    pm = signed_in(app, _person_with(app, ids["draft"], "PROJECT_MANAGER"))
    sponsor = signed_in(app, _person_with(app, ids["submitted"], "SPONSOR"))
    cmt = signed_in(app, ids["emails"]["CMT_MEMBER"][0])
    reader = signed_in(app, ids["emails"]["IIB_MEMBER"][0])
    pmo = signed_in(app, ids["emails"]["PMO"][0])
    htmx = {"HX-Request": "true", "X-CSRFToken": csrf(pm.get("/").get_data(as_text=True))}
    pages = {
        "my work (project manager)": (pm, "/"),
        "my work (CMT)": (cmt, "/"),
        "my work (IIB)": (reader, "/"),
        "periods list": (cmt, f"/programmes/{ids['programme_id']}/periods"),
        "period overview": (cmt, f"/periods/{ids['open_period_id']}"),
        "workstream page": (cmt, f"/workstreams/{ids['workstream_ids'][0]}"),
        "update page": (pm, f"/updates/{ids['draft']}"),
        "draft editor": (pm, f"/updates/{ids['draft']}/edit"),
        "risks fragment": (pm, f"/updates/{ids['draft']}/risks"),
        "review": (sponsor, f"/updates/{ids['submitted']}/review"),
        "report (signed off)": (reader, f"/periods/{ids['signed_off_period_id']}/report"),
        "report (being prepared)": (cmt, f"/periods/{ids['open_period_id']}/report"),
        "programme settings": (pmo, f"/programmes/{ids['programme_id']}/settings"),
        "manage workstreams": (pmo, f"/programmes/{ids['programme_id']}/workstreams/manage"),
        "workstream edit": (pmo, f"/workstreams/{ids['workstream_ids'][0]}/edit"),
        "workstream retirement": (pmo, f"/workstreams/{ids['workstream_ids'][0]}/retire"),
    }
    result = {}
    for name, (client, path) in pages.items():
        counter.count = 0
        response = client.get(path, headers=htmx if "fragment" in name else {})
        assert response.status_code == 200, name
        result[name] = counter.count
    with app.app_context():
        db.engine.dispose()
    return result


def test_statements_per_page_are_few_and_the_same_at_any_scale(databases):
    small = counts(*programme(databases, Scale(workstreams=3, periods=3, users=40)))
    large = counts(*programme(databases, Scale(workstreams=8, periods=6, users=60)))
    assert large == small
    over = {name: count for name, count in large.items() if count > BUDGET}
    assert not over, f"more than {BUDGET} statements: {over}"


# Opening a period writes every workstream's draft, milestones, risks and audit event in one statement per
# table: the same count at any number of workstreams (20 on SQLite, BEGIN IMMEDIATE included).
OPENING_BUDGET = 25


def opening_statements(app, ids) -> int:
    from bench.run import _plan_the_next_period

    with app.app_context():
        counter = StatementCounter(db.engine)
    pmo = signed_in(app, ids["emails"]["PMO"][0])
    period_id = _plan_the_next_period(app, ids["programme_id"], plan_milestones=False)
    token = csrf(pmo.get(f"/periods/{period_id}/open").get_data(as_text=True))
    counter.count = 0
    response = pmo.post(f"/periods/{period_id}/open", data={"while_another_is_open": "y", "csrf_token": token})
    assert response.status_code == 302
    statements = counter.count
    with app.app_context():
        drafts = db.session.scalar(sa.select(sa.func.count()).select_from(WorkstreamUpdate).where(WorkstreamUpdate.period_id == period_id))
        carried = db.session.scalar(
            sa.select(sa.func.count()).select_from(Milestone).join(WorkstreamUpdate).where(WorkstreamUpdate.period_id == period_id)
        )
        db.engine.dispose()
    # Each draft carries the 4 milestones planned for it and any delayed one not planned again.
    assert drafts == len(ids["workstream_ids"]) and carried >= drafts * Scale.milestones_next_period
    return statements


def test_opening_a_period_runs_the_same_few_statements_however_many_workstreams(databases):
    small = opening_statements(*programme(databases, Scale(workstreams=3, periods=2, users=40)))
    large = opening_statements(*programme(databases, Scale(workstreams=12, periods=2, users=60)))
    assert large == small <= OPENING_BUDGET, (small, large)
