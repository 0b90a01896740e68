"""Create a practice and invite its first admin: the way a new installation starts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction

from alliance.accounts.models import User
from alliance.accounts.services import add_staff_member, create_practice, invite_staff


class Command(BaseCommand):
    help = "Create a practice and print a one-time invitation link for its first admin."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="The practice's name")
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-name", required=True)
        parser.add_argument("--time-zone", default="Europe/London")

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["admin_email"].strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not an email address") from None
        if User.objects.filter(email=email).exists():
            raise CommandError(f"{email} already has an account")
        with transaction.atomic():
            try:
                practice = create_practice(
                    name=options["name"], time_zone=options["time_zone"]
                )
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
            # The system account that issues the first invitation; it cannot log in.
            system = add_staff_member(
                practice,
                email=f"setup+{practice.uuid}@alliance.invalid",
                full_name="Alliance setup",
                role=User.Role.ADMIN,
                password=None,
                is_active=False,
            )
            _, link = invite_staff(
                practice,
                email=email,
                full_name=options["admin_name"],
                role=User.Role.ADMIN,
                by=system,
                base_url=settings.SITE_URL,
            )
        self.stdout.write(f"Practice {practice.name!r} created.")
        self.stdout.write(f"Invitation for {email} (valid 7 days, works once):\n{link}")
