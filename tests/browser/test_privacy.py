"""A shopper exports their data, then erases it with the confirmation phrase."""

from __future__ import annotations

import json

from playwright.sync_api import Page, expect

from tests.browser.conftest import Shop, check_page, sign_up


def test_shopper_exports_then_erases_their_data(page: Page, shop: Shop) -> None:
    email = sign_up(page, shop, name="Privacy Shopper", check=True)
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    page.get_by_role("link", name="My data (export, erase)").click()
    check_page(page, "privacy")

    with page.expect_download() as download:
        page.get_by_role("button", name="Export my data").click()
    exported = json.loads(download.value.path().read_text())
    assert email in json.dumps(exported)
    expect(page.get_by_role("status").filter(has_text="Your data was downloaded")).to_be_visible()

    erase = page.get_by_role("button", name="Erase my personal data")
    expect(erase).to_be_disabled()
    page.get_by_label("Confirmation phrase").fill("erase my data")
    expect(erase).to_be_disabled()
    page.get_by_label("Confirmation phrase").fill("erase my personal data")
    erase.click()
    expect(page.get_by_role("heading", name="Shop with the footprint in view")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()

    # The erased account cannot sign in any more; the page says why in words.
    page.goto(f"{shop.url}/account/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("You could not be signed in")
