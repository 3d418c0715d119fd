"""Accessibility (WCAG 2.1 A and AA): every page of the main menu, and the main detail pages,
scanned with axe-core as each demo role; a main flow done with the keyboard only.

Swedish public bodies must meet WCAG 2.1 AA (lagen om tillgänglighet till digital offentlig
service); the federations and their members are public bodies.
"""

from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.e2e.conftest import log_in

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
ROLES = [
    "admin",
    "insatsledare",
    "handlaggare",
    "samordnare",
    "foreningsledare",
    "styrgrupp",
    "utvarderare",
]
# Detail pages reached from a list: the first link in the list's table, when the role has it.
DETAILS = {
    "/deltagare/": re.compile(r"/deltagare/\d+/$"),
    "/aktiviteter/": re.compile(r"/aktiviteter/\d+/$"),
    "/insatser/": re.compile(r"/insatser/\d+/$"),
    "/rapporter/": re.compile(r"/rapporter/[a-z-]+/$"),
}


def _menu_urls(page) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "nav[aria-label='Huvudmeny'] a[href]", "links => links.map(a => a.getAttribute('href'))"
    )
    return list(dict.fromkeys(hrefs))


def _detail_urls(page, list_url: str) -> list[str]:
    for suffix, pattern in DETAILS.items():
        if list_url.endswith(suffix):
            hrefs = page.eval_on_selector_all(
                "main a[href]", "links => links.map(a => a.getAttribute('href'))"
            )
            found = [h for h in hrefs if pattern.search(h)]
            return found[:1]
    return []


def _violations(axe: Axe, page) -> list[str]:
    results = axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]},
    )
    found = []
    for violation in results.response["violations"]:
        if violation.get("impact") in BLOCKING:
            targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
            found.append(f"{violation['id']} ({violation['impact']}): {targets}")
    return found


def test_every_main_page_has_no_serious_wcag_violations_for_any_role(browser, live_server, demo):
    axe = Axe()
    # The scanner itself finds what it should: an image without text and an unlabelled field.
    context = browser.new_context()
    bad = context.new_page()
    bad.set_content('<html lang="sv"><body><main><img src="x.png"><input></main></body></html>')
    assert {"image-alt", "label"} <= {v.split(" ")[0] for v in _violations(axe, bad)}
    context.close()
    problems = []
    scanned = 0
    for username in ROLES:
        context = browser.new_context(base_url=live_server.url, locale="sv-SE")
        page = context.new_page()
        page.set_default_timeout(15_000)
        log_in(page, username, demo["password"])
        queue = [page.url.removeprefix(live_server.url), *_menu_urls(page)]
        seen = set()
        while queue:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            response = page.goto(url)
            assert response.status < 400, f"{username} {url}: {response.status}"
            scanned += 1
            problems += [f"{username} {url}: {v}" for v in _violations(axe, page)]
            queue += [u for u in _detail_urls(page, url) if u not in seen]
        context.close()
    # The accessibility statement is open to everyone.
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    page = context.new_page()
    page.goto("/tillganglighet/")
    problems += [f"anonym /tillganglighet/: {v}" for v in _violations(axe, page)]
    page.goto("/logga-in/")
    problems += [f"anonym /logga-in/: {v}" for v in _violations(axe, page)]
    context.close()
    assert scanned > 40
    assert not problems, "\n".join(problems)


def test_case_worker_finds_a_participant_with_the_keyboard_only(page, demo):
    """Log in, skip the menu, open the caseload and a participant without touching the mouse."""
    page.goto("/logga-in/")
    # The username field has focus from the start.
    assert page.evaluate("document.activeElement.name") == "username"
    page.keyboard.type("handlaggare")
    page.keyboard.press("Tab")
    page.keyboard.type(demo["password"])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("navigation", name="Huvudmeny")).to_be_visible()

    # The skip link is the first stop and moves focus past the menu.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Hoppa till innehållet"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"

    # Through the menu with Tab until "Mina deltagare", then Enter.
    page.evaluate("document.activeElement.blur()")
    page.evaluate("window.scrollTo(0, 0)")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent").strip() == "Mina deltagare":
            break
    else:
        raise AssertionError("Menyn når inte Mina deltagare med tangentbordet.")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "Fokus syns inte på menylänken."
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("deltagare")

    # Tab to the first participant in the table and open it.
    for _ in range(60):
        page.keyboard.press("Tab")
        href = page.evaluate("document.activeElement.getAttribute('href') || ''")
        if re.search(r"/deltagare/\d+/$", href):
            break
    else:
        raise AssertionError("Ingen deltagare nås med tangentbordet.")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/deltagare/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
