"""EncryptedTextField: clinical free text, encrypted before it reaches the database.

On load the column holds a :class:`Sealed` value; the descriptor decrypts it the
first time the attribute is read, using the row's UUID as associated data. The
model must have a ``uuid`` field set before saving (``UUIDModel`` does this).
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models

from alliance.core import crypto


class Sealed:
    """A ciphertext as read from the database, not yet decrypted."""

    __slots__ = ("ciphertext",)

    def __init__(self, ciphertext: str) -> None:
        self.ciphertext = ciphertext

    def __repr__(self) -> str:
        return "<Sealed>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sealed) and other.ciphertext == self.ciphertext

    def __hash__(self) -> int:
        return hash(self.ciphertext)


class _DecryptingAttribute:
    def __init__(self, field: EncryptedTextField) -> None:
        self.field = field

    def __get__(self, instance: models.Model | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        if self.field.attname not in instance.__dict__:
            instance.refresh_from_db(fields=[self.field.attname])
        value = instance.__dict__.get(self.field.attname)
        if isinstance(value, Sealed):
            plain = self.field.from_plaintext(
                crypto.decrypt(value.ciphertext, self.field.aad_for(instance))
            )
            # Keep the ciphertext so an unchanged value is written back as is.
            instance.__dict__[self.field.attname] = plain
            instance.__dict__[self.field.sealed_attname] = value
            return plain
        if value == "" or value is None:
            return self.field.from_plaintext(value)
        return value

    def __set__(self, instance: models.Model, value: Any) -> None:
        instance.__dict__[self.field.attname] = value


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]  # the stubs' field generics (set/get types) do not fit a field whose value type depends on the descriptor
    """Text encrypted with AES-GCM; not searchable or sortable by design."""

    descriptor_class = _DecryptingAttribute

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    @property
    def sealed_attname(self) -> str:
        return f"_{self.attname}_sealed"

    def aad_for(self, instance: models.Model) -> str:
        uuid = instance.uuid  # type: ignore[attr-defined]  # every model with an encrypted field has one
        return f"{instance._meta.label_lower}.{self.attname}:{uuid}"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return Sealed(value)

    def seal(self, instance: models.Model, plaintext: str) -> str:
        return crypto.encrypt(plaintext, self.aad_for(instance))

    def from_plaintext(self, plain: Any) -> Any:
        """The attribute's value for a decrypted (or empty) stored text."""
        return plain

    def to_plaintext(self, value: Any) -> Any:
        """The text to encrypt for an attribute value ("" and None as they are)."""
        return value

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = model_instance.__dict__.get(self.attname)
        if value is None or isinstance(value, Sealed):
            return value.ciphertext if isinstance(value, Sealed) else None
        value = self.to_plaintext(value)
        if value == "":
            return ""
        previous = model_instance.__dict__.get(self.sealed_attname)
        # An unchanged value keeps its ciphertext, unless that is under a key
        # replaced since it was read (so a save never undoes a rotation).
        if (
            previous is not None
            and crypto.key_id_of(previous.ciphertext) == crypto.load_keyring().active
            and crypto.decrypt(previous.ciphertext, self.aad_for(model_instance))
            == value
        ):
            return previous.ciphertext
        sealed = Sealed(self.seal(model_instance, str(value)))
        model_instance.__dict__[self.sealed_attname] = sealed
        return sealed.ciphertext

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, Sealed):
            return value.ciphertext
        return value

    def to_python(self, value: Any) -> Any:
        if isinstance(value, Sealed):
            return value
        return super().to_python(value)

    def value_to_string(self, obj: models.Model) -> str:
        # Serialisation (dumpdata) writes the ciphertext, never the plaintext.
        raw = obj.__dict__.get(self.attname)
        if isinstance(raw, Sealed):
            return raw.ciphertext
        return self.pre_save(obj, add=False) or ""


class EncryptedBooleanField(EncryptedTextField):
    """A yes/no answer stored encrypted ("true"/"false" under AES-GCM), so a
    copy of the database does not show it; reads back as a bool. Not usable in
    filters or ordering, by design."""

    TRUE, FALSE = "true", "false"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", False)
        super().__init__(*args, **kwargs)

    def from_plaintext(self, plain: Any) -> Any:
        return plain == self.TRUE

    def to_plaintext(self, value: Any) -> Any:
        if isinstance(value, str) and value in (self.TRUE, self.FALSE):
            return value
        return self.TRUE if value else self.FALSE

    def to_python(self, value: Any) -> Any:
        if isinstance(value, Sealed):
            return value
        if isinstance(value, str):
            return value == self.TRUE
        return bool(value)

    def formfield(self, **kwargs: Any) -> Any:
        from django import forms

        return forms.BooleanField(required=False, **kwargs)


class EncryptedJSONField(EncryptedTextField):
    """A small JSON value (a dict or list) stored encrypted, for bookkeeping
    that would itself reveal a clinical fact (e.g. which questionnaire items
    raised risk alerts). Reads back as the decoded value; empty (stored as
    "") reads as ``{}``."""

    def from_plaintext(self, plain: Any) -> Any:
        return json.loads(plain) if plain else {}

    def to_plaintext(self, value: Any) -> Any:
        if isinstance(value, str):
            return value
        return json.dumps(value, sort_keys=True) if value else ""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, Sealed) or not isinstance(value, str):
            return value
        return json.loads(value) if value else {}


BOOLEAN_TEXTS = {
    "true": True,
    "t": True,
    "1": True,
    "false": False,
    "f": False,
    "0": False,
}


def _aad(model: type[models.Model], field_name: str, uuid: Any) -> str:
    return f"{model._meta.label_lower}.{field_name}:{uuid}"


def _raw(value: Any) -> Any:
    return value.ciphertext if isinstance(value, Sealed) else value


def _is_ciphertext(value: str, aad: str) -> bool:
    try:
        crypto.decrypt(value, aad)
    except crypto.DecryptionError:
        return False
    return True


def encrypt_existing_rows(
    model: type[models.Model], field_name: str, *, boolean: bool = False
) -> int:
    """For a data migration that turns a plain column into an
    EncryptedTextField: seal every stored plaintext value in place (row by row,
    under the active key; a value that already decrypts is left alone, so a
    re-run is harmless). Returns how many rows were sealed."""
    done = 0
    rows = model._base_manager.exclude(**{field_name: ""}).exclude(
        **{f"{field_name}__isnull": True}
    )
    for pk, uuid, value in rows.values_list("pk", "uuid", field_name).iterator():
        plain = str(_raw(value))
        aad = _aad(model, field_name, uuid)
        if _is_ciphertext(plain, aad):
            continue
        if boolean:
            # A former boolean column, as the type change left it: "true" or
            # "t" on PostgreSQL, "1" on SQLite.
            truth = BOOLEAN_TEXTS.get(plain.strip().lower())
            if truth is None:
                raise ValueError(
                    f"{model.__name__}.{field_name}: not a yes/no {plain!r}"
                )
            plain = EncryptedBooleanField.TRUE if truth else EncryptedBooleanField.FALSE
        sealed = crypto.encrypt(plain, aad)
        model._base_manager.filter(pk=pk).update(**{field_name: sealed})
        done += 1
    return done


def decrypt_existing_rows(
    model: type[models.Model], field_name: str, *, boolean: bool = False
) -> int:
    """The reverse of :func:`encrypt_existing_rows`, for migrating back."""
    done = 0
    rows = model._base_manager.exclude(**{field_name: ""}).exclude(
        **{f"{field_name}__isnull": True}
    )
    for pk, uuid, value in rows.values_list("pk", "uuid", field_name).iterator():
        raw = str(_raw(value))
        aad = _aad(model, field_name, uuid)
        if not _is_ciphertext(raw, aad):
            continue
        plain = crypto.decrypt(raw, aad)
        if boolean:
            plain = "1" if plain == EncryptedBooleanField.TRUE else "0"
        model._base_manager.filter(pk=pk).update(**{field_name: plain})
        done += 1
    return done


def encrypt_column_operation(
    app_label: str, model_name: str, field_name: str, *, boolean: bool = False
) -> Any:
    """A RunPython operation sealing a column's existing rows (and unsealing
    them when migrating back)."""

    def forward(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        encrypt_existing_rows(model, field_name, boolean=boolean)

    def backward(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        decrypt_existing_rows(model, field_name, boolean=boolean)

    from django.db import migrations

    return migrations.RunPython(forward, backward)
