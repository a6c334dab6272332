"""A real `eventwire serve` process for the API and browser tests: started on a free port of 127.0.0.1
(uvicorn picks it: `--port 0`), found from its own startup line, and stopped when the test is done."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import eventwire

SRC = Path(eventwire.__file__).resolve().parent.parent
_RUNNING = re.compile(r"Uvicorn running on (http://\S+) ")


@dataclass
class Server:
    url: str
    process: subprocess.Popen[str]
    log: list[str] = field(default_factory=list)


@contextmanager
def running_server(
    db: str, *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> Iterator[Server]:
    full_env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    full_env.pop("EVENTWIRE_API_TOKEN", None)
    full_env.update(env or {})
    cmd = [sys.executable, "-m", "eventwire.cli", "serve", "--db", db, "--port", "0", *args]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=full_env)
    log: list[str] = []
    found = threading.Event()
    url: list[str] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            log.append(line)
            m = _RUNNING.search(line)
            if m and not found.is_set():
                url.append(m.group(1))
                found.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + timeout
        while not found.wait(0.1):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("eventwire serve did not start:\n" + "".join(log))
        yield Server(url[0], proc, log)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        reader.join(5)
