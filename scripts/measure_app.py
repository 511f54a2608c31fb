#!/usr/bin/env python3
"""Start-up time and memory of a Tauri app beside a hello-world Tauri app, measured the same way.

Called by scripts/measure-app.sh, which builds both in release mode and starts Xvfb. Standard
library only.

Start-up: the time from just before the process is spawned to the first-interactive-paint
marker the app prints on stderr (`... first-interactive-paint ... unix_ms=N`, wall clock),
median over the launches. Both apps print it from the same place: the page's first frame
after its content is on screen, via one IPC call.

Memory: PSS (proportional set size: shared pages split between the processes sharing them)
summed over the app's process and all its descendants (WebKitGTK runs the page in a
WebKitWebProcess and the network stack in a WebKitNetworkProcess), from
/proc/PID/smaps_rollup. Idle is taken a few seconds after the first paint. "After a
simulation" drives the real app through WebDriver (tauri-driver in front of WebKitWebDriver,
as the end-to-end tests do): open an example, open the Simulation tab, press Run, wait for the
report.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

MARKER = re.compile(r"first-interactive-paint .*unix_ms=(\d+)")
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"  # the W3C WebDriver key of an element reference


def children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces; fields resume after it.
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        kids.setdefault(ppid, []).append(int(entry))
    return kids


def tree(root: int) -> list[int]:
    kids = children_map()
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(kids.get(pid, []))
    return out


def pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return "?"


def tree_pss(root: int) -> dict:
    """PSS of `root` and its descendants, in KiB, with the share of each process."""
    per = [(pid, comm(pid), pss_kib(pid)) for pid in tree(root)]
    return {
        "total_kib": sum(p for _, _, p in per),
        "processes": [{"pid": pid, "name": name, "pss_kib": p} for pid, name, p in per],
    }


def stop(proc: subprocess.Popen) -> None:
    pids = tree(proc.pid)
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    for pid in pids[1:]:
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass


class Launch:
    """One process started now, whose stderr is read until the first-paint marker."""

    def __init__(self, cmd: list[str], env: dict[str, str], log: Path):
        self.painted = threading.Event()
        self.paint_unix_ms: int | None = None
        self.log = log.open("w")
        self.t0_ns = time.time_ns()
        self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.log.write(line)
            self.log.flush()
            m = MARKER.search(line)
            if m and self.paint_unix_ms is None:
                self.paint_unix_ms = int(m.group(1))
                self.painted.set()
        self.log.close()

    def startup_ms(self, timeout: float) -> float:
        if not self.painted.wait(timeout):
            stop(self.proc)
            sys.exit(f"error: no first-paint marker within {timeout:.0f} s; see {self.log.name}")
        return self.paint_unix_ms - self.t0_ns / 1e6


def launch_once(cmd: list[str], env: dict, settle: float, log: Path) -> tuple[float, dict]:
    """Start-up time to the first paint, then the idle PSS `settle` seconds later."""
    launch = Launch(cmd, env, log)
    startup = launch.startup_ms(timeout=120)
    time.sleep(settle)
    idle = tree_pss(launch.proc.pid)
    stop(launch.proc)
    time.sleep(0.5)
    return startup, idle


# --- WebDriver, over plain HTTP -------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(method: str, url: str, body: dict | None = None) -> dict:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as resp:
        return json.loads(resp.read() or b"{}")


class Session:
    def __init__(self, driver_url: str, app: str, args: list[str]):
        caps = {"browserName": "wry", "tauri:options": {"application": app, "args": args}}
        # tauri-driver listens before the native WebKitWebDriver it starts does; until then it
        # drops the request. Retried for up to 20 s.
        deadline = time.monotonic() + 20
        while True:
            try:
                value = call("POST", f"{driver_url}/session",
                             {"capabilities": {"alwaysMatch": caps}})
                break
            except (urllib.error.URLError, ConnectionError) as e:
                if time.monotonic() > deadline:
                    sys.exit(f"error: no WebDriver session within 20 s: {e}")
                time.sleep(0.5)
        self.url = f"{driver_url}/session/{value['value']['sessionId']}"

    def find(self, css: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while True:
            try:
                value = call("POST", f"{self.url}/element", {"using": "css selector", "value": css})
                return value["value"][ELEMENT]
            except urllib.error.HTTPError:
                if time.monotonic() > deadline:
                    sys.exit(f"error: `{css}` did not appear within {timeout:.0f} s")
                time.sleep(0.2)

    def click(self, css: str) -> None:
        call("POST", f"{self.url}/element/{self.find(css)}/click", {})

    def close(self) -> None:
        try:
            call("DELETE", self.url)
        except (urllib.error.URLError, OSError):
            pass


def app_pid(driver_pid: int, app: str) -> int:
    """The app process that the WebDriver session started, below tauri-driver."""
    real = os.path.realpath(app)
    for pid in tree(driver_pid):
        try:
            if os.path.realpath(f"/proc/{pid}/exe") == real:
                return pid
        except OSError:
            continue
    sys.exit(f"error: no `{app}` process below tauri-driver")


def driven(args, env: dict, logs: Path, db: str) -> dict:
    port, native = free_port(), free_port()
    log = (logs / "tauri-driver.log").open("w")
    driver = subprocess.Popen(
        [args.driver, "--port", str(port), "--native-port", str(native),
         "--native-driver", args.native_driver],
        env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                sys.exit("error: tauri-driver did not listen")
            time.sleep(0.1)

    out: dict = {"hello_idle": [], "app_idle": [], "app_after_simulation": []}
    try:
        for _ in range(args.driven_runs):
            s = Session(url, args.hello, [])
            s.find("html[data-first-interactive-paint]")
            time.sleep(args.settle)
            out["hello_idle"].append(tree_pss(app_pid(driver.pid, args.hello)))
            s.close()

            s = Session(url, args.app, ["--db", db, "example:hybrid"])
            s.find(".plane-view[data-file='example:hybrid']")
            time.sleep(args.settle)
            pid = app_pid(driver.pid, args.app)
            out["app_idle"].append(tree_pss(pid))
            s.click("[data-tab='simulation']")
            s.click("[data-testid=simulation-run]")
            s.find("[data-testid=simulation-report]")
            time.sleep(args.settle)
            out["app_after_simulation"].append(tree_pss(pid))
            s.close()
    finally:
        stop(driver)
        log.close()
    return out


def median_kib(samples: list[dict]) -> float:
    return statistics.median(s["total_kib"] for s in samples)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--app", required=True)
    p.add_argument("--hello", required=True)
    p.add_argument("--driver", required=True, help="tauri-driver")
    p.add_argument("--native-driver", required=True, help="WebKitWebDriver")
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--driven-runs", type=int, default=3)
    p.add_argument("--settle", type=float, default=3.0, help="seconds before reading memory")
    p.add_argument("--out", required=True, help="folder for the JSON result and the logs")
    args = p.parse_args()

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="triplane-measure-"))
    # A private home: the measured apps neither read nor write the user's data, caches or
    # WebKit storage, and every launch after the first finds the same warm caches.
    env = dict(os.environ, HOME=str(home), XDG_DATA_HOME=str(home / "data"),
               XDG_CONFIG_HOME=str(home / "config"), XDG_CACHE_HOME=str(home / "cache"),
               RUST_LOG="info")
    db = str(home / "measure.db")

    # One launch of each, not counted: a fresh home makes fontconfig and WebKit build their
    # caches, which no later launch (nor a user's second start) pays again.
    for name, cmd in (("hello", [args.hello]), ("app", [args.app, "--db", db])):
        launch = Launch(cmd, env, out / f"{name}-warmup.log")
        launch.startup_ms(timeout=600)
        stop(launch.proc)

    result: dict = {"runs": args.runs, "settle_s": args.settle}
    # Interleaved launches, so a change in machine load touches both apps alike.
    app_runs = {"startup_ms": [], "idle_pss": []}
    hello_runs = {"startup_ms": [], "idle_pss": []}
    for i in range(args.runs):
        for name, cmd, acc in (("hello", [args.hello], hello_runs),
                               ("app", [args.app, "--db", db], app_runs)):
            startup, idle = launch_once(cmd, env, args.settle, out / f"{name}-{i}.log")
            acc["startup_ms"].append(startup)
            acc["idle_pss"].append(idle)
    result["app"], result["hello"] = app_runs, hello_runs
    result["driven"] = driven(args, env, out, db)

    summary = {
        "app_startup_ms_median": statistics.median(app_runs["startup_ms"]),
        "hello_startup_ms_median": statistics.median(hello_runs["startup_ms"]),
        "app_idle_pss_mib_median": median_kib(app_runs["idle_pss"]) / 1024,
        "hello_idle_pss_mib_median": median_kib(hello_runs["idle_pss"]) / 1024,
        "driven_app_idle_pss_mib_median": median_kib(result["driven"]["app_idle"]) / 1024,
        "driven_hello_idle_pss_mib_median": median_kib(result["driven"]["hello_idle"]) / 1024,
        "driven_app_after_simulation_pss_mib_median":
            median_kib(result["driven"]["app_after_simulation"]) / 1024,
    }
    summary["idle_ratio"] = (summary["app_idle_pss_mib_median"]
                             / summary["hello_idle_pss_mib_median"])
    summary["after_simulation_ratio"] = (summary["driven_app_after_simulation_pss_mib_median"]
                                         / summary["driven_hello_idle_pss_mib_median"])
    result["summary"] = summary
    shutil.rmtree(home, ignore_errors=True)
    (out / "measure-app.json").write_text(json.dumps(result, indent=2) + "\n")
    json.dump(summary, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
