"""Training the FAQ model from content: rows, features, calibration by cross-validation, final fit."""

from __future__ import annotations

from dataclasses import dataclass

from bot.faq.analysis import Analyzer
from bot.faq.calibration import calibrate, out_of_fold_scores
from bot.faq.content import Content
from bot.faq.decision import Calibration
from bot.faq.features import FeatureSpace
from bot.faq.model import OUT_OF_SCOPE, LinearModel, train


@dataclass(frozen=True)
class TrainedModel:
    features: FeatureSpace
    linear: LinearModel
    calibration: Calibration


def training_rows(content: Content, analyzer: Analyzer) -> tuple[list[str], list[str]]:
    """Every phrasing of every entry labelled with its id, and every out-of-scope message as `OUT_OF_SCOPE`."""
    texts: list[str] = []
    labels: list[str] = []
    for entry in content.entries:
        for phrasing in (entry.question, *entry.alternates, *entry.keywords):
            texts.append(analyzer.model_text(phrasing))
            labels.append(entry.id)
    for message in content.out_of_scope:
        texts.append(analyzer.model_text(message))
        labels.append(OUT_OF_SCOPE)
    return texts, labels


def build_model(content: Content, analyzer: Analyzer) -> TrainedModel:
    texts, labels = training_rows(content, analyzer)
    features, x = FeatureSpace.fit_matrix(texts)
    classes = tuple(sorted(set(labels)))
    scores, rows = out_of_fold_scores(x, labels, train, classes)
    calibration = calibrate(scores, [labels[i] for i in rows], classes)
    return TrainedModel(features, train(x, labels), calibration)
