"""Running the web application: uvicorn on 127.0.0.1 unless told otherwise, with the server's own access
log. One process by default; `workers` > 1 runs that many, each building the app from the configuration
handed down in an environment variable (uvicorn's worker processes import the app by name). Kept apart from
`api.py` so tests and benchmarks can build the app without starting anything."""

from __future__ import annotations

import dataclasses
import json
import logging
import os

from fastapi import FastAPI

from eventwire.web.api import ServerConfig, create_app

_CONFIG_ENV = "EVENTWIRE_SERVE_CONFIG"


def app_from_env() -> FastAPI:
    """The app for a uvicorn worker process (see `serve`)."""
    return create_app(ServerConfig(**json.loads(os.environ[_CONFIG_ENV])))


def serve(
    config: ServerConfig, host: str = "127.0.0.1", port: int = 8000, access_log: bool = True, workers: int = 1
) -> None:
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(name)s: %(message)s")
    options = {
        "host": host,
        "port": port,
        "access_log": access_log,
        "server_header": False,
        "proxy_headers": False,
        "log_level": "info",
        "timeout_graceful_shutdown": 5,
    }
    app = create_app(config)  # opens the database first, so a bad --db fails before the port is taken
    if workers <= 1:
        uvicorn.run(app, **options)
        return
    app.state.store.close()
    os.environ[_CONFIG_ENV] = json.dumps(dataclasses.asdict(config))
    uvicorn.run("eventwire.web.server:app_from_env", factory=True, workers=workers, **options)
