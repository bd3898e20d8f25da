"""The VS Code extension end to end, in a real VS Code: code-server, driven by Chromium through Playwright.

What a user does, step by step, each step screenshotted into the artifacts folder:
  1. install the platform-specific .vsix (the server bundled in it, none on PATH) into code-server;
  2. open the example Dockerfile, Compose file and manifest, and read the Problems panel: each shows its
     findings with the rule as the code;
  3. apply a quick fix from the light bulb (the base-image switch in the Dockerfile), save, and check the file
     on disk;
  4. type a secret into the Dockerfile and see the finding appear.
Exits non-zero with the step that failed; `tests/vscode-e2e` prepares everything and calls this.

Usage: e2e.py CODE_SERVER_ENTRY VSIX CHROMIUM EXAMPLES ARTIFACTS
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ENTRY, VSIX, CHROMIUM, EXAMPLES, ARTIFACTS = (Path(a) for a in sys.argv[1:6])

# Slow machines (2 cores, CI) start VS Code in tens of seconds; every wait is bounded.
START_TIMEOUT_MS = 120_000
FINDINGS_TIMEOUT_S = 60


class Step:
    """Numbered steps, each with a screenshot; the failing one is named in the error."""

    def __init__(self, page):
        self.page = page
        self.number = 0

    def shot(self, name):
        self.number += 1
        path = ARTIFACTS / f"{self.number:02d}-{name}.png"
        self.page.screenshot(path=str(path))
        print(f"vscode e2e: step {self.number}: {name} ({path})", flush=True)


def fail(message):
    print(f"vscode e2e: FAILED: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def code_server(args, env, **kwargs):
    return subprocess.run(
        ["node", str(ENTRY), *args], env=env, check=False, capture_output=True, text=True, **kwargs
    )


def main():
    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)
    home = ARTIFACTS / "home"
    data = ARTIFACTS / "data"
    extensions = ARTIFACTS / "extensions"
    workspace = ARTIFACTS / "workspace"
    for folder in (home, data / "User", extensions, workspace):
        folder.mkdir(parents=True)
    for name in ("Dockerfile", "compose.yaml", "deployment.yaml"):
        shutil.copy(EXAMPLES / name, workspace / name)
    # The settings of a quiet editor: no trust prompt, no welcome page, no suggestions while typing.
    (data / "User" / "settings.json").write_text(
        json.dumps(
            {
                "security.workspace.trust.enabled": False,
                "workbench.startupEditor": "none",
                "workbench.tips.enabled": False,
                "telemetry.telemetryLevel": "off",
                "extensions.autoCheckUpdates": False,
                "extensions.autoUpdate": False,
                "editor.quickSuggestions": {"other": False, "comments": False, "strings": False},
                "editor.suggestOnTriggerCharacters": False,
                "editor.lightbulb.enabled": "on",
                "files.autoSave": "off",
                # The workspace sits in the checkout's target/: no offer to open the repository above it.
                "git.openRepositoryInParentFolders": "never",
            }
        )
    )
    # No dockwarden on PATH: the extension must start the binary it bundles (as under code-server and
    # Codespaces, where the extension host does not see the user's PATH).
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
    }
    if shutil.which("dockwarden", path=env["PATH"]):
        fail("a dockwarden binary is on the test PATH; the test must show the bundled one is used")
    common = ["--user-data-dir", str(data), "--extensions-dir", str(extensions)]
    installed = code_server([*common, "--install-extension", str(VSIX)], env, timeout=300)
    print(installed.stdout + installed.stderr, flush=True)
    if installed.returncode != 0 or "successfully installed" not in installed.stdout:
        fail(f"installing {VSIX} failed ({installed.returncode})")
    bundled = list(extensions.glob("dockwarden.dockwarden-*/bundled/dockwarden"))
    if not bundled or not os.access(bundled[0], os.X_OK):
        fail("the installed extension has no executable bundled/dockwarden")

    port = free_port()
    log = open(ARTIFACTS / "code-server.log", "w")
    server = subprocess.Popen(
        [
            "node", str(ENTRY), *common,
            "--auth", "none", "--bind-addr", f"127.0.0.1:{port}",
            "--disable-telemetry", "--disable-update-check", "--disable-workspace-trust",
            str(workspace),
        ],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
            )
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            try:
                run(page, port, workspace, bundled[0])
            except Exception:
                page.screenshot(path=str(ARTIFACTS / "failed.png"))
                raise
            browser.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    print("vscode e2e: ok", flush=True)


def wait_for_server(port):
    deadline = time.monotonic() + START_TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    fail("code-server did not listen")


def run(page, port, workspace, bundled):
    step = Step(page)
    wait_for_server(port)
    page.goto(f"http://127.0.0.1:{port}/?folder={workspace}")
    page.wait_for_selector(".monaco-workbench", timeout=START_TIMEOUT_MS)
    step.shot("workbench")

    open_file(page, "Dockerfile")
    expect_problems(
        page, step, "dockerfile-problems",
        {"Dockerfile": ["run-as-root", "bloated-base-image", "secret-in-env"]},
    )
    # The server the extension started is the bundled one.
    started = subprocess.run(
        ["pgrep", "-af", "bundled/dockwarden lsp"], capture_output=True, text=True
    )
    if str(bundled) not in started.stdout:
        fail(f"the running server is not {bundled}: {started.stdout!r}")

    open_file(page, "compose.yaml")
    expect_problems(
        page, step, "compose-problems",
        {"compose.yaml": ["privileged-container", "capabilities-not-dropped"]},
    )
    open_file(page, "deployment.yaml")
    expect_problems(
        page, step, "manifest-problems",
        {"deployment.yaml": ["run-as-root", "privilege-escalation"]},
    )

    # A quick fix from the light bulb: the slim base image.
    open_file(page, "Dockerfile")
    go_to_line(page, "1:8")  # on `python:3.12`
    # The light bulb sits in the gutter of the line (in the text when the gutter has no room).
    bulb = page.locator("[class*='codicon-gutter-lightbulb'], .lightBulbWidget .codicon").first
    bulb.wait_for(timeout=FINDINGS_TIMEOUT_S * 1000)
    step.shot("light-bulb")
    bulb.click()
    fix = page.locator(".action-widget .monaco-list-row:visible").filter(has_text="python:3.12-slim")
    fix.first.wait_for(timeout=FINDINGS_TIMEOUT_S * 1000)
    step.shot("quick-fix-menu")
    # The menu blocks the pointer until the mouse moves (so the click that opened it picks nothing): move, then
    # click, as a hand does.
    box = fix.first.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] / 2, steps=5)
    page.mouse.click(box["x"] + 20, box["y"] + box["height"] / 2)
    page.keyboard.press("Control+S")
    # The file on disk: the base image switched, nothing else touched.
    original = (EXAMPLES / "Dockerfile").read_text()
    expected = original.replace("FROM python:3.12\n", "FROM python:3.12-slim\n", 1)
    deadline = time.monotonic() + FINDINGS_TIMEOUT_S
    text = ""
    while time.monotonic() < deadline:
        text = (workspace / "Dockerfile").read_text()
        if text != original:
            break
        time.sleep(0.3)
    if text != expected:
        fail(f"the quick fix wrote {text!r}, expected {expected!r}")
    step.shot("quick-fix-applied")
    expect_problems(
        page, step, "bloated-base-image-gone",
        {"Dockerfile": ["run-as-root"]}, absent={"Dockerfile": ["bloated-base-image"]},
    )

    # A secret typed into the file shows up while typing.
    open_file(page, "Dockerfile")
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("ENV AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8sW3kLm2", delay=15)
    expect_problems(page, step, "typed-secret", {"Dockerfile": ["`AWS_SECRET_ACCESS_KEY` holds a secret"]})


def open_file(page, name):
    """Click the file in the Explorer; waits for its tab to be the active one."""
    page.get_by_role("treeitem", name=name, exact=True).first.click()
    page.wait_for_selector(f".tab.active[aria-label*='{name}']", timeout=30_000)
    page.wait_for_selector(".monaco-editor .view-lines")
    page.locator(".editor-group-container.active .monaco-editor .view-lines").first.click()


def command(page, title):
    """Run a command from the palette (F1) by its title."""
    page.keyboard.press("F1")
    page.wait_for_selector(".quick-input-widget input", state="visible")
    page.keyboard.type(title)
    page.wait_for_selector(f".quick-input-list .monaco-list-row[aria-label*='{title}']")
    page.keyboard.press("Enter")
    page.wait_for_selector(".quick-input-widget", state="hidden")


def go_to_line(page, where):
    """Ctrl+G with `line` or `line:column`."""
    page.keyboard.press("Control+G")
    page.wait_for_selector(".quick-input-widget input", state="visible")
    page.keyboard.type(where)
    page.keyboard.press("Enter")


def problem_rows(page):
    """The Problems panel's rows: (file the row is under, its text)."""
    rows = page.locator(".markers-panel .monaco-list-row").all()
    current = None
    found = []
    for row in rows:
        label = row.get_attribute("aria-label") or ""
        text = row.inner_text()
        if row.locator(".file-icon, .monaco-icon-label.file-icon").count() and "dockwarden" not in text:
            current = text.split("\n")[0].strip()
            continue
        found.append((current, text + " " + label))
    return found


def expect_problems(page, step, name, present, absent=None):
    """Open the Problems panel and wait until every expected text is under its file (and none of `absent`)."""
    page.keyboard.press("Control+Shift+M")
    page.wait_for_selector(".markers-panel", timeout=30_000)
    # The panel's list only draws the rows in view: maximise it while reading, then give the editor back.
    command(page, "View: Toggle Maximized Panel")
    try:
        wait_for(page, step, name, present, absent)
    finally:
        command(page, "View: Toggle Maximized Panel")
        page.wait_for_selector(".monaco-editor .view-lines")


def wait_for(page, step, name, present, absent):
    deadline = time.monotonic() + FINDINGS_TIMEOUT_S
    rows = []
    while time.monotonic() < deadline:
        rows = problem_rows(page)
        ok = all(
            any(file == f and needle in text for f, text in rows)
            for file, needles in present.items()
            for needle in needles
        ) and not any(
            any(file == f and needle in text for f, text in rows)
            for file, needles in (absent or {}).items()
            for needle in needles
        )
        if ok:
            step.shot(name)
            return
        time.sleep(0.5)
    step.shot(name + "-FAILED")
    fail(f"{name}: expected {present} (and not {absent}) in the Problems panel, found {rows}")


if __name__ == "__main__":
    main()
