"""Child processes that end with the process that started them.

A parent killed outright (SIGKILL, the out-of-memory killer) cannot stop its children, and a child of
`multiprocessing` does not notice on its own: an ingest worker waits on a pipe whose write end it holds
itself, so it never reads end-of-file; a server worker goes on serving the port. Either way the orphans
keep the parent's stdout and stderr open, and whatever waited on the parent hangs too.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from multiprocessing.connection import wait


def exit_with_parent() -> None:
    """In a `multiprocessing` child, end this process as soon as its parent is gone (a no-op elsewhere).

    A daemon thread waits on the parent's sentinel, which becomes ready when the parent dies whatever the
    cause, and ends the process with `os._exit`: `sys.exit` in a thread would end only the thread.
    """
    parent = multiprocessing.parent_process()
    if parent is None:  # the main process, not a multiprocessing child
        return

    def watch() -> None:
        wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
