"""`iccsim explore` in a real headless Chromium: the page loads, runs what it is set to, and steps one run.

Needs the explore extra (solara), Playwright and Debian's chromium at /usr/bin/chromium (nothing is
downloaded). Outside CI the tests skip when those are missing; under CI (CI=true) they fail instead, so
a CI run never passes without them. ICCSIM_SCREENSHOTS=DIR saves the page's screenshots in DIR (the
README's is results/figures/explore.png).
"""

import os
import re
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

import sim
from sim.model import scenario as scenarios
from sim.model.mesa_model import IccModel

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 120_000  # a run of 200 and its figures take seconds; CI machines are shared


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} (apt-get install chromium)"
    for module in ("playwright", "solara"):
        try:
            __import__(module)
        except ImportError:
            return f"the Python package {module} (pip install -e '.[explore,test]')"
    return None


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    """`iccsim explore --port 0` in a subprocess; the URL it prints."""
    missing = _missing()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests must run in CI but {missing} is missing")
        pytest.skip(f"needs {missing}")
    server = subprocess.Popen([sys.executable, "-c", "import sys; from sim.interfaces.cli import main; "
                               "sys.exit(main(['explore', '--port', '0']))"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = server.stdout.readline()
    found = re.search(r"http://127\.0\.0\.1:\d+/", line)
    if not found:
        server.kill()
        pytest.fail(f"explore printed no URL: {line!r} {server.stderr.read()}")
    yield found.group(0)
    server.terminate()
    server.wait(timeout=30)


@pytest.fixture
def page(url: str):  # noqa: ANN201 - a playwright Page
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(  # a fresh profile in `profile`
            profile, executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, viewport={"width": 1400, "height": 1250})
        page = browser.pages[0] if browser.pages else browser.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(url)
        page.get_by_role("button", name=re.compile(r"Run \d+ runs")).wait_for()
        yield page
        browser.close()


def _screenshot(page, name: str) -> None:  # noqa: ANN001
    folder = os.environ.get("ICCSIM_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / name), full_page=False)


def _run_and_wait(page, settings: str) -> str:  # noqa: ANN001
    """Press Run and wait for the figures of `settings`; return the headline shown."""
    page.get_by_role("button", name=re.compile(r"Run \d+ runs")).click()
    page.locator(".iccsim-settings", has_text=f"Runs shown: {settings}").wait_for()
    for kind in ("membership", "risk", "map"):
        image = page.locator(f".iccsim-figure-{kind} img")
        assert image.evaluate("img => img.complete && img.naturalWidth") > 500, kind
    return page.locator(".iccsim-outcome strong").first.inner_text()


def test_pick_a_scenario_change_a_parameter_and_run(page) -> None:  # noqa: ANN001
    page.locator(".iccsim-scenario").click()
    page.get_by_role("option", name="coup-wave").click()
    page.get_by_text(scenarios.load("coup-wave").title).wait_for()
    first = _run_and_wait(page, "coup-wave, 200 runs, seed 0; the scenario's own parameters")
    maps = page.locator(".iccsim-figure-map img").get_attribute("src")
    from sim.interfaces.explore import headline

    assert first == headline(sim.run("coup-wave", runs=200, seed=0))
    page.locator(".iccsim-param-b_peer [role=slider]").focus()
    page.keyboard.press("End")  # the top of b_peer's declared range
    page.get_by_text("The settings changed since this run").wait_for()
    second = _run_and_wait(page, "coup-wave, 200 runs, seed 0; changed: b_peer = 6")
    assert second == headline(sim.run("coup-wave", runs=200, seed=0, params={"b_peer": 6}))
    assert second != first and page.locator(".iccsim-figure-map img").get_attribute("src") != maps
    _screenshot(page, "explore.png")


def test_single_run_steps_month_by_month(page) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    page.get_by_role("tab", name="Single run").click()
    model = IccModel(scenarios.load("baseline"), seed=0, run=0)
    page.locator(".iccsim-month", has_text=f"Month: {model.month_label}").wait_for()
    names = {a.iso3: a.name for a in model.agents}
    for _ in range(3):
        page.get_by_role("button", name="Step").click()
        model.step()
        page.locator(".iccsim-month", has_text=f"Month: {model.month_label}").wait_for()
        events = expect(page.locator(".iccsim-events"))  # the log may redraw after the month label
        happened = [e for e in model.event_log if e["month"] == model.month_label]
        for text in [names[e["iso3"]] for e in happened] or ["No events this month."]:
            events.to_contain_text(text, timeout=TIMEOUT_MS)
        if happened:
            events.not_to_contain_text("No events this month.", timeout=TIMEOUT_MS)
    _screenshot(page, "explore-single-run.png")


def test_the_cli_loads_neither_solara_nor_the_page_until_explore() -> None:
    code = ("import sys; from sim.interfaces import cli; "
            "print(sorted(m for m in ('solara', 'mesa.visualization', 'sim.interfaces.explore', "
            "'sim.interfaces.serve') if m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "[]\n"


def test_explore_refuses_a_bad_or_busy_port(capsys: pytest.CaptureFixture) -> None:
    from sim.interfaces.cli import main

    assert main(["explore", "--port", "70000"]) == 2
    assert "expected a port from 0 to 65535, got '70000'" in capsys.readouterr().err
    with socket.create_server(("127.0.0.1", 0)) as busy:
        assert main(["explore", "--port", str(busy.getsockname()[1])]) == 2
    error = capsys.readouterr().err
    assert error.startswith("iccsim: error: cannot listen on 127.0.0.1:") and "choose another --port" in error
    assert error.count("\n") == 1


def test_explore_without_the_extra_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture) -> None:
    from sim.interfaces.cli import main

    monkeypatch.setitem(sys.modules, "solara.server.starlette", None)  # as if solara were not installed
    for name in ("SOLARA_APP", "SOLARA_MODE", "SOLARA_TELEMETRY_MIXPANEL_ENABLE"):
        monkeypatch.delenv(name, raising=False)  # restored afterwards
    assert main(["explore", "--port", "0"]) == 2
    assert capsys.readouterr().err == ("iccsim: error: explore needs the browser extra (solara.server.starlette is "
                                       "missing): pip install 'iccsim[explore]'\n")


def test_a_scenario_from_a_toml_path(page, tmp_path: Path) -> None:  # noqa: ANN001
    mine = tmp_path / "my-scenario.toml"
    mine.write_text('name = "my-scenario"\ntitle = "A scenario of my own"\ndescription = "For the test."\n'
                    'extends = "baseline"\n\n[parameters]\nb_peer = 5.0\n', encoding="utf-8")
    page.locator(".iccsim-scenario").click()
    page.get_by_role("option", name="a .toml file ...").click()
    page.get_by_text("Type the path of a scenario file").wait_for()
    path = page.get_by_label("Path to a .toml file")
    path.fill(str(tmp_path / "missing.toml"))
    path.press("Enter")
    page.get_by_text(f"scenario file not found: {tmp_path / 'missing.toml'}").wait_for()
    assert page.get_by_role("button", name=re.compile(r"Run \d+ runs")).is_disabled()
    path.fill(str(mine))
    path.press("Enter")
    page.get_by_text("A scenario of my own").wait_for()
    assert page.locator(".iccsim-param-b_peer").inner_text().count("b_peer = 5") == 1
    assert page.get_by_role("button", name=re.compile(r"Run \d+ runs")).is_enabled()
