"""``[ingest]`` of segment-agent.toml: what a plausible value is, and how to read files detection cannot settle.

The bounds stop values that parse but cannot be true — an order dated 9999-12-31 would make every customer
"lapsed", an amount of 1e15 would swamp every total — at the boundary, with the row and value to fix, instead
of letting them through to features and answers. Shops with genuinely old data or huge B2B orders change
the bounds here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from tools.errors import UserError

if TYPE_CHECKING:
    from tools.runtime.settings import Settings

ENCODINGS_HINT = "utf-8, cp1252, latin-1, shift_jis, gb18030, big5, euc-kr"


@dataclass(frozen=True)
class IngestSettings:
    """``max_abs_amount``: largest plausible |amount|, |unit_price| or |quantity| of one order line.
    ``earliest_date``: dates before it (ISO, default 1970-01-01) are refused; ``max_days_ahead``: how far past
    today a date may lie (clock skew, time zones). ``max_columns``: wider files are refused before parsing.
    ``encoding``: "auto" (detected) or a codec name; ``decimal_mark``: "auto", "." or "," for number columns
    whose values alone cannot tell (only values such as 1.234 or 1,234)."""

    max_abs_amount: float = 1e9
    earliest_date: str = "1970-01-01"
    max_days_ahead: float = 1.0
    max_columns: int = 1000
    encoding: str = "auto"
    decimal_mark: str = "auto"

    @classmethod
    def from_settings(cls, settings: Settings) -> IngestSettings:
        """The validated ``[ingest]`` section."""
        values = settings.section("ingest", asdict(cls()))
        result = cls(**values)
        result.earliest()  # validate now, with the setting's name in the message
        if result.decimal_mark not in ("auto", ".", ","):
            raise UserError(f"Setting 'decimal_mark' in [ingest] of {settings.path} must be \"auto\", \".\" or "
                            f"\",\", not {result.decimal_mark!r}.")
        if result.max_abs_amount <= 0 or result.max_columns < 1 or result.max_days_ahead < 0:
            raise UserError(f"[ingest] of {settings.path}: max_abs_amount and max_columns must be positive and "
                            "max_days_ahead at least 0.")
        if result.encoding != "auto":
            _check_codec(result.encoding, str(settings.path))
        return result

    def earliest(self) -> datetime:
        """``earliest_date`` as a datetime."""
        try:
            return datetime.combine(date.fromisoformat(self.earliest_date), datetime.min.time())
        except ValueError:
            raise UserError(f"Setting 'earliest_date' in [ingest] must be an ISO date such as 1970-01-01, not "
                            f"{self.earliest_date!r}.") from None

    def latest(self, now: datetime) -> datetime:
        """The latest plausible date, given the current time."""
        return datetime.combine(now.date(), datetime.min.time()) + timedelta(days=1 + self.max_days_ahead)


def _check_codec(name: str, where: str) -> None:
    import codecs

    try:
        codecs.lookup(name)
    except LookupError:
        raise UserError(f"Setting 'encoding' in [ingest] of {where}: {name!r} is not a known text encoding; use "
                        f"\"auto\" or one such as {ENCODINGS_HINT}.") from None
