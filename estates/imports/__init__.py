"""Spreadsheet imports of the registry (SPEC O-01), one module per kind of file:

- `units` (with `unit_rows`, which reads and checks the rows): units and residents, with a preview, a
  column mapping for unknown headers and big files in the worker (ImportJob);
- `registry`: sites, zones, buildings, departments and staff — smaller files, checked row by row, a bad
  row reported and the good rows kept.

Everything callers used from the former single module is re-exported here."""

from estates.imports.registry import (
    REGISTRY_KINDS,
    RegistryImportResult,
    registry_import,
    registry_template_csv,
)
from estates.imports.unit_rows import (
    FIELD_BY_KEY,
    FIELDS,
    TEMPLATE_HEADERS,
    NeedsMapping,
    check_rows,
    detect_layout,
    guess_mapping,
    mapping_problems,
    read_table,
)
from estates.imports.units import (
    CHUNK,
    SYNC_LIMIT,
    import_job_confirm,
    import_job_create,
    import_job_map,
    import_job_run,
    template_csv,
    template_xlsx,
)

__all__ = [
    "CHUNK",
    "FIELDS",
    "FIELD_BY_KEY",
    "REGISTRY_KINDS",
    "SYNC_LIMIT",
    "TEMPLATE_HEADERS",
    "NeedsMapping",
    "RegistryImportResult",
    "check_rows",
    "detect_layout",
    "guess_mapping",
    "import_job_confirm",
    "import_job_create",
    "import_job_map",
    "import_job_run",
    "mapping_problems",
    "read_table",
    "registry_import",
    "registry_template_csv",
    "template_csv",
    "template_xlsx",
]
