"""``{{ amount_minor|money:currency }}``: an amount in minor units for people."""

from __future__ import annotations

from django import template

from alliance.billing.money import display

register = template.Library()


@register.filter
def money(minor: int | None, code: str) -> str:
    return display(int(minor or 0), code)
