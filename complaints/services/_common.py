"""Helpers shared by the complaint use cases: actor coercion, row lock, notices, numbering."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from complaints.models import (
    Complaint,
    ComplaintEvent,
)
from core.deadlines import deadline_running
from core.notifications import notification_queue
from core.numbering import day_period, number_take
from core.roles import Role
from core.service_kit import lock_row
from core.uploads import check_image
from estates.actors import Actor
from estates.selectors import users_with_roles

log = logging.getLogger(__name__)


E = ComplaintEvent.Kind
S = Complaint.Status
MAX_PHOTOS = 9
EMERGENCY_CLOCKS = ["complaint.emergency.notify", "complaint.emergency.company", "complaint.emergency.executive"]


def _staff(actor: Actor | None) -> Any:
    if actor is None:
        return None
    if hasattr(actor, "is_authenticated"):
        return getattr(actor, "staff", None)
    return actor


def _lock(complaint: Complaint) -> Complaint:
    return lock_row(complaint, "site", "department", "received_by__user")


def _save(c: Complaint, *fields: str) -> None:
    c.save(update_fields=[*fields, "updated_at"])


def _front_desk(site_id: int) -> list:
    return list(users_with_roles(site_id=site_id, roles=[Role.FRONT_DESK, Role.CS_SUPERVISOR]))


def _department_people(c: Complaint, roles: Iterable[str] = (Role.DEPT_SUPERVISOR, Role.SECURITY_SUPERVISOR,
                                                              Role.DEPT_STAFF)) -> list:
    if not c.department_id:
        return []
    return list(users_with_roles(site_id=c.site_id, roles=list(roles)).filter(staff__department_id=c.department_id))


def _inform_first_responder(c: Complaint, title: str, *, kind: str = "info", key: str = "") -> None:
    """C-01: the first-responder stays informed until closure."""
    user = c.received_by.user
    notification_queue(recipients=[user], title=f"{c.number} {title}", body=c.subject, url=c.get_absolute_url(),
                       kind=kind, site_id=c.site_id, subject=c,
                       dedupe_key=f"complaint:{c.pk}:fr:{key}" if key else "")


def complaint_number(site: Any, now: datetime) -> str:
    """TS-YYYYMMDD-NNNN like work orders' BS- (issue 20.9), gapless per site and day from the shared locked
    counter (issue 23.1); the counter row stays locked until commit, so intake takes it last. Complaints
    numbered earlier keep their `TS<site code>YYYYMMDD-NNN` (printed and quoted on the phone); the day's
    counter continues after them."""
    period = day_period(now)
    prefix = f"TS-{period}-"

    def seed() -> int:  # complaints numbered before the shared counter existed, in either style
        last = 0
        for start in (prefix, f"TS{site.code}{period}-"):
            for number in Complaint.objects.filter(site=site, number__startswith=start).values_list("number",
                                                                                                   flat=True):
                tail = number.rsplit("-", 1)[1]
                last = max(last, int(tail) if tail.isdigit() else 0)
        return last

    n = number_take(site_id=site.pk, series="TS", period=period, seed=seed)
    return f"{prefix}{n:04d}"


def photo_check(f: Any) -> Any:
    """X-03 / C-01, issue 13: only pictures, judged by content and re-encoded (core.uploads)."""
    return check_image(f)


def running(complaint: Complaint, code: str) -> bool:
    return deadline_running(complaint, code) is not None
