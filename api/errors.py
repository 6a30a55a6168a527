"""Domain errors. The query layer raises them; each transport maps them to its own shape."""

from typing import Any


class ApiError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFound(ApiError):
    status = 404
    title = "Not found"

    def __init__(self, kind: str, key: str) -> None:
        super().__init__(f"{kind} {key!r} not found", kind=kind, key=key)


class InvalidQuery(ApiError):
    status = 400
    title = "Invalid query"


class NotAcceptable(ApiError):
    status = 406
    title = "Not acceptable"


class ServiceUnavailable(ApiError):
    status = 503
    title = "Service unavailable"
