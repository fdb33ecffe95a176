"""Column types shared by the models."""
import datetime as dt

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every database (SQLite hands back naive values)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("Timestamps must be timezone-aware.")
        return value.astimezone(dt.timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


def enum_column(enum_class, name: str | None = None, **kwargs):
    """An enumeration stored by member name in a VARCHAR with a CHECK constraint, the same on every database.

    `name` names the CHECK constraint; give one when a table has two columns of the same enumeration.
    """
    return sa.Enum(
        enum_class,
        native_enum=False,
        create_constraint=True,
        length=max(len(member.name) for member in enum_class),
        validate_strings=True,
        name=name or enum_class.__name__.lower(),
        **kwargs,
    )


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)
