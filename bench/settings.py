"""Settings for benchmark servers: the product's settings plus a bare baseline view."""

from stegvis.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
HTTPS = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
API_RATE_LIMIT_PER_MINUTE = 10**9
