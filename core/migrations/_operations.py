"""A migration operation that creates several new tables in one step of the migration state (issue 14.8).

Django applies a migration operation by operation, and after each `CreateModel` it renders again every
model related to the new one, recursively: with a user and a site that nearly every model points at,
that is every model of the project, once per new model (and once per index or constraint added to a
model). Replaying the whole history on a fresh database spent nearly all its time there.

`CreateModels` holds a run of consecutive `CreateModel` operations of one migration, with the
`AddField`, `AddIndex` and `AddConstraint` operations that follow them on those same new models. Its
state step applies every one of them to the model states and renders the related models once; its
database step creates each table from the final state, so every table comes out complete (its added
fields, indexes and constraints included), exactly as the operations one by one would leave it. The
loader skips this module (its name starts with "_"), it is not a migration.
"""

from __future__ import annotations

from typing import Any

from django.db.migrations.operations import AddConstraint, AddField, AddIndex, CreateModel
from django.db.migrations.operations.base import Operation

FOLLOWERS = (AddField, AddIndex, AddConstraint)


class CreateModels(Operation):
    reduces_to_sql = True
    reversible = True

    def __init__(self, operations: list[Operation]) -> None:
        created: set[str] = set()
        for op in operations:
            if isinstance(op, CreateModel):
                created.add(op.name_lower)
            elif not (isinstance(op, FOLLOWERS) and op.model_name_lower in created):
                raise ValueError(f"CreateModels holds CreateModel operations and additions to those models, not {op!r}")
        self.operations = operations
        super().__init__()

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return self.__class__.__qualname__, [self.operations], {}

    def _created(self) -> list[CreateModel]:
        return [op for op in self.operations if isinstance(op, CreateModel)]

    def state_forwards(self, app_label: str, state: Any) -> None:
        rendered = state.__dict__.pop("apps", None)  # the model states change without rendering…
        try:
            for op in self.operations:
                op.state_forwards(app_label, state)
        finally:
            if rendered is not None:
                state.__dict__["apps"] = rendered
        # …then every model related to the new ones is rendered once (what each CreateModel would do)
        state.reload_models([(app_label, op.name_lower) for op in self._created()], delay=False)

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        for op in self._created():
            model = to_state.apps.get_model(app_label, op.name)
            if self.allow_migrate_model(schema_editor.connection.alias, model):
                schema_editor.create_model(model)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        for op in reversed(self._created()):
            model = from_state.apps.get_model(app_label, op.name)
            if self.allow_migrate_model(schema_editor.connection.alias, model):
                schema_editor.delete_model(model)

    def references_model(self, name: str, app_label: str) -> bool:
        return any(op.references_model(name, app_label) for op in self.operations)

    def describe(self) -> str:
        return "Create models " + ", ".join(op.name for op in self._created())

    @property
    def migration_name_fragment(self) -> str:
        return "_".join(op.name_lower for op in self._created())[:40]
