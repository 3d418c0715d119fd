"""Access logs without query strings: a search (``?q=Amal``) names the person searched for.

The filter rewrites the request line of Django's development server log (``django.server``)
and any record that carries a request path; gunicorn's access log is configured with the path
only (``stegvis.security.gunicorn``)."""

from __future__ import annotations

import logging
import re

_QUERY = re.compile(r"\?[^\s\"]*")


def without_query(text: str) -> str:
    """``GET /sok/?q=Amal HTTP/1.1`` → ``GET /sok/?… HTTP/1.1`` (kept: that there was one)."""
    return _QUERY.sub("?…", text)


class NoQueryStrings(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and "?" in record.msg:
            record.msg = without_query(record.msg)
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(
                without_query(arg) if isinstance(arg, str) and "?" in arg else arg
                for arg in record.args
            )
        return True
