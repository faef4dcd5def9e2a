"""Suggestions (C-15) on the dashboard and in the monthly report."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import Deadline
from reports.registry import Figure, Section, register
from suggestions.models import Suggestion

S = Suggestion.Status


@register
class SuggestionSection(Section):
    key = "suggestions"
    title = _("Suggestions")
    order = 72
    requires = ("suggestions.Suggestion",)

    def dashboard(self, *, site_ids: list[int], now: datetime):
        agg = Suggestion.objects.filter(site_id__in=site_ids).aggregate(
            pending=Count("pk", filter=Q(status=S.PENDING)), adopted=Count("pk", filter=Q(status=S.ADOPTED)))
        late = Deadline.objects.filter(site_id__in=site_ids, code="suggestion.decision").filter(
            Q(state=Deadline.State.BREACHED) | Q(state=Deadline.State.RUNNING, due_at__lt=now)).filter(
            subject_id__in=Suggestion.objects.filter(site_id__in=site_ids, status=S.PENDING).values("pk")).count()
        url = reverse("suggestions:list")
        return self.block(figures=[
            Figure("suggestions_pending", _("Suggestions waiting for the director"), agg["pending"],
                   url=url + "?state=pending"),
            Figure("suggestions_late", _("Suggestions past their decision time"), late, alert=late > 0,
                   url=url + "?state=pending"),
            Figure("suggestions_adopted", _("Adopted suggestions being put into effect"), agg["adopted"],
                   url=url + "?state=adopted")])

    def monthly(self, *, site_ids: list[int], start: datetime, end: datetime):
        qs = Suggestion.objects.filter(site_id__in=site_ids)
        rec = qs.filter(received_at__gte=start, received_at__lt=end).count()
        dec = qs.filter(decided_at__gte=start, decided_at__lt=end).aggregate(
            adopted=Count("pk", filter=Q(status__in=[S.ADOPTED, S.DONE])),
            rejected=Count("pk", filter=Q(status=S.NOT_ADOPTED)))
        done = qs.filter(done_at__gte=start, done_at__lt=end).count()
        url = reverse("suggestions:list")
        return self.block(figures=[Figure("suggestions", _("Suggestions recorded"), rec, url=url),
                                   Figure("suggestions_adopted", _("Adopted"), dec["adopted"]),
                                   Figure("suggestions_not_adopted", _("Not adopted"), dec["rejected"]),
                                   Figure("suggestions_done", _("Put into effect"), done)])
