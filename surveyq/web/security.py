"""Request safety of the web page: CSRF tokens, same-origin checks, the upload size limit.

CSRF is the double-submit pattern: a random token in a SameSite=Strict cookie and the same
token in a hidden form field, compared in constant time; a request whose ``Origin`` (or
``Sec-Fetch-Site``) says it came from another site is refused whatever it carries.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.requests import Request

CSRF_COOKIE = "surveyq_csrf"
CSRF_FIELD = "csrf_token"


class Forbidden(Exception):
    """A state-changing request without a valid token, or from another origin."""


class TooLarge(Exception):
    """A request body above the upload limit."""


def csrf_token(request: Request) -> tuple[str, bool]:
    """The browser's token, or a new one; True when it is new (to be set as a cookie)."""
    token = request.cookies.get(CSRF_COOKIE, "")
    if len(token) == 43 and token.replace("-", "").replace("_", "").isalnum():
        return token, False
    return secrets.token_urlsafe(32), True


def same_origin(request: Request) -> bool:
    """False when the browser says the request comes from another site."""
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None:   # not sent by older browsers for same-origin form posts
        return True
    host = request.headers.get("host", "")
    return origin in (f"{request.url.scheme}://{host}",)


def check_csrf(request: Request, form: Mapping[str, Any]) -> None:
    """Raise Forbidden unless the form's token matches the cookie and the origin is ours."""
    if not same_origin(request):
        raise Forbidden("cross-origin request")
    cookie = request.cookies.get(CSRF_COOKIE, "")
    sent = form.get(CSRF_FIELD)
    if not cookie or not isinstance(sent, str) or not hmac.compare_digest(
            cookie.encode(), sent.encode()):
        raise Forbidden("missing or wrong CSRF token")


Send = Callable[[dict[str, Any]], Awaitable[None]]
Receive = Callable[[], Awaitable[dict[str, Any]]]


class BodyLimit:
    """ASGI middleware: a request body above ``max_bytes`` gets ``too_large(scope)`` (413).

    A declared Content-Length above the limit is refused before reading; a body without one
    is counted as it arrives.
    """

    def __init__(self, app: Any, max_bytes: int,
                 too_large: Callable[[dict[str, Any]], Any]):
        self.app, self.max_bytes, self.too_large = app, max_bytes, too_large

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self.too_large(scope)(scope, receive, send)
            return
        seen = 0
        started = False

        async def counted() -> dict[str, Any]:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise TooLarge()
            return message

        async def watched(message: dict[str, Any]) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except TooLarge:   # raised outside a route (the app's handler answers inside one)
            if not started:
                await self.too_large(scope)(scope, receive, send)


class HostCheck:
    """ASGI middleware: answer only requests whose Host names one of ``allowed`` ("*": any).

    A page on another site cannot reach a loopback server through DNS rebinding, since its
    requests carry that site's name. Bracketed IPv6 hosts (``[::1]:8765``) are understood.
    """

    def __init__(self, app: Any, allowed: list[str]):
        self.app, self.allowed = app, {h.lower().strip("[]") for h in allowed}

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and "*" not in self.allowed:
            host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1").lower()
            name = host[1:].split("]")[0] if host.startswith("[") else host.split(":")[0]
            if name not in self.allowed:
                from starlette.responses import PlainTextResponse

                await PlainTextResponse("Invalid host header", status_code=400)(
                    scope, receive, send)
                return
        await self.app(scope, receive, send)
