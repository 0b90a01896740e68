"""EncryptedTextField: clinical free text, encrypted before it reaches the database.

On load the column holds a :class:`Sealed` value; the descriptor decrypts it the
first time the attribute is read, using the row's UUID as associated data. The
model must have a ``uuid`` field set before saving (``UUIDModel`` does this).
"""

from __future__ import annotations

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
            plain = crypto.decrypt(value.ciphertext, self.field.aad_for(instance))
            # Keep the ciphertext so an unchanged value is written back as is.
            instance.__dict__[self.field.attname] = plain
            instance.__dict__[self.field.sealed_attname] = value
            return plain
        return value

    def __set__(self, instance: models.Model, value: Any) -> None:
        instance.__dict__[self.field.attname] = value


class EncryptedTextField(models.TextField):
    """Text encrypted with AES-GCM; not searchable or sortable by design."""

    descriptor_class = _DecryptingAttribute  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    @property
    def sealed_attname(self) -> str:
        return f"_{self.attname}_sealed"

    def aad_for(self, instance: models.Model) -> str:
        return f"{instance._meta.label_lower}.{self.attname}:{instance.uuid}"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return Sealed(value)

    def seal(self, instance: models.Model, plaintext: str) -> str:
        return crypto.encrypt(plaintext, self.aad_for(instance))

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = model_instance.__dict__.get(self.attname)
        if value is None or isinstance(value, Sealed):
            return value.ciphertext if isinstance(value, Sealed) else None
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
