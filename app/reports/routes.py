"""The programme report of a period: on screen, and as the PDF and Word board pack."""
from flask import Response, render_template
from flask_login import login_required

from app.reports import bp
from app.reports.access import content_of, export_name, readable_report
from app.reports.exports import pack
from app.reports.queries import signed_off_revisions
from app.reports.rendering import report_body

MIME_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@bp.get("/periods/<int:period_id>/report")
@bp.get("/periods/<int:period_id>/revisions/<int:revision>")
@login_required
def show(period_id: int, revision: int | None = None):
    period, report = readable_report(period_id, revision)
    return render_template(
        "reports/show.html",
        period=period,
        report=report,
        body=report_body(period, report, lambda: content_of(period, report)),
        draft=not report.is_signed_off,
        revisions=signed_off_revisions(period),
    )


@bp.get("/periods/<int:period_id>/report.<any(pdf, docx):extension>")
@bp.get("/periods/<int:period_id>/revisions/<int:revision>.<any(pdf, docx):extension>")
@login_required
def download(period_id: int, extension: str, revision: int | None = None):
    period, report = readable_report(period_id, revision)
    data = pack(period, report, content_of(period, report), extension)
    return Response(
        data,
        mimetype=MIME_TYPES[extension],
        headers={"Content-Disposition": f'attachment; filename="{export_name(period, report, extension)}"'},
    )
