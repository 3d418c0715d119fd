"""Other apps register what they must erase when a participant becomes anonymous."""

from __future__ import annotations

from collections.abc import Callable

_ANONYMISE: list[Callable] = []


def on_anonymise(func: Callable) -> Callable:
    """Decorator: ``func(participant)`` runs inside the anonymising transaction."""
    _ANONYMISE.append(func)
    return func


def run_anonymise(participant) -> None:
    for func in _ANONYMISE:
        func(participant)
