"""Settings for ``bench/pages.py --growth`` only: the real settings with a
bench URLconf that adds a bare view behind the same middleware, cheap
password hashing and plain static files (no collectstatic needed)."""

from alliance.settings import *  # noqa: F403
from alliance.settings import STORAGES

ROOT_URLCONF = "bench_urls"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
STORAGES["staticfiles"]["BACKEND"] = (
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
