"""Calendar days in Los Angeles time, shared by every app that filters timestamps by date."""

import datetime

from django.utils import timezone


def local_day_start(day: datetime.date, *, days_after: int = 0) -> datetime.datetime:
    """Midnight, local time, `days_after` days after `day`: `at >= local_day_start(first)` and
    `at < local_day_start(last, days_after=1)` take whole days, and an index on `at` is still
    used."""
    try:
        day += datetime.timedelta(days=days_after)
    except OverflowError:  # past 31 December 9999, which no timestamp is later than
        day = datetime.date.max
    midnight = datetime.datetime.combine(day, datetime.time())
    return midnight.replace(tzinfo=timezone.get_current_timezone())
