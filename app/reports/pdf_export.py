"""The board pack as PDF: the report page's own template, laid out for A4 by WeasyPrint."""
from __future__ import annotations

from pathlib import Path

from flask import current_app, render_template
from weasyprint import CSS, HTML

_STYLESHEET: CSS | None = None


def _print_stylesheet() -> CSS:
    # Parsed once per process: it does not change while the app runs.
    global _STYLESHEET
    if _STYLESHEET is None:
        _STYLESHEET = CSS(filename=str(Path(current_app.static_folder) / "css" / "print.css"))
    return _STYLESHEET


def build_pdf(content: dict, draft: bool, fingerprint: str | None) -> bytes:
    html = render_template("reports/pack.html", content=content, draft=draft, fingerprint=fingerprint)
    document = HTML(string=html, base_url=current_app.static_folder)
    return document.write_pdf(stylesheets=[_print_stylesheet()], uncompressed_pdf=False)
