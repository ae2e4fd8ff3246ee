"""The brief's HTML in a real headless browser (Debian's chromium, driven by playwright — never a downloaded one):
it loads with no console errors and no request leaving the page, every chart decodes to a non-blank image of
the expected size, it prints to PDF, and a screenshot is written as a test artifact.

``.ci/run`` installs chromium; on a developer machine without it the test is skipped (in CI it fails).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_brief_golden import DATES, build_tiny_briefs

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", Path(__file__).resolve().parents[1] / ".test-artifacts"))
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
# Draw each image on a canvas and count its distinct colours: a blank or broken chart has one or two.
IMAGE_CHECK = """imgs => imgs.map(img => {
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
  const ctx = canvas.getContext('2d'); ctx.drawImage(img, 0, 0);
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  const colours = new Set();
  for (let i = 0; i < data.length; i += 4 * 7) colours.add(data[i] << 16 | data[i + 1] << 8 | data[i + 2]);
  return {complete: img.complete, width: img.naturalWidth, height: img.naturalHeight, colours: colours.size,
          alt: img.alt};
})"""


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if not Path(CHROMIUM).is_file():
        if os.environ.get("CI"):
            pytest.fail(f"chromium is not installed at {CHROMIUM}; .ci/run installs the Debian package.")
        pytest.skip(f"chromium not installed at {CHROMIUM} (apt-get install chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with playwright_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=FLAGS,
            viewport={"width": 1100, "height": 1400})
        try:
            yield context
        finally:
            context.close()


def test_the_brief_page_loads_cleanly_and_every_chart_renders(browser_context: Any, tmp_path: Path) -> None:
    workspace = build_tiny_briefs(tmp_path)
    page_path = workspace / "reports" / f"brief-{DATES[1]}.html"
    page = browser_context.new_page()
    problems: list[str] = []
    requests: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type in ("error", "warning")
            else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(page_path.as_uri(), wait_until="load")

    images = page.eval_on_selector_all("img", IMAGE_CHECK)
    assert problems == []
    assert [url for url in requests if not url.startswith(("file:", "data:"))] == []
    assert len(images) == 3
    for image in images:
        assert image["complete"] and (image["width"], image["height"]) == (800, 320), image
        assert image["colours"] > 10, image  # not blank
        assert image["alt"]
    assert page.title() == f"Weekly segment brief · {DATES[1]}"
    assert page.locator("h2").all_inner_texts()[-1] == "Warnings"

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot = ARTIFACTS / "brief-screenshot.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 20_000
    page.emulate_media(media="print")
    assert page.locator("nav").is_hidden()  # the contents list is for the screen only
    pdf = ARTIFACTS / "brief.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 20_000
    shutil.copy(page_path, ARTIFACTS / page_path.name)
    page.close()
