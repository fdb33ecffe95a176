"""The board pack as PDF: the report page's own template, laid out for A4 by WeasyPrint."""
from __future__ import annotations

from pathlib import Path

from flask import current_app, render_template
from weasyprint import CSS, HTML

from app.rag import rag_tag_css

_STYLESHEETS: list[CSS] = []


def _print_stylesheets() -> list[CSS]:
    # Parsed once per process: they do not change while the app runs.
    if not _STYLESHEETS:
        _STYLESHEETS.extend([
            CSS(filename=str(Path(current_app.static_folder) / "css" / "print.css")),
            CSS(string=rag_tag_css()),
        ])
    return _STYLESHEETS


def build_pdf(content: dict, draft: bool, fingerprint: str | None) -> bytes:
    html = render_template("reports/pack.html", content=content, draft=draft, fingerprint=fingerprint)
    document = HTML(string=html, base_url=current_app.static_folder)
    return document.write_pdf(stylesheets=_print_stylesheets(), uncompressed_pdf=False)
