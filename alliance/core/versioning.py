"""Optimistic-version saves: one helper and one conflict error.

An editable record carries a ``version`` counter. Its edit form sends the
version it was opened at in a hidden field, and the service writes through
``save_if_current``: a single ``UPDATE … SET version = version + 1 WHERE pk = …
AND version = …`` claims the row. Zero rows means someone saved first, and
``Conflict`` is raised carrying the row as now stored, so the view can show
both texts (``conflict_page``) instead of overwriting either. The single
UPDATE is atomic on SQLite (no row locks) and on PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import dateformat, timezone
from django_htmx.http import reswap, retarget

from alliance.core.http import HtmxRequest

CONFLICT_MESSAGE = (
    "{what} was saved in another window, or by someone else, after you opened "
    "it, so your changes were not saved. The saved version is shown next to "
    "yours: keep what you need in your copy and save again."
)


class Conflict(ValidationError):
    """The record was saved elsewhere after the editor opened it; nothing was
    written. ``current`` is the row as now stored."""

    def __init__(self, current: models.Model, message: str | None = None) -> None:
        # The caller knows which model it saved; Any lets it use that model's fields.
        self.current: Any = current
        # A model may name itself for this sentence ("This client record").
        what = getattr(current, "conflict_label", "") or (
            f"This {current._meta.verbose_name}"
        )
        super().__init__(message or CONFLICT_MESSAGE.format(what=what), code="conflict")


def _has_field(model: type[models.Model], name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def claim(
    obj: models.Model,
    version: int | None,
    *,
    conflict: Callable[[Any], Conflict] = Conflict,
    current: Callable[[], models.Model] | None = None,
    **still: Any,
) -> int:
    """Claim ``obj``'s row at ``version`` by bumping its counter; return the new
    version (also set on ``obj``).

    ``still`` adds conditions the row must meet too (e.g. ``signed_at__isnull``).
    Zero rows claimed raises ``conflict(stored row)``; ``current`` fetches the
    stored row (default: by primary key). ``version=None`` is for callers that
    hold the row themselves (imports, the demo, client-confirmed changes): the
    counter is bumped without a check, so open editors still see the change.
    """
    model = type(obj)
    rows = model._default_manager.filter(pk=obj.pk, **still)
    if version is None:
        claimed = rows.update(version=F("version") + 1)
    else:
        claimed = rows.filter(version=version).update(version=version + 1)
    if not claimed:
        stored = current() if current else model._default_manager.get(pk=obj.pk)
        raise conflict(stored)
    new: int
    if version is None:
        new = model._default_manager.values_list("version", flat=True).get(pk=obj.pk)
    else:
        new = version + 1
    obj.version = new  # type: ignore[attr-defined]  # callers pass models with a version
    return new


def save_if_current(
    obj: models.Model,
    fields: Iterable[str],
    *,
    version: int | None,
    by: Any = None,
    conflict: Callable[[Any], Conflict] = Conflict,
    current: Callable[[], models.Model] | None = None,
    **still: Any,
) -> models.Model:
    """Write ``fields`` (already set on ``obj``) if the row is still at
    ``version``, bump the version, and stamp ``updated_by``/``updated_at``
    where the model has them. Call inside the service's transaction, after
    every check, and audit afterwards. Raises ``Conflict`` (nothing written).
    """
    claim(obj, version, conflict=conflict, current=current, **still)
    update = list(fields)
    model = type(obj)
    if by is not None and _has_field(model, "updated_by"):
        obj.updated_by = by  # type: ignore[attr-defined]  # checked just above
        update.append("updated_by")
    if _has_field(model, "updated_at"):
        obj.updated_at = timezone.now()  # type: ignore[attr-defined]  # checked above
        update.append("updated_at")
    if update:
        obj.save(update_fields=update)
    return obj


# -- the conflict page ---------------------------------------------------------


def shown(value: Any, field: Any = None) -> str:
    """A stored value as the conflict page shows it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, models.Manager):
        value = list(value.all())
    if isinstance(value, (list, tuple, set)):
        return "; ".join(shown(item, field) for item in value) or "—"
    if isinstance(value, models.Model):
        return str(value)
    choices = getattr(field, "choices", None) if field is not None else None
    if choices:
        for key, label in choices:
            if str(key) == str(value):
                return str(label)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return dateformat.format(value, "j M Y H:i")
    if isinstance(value, date):
        return dateformat.format(value, "j M Y")
    return str(value)


def stored_rows(
    form: Any, current: Any, values: Mapping[str, Any] | None = None
) -> list[tuple[str, str]]:
    """(label, stored value) for each visible field of ``form``; ``values``
    overrides where the stored value is not ``current.<field name>``."""
    values = values or {}
    rows = []
    for bound in form.visible_fields():
        name = bound.name
        value = values[name] if name in values else getattr(current, name, "")
        rows.append((str(bound.label), shown(value, bound.field)))
    return rows


def rebind(
    form_class: Callable[..., Any], request: HttpRequest, version: int, **kwargs: Any
) -> Any:
    """The editor's own input, bound again with the stored version, so saving
    from the conflict page deliberately replaces the version now shown."""
    data = request.POST.copy()
    data["version"] = str(version)
    form = form_class(data, **kwargs)
    form.is_valid()
    return form


def conflict_page(
    request: HtmxRequest,
    conflict: Conflict,
    *,
    form: Any,
    action: str,
    title: str,
    back: str,
    saved: list[tuple[str, str]] | None = None,
    values: Mapping[str, Any] | None = None,
    context: Mapping[str, Any] | None = None,
    template: str | None = None,
) -> HttpResponse:
    """Answer 409 with the stored version next to the editor's unsaved text
    (``form``, already rebound with the stored version). Plain and htmx
    requests both get it; htmx swaps the whole page. The portal passes
    ``template="portal/conflict.html"``."""
    current = conflict.current
    form.add_error(None, conflict)
    response = render(
        request,
        template or "includes/conflict_page.html",
        {
            **(context or {}),
            "title": title,
            "form": form,
            "action": action,
            "back": back,
            "saved": saved if saved is not None else stored_rows(form, current, values),
            "saved_by": getattr(current, "updated_by", None),
            "saved_at": getattr(current, "updated_at", None),
        },
        status=409,
    )
    if request.htmx:
        reswap(retarget(response, "body"), "innerHTML")
    return response


def model_form_conflict_page(
    request: HtmxRequest,
    conflict: Conflict,
    form_class: Callable[..., Any],
    *,
    action: str,
    title: str,
    back: str,
) -> HttpResponse:
    """The conflict page for a ModelForm edit: the editor's input rebound to a
    fresh copy of the stored row (binding writes into its instance, so the
    stored one stays untouched), beside that stored row as the form shows it."""
    stored = conflict.current
    fresh = type(stored)._default_manager.get(pk=stored.pk)
    return conflict_page(
        request,
        conflict,
        form=rebind(
            form_class,
            request,
            stored.version,
            instance=fresh,
        ),
        saved=stored_rows(form_class(instance=stored), stored),
        action=action,
        back=back,
        title=title,
    )
