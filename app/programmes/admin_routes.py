"""Setting programmes up: creating one (whoever may create programmes becomes its PMO) and the settings its PMO
keeps."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.extensions import db
from app.forms import attach_errors, differences_from_saved
from app.input_rules import Refused
from app.permissions import require
from app.programmes import bp
from app.programmes.access import load_programme
from app.programmes.forms import NewProgrammeForm, ProgrammeSettingsForm
from app.programmes.services import (
    SETTINGS_RULES,
    change_settings,
    create_programme,
    definition_field,
    settings_fingerprint,
    settings_of,
)
from app.rag import RAG


@bp.route("/programmes/new", methods=["GET", "POST"])
@login_required
def new():
    require("create_programme")
    form = NewProgrammeForm()
    if form.validate_on_submit():
        try:
            programme = create_programme(
                name=form.name.data, organisation=form.organisation.data,
                months_per_period=form.months_per_period.data, created_by=current_user,
            )
        except Refused as refused:
            attach_errors(form, refused.errors)
        else:
            db.session.commit()
            flash(f"{programme.name} created. You are its PMO: next, add its workstreams", "success")
            return redirect(url_for("programmes.show", programme_id=programme.id))
    return render_template("programmes/new.html", form=form), 200 if request.method == "GET" else 422


@bp.route("/programmes/<int:programme_id>/settings", methods=["GET", "POST"])
@login_required
def settings(programme_id: int):
    programme = load_programme(programme_id, "administer")
    if request.method == "GET":
        form = ProgrammeSettingsForm(formdata=None, data=_settings_data(programme))
        return render_template("programmes/settings.html", programme=programme, form=form, saved=None)
    form = ProgrammeSettingsForm()
    status, saved = 422, None
    if form.validate_on_submit():
        try:
            changed = change_settings(programme, current_user, _posted_settings(form), form.based_on.data or "")
        except Refused as refused:
            db.session.rollback()
            attach_errors(form, refused.errors)
            status = refused.status
            if status == 409:
                # Saving again now overwrites what is saved: the page shows it beside what they typed.
                form.based_on.data = settings_fingerprint(programme)
                saved = differences_from_saved(form, _settings_data(programme))
        else:
            db.session.commit()
            flash("Settings saved" if changed else "Nothing had changed: the settings are as they were", "success")
            return redirect(url_for("programmes.show", programme_id=programme.id))
    return render_template("programmes/settings.html", programme=programme, form=form, saved=saved), status


def _settings_data(programme) -> dict:
    values = settings_of(programme)
    data = {name: values[name] for name in SETTINGS_RULES}
    data.update({definition_field(rag): values["rag_definitions"][rag.name] for rag in RAG})
    data["based_on"] = settings_fingerprint(programme)
    return data


def _posted_settings(form: ProgrammeSettingsForm) -> dict:
    values = {name: form[name].data for name in SETTINGS_RULES}
    values["rag_definitions"] = {rag.name: form[definition_field(rag)].data for rag in RAG}
    return values
