"""Ingest: files, directories, stdin and raw bytes (text or HTML) in, cleaned `Document`s out; bulk
containers (JSONL, WARC, RSS/Atom, gzip) read into raw items by `bulk`."""

from eventwire.ingest.readers import iter_paths, read_bytes, read_path

__all__ = ["iter_paths", "read_bytes", "read_path"]
