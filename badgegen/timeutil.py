"""Dates in content, and the build's notion of "now".

Open Badges wants `issuedOn` with a time zone; coordinators write a plain date.
A plain date means midnight in the registry's time zone. The build time comes
from `SOURCE_DATE_EPOCH` when set (CI sets it from the last commit), so the same
commit always builds the same bytes, including every valid/expired status.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class BadDate(ValueError):
    """A text that looks like a date but is not a real one (2026-02-30)."""


def parse_content_date(text: str, zone: ZoneInfo) -> datetime:
    """`2026-03-14` or `2026-03-14T09:30:00+01:00` → an aware datetime."""
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(0, 0), tzinfo=zone)
        parsed = datetime.fromisoformat(text.replace(" ", "T"))
    except ValueError as exc:
        raise BadDate(text) from exc
    if parsed.tzinfo is None:
        raise BadDate(text)
    return parsed


def load_zone(name: str) -> ZoneInfo:
    """The time zone `name`, or ValueError when unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(name) from exc


def build_time(environ: dict[str, str] | None = None) -> datetime:
    """Now, or `SOURCE_DATE_EPOCH` when set, in UTC and to the second."""
    env = os.environ if environ is None else environ
    epoch = env.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    return datetime.now(tz=UTC).replace(microsecond=0)


def add_months(moment: datetime, months: int) -> datetime:
    """`moment` plus whole months, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


def iso(moment: datetime) -> str:
    """ISO 8601 with seconds and offset, as Open Badges expects (2026-03-14T00:00:00+01:00)."""
    return moment.isoformat(timespec="seconds")
