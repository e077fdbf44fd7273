"""Measure Sastrawi's stemmer in place of ours before deciding about it (issue 4).

Not a dependency: install it only for this measurement, in a throwaway environment if you like:
    .venv/bin/pip install PySastrawi && .venv/bin/python -m bench.sastrawi_compare
Prints the quality figures with our vocabulary-checked stemmer and with Sastrawi's, and a few
domain words each stems.
"""

from __future__ import annotations

from Sastrawi.Stemmer.StemmerFactory import StemmerFactory  # type: ignore[import-not-found]

import bot.faq.engine as engine_module
from bot import PROJECT_ROOT
from bot.faq.content import load_content
from bot.faq.engine import FaqEngine
from bot.faq.evaluate import evaluate, read_cases

SETS = {
    "dev": PROJECT_ROOT.parent / "shared" / "spec" / "dev-questions.tsv",
    "held-out": PROJECT_ROOT / "tests" / "data" / "heldout-questions.tsv",
    "fresh": PROJECT_ROOT / "bench" / "data" / "fresh-questions.tsv",
}
DOMAIN_WORDS = ["perpajakan", "penghasilan", "kontributor", "pengunggahan", "microstocker", "pembatalan", "berapa"]


class SastrawiStemmer:
    def __init__(self, vocabulary: object) -> None:
        self._stemmer = StemmerFactory().create_stemmer()

    def stem(self, word: str) -> str:
        return str(self._stemmer.stem(word)) or word


def report(label: str, engine: FaqEngine) -> None:
    for name, path in SETS.items():
        if path.is_file():
            r = evaluate(engine, read_cases(path))
            print(f"{label:10s} {name:9s} top-1 {r.top1 / r.in_scope:.3f}  top-3 {r.top3 / r.in_scope:.3f}  "
                  f"declined {r.oos_declined / r.oos:.3f}  wrong {r.confidently_wrong / r.total:.3f}")  # fmt: skip


def main() -> None:
    content = load_content(PROJECT_ROOT / "content")
    ours = FaqEngine(content)
    report("ours", ours)
    print("ours      ", {w: ours._stemmer.stem(w) for w in DOMAIN_WORDS})
    engine_module.Stemmer = SastrawiStemmer  # type: ignore[misc,assignment]
    theirs = FaqEngine(content)
    report("sastrawi", theirs)
    print("sastrawi  ", {w: theirs._stemmer.stem(w) for w in DOMAIN_WORDS})


if __name__ == "__main__":
    main()
