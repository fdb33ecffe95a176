"""Password rules, after the NCSC's guidance: long enough, not a common password, not about the person.
No composition rules and no forced expiry."""
from __future__ import annotations

from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 12
MAX_LENGTH = 1024
# 30,000 passwords most often found in breaches (zxcvbn's list).
COMMON_PASSWORDS = frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, name: str = "", email: str = "") -> str | None:
    """Why the password may not be used, as a GOV.UK error message, or None."""
    if len(password) < MIN_LENGTH:
        return f"Password must be at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    folded = password.lower()
    if folded in COMMON_PASSWORDS or folded.strip("0123456789!?.") in COMMON_PASSWORDS or len(set(folded)) < 4:
        return "Choose a password that is harder to guess: this one is too common"
    personal = [part for part in [*name.lower().split(), email.lower().split("@")[0]] if len(part) >= 4]
    if any(folded.replace(part, "") == "" or folded == part for part in personal):
        return "Choose a password that is not made of your name or email address"
    return None
