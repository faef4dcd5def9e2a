"""Report sections: each app contributes its own blocks to the dashboard, digests and monthly report.

Each app owns its sections in `<app>/report_sections.py` (reports holds only this registry and the
layout; its own deadlines section is `reports/report_sections.py`)::

    from reports.registry import Block, Figure, Section, register

    @register
    class KeySection(Section):
        key = "keys"
        title = _("Key custody")
        order = 60
        requires = ("keys.KeyUse",)          # skipped while the model does not exist

        def dashboard(self, *, site_ids, now):      -> Block | None   (SPEC D-01)
        def monthly(self, *, site_ids, start, end): -> Block | None   (SPEC D-02; any [start, end) range)
        def digest(self, *, site_ids, now):         -> Block | None   (SPEC D-03, daily digest)

Every figure is computed in the database (aggregates), never by looping over rows in Python
(SPEC D-04 correctness). A block is plain data (figures, charts, tables) so the same block renders
as a web page, an SVG chart in the PDF, an XLSX sheet and an e-mail, and is stored as JSON in
`MonthlyReport.figures`: every format shows the same numbers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, ClassVar

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.utils.module_loading import autodiscover_modules

log = logging.getLogger(__name__)

# value kinds of a figure: how it is stored, shown and written to the spreadsheet
COUNT, RATE, MONEY, NUMBER = "count", "rate", "money", "number"


def rate(numerator: int | None, denominator: int | None) -> Decimal:
    """A fraction (0.8571) rounded to 4 places; 0 when nothing was counted (empty month → zeros)."""
    if not denominator:
        return Decimal("0.0000")
    return (Decimal(numerator or 0) / Decimal(denominator)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def _plain(value: Any) -> Any:
    """JSON-safe: Decimal → str (never float), lazy strings → str."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, (int, float, bool)):
        return value
    return str(value)


def _number(value: Any, kind: str) -> Any:
    if value is None:
        return 0
    if kind in (RATE, MONEY, NUMBER):
        return Decimal(str(value))
    return int(value)


@dataclass
class Figure:
    """One number on a card; `url` is the filtered list behind it (SPEC D-01: every number links)."""

    key: str
    label: str
    value: Any
    kind: str = COUNT
    url: str = ""
    alert: bool = False  # shown in red (overdue, breaches)

    def __post_init__(self) -> None:
        self.label = str(self.label)
        self.value = _number(self.value, self.kind)


@dataclass
class Chart:
    """Chart.js-shaped data; the web page draws it with Chart.js, the PDF as server-side SVG."""

    key: str
    title: str
    labels: list[str]
    datasets: list[dict]  # [{"label": str, "data": [numbers]}]
    type: str = "bar"  # bar | line

    def __post_init__(self) -> None:
        self.title = str(self.title)
        self.labels = [str(x) for x in self.labels]
        self.datasets = [{"label": str(d.get("label", "")), "data": [_number(v, NUMBER) for v in d["data"]]}
                         for d in self.datasets]

    def chartjs(self) -> dict:
        return {"type": self.type, "data": {"labels": self.labels, "datasets": [
            {"label": d["label"], "data": [float(v) for v in d["data"]]} for d in self.datasets]}}


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list[Any]]
    kinds: list[str] = field(default_factory=list)  # per column: "text" or a figure kind
    urls: list[str] = field(default_factory=list)  # optional link per row (to the filtered list)

    def __post_init__(self) -> None:
        self.title = str(self.title)
        self.headers = [str(h) for h in self.headers]
        if not self.kinds:
            self.kinds = ["text"] + [COUNT] * (len(self.headers) - 1)
        self.rows = [[(str(v) if v is not None else "") if k == "text" else _number(v, k)
                      for v, k in zip(row, self.kinds, strict=False)] for row in self.rows]
        self.urls = [str(u or "") for u in self.urls]

    def linked_rows(self) -> list[tuple[str, list[Any]]]:
        """(url to the filtered list or "", row) pairs for templates."""
        return [(self.urls[i] if i < len(self.urls) else "", row) for i, row in enumerate(self.rows)]


@dataclass
class Block:
    """What a section returns: its figures, charts and tables for one site set and one period."""

    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.title = str(self.title)
        self.notes = [str(n) for n in self.notes]

    def figure(self, key: str) -> Figure | None:
        return next((f for f in self.figures if f.key == key), None)

    def value(self, key: str) -> Any:
        fig = self.figure(key)
        if fig is None:
            raise KeyError(key)
        return fig.value

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables if t.key == key), None)

    def to_dict(self) -> dict:
        return _plain(asdict(self))

    @classmethod
    def from_dict(cls, data: dict) -> Block:
        return cls(key=data["key"], title=data["title"],
                   figures=[Figure(**f) for f in data.get("figures", [])],
                   charts=[Chart(**c) for c in data.get("charts", [])],
                   tables=[Table(**t) for t in data.get("tables", [])],
                   notes=data.get("notes", []))


# The spec names both; they are the same shape.
DashboardBlock = Block
ReportSection = Block


class Section:
    key: ClassVar[str] = ""
    title: ClassVar[Any] = ""
    order: ClassVar[int] = 100
    requires: ClassVar[tuple[str, ...]] = ()  # "app_label.Model" names that must exist

    def available(self) -> bool:
        for name in self.requires:
            try:
                apps.get_model(name)
            except (LookupError, ValueError):
                return False
        return True

    def dashboard(self, *, site_ids: list[int], now: datetime) -> Block | None:
        return None

    def monthly(self, *, site_ids: list[int], start: datetime, end: datetime) -> Block | None:
        return None

    def digest(self, *, site_ids: list[int], now: datetime) -> Block | None:
        return None

    def block(self, **kwargs: Any) -> Block:
        return Block(key=self.key, title=str(self.title), **kwargs)


_REGISTRY: dict[str, Section] = {}
_discovered = False


def register(cls: type[Section]) -> type[Section]:
    """Class decorator (or plain call): one instance per key; re-registering a key replaces it."""
    if not cls.key:
        raise ValueError(f"{cls.__name__} needs a key")
    _REGISTRY[cls.key] = cls()
    return cls


def unregister(key: str) -> None:
    _REGISTRY.pop(key, None)


def autodiscover() -> None:
    """Import `<app>.report_sections` for every installed app."""
    global _discovered
    if _discovered:
        return
    _discovered = True

    autodiscover_modules("report_sections")


def sections() -> list[Section]:
    """Registered sections whose models exist, in display order."""
    autodiscover()
    return sorted((s for s in _REGISTRY.values() if s.available()), key=lambda s: (s.order, s.key))


def get_section(key: str) -> Section | None:
    autodiscover()
    section = _REGISTRY.get(key)
    return section if section is not None and section.available() else None


def collect(method: str, **kwargs: Any) -> list[Block]:
    """Call `method` ("dashboard" | "monthly" | "digest") on every section; drop the Nones."""
    blocks = []
    for section in sections():
        block = getattr(section, method)(**kwargs)
        if block is not None:
            blocks.append(block)
    return blocks


def cached(section: Section, name: str, site_ids: list[int], fn: Callable[[], Any], *, bucket: Any = "") -> Any:
    """Cache a slow-moving part of a dashboard block (30-day rates, 12-month trend) for
    `settings.REPORTS_CACHE_SECONDS` (default 600; 0 disables). Live counts — open, overdue, due
    today, escalations — are never cached: they are computed on every refresh."""

    ttl = getattr(settings, "REPORTS_CACHE_SECONDS", 600)
    if not ttl:
        return fn()
    key = f"reports:{section.key}:{name}:{','.join(map(str, sorted(site_ids)))}:{bucket}"
    value = cache.get(key)
    if value is None:
        value = fn()
        cache.set(key, value, ttl)
    return value
