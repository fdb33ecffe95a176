"""Waymark: improvement-plan highlight reporting with approvals."""
import importlib
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import config_from_environment
from app.extensions import csrf, db, htmx, limiter, login_manager, mail, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Modules of routes; each has the `bp` of its package's blueprint.
ROUTE_MODULES = (
    "auth.routes",
    "main.routes",
    "programmes.routes",
    "programmes.admin_routes",
    "periods.routes",
    "periods.calendar_routes",
    "workstreams.routes",
    "workstreams.admin_routes",
    "updates.routes",
    "updates.editor_routes",
    "reports.routes",
    "reports.action_routes",
    "admin.routes",
    "people.routes",
)


def create_app(config_class=None, **overrides) -> Flask:
    """Build the application. `overrides` are config values that win over the class (tests use them)."""
    app = Flask(
        __name__,
        static_folder=str(PROJECT_ROOT / "static"),
        # The GOV.UK Frontend stylesheet refers to /assets/...
        static_url_path="/assets",
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    config_class = config_class or config_from_environment()
    app.config.from_object(config_class)
    app.config.update(overrides)
    config_class.finalise(app)
    if app.config["PROXIES"]:
        # Behind N reverse proxies: take the client address, scheme and host from their X-Forwarded headers.
        n = app.config["PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(PROJECT_ROOT / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    WTFormsHelpers(app)

    db.init_app(app)
    from app import decision_locks

    decision_locks.register(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)

    with app.app_context():
        _configure_sqlite(db.engine)

    from app import logs, request_checks, security, templating
    from app.cli import register_cli
    from app.errors import register_error_handlers

    request_checks.register(app)
    templating.register(app)
    security.register(app)
    logs.register(app)
    register_error_handlers(app)
    register_cli(app)
    blueprints = {importlib.import_module(f"app.{module}").bp: None for module in ROUTE_MODULES}
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    return app


def _configure_sqlite(engine) -> None:
    """Foreign keys on, and real transactions (pysqlite's default defers BEGIN and breaks SAVEPOINT)."""
    from app.decision_locks import SQLITE_BEGIN

    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 5000")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A POST or a decision asks for BEGIN IMMEDIATE (app/decision_locks.py); every other transaction
        # defers its lock.
        begin = connection.get_execution_options().get(SQLITE_BEGIN, "BEGIN")
        connection.exec_driver_sql(begin)
        connection.info[SQLITE_BEGIN] = begin  # how the transaction now open began
