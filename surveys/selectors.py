"""Survey reads (SPEC S-04..S-06): visibility, rates by DB aggregates, analysis, trends, annual report."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from callbacks.selectors import callback_rates
from complaints.selectors import complaint_statistics
from estates.selectors import site_ids_visible_to, visible
from surveys.models import (
    DISSATISFIED_GRADES,
    SATISFIED_GRADES,
    Campaign,
    CorrectiveAction,
    Grade,
    Questionnaire,
    Rating,
    Response,
)


def campaign_list_visible_to(user: Any) -> QuerySet[Campaign]:
    return visible(Campaign.objects.select_related("site", "zone", "questionnaire"), user)


def questionnaire_list_visible_to(user: Any) -> QuerySet[Questionnaire]:
    return Questionnaire.objects.filter(Q(site__isnull=True) | Q(site_id__in=site_ids_visible_to(user))) \
        .select_related("site").prefetch_related("items")


def action_list_visible_to(user: Any) -> QuerySet[CorrectiveAction]:
    return visible(CorrectiveAction.objects.select_related("campaign", "owner", "item"), user)


def ratio(num: int, den: int) -> Decimal | None:
    if not den:
        return None
    return (Decimal(num) / Decimal(den)).quantize(Decimal("0.0001"))


def item_rates(campaign: Campaign) -> list[dict]:
    """SPEC S-05 per item: (very satisfied + satisfied) / ratings of that item, counted in the database."""
    counts = {row["item"]: row for row in Rating.objects.filter(campaign=campaign).values("item").annotate(
        n=Count("id"),
        satisfied=Count("id", filter=Q(grade__in=SATISFIED_GRADES)),
        dissatisfied=Count("id", filter=Q(grade__in=DISSATISFIED_GRADES)),
        **{f"g{g}": Count("id", filter=Q(grade=g)) for g in Grade.values},
    )}
    rows = []
    for item in campaign.questionnaire.items.all():
        c: Any = counts.get(item.pk, {})
        n = c.get("n", 0)
        rows.append({
            "item": item, "code": item.code, "label": item.label, "n": n,
            "satisfied": c.get("satisfied", 0), "dissatisfied": c.get("dissatisfied", 0),
            "grades": [c.get(f"g{g}", 0) for g in Grade.values],
            "rate": ratio(c.get("satisfied", 0), n), "dis_rate": ratio(c.get("dissatisfied", 0), n),
        })
    return rows


def overall_rate(campaign: Campaign) -> Decimal | None:
    agg = Rating.objects.filter(campaign=campaign).aggregate(
        n=Count("id"), s=Count("id", filter=Q(grade__in=SATISFIED_GRADES)))
    return ratio(agg["s"], agg["n"])


def previous_valid(campaign: Campaign) -> Campaign | None:
    """The last valid campaign of the same site (and zone) before this one (SPEC S-04: only valid ones count)."""
    before = campaign.closed_at or campaign.opened_at or campaign.created_at
    same_zone = Q(zone_id=campaign.zone_id) if campaign.zone_id is not None else Q(zone__isnull=True)
    return (Campaign.objects.filter(same_zone, site_id=campaign.site_id, status=Campaign.Status.CLOSED,
                                    is_valid=True, closed_at__lt=before)
            .exclude(pk=campaign.pk).order_by("-closed_at").first())


def campaign_analysis(campaign: Campaign) -> dict:
    """SPEC S-06: lowest item, highest dissatisfaction, items that fell since the previous valid campaign,
    comments and expectations, corrective actions."""
    rows = item_rates(campaign)
    rated = [r for r in rows if r["n"]]
    lowest = min(rated, key=lambda r: (r["rate"], r["item"].order)) if rated else None
    most_dissatisfied = max(rated, key=lambda r: (r["dis_rate"], -r["item"].order)) if rated else None
    prev = previous_valid(campaign)
    fell = []
    if prev is not None:
        before = {r["code"]: r for r in item_rates(prev) if r["n"]}
        for r in rated:
            p = before.get(r["code"])
            if p is not None and r["rate"] < p["rate"]:
                fell.append({**r, "previous_rate": p["rate"], "change": r["rate"] - p["rate"]})
    responses = Response.objects.filter(campaign=campaign).select_related("household__unit")
    return {
        "rows": rows, "lowest": lowest, "most_dissatisfied": most_dissatisfied, "previous": prev, "fell": fell,
        "overall": overall_rate(campaign),
        "comments": [(r.household.unit.code, r.comments) for r in responses.exclude(comments="")],
        "expectations": [(r.household.unit.code, r.expectations) for r in responses.exclude(expectations="")],
        "profile": respondent_profile(campaign),
        "actions": campaign.actions.select_related("owner", "item").all(),
    }


def respondent_profile(campaign: Campaign) -> dict[str, list[tuple[str, int]]]:
    out = {}
    for field in ("age_band", "gender", "occupation", "resident_type"):
        labels = dict(Response._meta.get_field(field).choices or ())  # type: ignore[union-attr]
        counts = Response.objects.filter(campaign=campaign).exclude(**{field: ""}).values(field) \
            .annotate(n=Count("id")).order_by(field)
        out[field] = [(str(labels.get(c[field], c[field])), c["n"]) for c in counts]
    return out


def trend(*, site_ids: list[int], start: date | datetime | None = None,
          end: date | datetime | None = None) -> list[dict]:
    """Closed VALID campaigns only (SPEC S-04: invalid ones are excluded from trends), oldest first."""
    qs = Campaign.objects.filter(site_id__in=site_ids, status=Campaign.Status.CLOSED, is_valid=True)
    if start is not None:
        qs = qs.filter(closed_at__gte=start)
    if end is not None:
        qs = qs.filter(closed_at__lt=end)
    qs = qs.annotate(n=Count("ratings"), s=Count("ratings", filter=Q(ratings__grade__in=SATISFIED_GRADES))) \
        .select_related("site").order_by("closed_at")
    return [{"campaign": c, "rate": ratio(c.s, c.n), "response_rate": c.response_rate} for c in qs]


def annual_report(*, site_ids: list[int], year: int) -> dict:
    """SPEC S-06: the year's campaigns with complaints and callbacks of the same year."""

    tz = timezone.get_current_timezone()
    start, end = datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)
    campaigns = list(Campaign.objects.filter(site_id__in=site_ids, opened_at__gte=start, opened_at__lt=end)
                     .exclude(status=Campaign.Status.CANCELLED).select_related("site").order_by("opened_at"))
    rows = []
    for c in campaigns:
        rows.append({"campaign": c, "overall": overall_rate(c) if c.is_valid else None,
                     "items": item_rates(c) if c.is_valid else []})
    return {"year": year, "campaigns": rows, "trend": trend(site_ids=site_ids, start=start, end=end),
            "complaints": _complaints(site_ids, start, end), "callbacks": _callbacks(site_ids, start, end)}


def _complaints(site_ids: list[int], start: datetime, end: datetime) -> dict | None:
    """Complaints of the year: complaints' own C-10 statistics."""
    st = complaint_statistics(site_ids=site_ids, start=start, end=end)
    return {"total": st["total"], "valid": st.get("valid"), "valid_rate_per_100": st.get("valid_rate_per_100"),
            "by_category": [(row["label"], row["count"]) for row in st.get("by_category", [])]}


def _callbacks(site_ids: list[int], start: datetime, end: datetime) -> dict | None:
    return {"stats": callback_rates(site_ids=site_ids, start=start, end=end)}
