"""Print the current 6-digit code for a TOTP secret, for trying the demo without an
authenticator app: ``python -m alliance.demo.totp SECRET``."""

from __future__ import annotations

import base64
import sys

from django_otp.oath import totp


def current_code(secret: str) -> str:
    padded = secret.strip().upper() + "=" * (-len(secret.strip()) % 8)
    return f"{totp(base64.b32decode(padded)):06d}"


def main() -> None:
    if len(sys.argv) != 2:
        sys.stderr.write("usage: python -m alliance.demo.totp SECRET\n")
        sys.exit(2)
    sys.stdout.write(current_code(sys.argv[1]) + "\n")


if __name__ == "__main__":
    main()
