"""Settings for the load test's gunicorn: the product's pages and error handlers as deployed
(``stegvis.urls``), plain HTTP on 127.0.0.1 and no API rate limit (one token stands for many
clients)."""

from bench.settings import *  # noqa: F403

ROOT_URLCONF = "stegvis.urls"
