"""What a password must be: 12 to 1024 characters, and not one that guessers try early.

"Guessers try it early" is zxcvbn's judgement (Dropbox's estimator, pinned in pyproject.toml): it
ships its lists offline — some 30,000 passwords most common in published breaches, English words,
names, keyboard walks, dates, repeats and sequences — and scores how many guesses a password would
survive. A score below 3 (fewer than 10^8 guesses) is refused, with zxcvbn's own advice. The account
name counts as a known word too, so `alice.krueger2026` is refused for alice.krueger. Nothing is sent
anywhere: the lists are in the package.
"""
from __future__ import annotations

MIN_PASSWORD = 12
MAX_PASSWORD = 1024   # argon2 accepts anything; a bound keeps one request from costing megabytes
MIN_SCORE = 3         # zxcvbn: 0 too guessable ... 4 very unguessable; 3 survives 10^8 guesses
# zxcvbn judges at most 72 characters (its matching grows fast with length): the start of a longer one.
JUDGED_LENGTH = 72
RULE = (f"A password needs at least {MIN_PASSWORD} characters (at most {MAX_PASSWORD}) and must not be "
        "a common or easily guessed one.")


def check_password_rules(password: str, name: str | None = None) -> None:
    """Raises ValueError with the reason (and a hint) when `password` may not be used."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise ValueError(f"a password needs {MIN_PASSWORD} to {MAX_PASSWORD} characters")
    problem = guessable(password, name)
    if problem:
        raise ValueError(problem)


def guessable(password: str, name: str | None = None) -> str | None:
    """Why `password` is too easy to guess, or None when it is not."""
    from zxcvbn import zxcvbn  # loads its word lists (a few MB) on first use, not at import

    words = [name, *name.replace("@", ".").replace("_", ".").replace("-", ".").split(".")] if name else []
    result = zxcvbn(password[:JUDGED_LENGTH], user_inputs=[w for w in words if w])
    if result["score"] >= MIN_SCORE:
        return None
    feedback = result.get("feedback") or {}
    advice = " ".join(filter(None, [feedback.get("warning"), *(feedback.get("suggestions") or [])]))
    return "this password is common or easily guessed" + (f" ({advice.strip()})" if advice.strip() else "")
