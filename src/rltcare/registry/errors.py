"""Registry errors: each is an :class:`~rltcare.errors.InputError` with its HTTP status."""

from __future__ import annotations

from rltcare.errors import InputError


class NotFoundError(InputError):
    """No such row, or one outside the caller's centres (the two are not told apart)."""

    title = "Not found"
    type_slug = "not-found"
    status = 404


class PermissionDeniedError(InputError):
    title = "Not allowed"
    type_slug = "forbidden"
    status = 403


class AuthenticationError(InputError):
    title = "Not signed in"
    type_slug = "unauthenticated"
    status = 401


class RateLimitedError(InputError):
    title = "Too many attempts"
    type_slug = "rate-limited"
    status = 429


class ConflictError(InputError):
    """An edit based on an older version of a row (optimistic locking)."""

    title = "Edit conflict"
    type_slug = "conflict"
    status = 409
