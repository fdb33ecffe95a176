"""Stored board packs: a signed-off revision's files are built once and served as stored; drafts never are."""
import sqlalchemy as sa

from app.extensions import db
from app.models import ProgrammeReport, ReportExport
from app.reports import exports
from tests.personas import RICHARD_CARR, STEVE_COX



def stored(app):
    with app.app_context():
        return sorted(db.session.execute(sa.select(ReportExport.report_id, ReportExport.format)).all())


def test_a_signed_off_pack_is_built_once_then_served_as_stored(app, ids, signed_in, monkeypatch):
    client = signed_in(RICHARD_CARR)
    path = f"/periods/{ids.periods['sep_oct']}/report.docx"
    first = client.get(path)
    assert first.status_code == 200 and len(stored(app)) == 1

    def no_rebuild(*_args, **_kwargs):
        raise AssertionError("a stored pack was built again")

    monkeypatch.setattr(exports, "build", no_rebuild)
    assert client.get(path).data == first.data


def test_a_stored_pack_for_other_content_is_replaced(app, ids, signed_in):
    with app.app_context():
        report = db.session.scalar(sa.select(ProgrammeReport).where(ProgrammeReport.period_id == ids.periods["sep_oct"]))
        db.session.add(ReportExport(report_id=report.id, format="docx", content_fingerprint="0" * 64, data=b"old"))
        db.session.commit()
    data = signed_in(RICHARD_CARR).get(f"/periods/{ids.periods['sep_oct']}/report.docx").data
    assert data != b"old" and data.startswith(b"PK")
    with app.app_context():
        kept = db.session.scalars(sa.select(ReportExport)).all()
        assert len(kept) == 1 and kept[0].content_fingerprint != "0" * 64


def test_a_draft_pack_is_never_stored(app, ids, signed_in):
    assert signed_in(STEVE_COX).get(f"/periods/{ids.periods['nov_dec']}/report.docx").status_code == 200
    assert stored(app) == []


def test_build_missing_builds_every_signed_off_pack_once(app):
    with app.test_request_context():
        assert exports.build_missing() == 4
        assert exports.build_missing() == 0
    assert sorted(fmt for _report, fmt in stored(app)) == ["docx", "docx", "pdf", "pdf"]


def test_packs_are_built_in_the_background_after_sign_off_when_configured(app, ids):
    app.config["PREBUILD_PACKS"] = True
    try:
        with app.test_request_context():
            report = db.session.scalar(
                sa.select(ProgrammeReport).where(ProgrammeReport.period_id == ids.periods["sep_oct"])
            )
            thread = exports.prebuild_after_sign_off(report)
            # As at the end of a request: this session holds no transaction while the pack is written.
            db.session.rollback()
            # The thread ends when the packs are stored or their build has failed (and was logged).
            thread.join()
    finally:
        app.config["PREBUILD_PACKS"] = False
    assert [fmt for _report, fmt in stored(app)] == ["docx", "pdf"]
    with app.test_request_context():
        assert exports.prebuild_after_sign_off(report) is None
