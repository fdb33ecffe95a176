"""How a decision's transaction holds its locks (app/decision_locks.py); the races themselves are in
test_races.py, over HTTP."""
import pytest

from app.decision_locks import IMMEDIATE, SQLITE_BEGIN
from app.extensions import db


def began_with(app, method: str) -> str:
    with app.test_request_context("/", method=method):
        app.preprocess_request()
        try:
            return db.session.connection().info.get(SQLITE_BEGIN)
        finally:
            db.session.rollback()


def test_on_sqlite_a_post_holds_the_write_lock_from_its_first_read_and_a_get_takes_none(app):
    with app.app_context():
        dialect = db.engine.dialect.name
    if dialect != "sqlite":
        pytest.skip("SQLite only: PostgreSQL locks rows")
    assert began_with(app, "POST") == IMMEDIATE
    assert began_with(app, "GET") == "BEGIN"


def test_a_decision_outside_a_post_starts_a_transaction_of_its_own_under_the_lock(app, ids):
    """e.g. a CLI command: what it read before is read again once the lock is held."""
    import sqlalchemy as sa

    from app.decision_locks import lock_for_decision
    from app.models import UpdateState, WorkstreamUpdate

    update_id = ids.update("GOV", "nov_dec")
    with app.app_context():
        update = db.session.get(WorkstreamUpdate, update_id)
        milestone_note = update.milestones[0].status_note
        db.session.commit()  # what it read is kept (and, on SQLite, the other connection may write)
        with db.engine.begin() as elsewhere:  # another connection changes it meanwhile
            elsewhere.execute(sa.update(WorkstreamUpdate.__table__).where(WorkstreamUpdate.__table__.c.id == update_id)
                              .values(state=UpdateState.SUBMITTED.name))
        lock_for_decision(update)
        assert update.state is UpdateState.SUBMITTED
        assert update.milestones[0].status_note == milestone_note
        if db.engine.dialect.name == "sqlite":
            assert db.session.connection().info.get(SQLITE_BEGIN) == IMMEDIATE
        db.session.rollback()
