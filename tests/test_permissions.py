"""The permission rules, asked by name, for every role against updates in every state."""
import pytest

from app.extensions import db
from app.models import ProgrammeReport, ReportState, UpdateState, WorkstreamUpdate
from app.permissions import can
from tests.conftest import demo_programme, user_by_email
from tests.personas import (
    ANGELA_PROBERT, EVERYONE, HEIDI_ROBINSON, JODIE_TOWNSEND, LOUISA_SIMPSON, NICK_BELL, PETER_TONKS, READERS,
    RICHARD_CARR, STEVE_COX, THOMAS_FARMER,
)

# Who may see the Governance update of the open period, by its state.
TEAM = {LOUISA_SIMPSON, NICK_BELL, HEIDI_ROBINSON}
PROGRAMME_STAFF = {STEVE_COX, ANGELA_PROBERT}
OTHER_OFFICERS = {JODIE_TOWNSEND, THOMAS_FARMER, PETER_TONKS}


@pytest.mark.parametrize("state", list(UpdateState))
def test_who_may_view_an_update_in_an_open_period(app, ids, state):
    with app.test_request_context():
        update = db.session.get(WorkstreamUpdate, ids.update("GOV", "nov_dec"))
        update.state = state
        for email in TEAM | PROGRAMME_STAFF:
            assert can(user_by_email(email), "view_update", update), email
        for email in OTHER_OFFICERS:
            assert can(user_by_email(email), "view_update", update) is (state is UpdateState.APPROVED), email
        for email in READERS:
            assert not can(user_by_email(email), "view_update", update), email


def test_readers_may_view_updates_of_a_signed_off_period(app, ids):
    with app.test_request_context():
        update = db.session.get(WorkstreamUpdate, ids.update("GOV", "sep_oct"))
        for email in EVERYONE:
            assert can(user_by_email(email), "view_update", update), email


def test_readers_keep_access_to_a_reopened_periods_signed_off_revision(app, ids):
    with app.app_context():
        db.session.add(ProgrammeReport(period_id=ids.periods["sep_oct"], revision=2, state=ReportState.REOPENED))
        db.session.commit()
    with app.test_request_context():
        from app.models import ReportingPeriod

        period = db.session.get(ReportingPeriod, ids.periods["sep_oct"])
        assert can(user_by_email(RICHARD_CARR), "view_period", period)


def test_readers_may_not_view_an_open_period(app, ids):
    with app.test_request_context():
        from app.models import ReportingPeriod

        period = db.session.get(ReportingPeriod, ids.periods["nov_dec"])
        for email in READERS:
            assert not can(user_by_email(email), "view_period", period)
        assert can(user_by_email(JODIE_TOWNSEND), "view_period", period)


def test_only_the_pmo_administers_the_programme(app):
    with app.test_request_context():
        programme = demo_programme()
        assert can(user_by_email(HEIDI_ROBINSON), "administer", programme)
        for email in set(EVERYONE) - {HEIDI_ROBINSON}:
            assert not can(user_by_email(email), "administer", programme), email


def test_nobody_signed_out_or_deactivated_may_do_anything(app, ids):
    from flask_login import AnonymousUserMixin

    with app.test_request_context():
        update = db.session.get(WorkstreamUpdate, ids.update("GOV", "sep_oct"))
        assert not can(AnonymousUserMixin(), "view_update", update)
        assert not can(None, "view_update", update)
        pmo = user_by_email(HEIDI_ROBINSON)
        pmo.active = False
        assert not can(pmo, "view_update", update)
        assert not can(pmo, "administer")


def test_an_unknown_action_is_a_programming_error(app):
    with app.test_request_context():
        with pytest.raises(KeyError):
            can(user_by_email(HEIDI_ROBINSON), "delete_everything")
