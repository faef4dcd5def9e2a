"""Registry pages (SPEC O-01..O-03, X-01, X-02): thin views over selectors, forms and services.

Every query starts from a `*_list_visible_to(user)` selector, so another site's record is a 404.
A package by page: the registry tables, their record steps and documents, the unit import, the duty roster.
"""

from estates.views.records import (
    _reason_action,
    document_add,
    document_download,
    document_void,
    resident_move_out,
    resident_reveal_id,
    staff_set_active,
    unit_archive,
)
from estates.views.registry import (
    ENTITIES,
    PER_PAGE,
    Entity,
    _after_save_url,
    _detail_extra,
    _detail_rows,
    _entity,
    _form_errors,
    _form_kwargs,
    _is_manager_somewhere,
    _unit_sections,
    _user_site,
    entity_create,
    entity_detail,
    entity_edit,
    entity_list,
    registry_home,
)
from estates.views.roster import (
    _roster_site,
    roster_add,
    roster_cancel,
    roster_week,
)
from estates.views.unit_import import (
    import_confirm,
    import_detail,
    import_map,
    import_start,
    import_template,
)

__all__ = [
    "ENTITIES",
    "Entity",
    "PER_PAGE",
    "_after_save_url",
    "_detail_extra",
    "_detail_rows",
    "_entity",
    "_form_errors",
    "_form_kwargs",
    "_is_manager_somewhere",
    "_reason_action",
    "_roster_site",
    "_unit_sections",
    "_user_site",
    "document_add",
    "document_download",
    "document_void",
    "entity_create",
    "entity_detail",
    "entity_edit",
    "entity_list",
    "import_confirm",
    "import_detail",
    "import_map",
    "import_start",
    "import_template",
    "registry_home",
    "resident_move_out",
    "resident_reveal_id",
    "roster_add",
    "roster_cancel",
    "roster_week",
    "staff_set_active",
    "unit_archive",
]
