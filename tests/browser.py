"""The Chromium the browser tests use: find it, and install one if there is none.

    python tests/browser.py --provision   # `make test` runs this before anything else

Which browser (first found): ``$CHROMIUM`` (a path, or ``playwright`` for the browser installed by
``playwright install chromium``); Debian's ``/usr/bin/chromium``; ``chromium`` or ``chromium-browser``
on the PATH; Playwright's own Chromium if it is installed.

When there is none, ``--provision`` installs one the way the machine allows: Debian's package when
running as root on Debian, otherwise Playwright's ``install chromium`` (a download into the user's
cache). If that fails it prints one line saying what to do and exits 1, so that no test runs.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

DEBIAN_CHROMIUM = "/usr/bin/chromium"
INSTRUCTION = ("No Chromium for the browser tests: install one (Debian/Ubuntu: `sudo apt-get install chromium`; "
               "elsewhere: `.venv/bin/python -m playwright install chromium`) or set CHROMIUM=/path/to/chromium")


def playwright_chromium() -> str | None:
    """The path of Playwright's own Chromium, if it is installed."""
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            path = p.chromium.executable_path
    except Exception:
        return None
    return path if path and Path(path).exists() else None


def find_chromium(env: dict | None = None) -> str | None:
    """A path to a Chromium binary, ``"playwright"`` for Playwright's own, or None."""
    env = os.environ if env is None else env
    wanted = env.get("CHROMIUM")
    if wanted == "playwright":
        return "playwright" if playwright_chromium() else None
    if wanted:
        return wanted if Path(wanted).exists() else None
    for candidate in (DEBIAN_CHROMIUM, shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return "playwright" if playwright_chromium() else None


def _is_debian() -> bool:
    try:
        text = Path("/etc/os-release").read_text()
    except OSError:
        return False
    return any(line.strip() == "ID=debian" for line in text.splitlines())


def _can_sudo() -> bool:
    return bool(shutil.which("sudo")) and subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode == 0


def install_commands(is_root: bool, is_debian: bool, has_apt: bool, can_sudo: bool = False) -> list[list[str]]:
    """How to install a Chromium on this machine, in the order to try."""
    cmds = []
    if (is_root or can_sudo) and is_debian and has_apt:
        sudo = [] if is_root else ["sudo", "-n"]
        cmds.append(sudo + ["apt-get", "update", "-qq"])
        cmds.append(sudo + ["apt-get", "install", "-y", "-qq", "chromium"])
    cmds.append([sys.executable, "-m", "playwright", "install", "chromium"])
    return cmds


def provision(find=find_chromium, run=subprocess.run, is_root: bool | None = None,
              is_debian: bool | None = None, has_apt: bool | None = None, can_sudo: bool | None = None,
              out=None) -> int:
    """Make sure a Chromium exists; return 0 if one does (found or installed), else print one line, 1."""
    out = out or sys.stderr
    if os.environ.get("CHROMIUM") and os.environ["CHROMIUM"] != "playwright":
        if find():
            return 0
        print(f"CHROMIUM={os.environ['CHROMIUM']} does not exist: {INSTRUCTION}", file=out)
        return 1
    if find():
        return 0
    is_root = (hasattr(os, "geteuid") and os.geteuid() == 0) if is_root is None else is_root
    is_debian = _is_debian() if is_debian is None else is_debian
    has_apt = bool(shutil.which("apt-get")) if has_apt is None else has_apt
    if can_sudo is None:
        can_sudo = not is_root and is_debian and has_apt and _can_sudo()
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in install_commands(is_root, is_debian, has_apt, can_sudo):
        print("Installing Chromium for the browser tests: " + " ".join(cmd[-3:] if "playwright" in cmd else cmd),
              file=out)
        if run(cmd, env=env, stdout=subprocess.DEVNULL).returncode != 0:
            continue
        if cmd[-1] == "chromium" and find():
            return 0
    print(INSTRUCTION, file=out)
    return 1


if __name__ == "__main__":
    if "--provision" in sys.argv[1:]:
        raise SystemExit(provision())
    print(find_chromium() or "none")
