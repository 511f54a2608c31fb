#!/usr/bin/env python3
"""The side-by-side benchmark of issue #5 item 11: Triplane, GuideLLM and oha against the fault
server, one workload, the server's own record as the ground truth. Run it through
scripts/peer-bench.sh, which builds and installs what this needs and passes the paths.

Workload: open loop at a constant rate R for D seconds; each request gets the fault server's
`fast` response (role chunk, 16 content chunks, finish, usage chunk, `[DONE]`, in one write).
The server is pinned to core 0, each client to core 1 (taskset). Every prompt starts with
`[rid=N]`, which the server records, so a Triplane sample (stored in SQLite as in a normal
run) is matched to the server's record of the same request.

Per client and rate:
- arrivals: requests the server counted, against the R x D the schedule asks for;
- scheduling lag (p99): arrival i against an ideal grid t0 + i/R, t0 fitted as the earliest
  grid that no arrival precedes, so every lag is >= 0; the first second (connections being
  opened) is left out of the percentile, not out of the count;
- sustained: arrivals >= 99 % of target and p99 lag < 5 ms.
For Triplane, timing error: its first-token and end stamps against the server's write of that
response (in fast mode the first token, the last one and `[DONE]` leave in one write), on the
server's clock. The two processes' clocks are aligned by the smallest (server arrival - client
send) over the run; that offset includes the fastest request's transit, so errors are biased
upwards by at most that transit (tens of microseconds on loopback): the figure is pessimistic.
"""

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

LAG_LIMIT_MS = 5.0
# Server and clients run at a higher priority than the builds that share the machine, so a
# compiler on "their" core preempts them less; the same for every client.
PRIORITY = ["nice", "-n", "-10"]
ARRIVAL_SHARE = 0.99


def percentile(values, p):
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    s = sorted(values)
    k = (len(s) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


class Server:
    """The fault server pinned to one core; stopped on exit."""

    def __init__(self, binary, core):
        self.proc = subprocess.Popen(
            PRIORITY + ["taskset", "-c", str(core), binary, "--port", "0"],
            stdout=subprocess.PIPE,
            text=True,
        )
        self.url = self.proc.stdout.readline().strip()
        if not self.url.startswith("http://"):
            raise SystemExit(f"the fault server did not start: {self.url!r}")
        self.base = self.url[: -len("/v1")]

    def arrivals(self):
        with urllib.request.urlopen(self.base + "/_arrivals", timeout=60) as r:
            return json.load(r)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def prompts_file(folder, n):
    path = os.path.join(folder, f"prompts-{n}.jsonl")
    if not os.path.exists(path):
        with open(path, "w") as f:
            for i in range(n):
                f.write(json.dumps({"prompt": f"[rid={i}] say hello", "output_tokens_count": 16}))
                f.write("\n")
    return path


def lag_ms(arrivals_ns, rate, warmup_s):
    """Lag of each arrival after the first `warmup_s` seconds of the schedule."""
    gap = 1e9 / rate
    xs = [a - i * gap for i, a in enumerate(sorted(arrivals_ns))]
    if not xs:
        return None
    t0 = min(xs)
    skip = int(warmup_s * rate)
    return [(x - t0) / 1e6 for x in xs[skip:]]


def run_triplane(args, server, rate, folder):
    n = int(rate * args.duration) + 1000
    db = os.path.join(folder, f"triplane-{rate:g}.db")
    cmd = [
        *PRIORITY, "taskset", "-c", str(args.client_core), args.triplane, "bench", "latency",
        "--endpoint", server.url, "--api", "openai", "--model", "fast",
        "--rate", f"{rate:g}", "--duration", f"{args.duration:g}",
        "--prompt-file", prompts_file(folder, n), "--max-tokens", "16",
        "--timeout", "10", "--db", db, "--json",
    ]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode not in (0, 1):
        raise SystemExit(f"triplane failed ({out.returncode}): {out.stderr[-2000:]}")
    con = sqlite3.connect(db)
    rows = con.execute(
        "SELECT idx, outcome, intended_ns, sent_ns, first_token_ns, end_ns FROM samples"
    ).fetchall()
    con.close()
    return {"samples": rows, "db": db}


def run_oha(args, server, rate, folder):
    body = json.dumps({
        "model": "fast", "stream": True, "max_tokens": 16,
        "stream_options": {"include_usage": True},
        "messages": [{"role": "user", "content": "say hello"}],
    })
    cmd = [
        *PRIORITY, "taskset", "-c", str(args.client_core), args.oha, "--no-tui", "-z", f"{args.duration:g}s",
        "-c", "64", "-m", "POST", "-T", "application/json", "-d", body,
        "--output-format", "json", server.url + "/chat/completions",
    ]
    if rate:
        cmd[-1:-1] = ["-q", f"{rate:g}"]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"oha failed: {out.stderr[-2000:]}")
    return {}


def run_guidellm(args, server, rate, folder):
    n = int(rate * args.duration) + 1000
    out_json = os.path.join(folder, f"guidellm-{rate:g}.json")
    cmd = [
        *PRIORITY, "taskset", "-c", str(args.client_core), args.guidellm, "run",
        "--backend", f"kind=openai_http,target={server.base},model=fast,validate_backend=false",
        "--data", f"kind=json_file,path={prompts_file(folder, n)}",
        "--profile", f"kind=constant,rate={rate:g}",
        "--constraint", f"kind=max_duration,seconds={args.duration:g}",
        "--output", f"kind=json,path={out_json}",
        "--disable-console",
    ]
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    out = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if out.returncode != 0:
        raise SystemExit(f"guidellm failed: {out.stderr[-3000:]}")
    return {}


def timing_errors(samples, arrivals):
    """Triplane's first-token and end stamps against the server's write, in ms."""
    by_rid = {a["rid"]: a for a in arrivals if a.get("rid") is not None and a["token_writes_ns"]}
    matched = [
        (s, by_rid[s[0]]) for s in samples
        if s[1] == "ok" and s[0] in by_rid and s[3] is not None and s[4] is not None
    ]
    if not matched:
        return None
    offset = min(a["arrived_ns"] - s[3] for s, a in matched)
    first = [(s[4] + offset - a["token_writes_ns"][0]) / 1e6 for s, a in matched]
    end = [(s[5] + offset - a["token_writes_ns"][-1]) / 1e6 for s, a in matched]
    return {"matched": len(matched), "first": first, "end": end}


def measure(args, tool, rate, folder):
    runner = {"triplane": run_triplane, "oha": run_oha, "guidellm": run_guidellm}[tool]
    with Server(args.fault_server, args.server_core) as server:
        started = time.monotonic()
        extra = runner(args, server, rate, folder)
        wall = time.monotonic() - started
        arrivals = [a for a in server.arrivals() if a["scenario"] == "fast"]
    point = {"tool": tool, "rate": rate, "wall_s": round(wall, 2), "arrived": len(arrivals)}
    times = [a["arrived_ns"] for a in arrivals]
    if rate:
        point["target"] = int(rate * args.duration)
        lags = lag_ms(times, rate, args.warmup)
        point["lag_p99_ms"] = percentile(lags, 99)
        point["share"] = len(arrivals) / point["target"]
        point["sustained"] = (
            point["share"] >= ARRIVAL_SHARE
            and point["lag_p99_ms"] is not None
            and point["lag_p99_ms"] < LAG_LIMIT_MS
        )
    elif len(times) > 1:
        point["closed_loop_rate"] = (len(times) - 1) / ((max(times) - min(times)) / 1e9)
    if tool == "triplane":
        samples = extra["samples"]
        point["ok"] = sum(1 for s in samples if s[1] == "ok")
        sched = [(s[3] - s[2]) / 1e6 for s in samples if s[3] is not None]
        point["client_send_lag_p99_ms"] = percentile(sched, 99)
        err = timing_errors(samples, arrivals)
        if err:
            point["matched"] = err["matched"]
            for k in ("first", "end"):
                point[f"{k}_err_p50_ms"] = percentile(err[k], 50)
                point[f"{k}_err_p99_ms"] = percentile(err[k], 99)
                point[f"{k}_err_max_ms"] = max(err[k])
    print(json.dumps(point), file=sys.stderr, flush=True)
    return point


def step(args, tool, ladder, folder):
    """Rates up the ladder until one is not sustained, then two geometric bisection steps
    between the last sustained rate and the first that was not."""
    points, best, first_fail = [], None, None

    def attempt(rate):
        nonlocal best, first_fail
        p = measure(args, tool, rate, folder)
        points.append(p)
        if p["sustained"]:
            best = rate
        else:
            first_fail = rate
        return p["sustained"]

    for rate in ladder:
        if not attempt(rate):
            break
    for _ in range(2):
        mid = round((best * first_fail) ** 0.5) if best and first_fail else None
        if mid is None or not best < mid < first_fail:
            break
        attempt(mid)
    return best, points


def fmt(v, digits=3):
    return "—" if v is None else f"{v:.{digits}f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--triplane", required=True)
    ap.add_argument("--fault-server", required=True)
    ap.add_argument("--oha", required=True)
    ap.add_argument("--guidellm", required=True)
    ap.add_argument("--duration", type=float, default=10.0)
    ap.add_argument("--warmup", type=float, default=1.0,
                    help="seconds at the start of each run left out of the lag percentile")
    ap.add_argument("--server-core", type=int, default=0)
    ap.add_argument("--client-core", type=int, default=1)
    ap.add_argument("--ladder", default="100,200,500,1000,2000,5000,10000,20000,40000,80000")
    ap.add_argument("--guidellm-ladder", default="25,50,100,200,400,800")
    ap.add_argument("--tools", default="triplane,oha,guidellm",
                    help="which clients to measure (comma-separated)")
    ap.add_argument("--out", help="write every measured point as JSON here")
    args = ap.parse_args()

    ladder = [float(x) for x in args.ladder.split(",")]
    gl_ladder = [float(x) for x in args.guidellm_ladder.split(",")]
    folder = tempfile.mkdtemp(prefix="peer-bench-")
    load_before = os.getloadavg()
    results = {}
    tools = [t for t in ("triplane", "oha", "guidellm") if t in args.tools.split(",")]
    results["oha-closed"] = measure(args, "oha", 0, folder)
    for tool, lad in (("triplane", ladder), ("oha", ladder), ("guidellm", gl_ladder)):
        results[tool] = step(args, tool, lad, folder) if tool in tools else (None, [])
    load_after = os.getloadavg()

    print(f"# side-by-side benchmark, {args.duration:g} s per rate, server on core "
          f"{args.server_core}, client on core {args.client_core}")
    print(f"load average before {load_before[0]:.2f} / after {load_after[0]:.2f}")
    print(f"oha closed loop (64 connections): {fmt(results['oha-closed'].get('closed_loop_rate'), 0)}"
          " requests/s counted at the server")
    print()
    print("| client | highest sustained rate (req/s) | ratio to oha | arrivals at that rate "
          "| p99 lag (ms) |")
    print("|---|---|---|---|---|")
    oha_best = results["oha"][0]
    for tool in tools:
        best, points = results[tool]
        at = next((p for p in points if p["rate"] == best), None)
        ratio = fmt(best / oha_best, 3) if best and oha_best else "—"
        share = f"{at['arrived']}/{at['target']}" if at else "—"
        print(f"| {tool} | {fmt(best, 0) if best else 'none'} | {ratio} | {share} "
              f"| {fmt(at and at['lag_p99_ms'])} |")
    print()
    print("| client | rate | arrived/target | p99 lag (ms) | sustained |")
    print("|---|---|---|---|---|")
    for tool in tools:
        for p in results[tool][1]:
            print(f"| {tool} | {p['rate']:g} | {p['arrived']}/{p['target']} "
                  f"| {fmt(p['lag_p99_ms'])} | {'yes' if p['sustained'] else 'no'} |")
    print()
    print("Triplane timing error against the server's record (ms; p50 / p99 / max):")
    print("| rate | matched | first token | end | client send lag p99 |")
    print("|---|---|---|---|---|")
    for p in results["triplane"][1]:
        if "matched" in p:
            print(f"| {p['rate']:g} | {p['matched']} | {fmt(p['first_err_p50_ms'])} / "
                  f"{fmt(p['first_err_p99_ms'])} / {fmt(p['first_err_max_ms'])} | "
                  f"{fmt(p['end_err_p50_ms'])} / {fmt(p['end_err_p99_ms'])} / "
                  f"{fmt(p['end_err_max_ms'])} | {fmt(p['client_send_lag_p99_ms'])} |")
    if args.out:
        with open(args.out, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
