"""Questions that ask the same thing, grouped: an editor sees one line per need and how often it came up.

Unanswered questions arrive in many spellings ("cara daftar adobe stock", "gmn daftar adobestock?").
Each question becomes a TF-IDF vector of character 2–4-grams within words (robust to typos and
joined words); then, most frequent first, a question joins the first group whose leading question is
at least `threshold` similar (cosine), or starts a group of its own. Deterministic, and fast enough
for the few hundred distinct questions a dashboard shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

THRESHOLD = 0.5


@dataclass
class Group:
    wording: str  # the most frequent question of the group, as a user typed it
    count: int  # how often any question of the group was asked
    others: list[str] = field(default_factory=list)  # other wordings, most frequent first


def group_similar(questions: Sequence[tuple[str, int]], threshold: float = THRESHOLD) -> list[Group]:
    """`questions`: (text, times asked). Returns groups, the most asked first."""
    ordered = sorted(((t, n) for t, n in questions if t.strip()), key=lambda q: (-q[1], q[0]))
    if not ordered:
        return []
    if len(ordered) == 1:
        return [Group(ordered[0][0], ordered[0][1])]
    from sklearn.feature_extraction.text import TfidfVectorizer  # only when a dashboard page is drawn

    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, lowercase=True)
    matrix = vectors.fit_transform([t for t, _ in ordered])  # rows are L2-normalised
    similarity = (matrix @ matrix.T).toarray()
    groups: list[Group] = []
    leaders: list[int] = []
    for index, (text, count) in enumerate(ordered):
        for group, leader in zip(groups, leaders, strict=True):
            if similarity[index, leader] >= threshold:
                group.count += count
                group.others.append(text)
                break
        else:
            groups.append(Group(text, count))
            leaders.append(index)
    return sorted(groups, key=lambda g: -g.count)
