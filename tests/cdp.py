"""A minimal DevTools-protocol client for the real-browser tests (report, web page).

Chromium is started by the test itself (``--remote-debugging-port=0``, a throw-away profile,
no background networking) and driven over a WebSocket client written here with the standard
library (RFC 6455, text frames only), so the tests need no Selenium, Playwright or driver.
Set ``SURVEYQ_CHROMIUM`` to a browser binary to choose one, and ``SURVEYQ_REPORT_ARTIFACTS``
to a folder to keep screenshots and PDFs.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
TIMEOUT = 120.0


def browser_binary() -> str | None:
    """The browser to drive: ``$SURVEYQ_CHROMIUM``, else the first Chromium on PATH."""
    chosen = os.environ.get("SURVEYQ_CHROMIUM")
    if chosen:
        return chosen
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


# --------------------------------------------------------------------------- DevTools client


class DevToolsError(AssertionError):
    """The browser answered a command with an error (a failed test, unless expected)."""


class DevTools:
    """A minimal DevTools-protocol client over a WebSocket (RFC 6455, text frames only)."""

    def __init__(self, url: str) -> None:
        match = re.match(r"ws://([^:/]+):(\d+)(/.*)", url)
        assert match, url
        host, port, path = match.group(1), int(match.group(2)), match.group(3)
        self.sock = socket.create_connection((host, port), timeout=TIMEOUT)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.sock.recv(1)
        assert head.startswith(b"HTTP/1.1 101"), head
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def _read(self, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = self.sock.recv(size - len(data))
            if not chunk:
                raise ConnectionError("DevTools closed the connection")
            data += chunk
        return data

    def _frame(self, opcode: int, payload: bytes) -> None:
        mask = os.urandom(4)
        size = len(payload)
        head = bytes([0x80 | opcode])
        if size < 126:
            head += bytes([0x80 | size])
        elif size < 1 << 16:
            head += bytes([0x80 | 126]) + struct.pack("!H", size)
        else:
            head += bytes([0x80 | 127]) + struct.pack("!Q", size)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(head + mask + masked)

    def _message(self) -> dict[str, Any]:
        """The next whole text message (control frames answered on the way)."""
        parts: list[bytes] = []
        while True:
            first, second = self._read(2)
            opcode, size = first & 0x0F, second & 0x7F
            if size == 126:
                size = struct.unpack("!H", self._read(2))[0]
            elif size == 127:
                size = struct.unpack("!Q", self._read(8))[0]
            payload = self._read(size)
            if opcode == 0x9:
                self._frame(0xA, payload)
            elif opcode == 0x8:
                raise ConnectionError("DevTools sent a close frame")
            elif opcode in (0x0, 0x1):
                parts.append(payload)
                if first & 0x80:
                    return json.loads(b"".join(parts))

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send a command and return its result; events read meanwhile are kept."""
        self.next_id += 1
        self._frame(0x1, json.dumps({"id": self.next_id, "method": method,
                                     "params": params}).encode())
        while True:
            message = self._message()
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise DevToolsError(f"{method}: {message['error']}")
                return message["result"]
            self.events.append(message)

    def wait(self, method: str) -> dict[str, Any]:
        """Read until the event ``method`` arrives (kept in :attr:`events` too)."""
        while True:
            message = self._message()
            self.events.append(message)
            if message.get("method") == method:
                return message

    def settle(self, seconds: float = 1.0) -> None:
        """Keep reading events for ``seconds`` (late requests, late log entries)."""
        self.sock.settimeout(seconds)
        try:
            while True:
                self.events.append(self._message())
        except TimeoutError:
            pass
        finally:
            self.sock.settimeout(TIMEOUT)

    def take(self) -> list[dict[str, Any]]:
        """The events read so far, and forget them."""
        events, self.events = self.events, []
        return events

    def close(self) -> None:
        self.sock.close()


# --------------------------------------------------------------------------- browser, pages


def _devtools_port(profile: Path, process: subprocess.Popen) -> int:
    active = profile / "DevToolsActivePort"
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if active.exists() and active.read_text().strip():
            return int(active.read_text().split()[0])
        if process.poll() is not None:
            raise RuntimeError(f"the browser exited early ({process.returncode})")
        time.sleep(0.1)
    raise TimeoutError("the browser did not open its DevTools port")


@contextlib.contextmanager
def launch(profile: Path, size: str = "1280,1600") -> Iterator[DevTools]:
    """A headless Chromium with a throw-away ``profile`` folder, and a DevTools session on
    its page (Page, Network, Runtime and Log enabled); the browser is closed afterwards."""
    command = [browser_binary(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
               "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--disable-default-apps",
               "--disable-extensions", "--mute-audio", "--hide-scrollbars",
               f"--window-size={size}", f"--user-data-dir={profile}",
               "--remote-debugging-port=0", "about:blank"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    session = None
    try:
        port = _devtools_port(profile, process)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=30) as answer:
            pages = [t for t in json.load(answer) if t["type"] == "page"]
        session = DevTools(pages[0]["webSocketDebuggerUrl"])
        for domain in ("Page", "Network", "Runtime", "Log"):
            session.call(f"{domain}.enable")
        yield session
    finally:
        if session is not None:
            with contextlib.suppress(OSError, ConnectionError):
                session.call("Browser.close")
            session.close()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the group of the browser we started
            process.wait(timeout=15)


def open_page(browser: DevTools, where: Path | str) -> list[dict[str, Any]]:
    """Load a file or URL and return every event until it has settled."""
    browser.take()
    browser.call("Page.navigate", url=where.as_uri() if isinstance(where, Path) else where)
    browser.wait("Page.loadEventFired")
    browser.settle(1.5)
    return browser.take()


def problems(events: list[dict[str, Any]]) -> list[str]:
    """Console errors, uncaught exceptions and browser log errors among ``events``."""
    found = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
            found.append(f"console.{params['type']}: {params['args']}")
        elif method == "Runtime.exceptionThrown":
            found.append(f"exception: {params['exceptionDetails']}")
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            entry = params["entry"]
            found.append(f"log: {entry.get('text')}" + (f" ({entry['url']})" if entry.get("url")
                                                       else ""))
    return found


def requests(events: list[dict[str, Any]]) -> list[str]:
    return [e["params"]["request"]["url"] for e in events
            if e.get("method") == "Network.requestWillBeSent"]


def evaluate(browser: DevTools, expression: str, awaiting: bool = False) -> Any:
    """The value of a JavaScript expression in the page (a promise awaited if ``awaiting``);
    an exception thrown in the page fails the test."""
    result = browser.call("Runtime.evaluate", expression=expression, returnByValue=True,
                          awaitPromise=awaiting)
    if "exceptionDetails" in result:
        raise DevToolsError(f"{expression[:80]}: {result['exceptionDetails']}")
    return result["result"].get("value")


def keep(name: str, data: bytes) -> None:
    """Save an artefact when ``$SURVEYQ_REPORT_ARTIFACTS`` names a folder."""
    folder = os.environ.get("SURVEYQ_REPORT_ARTIFACTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        Path(folder, name).write_bytes(data)


def not_blank(png: bytes) -> tuple[int, float]:
    """(distinct colours, share of pixels that are not near-white) of a PNG."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    counts = image.getcolors(maxcolors=image.width * image.height)
    inked = sum(count for count, colour in counts if min(colour) < 235)
    return len(counts), inked / (image.width * image.height)


