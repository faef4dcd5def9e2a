"""Emergencies, drills and supplies (E-01, E-02) on the dashboard and in the monthly report."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Avg, Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from emergencies.models import Drill, DrillPeriod, EmergencyEvent, SupplyItem
from reports.registry import NUMBER, Figure, Section, Table, register


@register
class EmergencySection(Section):
    key = "emergencies"
    title = _("Emergencies, drills and supplies")
    order = 74
    requires = ("emergencies.EmergencyEvent", "emergencies.SupplyItem")

    def dashboard(self, *, site_ids: list[int], now: datetime):
        today = timezone.localdate(now)
        open_ = EmergencyEvent.objects.filter(site_id__in=site_ids, status=EmergencyEvent.Status.OPEN).count()
        s = SupplyItem.objects.filter(site_id__in=site_ids, is_active=True).aggregate(
            short=Count("pk", filter=Q(quantity__lt=F("min_quantity"))),
            expired=Count("pk", filter=Q(expires_on__lte=today)))
        missed = DrillPeriod.objects.filter(site_id__in=site_ids, missed=True, end__gte=today - timedelta(days=366)
                                            ).count()
        held = Drill.objects.filter(site_id=OuterRef("site_id"), status=Drill.Status.HELD,
                                    held_at__date__gte=OuterRef("start"), held_at__date__lte=OuterRef("end"))
        due = DrillPeriod.objects.filter(site_id__in=site_ids, start__lte=today, end__gte=today).exclude(
            Exists(held)).count()
        supplies = reverse("emergencies:supplies")
        return self.block(figures=[
            Figure("emergencies_open", _("Emergencies being handled"), open_, alert=open_ > 0,
                   url=reverse("emergencies:list")),
            Figure("drills_due", _("Sites without a drill this half year"), due,
                   url=reverse("emergencies:drills")),
            Figure("drills_missed", _("Half years ended without a drill"), missed, alert=missed > 0,
                   url=reverse("emergencies:drills")),
            Figure("supplies_short", _("Supplies below the minimum"), s["short"], alert=s["short"] > 0, url=supplies),
            Figure("supplies_expired", _("Supplies expired"), s["expired"], alert=s["expired"] > 0, url=supplies)])

    def monthly(self, *, site_ids: list[int], start: datetime, end: datetime):
        qs = EmergencyEvent.objects.filter(site_id__in=site_ids, started_at__gte=start, started_at__lt=end)
        by_kind = dict(qs.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
        avg = qs.filter(responded_at__isnull=False).aggregate(
            a=Avg(ExpressionWrapper(F("responded_at") - F("reported_at"), output_field=DurationField())))["a"]
        minutes = round(avg.total_seconds() / 60, 1) if avg else 0
        drills = Drill.objects.filter(site_id__in=site_ids, status=Drill.Status.HELD, held_at__gte=start,
                                      held_at__lt=end).count()
        table = Table("emergencies_by_kind", _("Emergencies by kind"), [str(_("Kind")), str(_("Events"))],
                      [[str(label), by_kind.get(code, 0)] for code, label in EmergencyEvent.Kind.choices])
        return self.block(figures=[
            Figure("emergencies", _("Emergencies"), qs.count(), url=reverse("emergencies:list")),
            Figure("response_minutes", _("Average minutes to first on scene"), minutes, kind=NUMBER),
            Figure("drills_held", _("Drills held"), drills, url=reverse("emergencies:drills"))], tables=[table])
