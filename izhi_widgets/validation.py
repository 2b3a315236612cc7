"""One validation helper for every number that enters the package.

`check_number` turns a value into a finite ``float`` (or ``int``) inside a range, or
raises ``ValueError`` whose text starts with the field's name, so the message can be
shown to a user as it is. Parameters, run settings, stimulus fields and the panel's
typed values all go through it.

Examples
--------
>>> from izhi_widgets.validation import check_number
>>> check_number("a", 0.02, -1, 2)
0.02
>>> check_number("duration (ms)", float("nan"), 0, 5000)
Traceback (most recent call last):
...
ValueError: duration (ms) must be a finite number, got nan
>>> check_number("count", 3.0, 1, 1000, integer=True)
3
"""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any

__all__ = ["check_number", "short_repr"]


def short_repr(value: float) -> str:
    """The shortest text that reads back as the same float ("10" for 10.0, "0.1" for 0.1).

    >>> short_repr(25.900000000000002), short_repr(10.0), short_repr(1e-9)
    ('25.900000000000002', '10', '1e-09')
    """
    x = float(value)
    if x.is_integer() and abs(x) < 1e16:
        return str(int(x))
    return repr(x)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def check_number(field: str, value: Any, lo: float | None = None, hi: float | None = None, *,
                 unit: str = "", integer: bool = False, lo_open: bool = False) -> float:
    """``value`` as a finite number in ``[lo, hi]`` (``(lo, hi]`` with ``lo_open``).

    Parameters
    ----------
    field : str
        The name used in the message (the panel passes its own label, e.g. "dt (ms)").
    value : number
        Booleans, strings, None and non-finite values are refused.
    lo, hi : float, optional
        Inclusive bounds (``None``: unbounded on that side).
    unit : str
        Appended to the bounds in the message ("between 0.005 and 1 ms").
    integer : bool
        Require a whole number and return an ``int``.
    lo_open : bool
        Exclude ``lo`` itself ("must be > 0").

    Raises
    ------
    ValueError
        ``"<field> must be ..."``, naming the allowed range.
    """
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{field} must be a number, got {_show(value)}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{field} must be a finite number, got {_show(value)}")
    if integer:
        if not isinstance(value, Integral) and not number.is_integer():
            raise ValueError(f"{field} must be a whole number, got {_show(value)}")
    suffix = f" {unit}" if unit else ""
    too_low = lo is not None and (number <= lo if lo_open else number < lo)
    too_high = hi is not None and number > hi
    if too_low or too_high:
        shown = short_repr(number)
        if lo is not None and hi is not None:
            if lo_open:
                raise ValueError(f"{field} must be > {lo:g} and at most {hi:g}{suffix}, "
                                 f"got {shown}")
            raise ValueError(f"{field} must be between {lo:g} and {hi:g}{suffix}, got {shown}")
        if too_low:
            relation = ">" if lo_open else "at least"
            raise ValueError(f"{field} must be {relation} {lo:g}{suffix}, got {shown}")
        raise ValueError(f"{field} must be at most {hi:g}{suffix}, got {shown}")
    return int(number) if integer else number
