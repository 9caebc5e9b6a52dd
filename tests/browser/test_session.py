"""The refresh token lives in an HttpOnly cookie: scripts never see it, a reload keeps the session."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import Shop, sign_up


def test_the_refresh_token_is_an_http_only_cookie_and_a_reload_keeps_the_session(
    page: Page, shop: Shop
) -> None:
    sign_up(page, shop, name="Cookie Shopper")
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "ecolaura_refresh"]
    # Chromium keeps a Secure cookie set over http://127.0.0.1: loopback counts as a secure origin.
    assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Strict", cookie
    assert cookie["path"] == "/api/v1/auth/refresh", cookie
    assert "ecolaura_refresh" not in page.evaluate("document.cookie")
    stored = page.evaluate("JSON.stringify(localStorage)")
    assert cookie["value"] not in stored and "eyJ" not in stored  # neither token, only a hint

    page.reload()  # the access token was in memory only: the cookie brings a new one
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    rotated = next(c for c in page.context.cookies() if c["name"] == "ecolaura_refresh")
    assert rotated["value"] != cookie["value"]

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in")).to_be_visible()
    assert not [c for c in page.context.cookies() if c["name"] == "ecolaura_refresh"]
    page.goto(f"{shop.url}/account")
    expect(page.get_by_role("heading", name="Please sign in")).to_be_visible()
