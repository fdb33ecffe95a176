"""Password rules, after the NCSC's guidance: long enough, not a common password, not about the person.
No composition rules and no forced expiry."""
from __future__ import annotations

import re
import string

from zxcvbn import zxcvbn
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
    personal = [part for part in [*name.lower().split(), *re.split(r"[.@_+-]", email.lower())] if len(part) >= 3]
    rest = folded
    for part in sorted(personal, key=len, reverse=True):
        rest = rest.replace(part, "")
    if len(rest.strip(string.digits + string.punctuation + " ")) < 4:
        return "Choose a password that is not made of your name or email address"
    # zxcvbn estimates guesses from patterns (keyboard runs, repeats, dates, common words).
    if zxcvbn(password[:100], user_inputs=[name, email])["score"] < 3:
        return "Choose a password that is harder to guess, for example three or four unrelated words"
    return None
