"""Name folding for search and duplicate detection: "Quintero-Ávila" and "quintero avila"
must meet."""

import re
import unicodedata

_NOT_LETTERS = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower case, accents removed, hyphens and punctuation turned into single spaces."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    without_marks = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_LETTERS.sub(" ", without_marks.lower()).strip()


def digits(text: str) -> str:
    return re.sub(r"\D", "", text or "")
