"""A small headless-Chromium driver over the Chrome DevTools Protocol (CDP).

It talks to the browser through ``--remote-debugging-pipe`` (file descriptors
3 and 4, messages are JSON terminated by a NUL byte), so it needs no Python
package, no chromedriver and no network port: only a Chromium binary
(Debian's ``chromium`` package puts it at ``/usr/bin/chromium``).

Test-only (not part of the installed package): used by ``tests/test_browser.py``
for checks, screenshots and PDF prints of ``report.html``::

    with HeadlessChromium() as browser:
        page = browser.open(Path("outputs/demo01/report.html"))
        page.evaluate("document.title")
        page.screenshot(Path("shot.png"), full_page=True)
        page.console_errors  # messages logged as errors while loading
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Flags that keep a headless run quiet, offline and reproducible.
CHROMIUM_FLAGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--mute-audio",
    "--hide-scrollbars",
)

DEFAULT_EXECUTABLES: tuple[str, ...] = (
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
)


class BrowserError(RuntimeError):
    """The browser could not be started, closed the pipe, or a CDP call failed."""


def find_chromium() -> str | None:
    """Path of a Chromium binary: ``$QM_CHROMIUM``, a known path, or ``chromium`` on PATH."""
    env = os.environ.get("QM_CHROMIUM")
    if env:
        return env if Path(env).exists() else None
    for path in DEFAULT_EXECUTABLES:
        if Path(path).exists():
            return path
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _high_fd(fd: int) -> int:
    """Duplicate ``fd`` to a number ≥ 10 (so moving it to 3/4 never clobbers the other)."""
    import fcntl

    new = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return new


@dataclass
class Page:
    """One tab attached with a flat CDP session."""

    browser: HeadlessChromium
    session_id: str
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def send(self, method: str, params: dict[str, Any] | None = None, timeout: float = 30.0) -> dict:
        """Send a CDP command to this page; return its ``result``."""
        return self.browser.send(method, params, session_id=self.session_id, timeout=timeout)

    def evaluate(self, expression: str, timeout: float = 30.0) -> Any:
        """Evaluate a JavaScript expression (promises are awaited); return its JSON value."""
        result = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            timeout=timeout,
        )
        if "exceptionDetails" in result:
            raise BrowserError(f"JavaScript error: {result['exceptionDetails']}")
        return result.get("result", {}).get("value")

    def set_viewport(self, width: int, height: int, mobile: bool = False, scale: float = 1.0) -> None:
        """Emulate a window of ``width`` × ``height`` CSS pixels (``mobile`` for phone layout)."""
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": mobile},
        )

    def screenshot(self, path: Path, full_page: bool = True, max_height: int = 16000) -> Path:
        """Save a PNG of the viewport, or of the whole page (up to ``max_height`` px)."""
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            metrics = self.send("Page.getLayoutMetrics")
            size = metrics.get("cssContentSize") or metrics["contentSize"]
            params["clip"] = {
                "x": 0,
                "y": 0,
                "width": size["width"],
                "height": min(size["height"], max_height),
                "scale": 1,
            }
            params["captureBeyondViewport"] = True
        data = self.send("Page.captureScreenshot", params, timeout=60)["data"]
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def print_pdf(self, path: Path) -> Path:
        """Print the page with its print CSS to an A4 PDF."""
        data = self.send(
            "Page.printToPDF",
            {"paperWidth": 8.27, "paperHeight": 11.69, "printBackground": True, "preferCSSPageSize": True},
            timeout=120,
        )["data"]
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path


class HeadlessChromium:
    """A headless Chromium process driven over ``--remote-debugging-pipe``.

    A fresh ``--user-data-dir`` in a temporary folder is made per instance and
    removed on :meth:`close`. Use as a context manager.
    """

    def __init__(self, executable: str | None = None, extra_flags: tuple[str, ...] = ()) -> None:
        exe = executable or find_chromium()
        if not exe:
            raise BrowserError("no Chromium found (install Debian's chromium or set QM_CHROMIUM)")
        self.profile = tempfile.mkdtemp(prefix="qm-chromium-")
        to_browser_r, to_browser_w = os.pipe()
        from_browser_r, from_browser_w = os.pipe()
        child_in, child_out = _high_fd(to_browser_r), _high_fd(from_browser_w)

        def _wire_pipe() -> None:  # runs in the child between fork and exec
            os.dup2(child_in, 3)
            os.dup2(child_out, 4)

        args = [
            exe,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={self.profile}",
            "--remote-debugging-pipe",
            *extra_flags,
            "about:blank",
        ]
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        try:
            self.proc = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=self._stderr,
                close_fds=False,
                preexec_fn=_wire_pipe,  # dup2 only: safe between fork and exec
            )
        finally:
            os.close(child_in)
            os.close(child_out)
        self._write = to_browser_w
        self._read = from_browser_r
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict] = []
        self._pages: dict[str, Page] = {}

    # ---- protocol -------------------------------------------------------
    def _recv(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise BrowserError("timed out waiting for the browser")
            ready, _, _ = select.select([self._read], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(self._read, 1 << 20)
            if not chunk:
                raise BrowserError(f"browser closed the pipe; stderr:\n{self.stderr_text()[-2000:]}")
            self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(raw)

    def _dispatch(self, message: dict) -> None:
        page = self._pages.get(message.get("sessionId", ""))
        method = message.get("method", "")
        params = message.get("params", {})
        if page is None:
            self._events.append(message)
            return
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            texts = [str(a.get("value", a.get("description", ""))) for a in params.get("args", [])]
            page.console_errors.append("console: " + " ".join(texts))
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            text = details.get("exception", {}).get("description") or details.get("text", "")
            page.console_errors.append(f"exception: {text}")
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            page.console_errors.append(f"log: {entry.get('text', '')} {entry.get('url', '')}".strip())
        elif method == "Network.requestWillBeSent":
            page.requests.append(params.get("request", {}).get("url", ""))
        else:
            self._events.append(message)

    def send(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        session_id: str | None = None,
        timeout: float = 30.0,
    ) -> dict:
        """Send one command and wait for its answer, dispatching events meanwhile."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session_id:
            message["sessionId"] = session_id
        data = json.dumps(message).encode() + b"\0"
        try:
            while data:
                data = data[os.write(self._write, data) :]
        except BrokenPipeError as exc:
            raise BrowserError(f"browser is gone; stderr:\n{self.stderr_text()[-2000:]}") from exc
        deadline = time.monotonic() + timeout
        while True:
            reply = self._recv(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self._dispatch(reply)

    def wait_for_event(self, method: str, session_id: str | None = None, timeout: float = 30.0) -> dict:
        """Wait until the event ``method`` arrives (or was already received)."""
        deadline = time.monotonic() + timeout
        while True:
            for i, event in enumerate(self._events):
                if event.get("method") == method and (
                    session_id is None or event.get("sessionId") == session_id
                ):
                    return self._events.pop(i)
            self._dispatch(self._recv(deadline))

    # ---- pages ------------------------------------------------------------
    def new_page(self, width: int = 1280, height: int = 900, mobile: bool = False) -> Page:
        """Open a blank tab with the console, log and network domains enabled."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, session)
        self._pages[session] = page
        for domain in ("Page", "Runtime", "Log", "Network"):
            page.send(f"{domain}.enable")
        page.set_viewport(width, height, mobile=mobile)
        return page

    def open(
        self,
        target: Path | str,
        width: int = 1280,
        height: int = 900,
        mobile: bool = False,
        timeout: float = 60.0,
    ) -> Page:
        """Open a file (``Path``) or URL in a new tab and wait for its load event."""
        url = Path(target).resolve().as_uri() if isinstance(target, Path) else target
        page = self.new_page(width, height, mobile=mobile)
        page.send("Page.navigate", {"url": url})
        self.wait_for_event("Page.loadEventFired", page.session_id, timeout=timeout)
        # let late console messages and image decoding settle
        page.evaluate("new Promise(r => requestAnimationFrame(() => setTimeout(r, 50)))")
        return page

    # ---- lifetime -----------------------------------------------------------
    def stderr_text(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", "replace")

    def close(self) -> None:
        """Ask the browser to quit, kill it if it does not, remove the profile."""
        if self.proc.poll() is None:
            with contextlib.suppress(BrowserError, OSError):
                self.send("Browser.close", timeout=5)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        for fd in (self._write, self._read):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._stderr.close()
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> HeadlessChromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
