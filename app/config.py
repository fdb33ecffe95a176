"""Configuration classes, read from the environment.

`DATABASE_URL` selects the database (SQLite in the instance folder by default, PostgreSQL as
postgresql+psycopg://...); `SECRET_KEY` signs sessions and CSRF tokens and is required in production.
"""
import os
import secrets


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    # The largest form a page can post: a draft with every section at its 20,000-character limit, even
    # in characters that take nine bytes each when URL-encoded.
    MAX_CONTENT_LENGTH = 4 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    SERVICE_NAME = "Waymark"
    # Email: SMTP when MAIL_SERVER is set; otherwise messages stay in the outbox the PMO can read.
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "true").lower() == "true"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "waymark@localhost")
    # The service's address, for the links in email sent from a command (`flask users invite`); pages use
    # the address they were asked for.
    BASE_URL = os.environ.get("WAYMARK_BASE_URL", "http://localhost:5000")
    # An invitation link (to set a first password) works once, for this many days; a reset link for an hour.
    INVITATION_LINK_DAYS = int(os.environ.get("WAYMARK_INVITATION_LINK_DAYS", "7"))
    # Password hashing: werkzeug's scrypt (memory-hard KDF) unless a test config lowers the cost.
    PASSWORD_HASH_METHOD = "scrypt"
    PRODUCTION = False
    # Sign-in rate limits live in Redis when it is configured, so every app server counts together.
    REDIS_URL = os.environ.get("REDIS_URL")
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Sessions end after 30 minutes without a request, and 12 hours after signing in whatever happens.
    SESSION_IDLE_MINUTES = int(os.environ.get("WAYMARK_SESSION_IDLE_MINUTES", "30"))
    SESSION_ABSOLUTE_HOURS = int(os.environ.get("WAYMARK_SESSION_ABSOLUTE_HOURS", "12"))
    # How many reverse proxies stand in front of the app (their X-Forwarded-* headers are then trusted).
    PROXIES = int(os.environ.get("WAYMARK_PROXIES", "0"))
    # Build a signed-off revision's PDF and Word packs in the background right after sign-off.
    PREBUILD_PACKS = True

    @classmethod
    def finalise(cls, app):
        """Fill in what depends on the instance folder or on the environment being development."""
        if not app.config.get("SQLALCHEMY_DATABASE_URI"):
            os.makedirs(app.instance_path, exist_ok=True)
            path = os.path.join(app.instance_path, "waymark.sqlite")
            app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
        if not app.config.get("SECRET_KEY"):
            if app.config["PRODUCTION"]:
                raise RuntimeError("SECRET_KEY must be set in the environment in production.")
            app.config["SECRET_KEY"] = _development_secret_key(app.instance_path)


class DevelopmentConfig(Config):
    pass


class ProductionConfig(Config):
    PRODUCTION = True
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


class TestConfig(Config):
    TESTING = True
    WTF_CSRF_ENABLED = True
    # Cheap hashing keeps the suite fast; production strength is asserted in its own test.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    SECRET_KEY = "test-secret-key"
    MAIL_SERVER = None
    # Rate limits are tested on their own (tests/test_accounts.py lifts this exemption).
    RATELIMIT_EXEMPT_ALL = True
    # Tests build packs where they ask for them, never in a thread that outlives the test's database.
    PREBUILD_PACKS = False


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "test": TestConfig,
}


def config_from_environment():
    name = os.environ.get("WAYMARK_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"WAYMARK_ENV must be one of {', '.join(CONFIGS)}, not {name!r}.") from None


def _development_secret_key(instance_path):
    """A key kept in the instance folder so development sign-ins survive a restart."""
    os.makedirs(instance_path, exist_ok=True)
    path = os.path.join(instance_path, "development-secret-key")
    if not os.path.exists(path):
        with open(path, "w", encoding="ascii") as key_file:
            key_file.write(secrets.token_urlsafe(48))
        os.chmod(path, 0o600)
    with open(path, encoding="ascii") as key_file:
        return key_file.read().strip()
