"""The registry (SPEC §0, O-01..O-03): sites, zones, buildings, units, residents, departments, staff.

A package by subject — places (company, site, zone, building, unit), people (resident, department,
staff, duty shift) and records (registry events, unit documents, imports). Every name is re-exported
here, so `from estates.models import …` keeps working (migrations name `estates.models._document_path`).
"""

from estates.models.people import (
    Department,
    DutyShift,
    Resident,
    Staff,
    mask_id_number,
    phone_validator,
)
from estates.models.places import (
    MAX_FLOOR,
    MIN_FLOOR,
    Building,
    Company,
    Site,
    Unit,
    Zone,
)
from estates.models.records import (
    ImportJob,
    RegistryEvent,
    UnitDocument,
    _document_path,
)

__all__ = [
    "MAX_FLOOR",
    "MIN_FLOOR",
    "Building",
    "Company",
    "Department",
    "DutyShift",
    "ImportJob",
    "RegistryEvent",
    "Resident",
    "Site",
    "Staff",
    "Unit",
    "UnitDocument",
    "Zone",
    "_document_path",
    "mask_id_number",
    "phone_validator",
]
