"""The one error type of the loyalty core.

Every refusal the core makes (a bad basket, an unknown card, asking to redeem too much) is a
`LoyaltyError`. The HTTP edge turns it into `application/problem+json` (RFC 9457); the CLI and
the workbench into a message. `status` is the HTTP status the edge should use, `field` the
request field or configuration path the problem is about, when there is one.
"""

from __future__ import annotations

from typing import Any


class LoyaltyError(Exception):
    """A refusal with a reason a POS operator or consultant can act on."""

    status: int = 422
    title: str = "Request cannot be processed"
    type_slug: str = "unprocessable"

    def __init__(self, detail: str, *, field: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.extra = extra

    def to_problem(self) -> dict[str, Any]:
        """The RFC 9457 problem document for this error."""
        problem: dict[str, Any] = {
            "type": f"https://loyalty.example/problems/{self.type_slug}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.field:
            problem["field"] = self.field
        problem.update(self.extra)
        return problem


class InvalidRequest(LoyaltyError):
    status = 400
    title = "Invalid request"
    type_slug = "invalid-request"


class InvalidPhone(InvalidRequest):
    """Text that is no phone number. A 422, not a 400: the request is well formed (the API's
    schema cannot say which digits make a real number), the number just does not exist."""

    status = 422
    title = "Not a phone number"
    type_slug = "invalid-phone"


class Unauthorized(LoyaltyError):
    status = 401
    title = "Unauthorized"
    type_slug = "unauthorized"


class NotFound(LoyaltyError):
    status = 404
    title = "Not found"
    type_slug = "not-found"


class Conflict(LoyaltyError):
    status = 409
    title = "Conflict"
    type_slug = "conflict"


class PayloadTooLarge(LoyaltyError):
    status = 413
    title = "Payload too large"
    type_slug = "payload-too-large"


class BusinessRuleViolation(LoyaltyError):
    """A well-formed request the points rules refuse (redeem too much, return too many)."""

    status = 422
    title = "Refused by the programme rules"
    type_slug = "business-rule"


class ConfigurationError(LoyaltyError):
    """A configuration document that does not validate, or a version that cannot change."""

    status = 422
    title = "Invalid configuration"
    type_slug = "configuration"

    def __init__(self, detail: str, problems: list[str] | None = None, **kw: Any) -> None:
        super().__init__(detail, **kw)
        self.problems = problems or []
        if self.problems:
            self.extra["problems"] = self.problems


class TooManyRequests(LoyaltyError):
    """A store key over one of the API's rate limits; `retry_after` is in seconds."""

    status = 429
    title = "Too many requests"
    type_slug = "rate-limited"

    def __init__(self, detail: str, *, retry_after: int, **kw: Any) -> None:
        super().__init__(detail, retry_after=retry_after, **kw)
        self.retry_after = retry_after
