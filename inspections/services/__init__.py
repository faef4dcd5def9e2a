"""Inspections, rectifications, cadence duties and the monthly zone ranking (SPEC A-01, A-02, A-04).

A package by use case; the names are re-exported so `from inspections import services` keeps working.
The staff appraisal (A-03, A-05, A-06) is `inspections.appraisal`, the maintenance plan (O-05)
`inspections.maintenance`."""

from inspections.services._common import MAX_PHOTOS, TWO, _aware, _q, month_range
from inspections.services.duties import CADENCE_CODES, duties_open, duty_missed, period_of
from inspections.services.ranking import rank_key, ranking_adjust, ranking_draft, ranking_lock, zone_scores_compute
from inspections.services.records import (
    ItemEntry,
    inspection_record,
    rectification_report_done,
    rectification_verify,
)

__all__ = [
    "CADENCE_CODES", "MAX_PHOTOS", "TWO", "ItemEntry", "_aware", "_q", "duties_open", "duty_missed",
    "inspection_record", "month_range", "period_of", "rank_key", "ranking_adjust", "ranking_draft", "ranking_lock",
    "rectification_report_done", "rectification_verify", "zone_scores_compute",
]
