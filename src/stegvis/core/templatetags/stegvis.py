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
