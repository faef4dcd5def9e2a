"""K-02 weekly reconciliation and the incidents it opens."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.deadlines import deadline_start, deadline_stop
from core.errors import DomainError
from core.notifications import notification_queue
from core.roles import Role
from core.service_kit import lock_row
from estates.selectors import users_with_roles
from keys import permissions as perm
from keys.models import (
    KeyCabinet,
    KeyDeposit,
    KeyEvent,
    KeyIncident,
    KeyReconciliation,
    KeyReconciliationLine,
    SealRecord,
)
from keys.services._common import RECONCILE_CLOCK


# ---- K-02 weekly reconciliation
def reconciliation_candidates(site_id: int):
    return (KeyDeposit.objects.filter(site_id=site_id, status__in=KeyDeposit.IN_CUSTODY)
            .select_related("unit", "slot__cabinet").order_by("slot__cabinet__name", "slot__number"))


@transaction.atomic
def key_reconciliation_record(*, site, lines: dict[int, dict], actor: User, note: str = "",
                              now: datetime | None = None) -> KeyReconciliation:
    """SPEC K-02: every key in custody is checked; missing/broken/mismatched seals open incidents.

    `lines` maps deposit id → {"present": bool, "seal_intact": bool, "seal_number_seen": str, "note": str}.
    """
    now = now or timezone.now()
    if not perm.can_reconcile(actor, site.pk):
        raise DomainError(_("Only the security supervisor, the center head or the site director reconcile keys."),
                          code="not_allowed")
    deposits = list(reconciliation_candidates(site.pk).select_for_update(of=("self",)))
    missing = [d for d in deposits if d.pk not in lines and d.status == KeyDeposit.Status.STORED]
    if missing:
        raise DomainError(_("Check every key: %(units)s not checked.")
                          % {"units": ", ".join(d.unit.code for d in missing)}, code="incomplete")
    rec = KeyReconciliation.objects.create(site=site, performed_at=now, performed_by=actor, note=note)
    for d in deposits:
        was_out = d.status == KeyDeposit.Status.OUT
        raw = lines.get(d.pk, {})
        line = KeyReconciliationLine.objects.create(
            reconciliation=rec, deposit=d, was_out=was_out, present=bool(raw.get("present", was_out)),
            seal_intact=bool(raw.get("seal_intact", was_out)),
            seal_number_seen=(raw.get("seal_number_seen") or "").strip(),
            seal_number_expected=d.seal_number, note=(raw.get("note") or "")[:200])
        KeyEvent.record(d, actor=actor, kind=KeyEvent.Kind.RECONCILED, at=now,
                        data={"reconciliation": rec.pk, "ok": line.ok, "was_out": was_out,
                              "seal_number_seen": line.seal_number_seen})
        if line.ok:
            continue
        if not line.present:
            kind = KeyIncident.Kind.MISSING
        elif not line.seal_intact:
            kind = KeyIncident.Kind.SEAL_BROKEN
        else:
            kind = KeyIncident.Kind.SEAL_MISMATCH
        incident = KeyIncident.objects.create(
            site=site, deposit=d, reconciliation=rec, kind=kind, opened_at=now,
            description=_("Ledger seal %(exp)s, seen %(seen)s. %(note)s")
            % {"exp": d.seal_number or "—", "seen": line.seal_number_seen or "—", "note": line.note})
        if kind == KeyIncident.Kind.SEAL_BROKEN:
            SealRecord.objects.filter(deposit=d, broken_at__isnull=True).update(
                broken_at=now, broken_note=str(_("Found broken in reconciliation")))
        KeyEvent.record(d, actor=actor, kind=KeyEvent.Kind.INCIDENT_OPENED, at=now,
                        note=str(incident.get_kind_display()), data={"incident": incident.pk})
        notification_queue(recipients=users_with_roles(site_id=site.pk, roles=[Role.SITE_DIRECTOR]),
                           title=_("Key incident %(unit)s: %(kind)s")
                           % {"unit": d.unit.code, "kind": incident.get_kind_display()},
                           url=incident.get_absolute_url(), kind="escalation", requires_ack=True,
                           site_id=site.pk, subject=incident, dedupe_key=f"key-incident:{incident.pk}")
    for cabinet in KeyCabinet.objects.filter(site=site):
        # SPEC K-02: done this week; the next check is due a week from now
        deadline_stop(subject=cabinet, code=RECONCILE_CLOCK, now=now)
        deadline_start(subject=cabinet, code=RECONCILE_CLOCK, now=now, site_id=site.pk)
    return rec


@transaction.atomic
def key_incident_close(*, incident: KeyIncident, finding: str, actor: User, now: datetime | None = None) -> KeyIncident:
    """SPEC K-02: only the site director closes an incident, with a finding."""
    now = now or timezone.now()
    incident = lock_row(incident)
    perm.check_close_incident(actor, incident)
    if not finding.strip():
        raise DomainError(_("Write the finding before closing the incident."), code="finding_required")
    incident.close(finding=finding.strip(), at=now, by=actor)
    incident.save(update_fields=["status", "finding", "closed_at", "closed_by", "updated_at"])
    KeyEvent.record(incident.deposit, actor=actor, kind=KeyEvent.Kind.INCIDENT_CLOSED, at=now,
                    note=incident.finding, data={"incident": incident.pk})
    return incident
