"""Per-request memory for look-ups that many parts of one page repeat.

A participant page asks "which interventions may this person see?" and "what are the exit
reasons called?" from half a dozen sections. Inside ``request_memo()`` (opened by the
federation and API middlewares) the first answer is kept for the rest of the request; any
model save, delete or many-to-many change forgets everything, so a request never reads its own
stale answer. Outside a request (commands, tests calling services) nothing is kept.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models.signals import m2m_changed, post_delete, post_save

from stegvis.core.tenancy import current_federation

_store: ContextVar[dict | None] = ContextVar("stegvis_request_memo", default=None)


@contextmanager
def request_memo():
    token = _store.set({})
    try:
        yield
    finally:
        _store.reset(token)


def forget() -> None:
    store = _store.get()
    if store:
        store.clear()


def memoized(key: Callable[..., tuple]):
    """Keep a function's result for the request, under ``key(*args, **kwargs)``.

    Results are shared, so functions return values callers must not change (frozensets,
    tuples, or lists callers only read).
    """

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            store = _store.get()
            if store is None:
                return func(*args, **kwargs)
            federation = current_federation()
            cache_key = (
                func.__qualname__,
                federation.pk if federation else None,
                *key(*args, **kwargs),
            )
            if cache_key not in store:
                store[cache_key] = func(*args, **kwargs)
            return store[cache_key]

        wrapper.memo_key = key
        return wrapper

    return decorate


def prime(memoized_func, value, *args) -> None:
    """Keep ``value`` as the request's answer of ``memoized_func(*args)``: a list page reads what
    its rows need in one query and primes the per-row look-ups with it."""
    store = _store.get()
    if store is None:
        return
    federation = current_federation()
    store[
        (
            memoized_func.__wrapped__.__qualname__,
            federation.pk if federation else None,
            *memoized_func.memo_key(*args),
        )
    ] = value


# Rows a request writes about itself that no memoized answer is built from: the audit entry
# of a read and the session's last-seen time must not make the rest of the page read again.
_KEEPS_MEMO = {"core.auditentry", "sessions.session"}


def _forget(sender=None, **_kwargs) -> None:
    meta = getattr(sender, "_meta", None)
    if meta is not None and meta.label_lower in _KEEPS_MEMO:
        return
    forget()


post_save.connect(_forget, dispatch_uid="stegvis-memo-save")
post_delete.connect(_forget, dispatch_uid="stegvis-memo-delete")
m2m_changed.connect(_forget, dispatch_uid="stegvis-memo-m2m")
