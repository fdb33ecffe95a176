"""A programme's people, for its PMO: who holds what, inviting someone, giving and taking away roles,
deactivating and reactivating accounts; and each workstream's team (sponsor, project managers, PMO support).

The rules are app.people.services'; a refusal comes back as an error beside the field of a form, or as the
answer to a button (403 or 409 with the reason)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from app import notifications
from app.extensions import db
from app.forms import attach_errors
from app.models import Programme, Role
from app.notifications import smtp_configured
from app.people import bp
from app.people.forms import GrantRoleForm, InviteForm, WorkstreamPersonForm
from app.people.queries import (
    PersonInProgramme,
    assignment_in,
    people_of,
    person_in,
    team_of,
    workstream_with_team,
)
from app.people.services import (
    Invitation,
    PeopleChangeRefused,
    access_change_refusal,
    deactivate_person,
    describe_grant,
    grant_role,
    invite_person,
    reactivate_person,
    resend_invitation as resend_invitation_to,
    revoke_refusal,
    revoke_role,
)
from app.period_queries import active_workstreams
from app.permissions import can, require
from app.programmes.access import in_programme, load_programme


def _programme(programme_id: int) -> Programme:
    return load_programme(programme_id, "administer")


def _member(programme: Programme, user_id: int) -> PersonInProgramme:
    return person_in(programme.id, user_id) or abort(404)


def _refused_in(form, refusal: PeopleChangeRefused, field: str | None = None) -> None:
    """Nothing of the refused change is kept; its message goes beside its field (or above the form)."""
    db.session.rollback()
    if refusal.status == 403:
        abort(403, refusal.message)
    attach_errors(form, {refusal.field or field or "": refusal.message})


def _perform(change) -> object:
    """Run a button's change and commit it; a refusal answers with its status and reason."""
    try:
        result = change()
    except PeopleChangeRefused as refusal:
        db.session.rollback()
        abort(refusal.status, refusal.message)
    db.session.commit()
    return result


@bp.get("/programmes/<int:programme_id>/people")
@login_required
def index(programme_id: int):
    programme = _programme(programme_id)
    workstreams = active_workstreams(programme.id)
    return render_template(
        "people/index.html",
        programme=programme,
        people=people_of(programme.id),
        teams=[(workstream, team_of(workstream)) for workstream in workstreams],
    )


@bp.route("/programmes/<int:programme_id>/people/invite", methods=["GET", "POST"])
@login_required
def invite(programme_id: int):
    programme = _programme(programme_id)
    form = InviteForm(workstreams=active_workstreams(programme.id))
    if form.validate_on_submit():
        try:
            invitation = invite_person(
                programme, name=form.name.data, email=form.email.data, grants=form.grants(), actor=current_user
            )
        except PeopleChangeRefused as refusal:
            _refused_in(form, refusal)
        else:
            db.session.commit()
            notifications.deliver_pending()
            flash(_invited(invitation, programme), "success")
            return redirect(url_for("people.show", programme_id=programme.id, user_id=invitation.person.id))
    return render_template("people/invite.html", programme=programme, form=form), 422 if form.errors else 200


def _invited(invitation: Invitation, programme: Programme) -> str:
    person = invitation.person
    if invitation.created:
        where = "" if smtp_configured() else " Email is not configured, so the invitation waits in the outbox."
        return f"Invitation sent to {person.name} ({person.email}).{where}"
    granted = "; ".join(describe_grant(a.role, a.workstream, programme) for a in invitation.granted)
    if not granted:
        return f"{person.email} already has an account as {person.name}, who already holds every role you chose."
    return f"{person.email} already has an account as {person.name}, so no invitation was needed: they now hold {granted}."


@bp.get("/programmes/<int:programme_id>/people/<int:user_id>")
@login_required
def show(programme_id: int, user_id: int):
    programme = _programme(programme_id)
    return _person_page(programme, _member(programme, user_id), GrantRoleForm(workstreams=active_workstreams(programme.id)))


def _person_page(programme: Programme, member: PersonInProgramme, form: GrantRoleForm, status: int = 200):
    person = member.person
    return (
        render_template(
            "people/show.html",
            programme=programme,
            member=member,
            form=form,
            is_self=person.id == current_user.id,
            revoke_refusals={a.id: revoke_refusal(a) for a in member.assignments},
            access_refusal=access_change_refusal(person, actor=current_user, deactivating=person.active),
        ),
        status,
    )


@bp.post("/programmes/<int:programme_id>/people/<int:user_id>/roles")
@login_required
def grant(programme_id: int, user_id: int):
    programme = _programme(programme_id)
    member = _member(programme, user_id)
    form = GrantRoleForm(workstreams=active_workstreams(programme.id))
    if form.validate_on_submit():
        role, workstream = form.chosen()
        try:
            assignment = grant_role(member.person, role, programme, workstream=workstream, actor=current_user)
        except PeopleChangeRefused as refusal:
            _refused_in(form, refusal)
        else:
            db.session.commit()
            what = describe_grant(role, workstream, programme)
            flash(f"{member.person.name} is now {what}" if assignment else f"{member.person.name} already holds {what}",
                  "success")
            return redirect(url_for("people.show", programme_id=programme.id, user_id=user_id))
        member = _member(programme, user_id)
    return _person_page(programme, member, form, 422)


@bp.post("/programmes/<int:programme_id>/people/<int:user_id>/roles/<int:assignment_id>/revoke")
@login_required
def revoke(programme_id: int, user_id: int, assignment_id: int):
    programme = _programme(programme_id)
    assignment = assignment_in(programme.id, assignment_id, user_id=user_id) or abort(404)
    person = assignment.user
    what = describe_grant(assignment.role, assignment.workstream, programme)
    _perform(lambda: revoke_role(assignment, actor=current_user))
    flash(f"{person.name} is no longer {what}", "success")
    if not can(current_user, "administer", programme):
        return redirect(url_for("programmes.show", programme_id=programme.id))
    if programme.id not in person.programme_ids:
        return redirect(url_for("people.index", programme_id=programme.id))
    return redirect(url_for("people.show", programme_id=programme.id, user_id=user_id))


@bp.post("/programmes/<int:programme_id>/people/<int:user_id>/invitation")
@login_required
def resend_invitation(programme_id: int, user_id: int):
    programme = _programme(programme_id)
    person = _member(programme, user_id).person
    _perform(lambda: resend_invitation_to(person, programme, actor=current_user))
    notifications.deliver_pending()
    flash(f"A new invitation was sent to {person.name}; the link in the earlier one no longer works.", "success")
    return redirect(url_for("people.show", programme_id=programme.id, user_id=user_id))


@bp.post("/programmes/<int:programme_id>/people/<int:user_id>/<any(deactivate, reactivate):action>")
@login_required
def change_access(programme_id: int, user_id: int, action: str):
    """Deactivating ends every session of the account at once; reactivating lets it sign in again."""
    programme = _programme(programme_id)
    person = _member(programme, user_id).person
    change = deactivate_person if action == "deactivate" else reactivate_person
    changed = _perform(lambda: change(person, actor=current_user, programme=programme))
    if not changed:
        flash(f"{person.name}'s account was already {action}d", "success")
    else:
        flash(f"{person.name} {'can sign in again' if person.active else 'can no longer sign in'}", "success")
    return redirect(url_for("people.show", programme_id=programme.id, user_id=user_id))


@bp.route("/workstreams/<int:workstream_id>/people", methods=["GET", "POST"])
@login_required
def workstream_team(workstream_id: int):
    workstream = workstream_with_team(workstream_id) or abort(404)
    programme = workstream.programme
    require("administer", programme)
    in_programme(programme)
    people = [member.person for member in people_of(programme.id) if member.person.active]
    form = WorkstreamPersonForm(people=people)
    if form.validate_on_submit():
        person, role = form.people_by_id[form.user_id.data], Role[form.role.data]
        try:
            assignment = grant_role(person, role, programme, workstream=workstream, actor=current_user)
        except PeopleChangeRefused as refusal:
            _refused_in(form, refusal, field="user_id")
        else:
            db.session.commit()
            what = describe_grant(role, workstream, programme)
            flash(f"{person.name} is now {what}" if assignment else f"{person.name} already is {what}", "success")
            return redirect(url_for("people.workstream_team", workstream_id=workstream.id))
        workstream = workstream_with_team(workstream_id)
    return (
        render_template(
            "people/workstream_team.html",
            workstream=workstream,
            programme=programme,
            team=team_of(workstream),
            form=form,
            revoke_refusals={a.id: revoke_refusal(a) for a in workstream.role_assignments},
        ),
        422 if form.errors else 200,
    )


@bp.post("/workstreams/<int:workstream_id>/people/<int:assignment_id>/remove")
@login_required
def remove_from_workstream(workstream_id: int, assignment_id: int):
    workstream = workstream_with_team(workstream_id) or abort(404)
    require("administer", workstream.programme)
    assignment = assignment_in(workstream.programme_id, assignment_id, workstream_id=workstream.id) or abort(404)
    person = assignment.user
    what = describe_grant(assignment.role, workstream, workstream.programme)
    _perform(lambda: revoke_role(assignment, actor=current_user))
    flash(f"{person.name} is no longer {what}", "success")
    return redirect(url_for("people.workstream_team", workstream_id=workstream.id))
