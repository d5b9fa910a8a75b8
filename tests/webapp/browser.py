"""Helpers for the real-browser tests (Debian's chromium driven by Playwright)."""

from __future__ import annotations

from ..conftest import ROOT

CHROMIUM = "/usr/lib/chromium/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def check_page(page):
    """axe-core: no serious/critical violation; and nothing wider than the viewport."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result
           if v["impact"] in ("serious", "critical")]
    assert bad == [], f"{page.url}: {bad}"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, f"{page.url} is {width}px wide"


def login(context, base, login_id, axe: bool = True):
    """Log in on a new page. `axe=False` for a context that keeps the app's CSP (axe is injected as
    an inline script, which the CSP refuses)."""
    page = context.new_page()
    page.goto(f"{base}/login")
    if axe:
        check_page(page)
    page.fill("#login_id", login_id)
    page.fill("#password", "Mamis#2024")
    page.click("button[type=submit]")
    return page


def mailed_link(app, address: str, path_part: str) -> str:
    """The link in the newest mail to `address` in the outbox folder (the embedded mail default)."""
    import email
    import email.policy
    import re
    from pathlib import Path

    found = []
    for eml in sorted(Path(app.config["OUTBOX_DIR"]).glob("*.eml")):
        msg = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
        if msg["To"] == address:
            found.append(msg.get_content())
    assert found, f"no mail to {address}"
    return re.search(rf"https?://\S+{path_part}\S+", found[-1]).group(0)
