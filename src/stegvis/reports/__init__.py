"""Reports (SPEC §8): the federation's statistics as web pages, CSV, XLSX, PDF and JSON."""


def build_report(name: str, **kwargs) -> dict:
    """See :func:`stegvis.reports.definitions.build_report` (imported lazily: this package is
    loaded before Django's app registry is ready)."""
    from stegvis.reports.definitions import build_report as build

    return build(name, **kwargs)
