"""Browser tests: Playwright driving Debian's chromium against pytest-django's live server.

No browser download: Playwright's own browsers are never installed; ``/usr/bin/chromium`` is.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("STEGVIS_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parent / "screenshots"

# Playwright's sync API runs an event loop in the test thread; Django's ORM in the same thread
# is still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} saknas: installera Debians chromium (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--headless",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, settings):
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server, settings):
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    context = browser.new_context(
        base_url=live_server.url,
        locale="sv-SE",
        viewport={"width": 375, "height": 740},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def demo(seeded_demo):
    """The demo federation, loaded as ``stegvis seed-demo`` loads it (restored from a copy
    made once per test process: see ``seeded_demo`` in tests/conftest.py)."""
    from stegvis.core.demo import DEMO_PASSWORD, DEMO_SLUG

    return {"slug": DEMO_SLUG, "password": DEMO_PASSWORD}


def log_in(page, username: str, password: str) -> None:
    page.goto("/logga-in/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state("domcontentloaded")


def go_to(page, label: str) -> None:
    """Follow a link of the main menu, opening its drop-down group first when it has one."""
    menu = page.get_by_role("navigation", name="Huvudmeny")
    link = menu.get_by_role("link", name=label, exact=True)
    if not link.is_visible():
        # Links in a closed group are hidden, so they are found by their text, not their role.
        inner = page.locator("a", has_text=re.compile(f"^{re.escape(label)}$"))
        menu.locator("details", has=inner).locator("summary").click()
    link.click()
