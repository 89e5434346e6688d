"""审批精准化分发: which department handles a case or a complaint.

A case for a service item goes to the item's department kind; a free-text complaint is classified to a department
kind by a small model: TF-IDF over jieba words (sublinear tf, l2-normalised rows) and a multinomial logistic
regression with L2, trained by full-batch gradient descent in numpy (no scikit-learn needed: a few hundred rows
and a thousand words train in milliseconds). The kind becomes a department by the applicant's address: that
kind's department of the county the address is in, else of the city.

The model trains on ``data/complaints.yaml`` (synthetic, for the demo; a deployment passes its own labelled
records to :func:`train`). :func:`evaluate` reports accuracy on held-out topics beside the majority-class
baseline measured on the same split.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from yiwang.disclosure.text import terms

__all__ = ["Classifier", "Evaluation", "evaluate", "labelled_complaints", "model", "split", "train"]

DATA = Path(__file__).parent / "data" / "complaints.yaml"


@dataclass(frozen=True)
class Prediction:
    kind: str
    probability: float
    ranking: list[tuple[str, float]]


class Classifier:
    """TF-IDF + multinomial logistic regression over jieba words."""

    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray, weights: np.ndarray, labels: list[str]) -> None:
        self.vocabulary, self.idf, self.weights, self.labels = vocabulary, idf, weights, labels

    def vectorise(self, texts: Sequence[str]) -> np.ndarray:
        return _tfidf(texts, self.vocabulary, self.idf)

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        x = self.vectorise(texts)
        return _softmax(np.hstack([x, np.ones((len(texts), 1))]) @ self.weights)

    def predict(self, text: str) -> Prediction:
        p = self.probabilities([text])[0]
        order = np.argsort(-p)
        ranking = [(self.labels[i], float(p[i])) for i in order[:3]]
        return Prediction(kind=ranking[0][0], probability=ranking[0][1], ranking=ranking)


def _tfidf(texts: Sequence[str], vocabulary: dict[str, int], idf: np.ndarray) -> np.ndarray:
    x = np.zeros((len(texts), len(vocabulary)), dtype=np.float64)
    for row, text in enumerate(texts):
        for word, n in Counter(terms(text)).items():
            column = vocabulary.get(word)
            if column is not None:
                x[row, column] = 1 + math.log(n)
    x *= idf
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms == 0, 1, norms)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def train(
    rows: Sequence[dict[str, Any]], *, l2: float = 1e-3, steps: int = 300, rate: float = 4.0, min_df: int = 1
) -> Classifier:
    """Fit the model on ``rows`` of ``{"text", "kind"}``."""
    docs = [terms(r["text"]) for r in rows]
    df = Counter(w for words in docs for w in set(words))
    vocabulary = {w: i for i, w in enumerate(sorted(w for w, n in df.items() if n >= min_df))}
    n = len(rows)
    idf = np.array([math.log((1 + n) / (1 + df[w])) + 1 for w in vocabulary])  # insertion order = column order
    labels = sorted({r["kind"] for r in rows})
    x = np.hstack([_tfidf([r["text"] for r in rows], vocabulary, idf), np.ones((n, 1))])
    y = np.zeros((n, len(labels)))
    y[np.arange(n), [labels.index(r["kind"]) for r in rows]] = 1
    w = np.zeros((x.shape[1], len(labels)))
    for _step in range(steps):
        gradient = x.T @ (_softmax(x @ w) - y) / n + l2 * w
        w -= rate * gradient
    return Classifier(vocabulary, idf, w, labels)


def labelled_complaints() -> list[dict[str, Any]]:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


def split(rows: Sequence[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every fifth topic of each kind (all its phrasings) is held out; the rest trains."""
    held = {r["topic"] for r in rows if int(r["topic"].rsplit("-", 1)[1]) % 5 == 0}
    return [r for r in rows if r["topic"] not in held], [r for r in rows if r["topic"] in held]


@dataclass(frozen=True)
class Evaluation:
    train_rows: int
    test_rows: int
    accuracy: float
    baseline: float
    baseline_kind: str


def evaluate(rows: Sequence[dict[str, Any]] | None = None) -> Evaluation:
    """Held-out accuracy of the model beside always answering the training set's most frequent kind."""
    rows = list(rows if rows is not None else labelled_complaints())
    training, test = split(rows)
    classifier = train(training)
    predicted = np.argmax(classifier.probabilities([r["text"] for r in test]), axis=1)
    accuracy = float(np.mean([classifier.labels[p] == r["kind"] for p, r in zip(predicted, test, strict=True)]))
    majority = Counter(r["kind"] for r in training).most_common(1)[0][0]
    baseline = float(np.mean([r["kind"] == majority for r in test]))
    return Evaluation(len(training), len(test), accuracy, baseline, majority)


_model: dict[str, Classifier] = {}
_lock = threading.Lock()


def model() -> Classifier:
    """The model trained on all the labelled complaints, once per process."""
    if "model" not in _model:
        with _lock:
            if "model" not in _model:
                _model["model"] = train(labelled_complaints())
    return _model["model"]
