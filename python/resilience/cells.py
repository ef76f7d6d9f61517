"""How a cell of a raw input file is read: one rule, shared with the staging models.

The patterns live once, in ``dbt_project.yml`` (var ``cell_rules``); the staging models
apply them through the macros ``input_number`` / ``input_integer`` / ``input_text``
(``macros/input_cells.sql``) and the pre-flight through the functions below, so a file the
pre-flight accepts is read by staging to the same values, and a cell it refuses (named at
its line) would have been refused by staging too. The rule:

* a cell is trimmed of spaces and tabs (nothing else: a no-break or ideographic space stays
  and makes the cell unreadable as a number);
* an empty cell is missing;
* a number matches ``cell_rules.number`` whole (ASCII digits only: ``１２３`` and ``٣`` are
  refused, as are ``1_000``, ``1,234``, ``inf``, ``nan``) and is finite (``1.2e400`` is
  refused); an integer (a year) matches ``cell_rules.integer``;
* a row whose cells are all empty (``,,,``) is skipped.

Tested against the SQL macros on the same cells in ``tests/python/test_cells.py``.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata

BLANKS = " \t"
"""What trimming removes (staging: ``trim(x, ' ' || chr(9))``)."""


@functools.cache
def _patterns() -> tuple[re.Pattern, re.Pattern]:
    from resilience import project_vars  # local: project_vars -> inputs -> cells

    rules = project_vars.defaults()["cell_rules"]
    return re.compile(rules["number"]), re.compile(rules["integer"])


def clean(text: str | None) -> str:
    """Return the cell trimmed of spaces and tabs ('' for None)."""
    return "" if text is None else str(text).strip(BLANKS)


def is_blank_row(cells) -> bool:
    """Return whether every cell of a row is empty after trimming (the row is skipped)."""
    return all(clean(c) == "" for c in cells)


def parse_number(text: str | None) -> float | None:
    """Return the cell as a finite float, or None when it is not a number by the rule."""
    cell = clean(text)
    if not _patterns()[0].fullmatch(cell):
        return None
    value = float(cell)
    return value if math.isfinite(value) else None


INT_RANGE = (-(2**31), 2**31 - 1)
"""Staging reads an integer cell as a 32-bit ``integer``; beyond it the cell is refused."""


def parse_integer(text: str | None) -> int | None:
    """Return the cell as an int, or None when it is not an integer by the rule."""
    cell = clean(text)
    if not _patterns()[1].fullmatch(cell):
        return None
    value = int(cell)
    return value if INT_RANGE[0] <= value <= INT_RANGE[1] else None


def out_of_range(text: str | None) -> bool:
    """Return whether the cell is written as a number that overflows a double (1.2e400)."""
    cell = clean(text)
    return bool(_patterns()[0].fullmatch(cell)) and not math.isfinite(float(cell))


def parse_year(text: str | None) -> int | None:
    """Return the cell as a year: an integer by the rule, written with four ASCII digits."""
    cell = clean(text)
    return int(cell) if len(cell) == 4 and cell.isascii() and cell.isdigit() else None


def ascii_spelling(text: str | None) -> str | None:
    """Return the number the cell spells in other digits (``１２３`` -> ``123``), else None.

    Full-width forms (digits, the ideographic space) are folded by NFKC, other scripts'
    decimal digits (``٣``) by their digit value; the result is returned only when it is a
    number by the rule, so that a message can say "write 123" instead of guessing.
    """
    cell = clean(text)
    if cell.isascii():
        return None
    folded = "".join(
        str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch
        for ch in unicodedata.normalize("NFKC", cell)
    )
    return clean(folded) if parse_number(folded) is not None else None


def number_problem(text: str, empty_is_missing: bool = True) -> str:
    """Return why a non-empty cell is not a number by the rule, with what to write instead.

    ``empty_is_missing``: the column may be left empty (the long indicator values), so the
    message suggests that; otherwise it asks for a plain number.
    """
    cell = clean(text)
    if out_of_range(cell):
        return f"value {cell!r} is out of range (overflows a double); check the cell"
    spelled = ascii_spelling(cell)
    if spelled is not None:
        return (
            f"value {cell!r} has non-ASCII characters (full-width or other-script digits, "
            f"spaces or signs); write {spelled}"
        )
    if THOUSANDS.fullmatch(cell):
        if empty_is_missing:
            return f"value {cell!r} has a thousands separator; write {cell.replace(',', '')}"
        return f"value {cell!r} is not a number; write {cell.replace(',', '')}"
    if empty_is_missing:
        return f"value {cell!r} is not a number; leave the cell empty for a missing value"
    return f"value {cell!r} is not a number; write a plain number (e.g. 1234.5)"


THOUSANDS = re.compile(r"[+-]?[0-9]{1,3}(,[0-9]{3})+([.][0-9]+)?")
"""``1,234`` or ``1,234.5``: a number with thousands separators (refused with a hint)."""
