"""``reverse_uuid``: the address of an object page named by its UUID, without
resolving the URL patterns again for every row of a list.

A home page or a history table links each of its rows (``get_absolute_url``);
Django's ``reverse`` matches the patterns each time. The address of a page
that takes one UUID differs only in that UUID, so it is reversed once per
process (per URL name, URLconf and script prefix) with a placeholder, and the
placeholder is replaced after that."""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

_PLACEHOLDER = "00000000-0000-0000-0000-000000000000"
_templates: dict[tuple[str, str, str], str | None] = {}


def reverse_uuid(viewname: str, uuid: object) -> str:
    """``reverse(viewname, args=[uuid])`` for a pattern whose one argument is
    a UUID (anything else falls back to ``reverse``)."""
    if not isinstance(uuid, UUID):
        return reverse(viewname, args=[uuid])
    urlconf = str(get_urlconf() or settings.ROOT_URLCONF)
    key = (viewname, urlconf, get_script_prefix())
    template = _templates.get(key, "")
    if template == "":
        url = reverse(viewname, args=[UUID(_PLACEHOLDER)])
        template = url if url.count(_PLACEHOLDER) == 1 else None
        _templates[key] = template
    if template is None:
        return reverse(viewname, args=[uuid])
    return template.replace(_PLACEHOLDER, str(uuid))
