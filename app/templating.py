"""Filters and globals the templates use."""
import datetime as dt

from flask import Flask, request, url_for
from flask_login import current_user

from app import formatting
from app.forms import error_summary
from app.history import ACTION_LABELS
from app.permissions import PROGRAMME_STAFF_ROLES, can
from app.rag import RAG
from app.trend_chart import trend_chart


def as_rag(value):
    return RAG.named(value)


def current_user_can(action: str, target=None) -> bool:
    """`can` for templates: asks about the signed-in person."""
    return can(current_user, action, target)


def today() -> dt.date:
    return dt.date.today()


OWN_PAGE_ONLY = {"programmes.settings"}


def nav_items():
    """The service navigation: My work, then the pages of the programme in view (or the person's only one)."""
    from app.programmes.access import current_programme

    programme = current_programme()
    items = [("main.my_work", "My work", {})]
    if programme is not None:
        here = {"programme_id": programme.id}
        items += [("periods.index", "Reporting periods", here), ("workstreams.index", "Workstreams", here)]
        if can(current_user, "administer", programme):
            items += [("people.index", "People", here), ("programmes.settings", "Settings", here)]
    elif len(current_user.programme_ids) > 1 or can(current_user, "create_programme"):
        items.append(("programmes.index", "Programmes", {}))
    if can(current_user, "administer_service"):
        items.append(("admin.outbox", "Outbox", {}))
    items.append(("auth.account", "Your account", {}))
    endpoint = request.endpoint or ""
    section = endpoint.split(".")[0]
    return [
        {
            "href": url_for(target, **arguments),
            "text": text,
            "current": endpoint == target,
            # An item stands for its blueprint's pages, but Settings for its own page only (the programme's
            # other pages are not its settings).
            "active": endpoint == target or (section == target.split(".")[0] and target not in OWN_PAGE_ONLY),
        }
        for target, text, arguments in items
    ]


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        long_date=lambda value: formatting.long_date(formatting.as_date(value)),
        short_date=lambda value: formatting.short_date(formatting.as_date(value)),
        date_time=formatting.date_time,
        month_year=lambda value: formatting.month_year(formatting.as_date(value)),
        prose=formatting.prose,
        as_rag=as_rag,
    )
    app.jinja_env.globals.update(
        error_summary=error_summary,
        trend_chart=trend_chart,
        short_period=lambda start, end: formatting.short_period(formatting.as_date(start), formatting.as_date(end)),
        can=current_user_can,
        today=today,
        nav_items=nav_items,
        action_labels=ACTION_LABELS,
        rag_levels=list(RAG),
        staff_roles=PROGRAMME_STAFF_ROLES,
        zip=zip,
    )

    @app.context_processor
    def service_context():
        return {
            "service_name": app.config["SERVICE_NAME"],
            "current_user": current_user,
        }
