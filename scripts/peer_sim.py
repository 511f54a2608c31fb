#!/usr/bin/env python3
"""The simulation benchmark's peer (docs/performance.md, "Simulation engine"): the agent loop of
one bundled example written as a SimPy discrete-event model, the tool an architect would
otherwise reach for, timed beside `triplane simulate` on the same example, days and machine.

The peer reads the example's workload, links and MCP result classes from the YAML file, and the
jurisdictions of each component from `triplane simulate --trace-session --json`, so both
simulate the same loop: prompt users -> orchestrator; per cycle the context to the model and the
completion back; per tool call orchestrator -> tunnel/gateway -> MCP server -> data store and
back; the answer to the users. Each hop is a SimPy timeout (the event engine's unit of work)
and a flow folded into a counter per (data classes, hop), as triplane-sim's aggregator does;
the exposure matrix (class x jurisdiction) is folded from those counters at the end.

Triplane is timed as a whole command (start-up, simulation, Rego policies, report; best of 3),
the peer as its simulation and fold only. The script checks that the peer's flows per day agree
with Triplane's within 5 % (a peer that did less work would flatter itself), then prints a
Markdown table: flows, wall seconds, flows per second and the ratio.
"""

import argparse
import json
import math
import random
import subprocess
import sys
import time
from collections import defaultdict

import simpy
import yaml

HOP_MS = 20.0  # the peer's hop delay; throughput does not depend on it


def lognormal(rng, mean, sd):
    if mean <= 0:
        return 0
    s2 = math.log(1 + (sd * sd) / (mean * mean))
    return max(0, round(rng.lognormvariate(math.log(mean) - s2 / 2, math.sqrt(s2))))


def poisson(rng, mean):
    # Knuth's method is fine for the small means of a workload (sessions per day use a normal
    # approximation below).
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def sampler(spec):
    if isinstance(spec, (int, float)):
        return lambda rng: int(spec)
    kind = spec["dist"]
    if kind == "poisson":
        return lambda rng: poisson(rng, spec["mean"])
    if kind == "lognormal":
        return lambda rng: lognormal(rng, spec["mean"], spec.get("sd", 0))
    if kind == "constant":
        return lambda rng: int(spec["value"])
    raise SystemExit(f"peer_sim: distribution `{kind}` is not modelled by the peer")


def weighted(mix):
    names, weights = list(mix), list(mix.values())
    return lambda rng: rng.choices(names, weights)[0]


class Loop:
    """The example's loop as hops (from, to) and the draws of its workload."""

    def __init__(self, deployment, trace):
        self.jurisdictions = {c["id"]: c["jurisdictions"] for c in trace["components"]}
        comps = {c["id"]: c for plane in deployment["components"].values() for c in plane}
        links = defaultdict(list)
        for link in deployment["links"]:
            links[link["from"]].append(link["to"])
        users = next(i for i, c in comps.items() if c["kind"] == "users")
        self.users = users
        self.orch = links[users][0]
        self.model = next(t for t in links[self.orch] if comps[t]["kind"] == "model-endpoint")
        # Tool targets: MCP servers reached through a tunnel or gateway the orchestrator links to.
        self.tools = []
        for via in links[self.orch]:
            if comps[via]["kind"] not in ("tunnel", "gateway"):
                continue
            for server in links[via]:
                if comps[server]["kind"] != "mcp-server":
                    continue
                stores = [s for s in links[server] if comps[s]["kind"] == "data-store"]
                results = weighted(comps[server]["mcp"]["result_classes"])
                self.tools.append((via, server, stores, results))
        w = deployment["workload"]
        t = w["tokens"]
        self.sessions = sampler(w["sessions_per_day"])
        self.turns = sampler(w["turns_per_session"])
        self.tool_calls = sampler(w["tool_calls_per_turn"])
        self.prompt = sampler(t["prompt"])
        self.completion = sampler(t["completion"])
        self.tool_call = sampler(t.get("tool_call", 0))
        self.tool_result = sampler(t.get("tool_result", 800))
        self.prompt_class = weighted(w.get("prompt_classes", {"internal": 1.0}))
        self.hop_ids = {}

    def hop(self, a, b):
        return self.hop_ids.setdefault((a, b), len(self.hop_ids))


def session(env, loop, rng, counters):
    context, tokens = frozenset(), 0

    def send(hops, classes, n):
        for h in hops:
            counters[(classes, h)][0] += 1
            counters[(classes, h)][1] += n
            yield env.timeout(HOP_MS)

    to_orch = [loop.hop(loop.users, loop.orch)]
    to_model = [loop.hop(loop.orch, loop.model)]
    from_model = [loop.hop(loop.model, loop.orch)]
    to_users = [loop.hop(loop.orch, loop.users)]
    for _ in range(max(1, loop.turns(rng))):
        p = loop.prompt(rng)
        context, tokens = context | {loop.prompt_class(rng)}, tokens + p
        yield from send(to_orch, context, p)
        calls = loop.tool_calls(rng)
        for call in range(calls + 1):
            completion = loop.completion(rng)
            yield from send(to_model, context, tokens)
            yield env.timeout(400.0 + completion * 20.0)
            yield from send(from_model, context, completion)
            tokens += completion
            if call == calls:
                yield from send(to_users, context, completion)
                break
            via, server, stores, results = rng.choice(loop.tools)
            n_call, result, n_result = loop.tool_call(rng), results(rng), loop.tool_result(rng)
            yield from send([loop.hop(loop.orch, via), loop.hop(via, server)], context, n_call)
            for store in stores:
                yield from send([loop.hop(server, store)], context, n_call)
                yield from send([loop.hop(store, server)], frozenset({result}), n_result)
            observed = context | {result}
            yield from send([loop.hop(server, via), loop.hop(via, loop.orch)], observed, n_result)
            context, tokens = observed, tokens + n_result


def run(loop, days, seed):
    rng = random.Random(seed)
    env = simpy.Environment()
    counters = defaultdict(lambda: [0, 0])
    day_ms = 86_400_000.0
    for day in range(days):
        for _ in range(loop.sessions(rng)):
            start = day * day_ms + rng.random() * day_ms

            def delayed(start=start):
                yield env.timeout(start)
                yield from session(env, loop, rng, counters)

            env.process(delayed())
    env.run()
    # The exposure matrix, folded as Triplane folds its counters.
    to_of = {h: b for (a, b), h in loop.hop_ids.items()}
    matrix = defaultdict(lambda: [0, 0])
    for (classes, hop), (flows, tokens) in counters.items():
        for c in classes:
            for j in loop.jurisdictions.get(to_of[hop], []):
                matrix[(c, j)][0] += flows
                matrix[(c, j)][1] += tokens
    return sum(f for f, _ in counters.values()), matrix


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--triplane", required=True)
    ap.add_argument("--example", default="mcp-tunnel")
    ap.add_argument("--file", required=True, help="the example's YAML file")
    ap.add_argument("--days", type=int, default=30)
    args = ap.parse_args()

    deployment = yaml.safe_load(open(args.file, encoding="utf-8"))
    trace = json.loads(
        subprocess.run(
            [args.triplane, "simulate", f"example:{args.example}", "--trace-session", "--json"],
            check=True, capture_output=True, text=True,
        ).stdout
    )
    loop = Loop(deployment, trace)

    ours = None
    for _ in range(3):
        t0 = time.perf_counter()
        out = subprocess.run(
            [args.triplane, "simulate", f"example:{args.example}", "--days", str(args.days),
             "--json"],
            check=True, capture_output=True, text=True,
        ).stdout
        wall = time.perf_counter() - t0
        ours = wall if ours is None else min(ours, wall)
    our_flows = json.loads(out)["totals"]["flows"]

    start = time.perf_counter()
    flows, matrix = run(loop, args.days, 42)
    wall = time.perf_counter() - start

    drift = abs(flows - our_flows) / our_flows
    if drift > 0.05:
        sys.exit(
            f"peer_sim: the peer simulated {flows} flows, Triplane {our_flows}: not the same "
            f"workload ({drift:.1%} apart)"
        )
    ours_rate, peer_rate = our_flows / ours, flows / wall
    print(f"| {args.example}, {args.days} days | flows | wall (s) | flows per second | ratio |")
    print("|---|---|---|---|---|")
    print(f"| triplane simulate (release, whole command, best of 3) | {our_flows:,} | "
          f"{ours:.3f} | {ours_rate / 1e6:.2f} M | {ours_rate / peer_rate:.0f} x |")
    print(f"| SimPy {simpy.__version__} model (scripts/peer_sim.py; {len(matrix)} matrix cells) "
          f"| {flows:,} | {wall:.3f} | {peer_rate / 1e6:.3f} M | 1 x |")


if __name__ == "__main__":
    main()
