"""report.html in headless Chromium (Debian's ``chromium``; ``make test-slow`` installs it),
driven over the DevTools protocol: no console errors or exceptions, every image decodes, the
filters and sorting work. The screenshot is kept in the test's tmp_path (path printed)."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import time
import urllib.request

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (`make test-slow` "
                                                "installs Debian's chromium package)"),
]


class DevTools:
    """A headless Chromium with one page, spoken to over its DevTools websocket."""

    def __init__(self, profile):
        websocket = pytest.importorskip("websocket", reason="websocket-client (the dev extra) "
                                        "drives Chromium over its DevTools protocol")
        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--remote-debugging-port=0", "--remote-allow-origins=*",
             f"--user-data-dir={profile}", "--window-size=1200,900", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = profile / "DevToolsActivePort"
        for _ in range(300):
            if port_file.exists() and port_file.read_text().strip():
                break
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
        page = next(t for t in targets if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60,
                                              suppress_origin=True)
        self.events: list[dict] = []
        self.next_id = 0

    def call(self, method: str, **params) -> dict:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                assert "error" not in msg, msg
                return msg["result"]
            self.events.append(msg)

    def wait_for(self, event: str) -> None:
        while not any(e.get("method") == event for e in self.events):
            self.events.append(json.loads(self.ws.recv()))

    def js(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                           awaitPromise=True)
        assert "exceptionDetails" not in result, result
        return result["result"].get("value")

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and browser log entries of level error."""
        out = []
        for e in self.events:
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.consoleAPICalled" and p["type"] in ("error", "assert"):
                out.append(" ".join(str(a.get("value", a.get("description"))) for a in p["args"]))
            elif m == "Runtime.exceptionThrown":
                d = p["exceptionDetails"]
                out.append(f"{d.get('text')} {d.get('exception', {}).get('description', '')}")
            elif m == "Log.entryAdded" and p["entry"]["level"] == "error":
                out.append(p["entry"]["text"])
        return out

    def close(self) -> None:
        self.ws.close()
        self.proc.terminate()
        self.proc.wait(timeout=30)


@pytest.fixture
def browser(tmp_path):
    tools = DevTools(tmp_path / "profile")
    yield tools
    tools.close()


VISIBLE = "[...document.querySelectorAll('#summary tbody tr')].filter(r => !r.hidden)" \
          ".map(r => r.dataset.claim)"


def _set(control: str, value: str) -> str:
    return (f"(() => {{ const el = document.getElementById('{control}'); el.value = '{value}';"
            f" el.dispatchEvent(new Event('input')); return {VISIBLE}; }})()")


def test_report_in_chromium(small_report, browser, tmp_path):
    for domain in ("Page", "Runtime", "Log"):
        browser.call(f"{domain}.enable")
    browser.call("Page.navigate", url=small_report["html"].as_uri())
    browser.wait_for("Page.loadEventFired")
    assert browser.errors() == []

    images = browser.js("[...document.images].map(i => [i.complete, i.naturalWidth])")
    assert len(images) == 2 and all(done and width > 0 for done, width in images), images

    claims = [v.claim for v in small_report["verdicts"]]
    assert browser.js(VISIBLE) == claims
    assert browser.js(_set("q", "pap-err")) == ["PAP-ERR-1"]
    assert browser.js("document.getElementById('RMT-MP-ATOM').hidden") is True
    assert browser.js(_set("q", "")) == claims
    assert browser.js(_set("kind", "scaling")) == ["RMT-MP-KS-RATE"]
    assert browser.js(_set("kind", "")) == claims
    fails = [v.claim for v in small_report["verdicts"] if v.outcome == "fails"]
    assert browser.js(_set("outcome", "fails")) == fails and fails == ["PAP-ERR-1"]
    assert browser.js(_set("outcome", "error")) == []
    assert browser.js("document.getElementById('shown').textContent") == "0"
    browser.js(_set("outcome", ""))
    # sorting: the claim column twice reverses the order
    browser.js("document.querySelector('#summary th').click()")
    ascending = browser.js(VISIBLE)
    browser.js("document.querySelector('#summary th').click()")
    assert ascending == sorted(claims) and browser.js(VISIBLE) == sorted(claims)[::-1]

    shot = browser.call("Page.captureScreenshot", format="png")
    path = tmp_path / "report.png"
    path.write_bytes(base64.b64decode(shot["data"]))
    print(f"screenshot: {path}")
    assert path.stat().st_size > 10_000
    assert browser.errors() == []


def test_a_broken_page_is_caught(browser, tmp_path):
    """Negative control: a script error and an undecodable image are both seen."""
    page = tmp_path / "broken.html"
    page.write_text('<img src="data:image/png;base64,AAAA"><script>undefinedName()</script>')
    for domain in ("Page", "Runtime", "Log"):
        browser.call(f"{domain}.enable")
    browser.call("Page.navigate", url=page.as_uri())
    browser.wait_for("Page.loadEventFired")
    assert any("undefinedName" in e for e in browser.errors())
    assert browser.js("[...document.images].map(i => i.naturalWidth)") == [0]
