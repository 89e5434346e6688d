"""Browser tests: Playwright (from PyPI) driving Debian's chromium, with an axe WCAG 2.1 AA check per page.

`playwright install` is never used. Where no chromium is installed the tests skip, except under CI (CI=true),
where a missing browser is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _chromium_path() -> str | None:
    for candidate in (os.environ.get("YIWANG_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    path = _chromium_path()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed: .ci/run must apt-get install it")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


class AccessibilityError(AssertionError):
    pass


def assert_accessible(page) -> None:
    """Run axe-core (shipped inside axe-playwright-python) on the page; any WCAG 2.1 AA violation fails."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]})
    violations = results.response.get("violations", [])
    if violations:
        lines = [f"{page.url}:"]
        for v in violations:
            targets = ", ".join(str(n.get("target")) for n in v.get("nodes", [])[:5])
            lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} at {targets}")
        raise AccessibilityError("\n".join(lines))


@pytest.fixture
def demo_logins(db) -> dict[str, object]:
    """The demo city, seeded small; its printed logins by username (``demo-citizen``, ``demo-330102-gaj`` …)."""
    from yiwang.demo.seeding import seed_demo_city

    report = seed_demo_city(persons=300, enterprises=40)
    return {login.username: login for login in report.logins}


def login(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def logout(page) -> None:
    page.get_by_role("button", name=re.compile("退出")).first.click()
    page.wait_for_load_state()
