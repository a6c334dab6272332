"""Running the web application: uvicorn on 127.0.0.1 unless told otherwise, with the server's own access
log. One process by default. With `workers` > 1 this module supervises that many processes, each with its own
listening socket on the same port (SO_REUSEPORT), so the kernel spreads incoming connections over them.
uvicorn's own multi-worker mode shares one socket instead, and then a handful of keep-alive clients can all
land on one busy worker while the others idle. Kept apart from `api.py` so tests and benchmarks can build the
app without starting anything."""

from __future__ import annotations

import dataclasses
import logging
import multiprocessing
import signal
import socket
import time
from typing import Any

from eventwire.errors import EventwireError, InputError
from eventwire.orphans import exit_with_parent
from eventwire.web.api import ServerConfig, create_app

log = logging.getLogger("eventwire.serve")

_UVICORN_OPTIONS: dict[str, Any] = {
    "server_header": False,
    "proxy_headers": False,
    "log_level": "info",
    "timeout_graceful_shutdown": 5,
}


def _listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to host:port that other processes of this user may bind too (SO_REUSEPORT)."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    return sock


def _worker(config: dict[str, Any], host: str, port: int, access_log: bool, ready: Any) -> None:
    """One server process: build the app, listen on the shared port, tell the supervisor, then serve."""
    import uvicorn

    exit_with_parent()  # a killed supervisor must not leave workers serving its port
    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(name)s: %(message)s")
    app = create_app(ServerConfig(**config))
    sock = _listening_socket(host, port)
    sock.listen(2048)
    ready.put(multiprocessing.current_process().name)
    # The supervisor prints the startup line; this worker's own would be one per process.
    server = uvicorn.Server(uvicorn.Config(app, access_log=access_log, **_UVICORN_OPTIONS))
    server.run(sockets=[sock])


def _serve_workers(config: ServerConfig, host: str, port: int, access_log: bool, workers: int) -> None:
    # Holding the port (bound, not listening: no connection is handed to it) makes a port in use fail here
    # with one message, and gives port 0 one free port for every worker.
    try:
        holder = _listening_socket(host, port)
    except OSError as error:
        raise InputError(f"{host}:{port}", f"cannot listen there: {error.strerror or error}") from None
    port = holder.getsockname()[1]
    context = multiprocessing.get_context("spawn")
    ready = context.Queue()
    settings = dataclasses.asdict(config)

    def start(n: int) -> multiprocessing.process.BaseProcess:
        process = context.Process(
            target=_worker, args=(settings, host, port, access_log, ready), name=f"worker-{n}", daemon=False
        )
        process.start()
        return process

    processes = [start(n) for n in range(workers)]
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        started = 0
        while started < workers and not stopping:
            try:
                ready.get(timeout=0.2)
                started += 1
            except Exception:  # queue.Empty: check that no worker died while starting
                if any(p.exitcode is not None for p in processes):
                    raise EventwireError(
                        "a server worker process failed to start (its error is above)"
                    ) from None
        if not stopping:
            scheme_host = f"[{host}]" if ":" in host else host
            # The same line uvicorn prints for one process, which tests and scripts read for the address.
            log.info(
                "Uvicorn running on http://%s:%d (%d processes; Ctrl+C to quit)", scheme_host, port, workers
            )
        holder.close()
        while not stopping:
            time.sleep(0.5)
            for n, process in enumerate(processes):
                if process.exitcode is not None and not stopping:
                    log.warning(
                        "worker %s exited with code %s; starting another", process.name, process.exitcode
                    )
                    processes[n] = start(n)
    finally:
        for process in processes:
            if process.exitcode is None:
                process.terminate()  # SIGTERM: uvicorn finishes open requests, then exits
        deadline = time.monotonic() + 10
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.exitcode is None:
                process.kill()


def serve(
    config: ServerConfig, host: str = "127.0.0.1", port: int = 8000, access_log: bool = True, workers: int = 1
) -> None:
    import uvicorn

    exit_with_parent()  # a killed supervisor must not leave workers serving its port
    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(name)s: %(message)s")
    app = create_app(config)  # opens the database first, so a bad --db fails before the port is taken
    if workers <= 1:
        uvicorn.run(app, host=host, port=port, access_log=access_log, **_UVICORN_OPTIONS)
        return
    app.state.store.close()
    del app
    if not hasattr(socket, "SO_REUSEPORT"):
        raise InputError(
            f"--workers={workers}", "several server processes need SO_REUSEPORT (Linux, macOS, BSD)"
        )
    _serve_workers(config, host, port, access_log, workers)
