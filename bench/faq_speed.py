"""FAQ engine speed: model training, `kawan ask` start-up, per-question latency, and a generated 10,000-entry FAQ.

Run: .venv/bin/python -m bench.faq_speed [--entries 10000]
Targets (issue 10): a cold build under 30 s and a warm `kawan ask` within 1.5 s on the shipped content;
under 2 ms per question with the shipped content and under 10 ms with 10,000 entries.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bot import PROJECT_ROOT
from bot.faq.content import Content, FaqEntry, load_content
from bot.faq.engine import FaqEngine

QUESTIONS = [
    "npwp shutterstock wajib ga",
    "gmn cara naik level di fiverr lg",
    "pajak shutterstock brp persen kalo blm punya npwp",
    "kok karya sy ditolak terus ya",
    "shuterstok levelnya gmn",
    "resep rendang padang",
    "halo kak",
    "ibu2 rumah tangga bs cari duit dr hp ga",
    "teknik pomodoro itu apa",
    "apakah ai bakal gantiin kerjaan desainer",
]


def _timed_matches(engine: FaqEngine, questions: list[str], rounds: int) -> list[float]:
    timings = []
    for _ in range(rounds):
        for q in questions:
            start = time.perf_counter()
            engine.match(q)
            timings.append((time.perf_counter() - start) * 1000)
    return timings


def _describe(label: str, ms: list[float]) -> str:
    ms = sorted(ms)
    p50 = ms[len(ms) // 2]
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    return f"{label}: mean {statistics.mean(ms):.3f} ms, p50 {p50:.3f} ms, p99 {p99:.3f} ms ({len(ms)} questions)"


def synthetic_content(base: Content, size: int, seed: int = 7) -> Content:
    """The shipped entries plus generated ones built from the same vocabulary, up to `size`."""
    rng = random.Random(seed)
    words = sorted({w for e in base.entries for t in (e.question, *e.alternates) for w in t.lower().split()})
    entries = list(base.entries)
    categories = list(base.categories)
    for n in range(size - len(entries)):

        def sentence(lo: int = 5, hi: int = 10) -> str:
            return " ".join(rng.choices(words, k=rng.randint(lo, hi)))

        entries.append(
            FaqEntry(
                id=f"gen-{n}",
                category=rng.choice(categories),
                question=sentence(),
                alternates=tuple(sentence() for _ in range(15)),
                answer=sentence(60, 120),
                related=(entries[0].id, entries[1].id),
                keywords=tuple(rng.choices(words, k=4)),
            )
        )
    return replace(base, entries=tuple(entries))


def startup_seconds(cache_dir: Path, runs: int = 3) -> list[float]:
    """`kawan ask` end to end: the first run trains into an empty cache, the others load it."""
    env = {**os.environ, "KAWAN_CACHE_DIR": str(cache_dir)}
    timings = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "bot", "ask", "--json", "npwp shutterstock wajib ga"],
            check=True,
            capture_output=True,
            cwd=PROJECT_ROOT,
            env=env,
        )
        timings.append(time.perf_counter() - start)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=10_000)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}")

    content = load_content(PROJECT_ROOT / "content")
    start = time.perf_counter()
    engine = FaqEngine(content)
    print(f"shipped content: {len(content.entries)} entries, model trained in {time.perf_counter() - start:.2f} s")
    print(_describe("shipped, per question", _timed_matches(engine, QUESTIONS, 50)))
    with tempfile.TemporaryDirectory() as cache:
        cold, *warm = startup_seconds(Path(cache))
    print(f"`kawan ask --json QUESTION` end to end: cold {cold:.2f} s; warm {', '.join(f'{w:.2f}' for w in warm)} s")

    big = synthetic_content(content, args.entries)
    start = time.perf_counter()
    big_engine = FaqEngine(big)
    print(f"generated FAQ: {len(big.entries)} entries, model trained in {time.perf_counter() - start:.2f} s")
    print(_describe(f"{len(big.entries)} entries, per question", _timed_matches(big_engine, QUESTIONS, 5)))


if __name__ == "__main__":
    main()
