"""Who may see and do what. Routes, templates and tests all ask here, by name:

    can(user, "view_update", update)

Every role is held in one programme and counts only there. Readers outside the officer team (IIB
members and committee viewers) see signed-off reports only. Officers see every period, planned ones
included (readers never see a planned period); a workstream's draft or submitted update is visible to
that workstream's team (project managers, sponsor, PMO support) and to the PMO, CMT and lead executive
director, and to everyone else once approved.
"""
from __future__ import annotations

from typing import Callable

from app.models import OutboxMessage, Programme, ReportingPeriod, Role, UpdateState, User, Workstream, WorkstreamUpdate
from app.models.users import WORKSTREAM_ROLES
from app.workflow import TRANSITIONS, edit_refusal, may

PROGRAMME_STAFF_ROLES = (Role.PMO, Role.CMT_MEMBER, Role.LEAD_DIRECTOR)
READER_ROLES = (Role.IIB_MEMBER, Role.VIEWER)


def is_officer(user: User, programme_id: int) -> bool:
    """Anyone with a role in running the programme (not only reading its signed-off reports)."""
    return any(a.role not in READER_ROLES and a.programme_id == programme_id for a in user.role_assignments)


def is_programme_staff(user: User, programme_id: int) -> bool:
    return user.has_any_role(*PROGRAMME_STAFF_ROLES, programme_id=programme_id)


def is_reader(user: User, programme_id: int) -> bool:
    return user.has_any_role(*READER_ROLES, programme_id=programme_id)


def is_on_workstream_team(user: User, workstream_id: int) -> bool:
    return bool(user.roles_for(workstream_id) & WORKSTREAM_ROLES)


def _can_view_programme(user: User, programme: Programme) -> bool:
    return programme.id in user.programme_ids


def _can_view_period(user: User, period: ReportingPeriod) -> bool:
    if is_officer(user, period.programme_id):
        return True
    return is_reader(user, period.programme_id) and _period_signed_off(period)


def _can_view_workstream(user: User, workstream: Workstream) -> bool:
    return workstream.programme_id in user.programme_ids


def _can_view_update(user: User, update: WorkstreamUpdate) -> bool:
    programme_id = update.period.programme_id
    if is_programme_staff(user, programme_id) or is_on_workstream_team(user, update.workstream_id):
        return True
    if is_officer(user, programme_id):
        return update.state is UpdateState.APPROVED
    return is_reader(user, programme_id) and _period_signed_off(update.period)


def _can_administer(user: User, programme: Programme) -> bool:
    """The PMO runs its own programme: settings, workstreams, people and the reporting calendar."""
    return user.has_role(Role.PMO, programme.id)


def administered_programme_ids(user: User) -> set[int]:
    """The programmes this person is PMO of."""
    return {a.programme_id for a in user.role_assignments if a.role is Role.PMO}


def _can_change_access(user: User, person: User) -> bool:
    """Deactivating (or reactivating) an account: the account is shared by every programme its holder works
    in, so a PMO may do it only when they are PMO of each of those programmes (otherwise they revoke the
    roles held in theirs, and the other programmes keep theirs). Someone who may create programmes (who set
    the service up) is deactivated only by another who may. Never one's own account; and not an account
    with no role anywhere, which no programme answers for (the command line can)."""
    if person.id == user.id or not person.programme_ids:
        return False
    if person.may_create_programmes and not user.may_create_programmes:
        return False
    return person.programme_ids <= administered_programme_ids(user)


def _can_change_period_dates(user: User, period: ReportingPeriod) -> bool:
    """The PMO changes a period's dates until its latest revision is signed off."""
    from app.periods.rules import dates_change_refusal

    return _can_administer(user, period.programme) and dates_change_refusal(period) is None


def _can_open_period(user: User, period: ReportingPeriod) -> bool:
    return _can_administer(user, period.programme) and period.is_planned


def _can_delete_period(user: User, period: ReportingPeriod) -> bool:
    """The PMO deletes a period that has no activity yet (planned, never opened)."""
    from app.periods.rules import deletion_refusal

    return _can_administer(user, period.programme) and deletion_refusal(period) is None


def _can_create_programme(user: User, _target=None) -> bool:
    return user.may_create_programmes


def _can_administer_service(user: User, _target=None) -> bool:
    """The service's own pages (the email outbox): whoever may create programmes, or a PMO of any."""
    return user.may_create_programmes or any(a.role is Role.PMO for a in user.role_assignments)


def _can_view_message(user: User, message: OutboxMessage) -> bool:
    """An email in the outbox: a PMO reads their own programmes' email, never another programme's. Account
    emails that belong to no programme (password links, the first PMO's invitation) only whoever may create
    programmes, who answers for the service itself."""
    if message.programme_id is None:
        return user.may_create_programmes
    return user.has_role(Role.PMO, message.programme_id)


def _period_signed_off(period: ReportingPeriod) -> bool:
    from app.reports.queries import has_signed_off_revision

    return has_signed_off_revision(period)


def _can_edit(user: User, target) -> bool:
    return edit_refusal(target, user) is None


def _transition_rule(action: str) -> Callable[[User, object], bool]:
    def rule(user: User, target) -> bool:
        return may(action, target, user)

    return rule


RULES: dict[str, Callable[[User, object], bool]] = {
    "view_period": _can_view_period,
    "view_workstream": _can_view_workstream,
    "view_update": _can_view_update,
    "view_programme": _can_view_programme,
    "administer": _can_administer,
    # The reporting calendar (targets ReportingPeriod); planning one is "administer" on the programme.
    "change_period_dates": _can_change_period_dates,
    "open_period": _can_open_period,
    "delete_period": _can_delete_period,
    "create_programme": _can_create_programme,
    "administer_service": _can_administer_service,
    "change_access": _can_change_access,
    "view_message": _can_view_message,
    "edit": _can_edit,
    # The workflow's transitions, decided by its table.
    **{action: _transition_rule(action) for action in TRANSITIONS},
}


def can(user, action: str, target=None) -> bool:
    """True if `user` may do `action` to `target`. Unknown actions are a programming error."""
    rule = RULES[action]
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return rule(user, target)


def require(action: str, target=None) -> None:
    """Abort with 403 unless the signed-in user may do `action` to `target`."""
    from flask import abort
    from flask_login import current_user

    if not can(current_user, action, target):
        abort(403)
