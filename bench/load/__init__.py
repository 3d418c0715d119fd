"""Load and fault tests: Locust against gunicorn and PostgreSQL (see bench/README.md, "Last och
fel"). ``python -m bench.load --help``."""
