"""Who may see a workstream's page: everyone with a role in the programme, officers and readers alike, and
nobody whose account holds no role there (none at all, or roles in another programme only)."""
import sqlalchemy as sa

from app.extensions import db
from app.models import User, Workstream
from app.permissions import can
from tests.conftest import complete_for_submission, rolled_back, user_by_email
from tests.personas import COMMITTEE_MEMBER, EVERYONE, LOUISA_SIMPSON, NICK_BELL, SECOND_PROGRAMME_PEOPLE


def test_every_officer_and_every_reader_may_view_every_workstream_and_an_account_with_no_role_may_not(app, ids):
    with rolled_back(app):
        nobody = User(name="No Role", email="no.role@example.org", password_hash="not-used")
        db.session.add(nobody)
        db.session.commit()
        people = db.session.scalars(sa.select(User).where(User.email.in_(EVERYONE))).all()
        assert {p.email for p in people} == set(EVERYONE)
        for workstream in db.session.scalars(sa.select(Workstream).where(Workstream.programme_id == ids.programme)):
            for person in people:
                assert can(person, "view_workstream", workstream), (person.email, workstream.code)
            assert not can(nobody, "view_workstream", workstream), workstream.code


def test_no_one_of_one_demo_programme_may_view_a_workstream_of_the_other(app, ids, second_ids):
    with app.app_context():
        first = db.session.scalars(sa.select(User).where(User.email.in_(EVERYONE))).all()
        second = db.session.scalars(sa.select(User).where(User.email.in_(SECOND_PROGRAMME_PEOPLE))).all()
        assert len(first) == len(EVERYONE) and len(second) == len(SECOND_PROGRAMME_PEOPLE)
        for people, other in ((first, second_ids), (second, ids)):
            workstreams = db.session.scalars(sa.select(Workstream).where(Workstream.programme_id == other.programme)).all()
            assert workstreams
            for workstream in workstreams:
                for person in people:
                    assert not can(person, "view_workstream", workstream), (person.email, workstream.code)


def test_a_project_manager_may_edit_their_workstreams_draft_but_not_once_submitted_nor_another_workstreams(app, ids):
    from app import workflow
    from app.models import WorkstreamUpdate

    with rolled_back(app):
        pm = user_by_email(LOUISA_SIMPSON)
        update = db.session.get(WorkstreamUpdate, ids.update("GOV", "nov_dec"))
        others = db.session.get(WorkstreamUpdate, ids.update("PPD", "nov_dec"))
        assert can(pm, "edit", update)
        assert not can(pm, "edit", others)
        complete_for_submission(
            update, key_activities="Training rolled out.", engagement="Meetings.", concerns="None.",
            rag_rationale="On track.",
        )
        db.session.commit()
        workflow.perform("submit", update, pm)
        assert not can(pm, "edit", update)


def test_a_project_manager_may_submit_their_draft_a_viewer_may_not_and_a_sponsor_may_not_approve_a_draft(app, ids):
    from app.models import WorkstreamUpdate

    with rolled_back(app):
        pm = user_by_email(LOUISA_SIMPSON)
        sponsor = user_by_email(NICK_BELL)
        viewer = user_by_email(COMMITTEE_MEMBER)
        draft = db.session.get(WorkstreamUpdate, ids.update("GOV", "nov_dec"))
        assert can(pm, "submit", draft)
        assert not can(viewer, "submit", draft)
        assert not can(sponsor, "approve", draft)


def test_a_committee_viewer_sees_an_update_only_once_its_period_is_signed_off_and_an_account_with_no_role_never(
    app, ids
):
    from app.models import UpdateState, WorkstreamUpdate

    with rolled_back(app):
        viewer = user_by_email(COMMITTEE_MEMBER)
        signed_off = db.session.get(WorkstreamUpdate, ids.update("GOV", "sep_oct"))
        open_period = db.session.get(WorkstreamUpdate, ids.update("GOV", "nov_dec"))
        open_period.state = UpdateState.APPROVED
        nobody = User(name="No Role", email="no.role@example.org", password_hash="not-used")
        db.session.add(nobody)
        db.session.commit()
        assert can(viewer, "view_update", signed_off)
        assert not can(viewer, "view_update", open_period)
        assert not can(nobody, "view_update", signed_off)
