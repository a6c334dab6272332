"""The FastAPI application `eventwire serve` runs: the REST API under /api, its OpenAPI description at
/openapi.json and /docs, and the analyst's page at / with its static files.

What this module owns is the HTTP contract: request validation (pydantic models, so a malformed
parameter answers 422 naming it), limits (page size, body size), the bearer token, CORS (off unless
origins are given), headers, and the mapping of every failure to a short JSON message with no stack trace.
The queries themselves are in `queries.py`; ingesting runs the same `Pipeline` and `Store` the CLI uses.
"""

# No `from __future__ import annotations` here: FastAPI reads the endpoints' annotations at run time, and
# those that name a closure's variables (the token dependency) cannot be resolved from strings.
import datetime as dt
import io
import json
import logging
import re
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from eventwire import __version__
from eventwire.errors import EventwireError, InputError, StoreError
from eventwire.export import write_acled_csv, write_geojson
from eventwire.store import Store
from eventwire.web import queries

log = logging.getLogger("eventwire.web")

STATIC = Path(__file__).with_name("static")
MAX_PAGE = 1000  # events per page
MAX_POINTS = 200_000  # map points in one answer: more than the page can usefully draw
MAX_BODY = 10_000_000  # bytes in a request body (the ingest limit for one article, too)
_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
_EVENT_ID = r"^[0-9a-f]{8,64}$"
_DOC_ID = r"^[0-9a-f]{8,64}$"


@dataclass(slots=True)
class ServerConfig:
    """What `eventwire serve` was told. `token` guards POST (and reads too with `protect_reads`)."""

    db_url: str
    token: str | None = None
    protect_reads: bool = False
    cors_origins: list[str] = field(default_factory=list)
    tile_url: str | None = None  # an online tile layer (e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png)
    tile_attribution: str | None = None
    create: bool = False


# -- request models ---------------------------------------------------------------------------------------

Text = Annotated[str | None, Field(default=None, min_length=1, max_length=200)]


class EventFilters(BaseModel):
    """Filters shared by /api/events, /api/events/points and /api/stats."""

    model_config = ConfigDict(extra="forbid")

    since: str | None = Field(None, description="first day, inclusive: YYYY, YYYY-MM or YYYY-MM-DD")
    until: str | None = Field(
        None, description="last day, inclusive: YYYY, YYYY-MM (whole month) or YYYY-MM-DD"
    )
    country: Text = Field(None, description="country name or ISO3 code (case-insensitive)")
    admin1: Text = None
    event_type: Text = Field(None, description="ACLED event type, e.g. Battles (case-insensitive)")
    sub_event_type: Text = None
    actor: Text = Field(
        None,
        description="words of actor1, actor2 or an associated actor, in order; case-insensitive, the last "
        "word may be the beginning of one ('islamic st' finds Islamic State); see docs/web.md",
    )
    q: Text = Field(
        None,
        description="terms that must all appear as words in the event's text fields (notes, places, actors, "
        "sub-event type, country); the last term, and any ending in *, may be the beginning of a word",
    )
    bbox: str | None = Field(
        None, description="west,south,east,north in degrees (WGS84)", max_length=100, examples=["2,4,15,14"]
    )

    @field_validator("since", "until")
    @classmethod
    def _date(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if not _DATE.match(value):
            raise ValueError("expected a date as YYYY, YYYY-MM or YYYY-MM-DD")
        if len(value) == 10:
            dt.date.fromisoformat(value)  # 2024-02-30 is no day; ValueError becomes a 422
        return value

    @field_validator("bbox")
    @classmethod
    def _bbox(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            west, south, east, north = (float(x) for x in value.split(","))
        except ValueError:
            raise ValueError("expected four numbers: west,south,east,north") from None
        if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
            raise ValueError("expected -180 <= west <= east <= 180 and -90 <= south <= north <= 90")
        return value

    def query(self) -> queries.EventQuery:
        bbox = tuple(float(x) for x in self.bbox.split(",")) if self.bbox else None
        return queries.EventQuery(
            since=self.since,
            until=self.until,
            country=self.country,
            admin1=self.admin1,
            event_type=self.event_type,
            sub_event_type=self.sub_event_type,
            actor=self.actor,
            q=self.q,
            bbox=bbox,  # type: ignore[arg-type]
        )


class EventListParams(EventFilters):
    limit: int = Field(100, ge=1, le=MAX_PAGE, description=f"events per page (at most {MAX_PAGE})")
    offset: int = Field(0, ge=0, le=10_000_000)
    sort: Literal["-date", "date", "-fatalities", "fatalities"] = "-date"
    format: Literal["json", "csv", "geojson"] = "json"


class PointParams(EventFilters):
    limit: int = Field(MAX_POINTS, ge=1, le=MAX_POINTS)


class StatsParams(EventFilters):
    interval: Literal["day", "week"] = "week"


class ActorParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    q: Text = Field(None, description="substring of the name or an alias")
    limit: int = Field(100, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0, le=10_000_000)


class ArticleIn(BaseModel):
    """One article to ingest: its text or its HTML (exactly one), with what the page may not say."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(None, min_length=1, description="the article as plain text")
    html: str | None = Field(None, min_length=1, description="the article's web page")
    url: str | None = Field(None, max_length=2000, pattern=r"^https?://\S+$")
    published: dt.date | None = Field(None, description="publication date; wins over the page's own")

    @model_validator(mode="after")
    def _one_body(self) -> "ArticleIn":
        if (self.text is None) == (self.html is None):
            raise ValueError("give exactly one of 'text' and 'html'")
        return self


# -- limits ------------------------------------------------------------------------------------------------


class _BodyTooLarge(Exception):
    pass


class BodyLimit:
    """Refuses request bodies over `limit` bytes with 413: at once when Content-Length says so, and while
    reading when the body is chunked (so a client cannot make the server buffer more than the limit)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > self.limit:
                await _too_large(send, self.limit)
                return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge:
            if not started:
                await _too_large(send, self.limit)


async def _too_large(send: Send, limit: int) -> None:
    body = json.dumps({"detail": f"request body too large (limit {limit:,} bytes)"}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """nosniff and no-referrer on every answer, no-store on the API's. Plain ASGI rather than
    `@app.middleware("http")`, which costs about a millisecond a request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = scope["path"].startswith("/api/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                extra = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
                if api:
                    extra.append((b"cache-control", b"no-store"))
                headers += [(n, v) for n, v in extra if n not in names]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


# -- the application ---------------------------------------------------------------------------------------


def _json(content: Any, status: int = 200) -> Response:
    # json.dumps directly: FastAPI's generic encoder walks every value and costs more than the query.
    return Response(
        json.dumps(content, ensure_ascii=False, default=str), status, media_type="application/json"
    )


def create_app(config: ServerConfig, store: Store | None = None) -> FastAPI:
    """The application for one database. `store` lets a caller share an open `Store`; by default one is
    opened from `config.db_url` (refusing a missing database unless `config.create`)."""
    store = store or Store(config.db_url, create=config.create)
    app = FastAPI(
        title="eventwire",
        version=__version__,
        description="ACLED-style events coded from news, with per-field evidence.",
        docs_url=None,  # served below from the vendored Swagger UI: no CDN at run time
        redoc_url=None,
    )
    app.state.store = store
    app.state.config = config
    pipeline_lock = threading.Lock()
    pipeline_box: dict[str, Any] = {}

    bearer = HTTPBearer(auto_error=False)

    def _check_token(creds: HTTPAuthorizationCredentials | None) -> None:
        expected = config.token
        given = creds.credentials if creds is not None else None
        if not expected or not given or not secrets.compare_digest(given.encode(), expected.encode()):
            detail = (
                "this server has no API token configured (set EVENTWIRE_API_TOKEN or --token-file)"
                if not expected
                else "missing or wrong bearer token"
            )
            raise HTTPException(401, detail, headers={"WWW-Authenticate": "Bearer"})

    def require_token(creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> None:
        _check_token(creds)

    def read_access(creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> None:
        if config.protect_reads:
            _check_token(creds)

    reader = [Depends(read_access)]

    @app.exception_handler(StoreError)
    async def _store_error(_request: Request, exc: StoreError) -> Response:
        log.error("database error: %s", exc)
        return _json({"detail": "database unavailable"}, 503)

    @app.exception_handler(InputError)
    async def _input_error(_request: Request, exc: InputError) -> Response:
        return _json({"detail": exc.cause}, 422)

    @app.exception_handler(EventwireError)
    async def _eventwire_error(_request: Request, exc: EventwireError) -> Response:
        log.error("error: %s", exc)
        return _json({"detail": "the request could not be completed"}, 500)

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> Response:
        # Logged in full here, never sent: a client gets one line and no trace of the server's insides.
        log.exception("unexpected error", exc_info=exc)
        return _json({"detail": "internal server error"}, 500)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        return _json({"detail": errors}, 422)

    # -- events --

    @app.get("/api/events", dependencies=reader, tags=["events"])
    def list_events(params: Annotated[EventListParams, Query()]) -> Response:
        """Events, newest first by default: a JSON page (`total`, `events`), ACLED CSV or GeoJSON."""
        f = params.query()
        if params.format == "json":
            total, rows = queries.event_page(store, f, params.limit, params.offset, params.sort)
            body = {"total": total, "total_exact": total < queries.COUNT_CAP, "limit": params.limit,
                    "offset": params.offset, "events": rows}  # fmt: skip
            return _json(body)
        events = store.events_by_id(queries.event_ids(store, f, params.limit, params.offset, params.sort))
        buf = io.StringIO()
        if params.format == "csv":
            write_acled_csv(events, buf)
            return Response(
                buf.getvalue(),
                media_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": 'attachment; filename="events.csv"'},
            )
        write_geojson(events, buf)
        return Response(buf.getvalue(), media_type="application/geo+json")

    @app.get("/api/events/points", dependencies=reader, tags=["events"])
    def event_points(params: Annotated[PointParams, Query()]) -> Response:
        """Every matching event with coordinates, as compact arrays for the map (`fields` names them)."""
        total, points = queries.event_points(store, params.query(), params.limit)
        return _json({"total": total, "fields": list(queries.POINT_COLUMNS), "points": points})

    @app.get("/api/events/{event_id}", dependencies=reader, tags=["events"])
    def get_event(event_id: Annotated[str, PathParam(pattern=_EVENT_ID)]) -> Response:
        """One event with its sources, its per-field `evidence`, and each source's evidence passages."""
        event = queries.event_detail(store, event_id)
        if event is None:
            raise HTTPException(404, "no such event")
        return _json(event)

    @app.get("/api/facets", dependencies=reader, tags=["events"])
    def get_facets() -> Response:
        """The event types, sub-types and countries stored, with counts, and the date range."""
        return _json(queries.facets(store))

    @app.get("/api/stats", dependencies=reader, tags=["events"])
    def get_stats(params: Annotated[StatsParams, Query()]) -> Response:
        """Events and fatalities by day or week and type, by type, and by country."""
        return _json(queries.stats(store, params.query(), params.interval))

    # -- actors and documents --

    @app.get("/api/actors", dependencies=reader, tags=["actors"])
    def list_actors(params: Annotated[ActorParams, Query()]) -> Response:
        """Actors, those in the most events first, with their event counts."""
        total, rows = queries.actors(store, params.q, params.limit, params.offset)
        return _json({"total": total, "limit": params.limit, "offset": params.offset, "actors": rows})

    @app.get("/api/actor-card", dependencies=reader, tags=["actors"])
    def get_actor_by_name(name: Annotated[str, Query(min_length=1, max_length=300)]) -> Response:
        """The card of the actor with exactly this name, as events name it (also when the actors table
        keeps it under another name: the card then comes from its events and relations)."""
        card = queries.actor(store, name=name)
        if card is None:
            raise HTTPException(404, "no such actor")
        return _json(card)

    @app.get("/api/actors/{actor_id}", dependencies=reader, tags=["actors"])
    def get_actor(actor_id: Annotated[int, PathParam(ge=1, le=2**62)]) -> Response:
        """An actor's card: attributes, counts, first and last seen, relations, counterparts, latest
        events."""
        card = queries.actor(store, actor_id=actor_id)
        if card is None:
            raise HTTPException(404, "no such actor")
        return _json(card)

    @app.get("/api/documents/{doc_id}", dependencies=reader, tags=["documents"])
    def get_document(doc_id: Annotated[str, PathParam(pattern=_DOC_ID)]) -> Response:
        """A stored article's cleaned text with every evidence span that points into it."""
        doc = queries.document(store, doc_id)
        if doc is None:
            raise HTTPException(404, "no such document")
        return _json(doc)

    @app.post(
        "/api/documents",
        dependencies=[Depends(require_token)],
        tags=["documents"],
        status_code=201,
        responses={200: {"description": "already stored"}, 401: {"description": "no or wrong token"}},
    )
    def post_document(article: ArticleIn) -> Response:
        """Ingest one article (needs the bearer token): 201 with its events, or 200 if already stored."""
        from eventwire.ingest import read_bytes

        body = article.text if article.text is not None else article.html
        assert body is not None  # the model insists on one of them
        doc = read_bytes(
            body.encode("utf-8"),
            "request",
            published=article.published,
            url=article.url,
            is_html=article.html is not None,
        )
        with pipeline_lock:  # one spaCy pipeline, loaded on first use, not shared between threads
            if "pipeline" not in pipeline_box:
                from eventwire.pipeline import Pipeline

                pipeline_box["pipeline"] = Pipeline()
            stored_before = store.has_document(doc.id)
            extraction = None if stored_before else pipeline_box["pipeline"].extract(doc)
        created = extraction is not None and store.save(extraction)
        if created:
            queries.forget_counts(store)  # new countries, types ... to filter on, and new counts
        ids = queries.document_event_ids(store, doc.id)
        return _json(
            {
                "document_id": doc.id,
                "created": created,
                "warnings": (doc.warnings + (extraction.warnings if extraction else [])),
                "events": store.events_by_id(ids),
            },
            201 if created else 200,
        )

    # -- the page --

    @app.get("/api/config", dependencies=reader, tags=["page"])
    def page_config() -> Response:
        """What the page needs to know about this server."""
        return _json(
            {
                "version": __version__,
                "tile_url": config.tile_url,
                "tile_attribution": config.tile_attribution,
                "protect_reads": config.protect_reads,
                "max_page": MAX_PAGE,
            }
        )

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="eventwire API",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        tiles = ""
        if config.tile_url:
            m = re.match(r"^(https?://[^/{}]+)", config.tile_url.replace("{s}", "a"))
            tiles = " " + (m.group(1) if m else "")
            if "{s}" in config.tile_url and m:
                tiles = " " + " ".join(m.group(1).replace("://a", f"://{x}") for x in "abc")
        csp = (
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            f"img-src 'self' data:{tiles}; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
        )
        return FileResponse(STATIC / "index.html", headers={"Content-Security-Policy": csp})

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    app.add_middleware(SecurityHeaders)
    # Level 4: nearly the size of level 9 on JSON at a fraction of the CPU (Starlette's default is 9).
    app.add_middleware(GZipMiddleware, minimum_size=4096, compresslevel=4)
    if config.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=config.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(BodyLimit, limit=MAX_BODY)
    return app
