"""Rules the data model itself enforces, whatever the application code does."""
import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.models import (
    RAG,
    AuditEvent,
    AuditTrailIsAppendOnly,
    ReportingPeriod,
    Role,
    RoleAssignment,
    User,
    WorkstreamUpdate,
)
from app.rag import RAG_DEFINITIONS
from tests.conftest import user_by_email
from tests.personas import COMMITTEE_MEMBER, NICK_BELL


def test_rag_has_the_five_seed_levels_from_best_to_worst():
    assert [r.label for r in RAG] == ["Green", "Green/Amber", "Amber", "Amber/Red", "Red"]
    assert [r.severity for r in RAG] == [0, 1, 2, 3, 4]
    assert RAG.RED.is_worse_than(RAG.AMBER_RED) and not RAG.GREEN.is_worse_than(RAG.GREEN_AMBER)


def test_rag_definitions_are_the_seed_methodology():
    assert set(RAG_DEFINITIONS) == set(RAG)
    assert RAG.GREEN.definition == (
        "Successful delivery of the improvement theme to time, cost and quality appears to be highly likely."
    )
    assert RAG.RED.definition.endswith("The theme will therefore need re-profiling.")


def test_emails_are_unique_whatever_their_case(app):
    with app.app_context():
        duplicate = User(name="Another Nick", email="Nick.Bell@Example.org", password_hash="x")
        assert duplicate.email == NICK_BELL
        db.session.add(duplicate)
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_workstream_roles_need_a_workstream_and_programme_roles_refuse_one(app, ids):
    with app.app_context():
        person = user_by_email(COMMITTEE_MEMBER)
        db.session.add(RoleAssignment(user_id=person.id, role=Role.SPONSOR, workstream_id=None, programme_id=ids.programme))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        db.session.add(RoleAssignment(user_id=person.id, role=Role.PMO, workstream_id=ids.workstreams["GOV"], programme_id=ids.programme))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_a_programme_role_cannot_be_granted_twice(app, ids):
    with app.app_context():
        person = user_by_email(COMMITTEE_MEMBER)
        db.session.add(RoleAssignment(user_id=person.id, role=Role.VIEWER, programme_id=ids.programme))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_a_period_must_end_after_it_starts(app, ids):
    with app.app_context():
        day = dt.date(2030, 1, 1)
        db.session.add(
            ReportingPeriod(
                programme_id=ids.programme, start_date=day, end_date=day, drafts_due=day, approvals_due=day, sign_off_due=day
            )
        )
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_a_workstream_has_one_update_per_period(app, ids):
    with app.app_context():
        db.session.add(WorkstreamUpdate(workstream_id=ids.workstreams["GOV"], period_id=ids.periods["nov_dec"]))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_an_unknown_rating_cannot_be_stored(app, ids):
    with app.app_context():
        with pytest.raises((StatementError, LookupError)):
            db.session.execute(
                sa.update(WorkstreamUpdate)
                .where(WorkstreamUpdate.id == ids.update("GOV", "nov_dec"))
                .values(proposed_rag="PURPLE")
            )
        db.session.rollback()


def test_saving_an_update_from_an_older_version_fails(app, ids):
    with app.app_context():
        mine = db.session.get(WorkstreamUpdate, ids.update("GOV", "nov_dec"))
        assert mine.version == 1
        db.session.expunge(mine)
        db.session.rollback()
        with sa.orm.Session(db.engine) as someone_else:
            theirs = someone_else.get(WorkstreamUpdate, mine.id)
            theirs.engagement = "Their text"
            someone_else.commit()
        db.session.add(mine)
        mine.key_activities = "My text"
        with pytest.raises(StaleDataError):
            db.session.commit()
        db.session.rollback()
        stored = db.session.get(WorkstreamUpdate, mine.id)
        assert (stored.engagement, stored.key_activities, stored.version) == ("Their text", "", 2)


def test_each_save_increments_the_version(app, ids):
    with app.app_context():
        update = db.session.get(WorkstreamUpdate, ids.update("GOV", "nov_dec"))
        update.key_activities = "First"
        db.session.commit()
        update.key_activities = "Second"
        db.session.commit()
        assert update.version == 3


def test_audit_events_cannot_be_changed_or_deleted(app):
    with app.app_context():
        event = db.session.scalars(sa.select(AuditEvent).limit(1)).one()
        original = event.action
        event.action = "rewritten"
        with pytest.raises(AuditTrailIsAppendOnly):
            db.session.commit()
        db.session.rollback()
        db.session.delete(db.session.get(AuditEvent, event.id))
        with pytest.raises(AuditTrailIsAppendOnly):
            db.session.commit()
        db.session.rollback()
        assert db.session.get(AuditEvent, event.id).action == original


def test_timestamps_are_timezone_aware_on_every_database(app):
    with app.app_context():
        event = db.session.scalars(sa.select(AuditEvent).limit(1)).one()
        assert event.occurred_at.tzinfo is not None
        assert event.occurred_at.utcoffset() == dt.timedelta(0)


def test_bulk_statements_cannot_change_or_delete_audit_events(app):
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
        with pytest.raises(AuditTrailIsAppendOnly):
            db.session.execute(sa.delete(AuditEvent))
        db.session.rollback()
        with pytest.raises(AuditTrailIsAppendOnly):
            db.session.execute(sa.update(AuditEvent).values(comment="rewritten"))
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == count
