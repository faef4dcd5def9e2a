from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from estates.selectors import visible
from suggestions.models import Suggestion


def suggestion_list_visible_to(user: Any) -> QuerySet[Suggestion]:
    return visible(Suggestion.objects.select_related("site", "unit", "owner", "decided_by"), user)


def suggestions_pending(site_ids: list[int]) -> QuerySet[Suggestion]:
    return Suggestion.objects.filter(site_id__in=site_ids, status=Suggestion.Status.PENDING)
