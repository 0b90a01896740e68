"""Matrix cases for billing. Who bills a client (``permissions.may_bill``):
the practice admin (Ada) for every client of the practice and the client's
primary clinician (Alice for Cleo, Bob for Dan). Sam, Alice's supervisor,
bills only his own clients (404 on Cleo's); Zed's practice is another (404);
clients have no staff billing pages (403). The practice pages (settings, fee
list, identifiers, export) are the admin's; the billing home is every staff
member's, each seeing whom they bill. The portal's invoice pages are the
client's own."""

from __future__ import annotations

from typing import Any

from tests.authz import UNAUTH, admin_page, case, kind, staff_page
from tests.authz.portal import portal_object, portal_page


def billing(ok: Any = 200) -> dict[str, dict[str, Any]]:
    return {
        "own": {
            **UNAUTH,
            "client": 403,
            "alice": ok,
            "bob": 404,
            "sam": 404,
            "ada": ok,
            "zed": 404,
        },
        "other": {
            **UNAUTH,
            "client": 403,
            "alice": 404,
            "bob": ok,
            "sam": 404,
            "ada": ok,
            "zed": 404,
        },
        "missing": {
            **UNAUTH,
            "client": 403,
            "alice": 404,
            "bob": 404,
            "sam": 404,
            "ada": 404,
            "zed": 404,
        },
    }


def _invoice(world, side):
    from alliance.billing.tests.helpers import invoiced

    client = world.client_of(side)
    return invoiced(client, by=world.ada)


@kind("billing_client")
def _client(world, side):
    return world.client_of(side)


@kind("billing_invoice")
def _invoice_kind(world, side):
    return _invoice(world, side)


@kind("billing_payment")
def _payment(world, side):
    from alliance.billing.services import record_payment

    invoice = _invoice(world, side)
    return record_payment(
        invoice,
        by=world.ada,
        amount="10",
        method="cash",
        paid_on=invoice.practice.today(),
    )


@kind("billing_credit_note")
def _credit_note(world, side):
    from alliance.billing.services import issue_credit_note

    return issue_credit_note(
        _invoice(world, side), by=world.ada, amount="5", reason="Discount"
    )


@kind("billing_fee")
def _fee(world, side):
    from alliance.billing.services import save_fee

    practice = world.alice.practice if side == "own" else world.zed.practice
    by = world.ada if side == "own" else world.zed
    return save_fee(practice, by=by, modality="", purpose="", service="", amount="90")


@kind("billing_clinician")
def _clinician(world, side):
    if side == "own":
        return world.alice
    from alliance.accounts.models import User

    return User.objects.create_user(
        "yan@example.org",
        "x" * 20,
        full_name="Yan Clinician",
        role="clinician",
        practice=world.zed.practice,
    )


def admin_object_of_practice(ok: Any) -> dict[str, dict[str, Any]]:
    clin = {"alice": 403, "bob": 403, "sam": 403, "client": 403}
    return {
        "own": {**UNAUTH, **clin, "ada": ok, "zed": 404},
        "other": {**UNAUTH, **clin, "ada": 404, "zed": ok},
        "missing": {**UNAUTH, **clin, "ada": 404, "zed": 404},
    }


case("billing:home", staff_page())
case("billing:settings", admin_page())
case(
    "billing:settings",
    admin_page(302),
    method="POST",
    data={"currency": "USD", "default_fee": "100", "npi": "", "tax_id": ""},
)
case(
    "billing:fee_save",
    admin_page(302),
    method="POST",
    data={"purpose": "treatment", "modality": "", "service": "", "amount": "95"},
)
case(
    "billing:fee_delete",
    **admin_object_of_practice(302),
    kind="billing_fee",
    method="POST",
    kwargs=lambda obj: {"pk": obj.pk},
)
case(
    "billing:clinician_identifiers",
    **admin_object_of_practice(302),
    kind="billing_clinician",
    method="POST",
    data={"npi": "1234567893", "licence_number": "PSY 1", "licence_state": "CA"},
)
case("billing:export", admin_page())
case("billing:client", **billing(), kind="billing_client")
case(
    "billing:client_terms",
    **billing(302),
    kind="billing_client",
    method="POST",
    data={"override": "80", "reason": ""},
)
case(
    "billing:issue",
    **billing(302),
    kind="billing_client",
    method="POST",
    data={"month": "2001-01"},
)
case("billing:superbill", **billing(), kind="billing_client")
case("billing:invoice", **billing(), kind="billing_invoice")
case("billing:invoice_pdf", **billing(), kind="billing_invoice")
case(
    "billing:pay",
    **billing(302),
    kind="billing_invoice",
    method="POST",
    data={"amount": "5", "method": "cash", "paid_on": "2001-01-01"},
)
case(
    "billing:credit",
    **billing(302),
    kind="billing_invoice",
    method="POST",
    data={"amount": "5", "reason": "Discount"},
)
case("billing:receipt_pdf", **billing(), kind="billing_payment")
case("billing:credit_note_pdf", **billing(), kind="billing_credit_note")
case("portal:invoices", portal_page())
case("portal:invoice_pdf", **portal_object(), kind="billing_invoice")
case("portal:receipt_pdf", **portal_object(), kind="billing_payment")
case("portal:credit_note_pdf", **portal_object(), kind="billing_credit_note")
