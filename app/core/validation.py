"""The one error for a value a user gave that is refused.

Services raise `FieldError`; forms show each message next to its field; the API answers 422 with
`{"message": {field: [message]}}` (the shape FAB's own 422 answers use), from one error handler.
"""

from typing import Any


class FieldError(ValueError):
    """Refused input: `errors` maps a stable field key to a translated (lazy) message."""

    def __init__(self, field: str | None = None, message: Any = None, *, errors: dict | None = None):
        self.errors = dict(errors or {})
        if field is not None:
            self.errors[field] = message
        if not self.errors:
            raise ValueError("FieldError needs at least one field")
        super().__init__(self.errors)

    @property
    def field(self) -> str:
        return next(iter(self.errors))

    @property
    def message(self) -> Any:
        return self.errors[self.field]

    def messages(self) -> dict[str, str]:
        """Field -> message as text, for a form."""
        return {field: str(message) for field, message in self.errors.items()}

    def as_json(self) -> dict[str, list[str]]:
        """Field -> [message], the API's 422 body under "message"."""
        return {field: [str(message)] for field, message in self.errors.items()}

    def __str__(self) -> str:
        """The messages as one text for the user (a flash, an alert above the form)."""
        return " ".join(str(message) for message in self.errors.values())
