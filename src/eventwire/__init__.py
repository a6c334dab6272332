"""eventwire: news on armed conflict and political violence in, ACLED-style events and an actor graph out.

Library use::

    from eventwire import extract_file, extract_text
    result = extract_text("Gunmen killed five villagers in Zamfara on Monday.", published="2024-03-12")
    for event in result.events:
        print(event.event_type, event.actor1, event.event_date, event.location)
"""

from .pipeline import Pipeline, extract_file, extract_text

__all__ = ["Pipeline", "extract_file", "extract_text"]
__version__ = "0.1.0"
