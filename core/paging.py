"""One way to read `?page=` for every list (issue 13.7): never a 500.

`abc`, empty or below 1 → the first page; past the end (even `99999999999999999999`, which would
overflow the database's OFFSET) → the last page.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

MAX_PAGE = 10**9  # far beyond any list, and small enough for every database's OFFSET


def page_number(raw: Any) -> int:
    """The requested page as 1..MAX_PAGE (MAX_PAGE meaning "past the end")."""
    try:
        number = int(str(raw).strip())
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), MAX_PAGE)


def paginate(request: HttpRequest, object_list: Any, per_page: int, *, param: str = "page") -> Page:
    """A Django `Page` of `object_list` for the request's `?page=` (first/last page when out of range)."""
    return Paginator(object_list, per_page).get_page(page_number(request.GET.get(param, 1)))


class CountlessPage:
    """A page without COUNT(*) (one query of size+1 rows; a count over a million rows costs more than the
    page). Only when the requested page is past the end is the count taken, to show the last page."""

    def __init__(self, qs: Any, number: Any, size: int) -> None:
        self.number = page_number(number)
        rows = list(qs[(self.number - 1) * size: self.number * size + 1])
        if not rows and self.number > 1:  # past the end: the last page (the rare case pays the count)
            self.number = max(1, -(-qs.count() // size))
            rows = list(qs[(self.number - 1) * size: self.number * size + 1])
        self.has_next = len(rows) > size
        self.object_list = rows[:size]
        self.has_previous = self.number > 1
        self.next_page_number = self.number + 1
        self.previous_page_number = self.number - 1

    def __iter__(self):
        return iter(self.object_list)
