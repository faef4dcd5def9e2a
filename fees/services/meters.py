"""Meter readings (F-04): a reading lower than the last one is refused; one far above the unit's usual
use is accepted but flagged with the reason, so finance can check it before the bill run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from fees import permissions
from fees.models import ZERO, Meter, MeterReading
from fees.money import parse_quantity
from fees.services.common import month_start

UNUSUAL_FACTOR = Decimal(3)  # more than 3× the average of the last 3 months is flagged


@transaction.atomic
def meter_reading_record(*, meter: Meter, period: date, reading, actor: User, now: datetime | None = None,
                         _checked: bool = False) -> MeterReading:
    now = now or timezone.now()
    if not _checked:
        permissions.check_read_meters(actor, meter.site_id)
    period = month_start(period)
    value = parse_quantity(reading, _("Reading"))
    previous = (MeterReading.objects.filter(meter=meter, period__lt=period).order_by("-period").first())
    if previous is not None and value < previous.reading:
        raise DomainError(_("The reading %(new)s is lower than last time (%(old)s, %(month)s).")
                          % {"new": value, "old": previous.reading, "month": f"{previous.period:%Y-%m}"},
                          code="lower")
    used = value - previous.reading if previous is not None else ZERO
    recent = list(MeterReading.objects.filter(meter=meter, period__lt=period).order_by("-period")
                  .values_list("consumption", flat=True)[:3])
    flagged, reason = False, ""
    usual = sum(recent, ZERO) / len(recent) if recent else ZERO
    if usual > 0 and used > usual * UNUSUAL_FACTOR:
        flagged = True
        reason = _("Use %(used)s is more than 3 times the usual %(usual)s: check the meter.") % {
            "used": used, "usual": usual.quantize(Decimal("0.01"))}
    row, _created = MeterReading.objects.update_or_create(
        meter=meter, period=period,
        defaults={"site_id": meter.site_id, "reading": value, "consumption": used, "flagged": flagged,
                  "flag_reason": reason, "entered_by": actor, "entered_at": now})
    return row


@dataclass
class RowResult:
    row: int
    meter: str
    reading: str
    ok: bool
    message: str


def meter_readings_import(*, site_id: int, period: date, rows: list[tuple[str, str]], actor: User,
                          now: datetime | None = None) -> list[RowResult]:
    """A spreadsheet of (meter number, reading): each row recorded or refused with its reason; nothing lost."""
    permissions.check_read_meters(actor, site_id)
    meters = {m.number: m for m in Meter.objects.filter(site_id=site_id, is_active=True)}
    report = []
    for i, (number, raw) in enumerate(rows, start=2):  # row 1 is the header
        number, raw = str(number or "").strip(), str(raw if raw is not None else "").strip()
        meter = meters.get(number)
        if meter is None:
            report.append(RowResult(i, number, raw, False, _("No such meter at this site.")))
            continue
        try:
            r = meter_reading_record(meter=meter, period=period, reading=raw, actor=actor, now=now, _checked=True)
        except DomainError as err:
            report.append(RowResult(i, number, raw, False, err.message))
        else:
            report.append(RowResult(i, number, raw, True, r.flag_reason or _("Recorded.")))
    return report
