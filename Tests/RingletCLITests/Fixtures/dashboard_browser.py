#!/usr/bin/python3
"""Drives the daemon's dashboard in a real browser (Debian's headless chromium through chromedriver and
python3-selenium), as a person would, and prints what it saw as one JSON object on stdout.

    RINGLET=BINARY RINGLET_HOME=HOME dashboard_browser.py URL TOKEN SCREENSHOT_DIR

The token dialog (a wrong token, then the right one), the dashboard (the `sh` profile, the health),
Run, typing into the terminal and reading the answer back from the DOM, a reload that replays the
session, the dashboard with the running session, the phone-sized viewport (and the size the session
takes), Paste, with $RINGLET set a daemon restart (`daemon stop`, the page's backoff, a new daemon on the same
port started with --stay-alive and $RINGLET_WEB_ROOT) and a token rotation (`daemon rotate-token`),
End and the exit code. Screenshots of every view at desktop and phone size go to
SCREENSHOT_DIR. Every console error and Content-Security-Policy violation the page caused is
reported. On a failure it prints the failing step and the page's state on stderr, saves
failure.png and exits 1. chromium and chromedriver are always quit.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

URL, TOKEN, SHOTS = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
WAIT = 45  # seconds; a loaded two-core machine is slow, never wrong
report = {"steps": [], "screenshots": [], "csp_violations": []}
step = "start"

# Collects CSP violations from the first moment of every page load (the page's CSP does not apply to it).
WATCH_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber);
});
"""


def api(path):
    request = urllib.request.Request(URL + path, headers={"Authorization": "Bearer " + TOKEN})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def begin(name):
    global step
    step = name
    report["steps"].append(name)


def wait_for(driver, condition, what, timeout=WAIT):
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.1).until(lambda d: condition(d))
    except TimeoutException:
        raise AssertionError("timed out waiting for " + what)


def js(driver, script, *arguments):
    return driver.execute_script(script, *arguments)


def terminal_text(driver):
    """The terminal's rows as text, from the DOM: xterm's screen-reader tree mirrors the canvas."""
    return js(driver, """
        const tree = document.querySelector('#terminal .xterm-accessibility-tree');
        return tree ? Array.from(tree.children).map((row) => row.textContent.replace(/\\u00a0/g, ' ')).join('\\n') : '';
    """)


def state(driver):
    return js(driver, "return document.getElementById('conn-state').dataset.state")


def visible(driver, selector):
    return js(driver, "const e = document.querySelector(arguments[0]); return !!e && e.getClientRects().length > 0 && !e.closest('[hidden]')", selector)


def collect_csp(driver):
    """The page's CSP violations so far (a reload starts a new list, so this runs before each)."""
    report["csp_violations"] += js(driver, "const v = window.__csp || []; window.__csp = []; return v")


def shot(driver, name):
    path = os.path.join(SHOTS, name + ".png")
    driver.save_screenshot(path)
    report["screenshots"].append(path)


def type_line(driver, line):
    js(driver, "document.querySelector('#terminal .xterm-helper-textarea').focus()")
    ActionChains(driver).send_keys(line).send_keys(Keys.ENTER).perform()


def phone(driver, on):
    if on:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True})
        driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 5})
    else:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": 1280, "height": 800, "deviceScaleFactor": 1, "mobile": False})
        driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": False})


def run(driver):
    global TOKEN
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH_CSP})
    phone(driver, False)  # a desktop viewport of exactly 1280x800

    begin("the page asks for the token")
    driver.get(URL + "/")
    wait_for(driver, lambda d: js(d, "return document.getElementById('token-dialog').open"), "the token dialog")
    report["dashboard_hidden_before_token"] = not visible(driver, "#dashboard-view")
    report["xterm_loaded"] = js(driver, "return typeof window.Terminal === 'function'")
    shot(driver, "token-dialog-desktop")

    begin("a wrong token is refused with a message")
    field = driver.find_element(By.ID, "token-input")
    field.send_keys("0" * 64)
    driver.find_element(By.ID, "token-submit").click()
    wait_for(driver, lambda d: visible(d, "#token-error"), "the wrong-token message")
    report["wrong_token_error"] = driver.find_element(By.ID, "token-error").text
    report["token_in_storage_after_wrong"] = js(driver, "return sessionStorage.getItem('ringlet.token')")

    begin("the right token opens the dashboard")
    field.clear()
    field.send_keys(TOKEN)
    driver.find_element(By.ID, "token-submit").click()
    wait_for(driver, lambda d: visible(d, "li[data-profile='sh']"), "the sh profile on the dashboard")
    wait_for(driver, lambda d: "daemon ok" in d.find_element(By.ID, "health").text, "the daemon's health")
    report["health"] = driver.find_element(By.ID, "health").text
    report["profile_card"] = driver.find_element(By.CSS_SELECTOR, "li[data-profile='sh']").text
    report["token_in_url"] = TOKEN in driver.current_url
    report["token_in_storage"] = js(driver, "return sessionStorage.getItem('ringlet.token')") == TOKEN

    begin("Run starts a session and opens its terminal")
    driver.find_element(By.CSS_SELECTOR, "li[data-profile='sh'] button.run").click()
    wait_for(driver, lambda d: d.current_url.split("#", 1)[-1].startswith("/session/"), "the terminal view")
    session = driver.current_url.split("#/session/", 1)[1]
    report["session"] = session
    wait_for(driver, lambda d: state(d) == "live", "the terminal to be live")

    begin("typing into the terminal and reading the answer back from the DOM")
    type_line(driver, "echo hi-$((6*7))")
    wait_for(driver, lambda d: "hi-42" in terminal_text(d), "hi-42 in the terminal")
    report["typed"] = terminal_text(driver)
    desktop = api("/api/sessions/" + session)
    report["desktop_size"] = [desktop["cols"], desktop["rows"]]
    shot(driver, "terminal-desktop")

    begin("a reload reattaches and shows the replay")
    js(driver, "document.getElementById('terminal').dataset.marker = 'before-reload'")
    collect_csp(driver)
    driver.refresh()
    wait_for(driver, lambda d: js(d, "return document.getElementById('terminal').dataset.marker") is None, "the reload")
    wait_for(driver, lambda d: state(d) == "live", "the terminal to be live again")
    wait_for(driver, lambda d: "hi-42" in terminal_text(d), "hi-42 replayed")
    report["replayed"] = terminal_text(driver)
    report["dialog_after_reload"] = js(driver, "return document.getElementById('token-dialog').open")

    begin("the dashboard lists the running session")
    driver.find_element(By.CSS_SELECTOR, "#terminal-view a.back").click()
    card = "li[data-session='%s'][data-state='running']" % session
    wait_for(driver, lambda d: visible(d, card), "the running session on the dashboard")
    report["session_card"] = driver.find_element(By.CSS_SELECTOR, card).text
    shot(driver, "dashboard-desktop")

    begin("at phone size the dashboard stacks and the terminal fits the screen")
    phone(driver, True)
    wait_for(driver, lambda d: js(d, "return window.innerWidth") == 390, "the phone viewport")
    report["phone_overflows"] = js(driver, "return document.documentElement.scrollWidth > window.innerWidth + 1")
    shot(driver, "dashboard-phone")
    driver.find_element(By.CSS_SELECTOR, card + " a.attach").click()
    wait_for(driver, lambda d: state(d) == "live", "the terminal at phone size")
    # The session takes the size of the client that was active last: this one's, fitted to 390 px.
    wait_for(driver, lambda d: api("/api/sessions/" + session)["cols"] < 60, "the session to take the phone's size")
    phone_session = api("/api/sessions/" + session)
    report["phone_size"] = [phone_session["cols"], phone_session["rows"]]
    report["terminal_overflows"] = js(driver, """
        const t = document.querySelector('#terminal .xterm-screen').getBoundingClientRect();
        return t.right > window.innerWidth + 1 || t.bottom > window.innerHeight + 1;
    """)
    report["keys_bar_visible"] = visible(driver, ".keys")
    type_line(driver, "echo phone-$((2*3))")
    wait_for(driver, lambda d: "phone-6" in terminal_text(d), "phone-6 in the terminal")
    shot(driver, "terminal-phone")

    begin("Paste without clipboard access offers a text box and sends what is pasted into it")
    driver.execute_cdp_cmd("Browser.setPermission", {"permission": {"name": "clipboard-read"}, "setting": "denied"})
    driver.find_element(By.ID, "paste").click()
    wait_for(driver, lambda d: js(d, "return document.getElementById('paste-dialog').open"), "the paste dialog")
    driver.find_element(By.ID, "paste-input").send_keys("echo pasted-$((1+1))")
    driver.find_element(By.CSS_SELECTOR, "#paste-form button[type=submit]").click()
    # bash has bracketed paste on: pasted text waits on the command line until Enter, as in any terminal.
    wait_for(driver, lambda d: "echo pasted-$((1+1))" in terminal_text(d), "the pasted line in the terminal")
    type_line(driver, "")
    wait_for(driver, lambda d: "pasted-2" in terminal_text(d), "pasted-2 in the terminal")
    report["pasted"] = True

    if os.environ.get("RINGLET"):
        begin("the daemon restarts: the page backs off 1 s, 2 s, 4 s, reconnects and replays")
        ringlet = os.environ["RINGLET"]
        port = URL.rsplit(":", 1)[1]
        subprocess.run([ringlet, "daemon", "stop"], check=True, capture_output=True)
        seen = []
        deadline = time.time() + 5
        while time.time() < deadline:
            text = driver.find_element(By.ID, "conn-state").text
            if text.startswith("reconnecting in") and (not seen or seen[-1] != text):
                seen.append(text)
            time.sleep(0.05)
        # Each wait counts down ("in 2 s", "in 1 s"); where the count goes up, a new, longer wait began.
        counts = [int(text.split()[2]) for text in seen]
        report["reconnect_waits"] = [n for i, n in enumerate(counts) if i == 0 or n > counts[i - 1]]
        # The sessions kept running without a daemon; a new one (detached, so the test's fixture ends it) finds them.
        subprocess.run([ringlet, "daemon", "--listen", "127.0.0.1:" + port, "--stay-alive"], check=True, capture_output=True)
        wait_for(driver, lambda d: state(d) == "live", "the terminal to reconnect to the new daemon")
        wait_for(driver, lambda d: "phone-6" in terminal_text(d), "the replay after reconnecting")
        type_line(driver, "echo again-$((3*3))")
        wait_for(driver, lambda d: "again-9" in terminal_text(d), "again-9 after reconnecting")

        begin("a rotated token closes the terminal and asks for the new one")
        subprocess.run([os.environ["RINGLET"], "daemon", "rotate-token"], check=True, capture_output=True)
        TOKEN = subprocess.run([os.environ["RINGLET"], "daemon", "token"], check=True, capture_output=True, text=True).stdout.strip()
        wait_for(driver, lambda d: js(d, "return document.getElementById('token-dialog').open"), "the token dialog after the rotation")
        report["rotated_message"] = driver.find_element(By.ID, "token-error").text
        field = driver.find_element(By.ID, "token-input")
        field.send_keys(TOKEN)
        driver.find_element(By.ID, "token-submit").click()
        wait_for(driver, lambda d: state(d) == "live", "the terminal to reconnect with the new token")
        wait_for(driver, lambda d: "phone-6" in terminal_text(d), "the replay after reconnecting")
        report["reconnected_after_rotation"] = True

    begin("End stops the agent and shows its exit code")
    driver.find_element(By.ID, "end").click()
    wait_for(driver, lambda d: _accept_alert(d), "the confirmation")
    wait_for(driver, lambda d: state(d) == "ended", "the session to end")
    report["ended_state"] = driver.find_element(By.ID, "conn-state").text
    report["ended_banner"] = driver.find_element(By.ID, "term-banner").text
    shot(driver, "terminal-ended-phone")
    phone(driver, False)
    driver.find_element(By.CSS_SELECTOR, "#terminal-view a.back").click()
    wait_for(driver, lambda d: visible(d, "li[data-session='%s'][data-state='exited']" % session), "the exited session on the dashboard")
    report["exited_card"] = driver.find_element(By.CSS_SELECTOR, "li[data-session='%s']" % session).text


def _accept_alert(driver):
    try:
        driver.switch_to.alert.accept()
        return True
    except Exception:
        return False


def browser_errors(driver):
    errors = []
    try:
        for entry in driver.get_log("browser"):
            if entry.get("level") == "SEVERE":
                errors.append(entry.get("message", ""))
    except Exception as error:  # the log is best effort
        errors.append("(no browser log: %s)" % error)
    return errors


def timeout(signum, frame):
    raise AssertionError("the whole browser run took longer than 5 minutes")


def main():
    os.makedirs(SHOTS, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="ringlet-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                     "--window-size=1280,800", "--user-data-dir=" + profile, "--lang=en-US"):
        options.add_argument(argument)
    if os.geteuid() == 0:
        options.add_argument("--no-sandbox")  # chromium refuses to run as root with its sandbox
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path="/usr/bin/chromedriver")
    driver = None
    signal.signal(signal.SIGALRM, timeout)
    signal.alarm(300)
    status = 0
    try:
        driver = webdriver.Chrome(service=service, options=options)
        run(driver)
        report["inner_size_desktop"] = js(driver, "return [window.innerWidth, window.innerHeight]")
    except BaseException as error:
        status = 1
        sys.stderr.write("dashboard_browser.py: step %r failed: %s\n" % (step, error))
        if driver is not None:
            try:
                driver.save_screenshot(os.path.join(SHOTS, "failure.png"))
                sys.stderr.write("url: %s\nterminal:\n%s\nbody:\n%s\n" % (
                    driver.current_url, terminal_text(driver), driver.find_element(By.TAG_NAME, "body").text))
            except Exception:
                pass
        report["failed_step"] = step
        report["error"] = str(error)
    finally:
        signal.alarm(0)
        if driver is not None:
            try:
                collect_csp(driver)
            except Exception:
                report["csp_violations"].append("(could not read them)")
            report["console_errors"] = browser_errors(driver)
            driver.quit()
        service.stop()
        shutil.rmtree(profile, ignore_errors=True)
    print(json.dumps(report, indent=1))
    sys.exit(status)


if __name__ == "__main__":
    main()
