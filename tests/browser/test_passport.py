"""A shopper opens a product's passport from its page: the supply chain, its map, and proofs checked in the browser."""

from __future__ import annotations

import json
import re

from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import Shop, check_page


def open_a_passport(page: Page, shop: Shop) -> str:
    """From an apparel product's page (the demo seed records chains for every apparel product) to its passport."""
    page.goto(f"{shop.url}/search?category=apparel")
    results = page.get_by_role("list", name="Search results")
    first = results.get_by_role("link").first
    expect(first).to_be_visible()
    name = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    provenance = page.get_by_role("region", name="Provenance")
    expect(provenance.get_by_role("img", name=re.compile("QR code of the Digital Link"))).to_be_visible()
    provenance.get_by_role("link", name=re.compile("^Provenance:")).click()
    expect(page).to_have_url(re.compile(r"/passport/[0-9a-f-]{36}$"))
    return name


def test_the_passport_shows_the_chain_on_a_map_verified_in_the_browser(page: Page, shop: Shop) -> None:
    name = open_a_passport(page, shop)
    expect(page.get_by_role("heading", name=f"Product passport: {name}")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(
        re.compile(r"All \d+ signed events verified in your browser")
    )
    expect(page.get_by_role("status")).to_contain_text("its Ed25519 signature checks out")
    timeline = page.get_by_role("region", name="Timeline").get_by_role("listitem")
    expect(timeline.first).to_be_visible()
    count = timeline.count()
    assert count >= 3
    expect(page.get_by_text("✓ Verified in your browser")).to_have_count(count)
    expect(timeline.filter(has_text="Raw material commissioned").first).to_be_visible()
    expect(timeline.filter(has_text="Received").last).to_contain_text("Germany")
    expect(
        page.get_by_role("img", name=re.compile(r"^Map of the supply chain: .+, then Germany$"))
    ).to_be_visible()
    expect(page.locator(".map-country.visited").first).to_be_visible()
    expect(
        page.get_by_role("region", name="Materials and their origins").get_by_role("row")
    ).not_to_have_count(0)
    check_page(page, "passport")


def test_a_changed_event_is_named_by_the_browser(page: Page, shop: Shop) -> None:
    def tamper(route: Route) -> None:
        response = route.fetch()
        timeline = response.json()
        timeline["events"][0]["event"]["ecolaura:country"] = "AQ"  # where it happened, rewritten in transit
        route.fulfill(response=response, body=json.dumps(timeline))

    page.route("**/api/v1/provenance/*", tamper)
    open_a_passport(page, shop)
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"1 of \d+ events failed verification"))
    failed = page.get_by_text(re.compile("Not verified: its content does not hash to its leaf"))
    expect(failed).to_have_count(1)
    expect(page.get_by_text("✓ Verified in your browser").first).to_be_visible()
