"""``surveyq serve``: start the web page with uvicorn on loopback and open the browser."""

from __future__ import annotations

import os
import sys
import threading
import webbrowser
from pathlib import Path

from surveyq.web.app import DEFAULT_MAX_UPLOAD_MB, LOOPBACK_HOSTS, create_app


def default_data_dir() -> Path:
    """Where the page keeps its jobs: the OS's per-user data folder (platformdirs).

    Linux ``~/.local/share/surveyq``, macOS ``~/Library/Application Support/surveyq``,
    Windows ``%LOCALAPPDATA%\\surveyq``; ``SURVEYQ_DATA`` overrides it.
    """
    if os.environ.get("SURVEYQ_DATA"):
        return Path(os.environ["SURVEYQ_DATA"])
    from platformdirs import user_data_dir

    return Path(user_data_dir("surveyq", appauthor=False))


def serve(host: str = "127.0.0.1", port: int = 8765, data_dir: Path | None = None,
          open_browser: bool = True, lang: str = "id",
          max_upload_mb: int = DEFAULT_MAX_UPLOAD_MB) -> None:
    """Run the page until Ctrl-C. A host other than loopback is reachable by others: warned."""
    import uvicorn

    folder = Path(data_dir) if data_dir else default_data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    hosts = list(LOOPBACK_HOSTS)
    if host not in LOOPBACK_HOSTS:
        print(f"Warning: listening on {host}: anyone who can reach this computer on port {port} "
              "can upload files and read every result in the data folder. Use the default "
              "(127.0.0.1) unless this network is trusted.", file=sys.stderr)
        hosts = ["*"] if host in ("0.0.0.0", "::") else [*hosts, host]
    app = create_app(folder, lang=lang, max_upload_mb=max_upload_mb, allowed_hosts=hosts)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = f"http://{'[' + shown + ']' if ':' in shown else shown}:{port}/"
    print(f"surveyq: {url} (data folder {folder}); stop with Ctrl-C", file=sys.stderr)
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    uvicorn.run(app, host=host, port=port, log_level="warning")
