from __future__ import annotations

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def furl(context, name: str, *args, **kwargs) -> str:
    """``{% furl 'app:view' arg %}``: a URL inside the current federation."""
    request = context["request"]
    return reverse(name, args=[request.federation.slug, *args], kwargs=kwargs or None)


@register.filter
def has_perm(membership, perm: str) -> bool:
    return bool(membership) and membership.has_perm(perm)


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs) -> str:
    """The current query string with some parameters replaced (for paging links)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        params[key] = value
    return params.urlencode()


@register.filter
def audit_object(entry) -> str:
    """The object of an audit entry in Swedish: "Deltagare D-000006"."""
    from stegvis.core.audit import object_label

    if not entry.object_type:
        return "–"
    return object_label(entry.object_type, entry.object_id)


@register.filter
def kr(value, decimals=None) -> str:
    """``{{ amount|kr }}`` → "37 500 kr" (thin space between thousands)."""
    from stegvis.core.formats import sek

    return sek(value, None if decimals in (None, "") else int(decimals))


@register.filter
def tal(value, decimals=None) -> str:
    """``{{ score|tal:2 }}`` → "2,50"; without decimals whole numbers show none."""
    from stegvis.core.formats import number

    return number(value, None if decimals in (None, "") else int(decimals))


@register.filter
def antal(value, forms: str) -> str:
    """``{{ n|antal:"deltagande,deltaganden" }}`` → "1 deltagande", "2 deltaganden"."""
    from stegvis.core.formats import count

    singular, _, plural = forms.partition(",")
    return count(int(value or 0), singular, plural or singular)
