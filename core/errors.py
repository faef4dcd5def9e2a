from django.utils.translation import gettext as _


class DomainError(Exception):
    """A broken business rule. Views turn it into a form error, so nothing typed is lost (SPEC X-03)."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return str(self.message)


class ConflictError(DomainError):
    """Someone else changed the record since the form was loaded (optimistic lock)."""

    def __init__(self, message: str | None = None) -> None:

        super().__init__(
            message or _("This record was changed by someone else meanwhile. Reload it and apply your change again."),
            code="conflict",
        )
