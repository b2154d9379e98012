"""Adtributor: which values of a dimension explain a change.

Bhagwan, Kumar, Ramjee, Varghese, Mohapatra, Manoharan, Mahajan,
"Adtributor: Revenue Debugging in Advertising Systems", NSDI 2014.

Notation: for one dimension with elements j, ``F_j`` is the measure in the
reference period (here the baseline, the paper's "forecast") and ``A_j`` in
the period being explained (the paper's "actual"); ``F``, ``A`` the totals.

- **Explanatory power** of element j, for a fundamental (additive) measure:
  ``EP_j = (A_j − F_j) / (A − F)``; the EPs of a dimension sum to 1. For a
  derived measure ``m = m1 / m2`` (a share: successes / trials; a mean:
  sum / n) the paper takes the change of m when only element j moves:
  ``EP_j = ((F1 + A1_j − F1_j) / (F2 + A2_j − F2_j) − F1 / F2) / (A1/A2 − F1/F2)``.
- **Surprise** of element j: the Jensen–Shannon divergence between its share
  of the reference total ``p_j = F_j / F`` and of the actual total
  ``q_j = A_j / A``: ``S_j = ½ (p_j log(2p_j/(p_j+q_j)) + q_j log(2q_j/(p_j+q_j)))``
  (a term with a zero share is 0); for a derived measure the surprises of
  m1 and m2 add up.
- **Explanation of a dimension** (the paper's Algorithm 1): elements sorted
  by surprise, each added when its EP exceeds ``T_EEP`` until the set's EP
  exceeds ``T_EP``; a dimension whose set never reaches ``T_EP`` has no
  explanation. Dimensions are ranked by the total surprise of their set
  (ties: the smaller set first, as the paper prefers succinct answers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def explanatory_power(
    f_num: np.ndarray, a_num: np.ndarray, f_den: np.ndarray | None = None, a_den: np.ndarray | None = None
) -> np.ndarray:
    """EP of every element (fundamental measure when the denominators are None).

    NaN where it is undefined (no change of the total; a counterfactual with
    an empty denominator).
    """
    f_num = np.asarray(f_num, float)
    a_num = np.asarray(a_num, float)
    if f_den is None or a_den is None:
        total = a_num.sum() - f_num.sum()
        if total == 0:
            return np.full(f_num.shape, np.nan)
        return (a_num - f_num) / total
    f_den = np.asarray(f_den, float)
    a_den = np.asarray(a_den, float)
    F1, F2, A1, A2 = f_num.sum(), f_den.sum(), a_num.sum(), a_den.sum()
    if F2 <= 0 or A2 <= 0:
        return np.full(f_num.shape, np.nan)
    total = A1 / A2 - F1 / F2
    if total == 0:
        return np.full(f_num.shape, np.nan)
    cf_den = F2 + a_den - f_den
    with np.errstate(divide="ignore", invalid="ignore"):
        moved = (F1 + a_num - f_num) / cf_den - F1 / F2
        ep = moved / total
    return np.where(cf_den > 0, ep, np.nan)


def _js_terms(f: np.ndarray, a: np.ndarray) -> np.ndarray:
    f = np.asarray(f, float)
    a = np.asarray(a, float)
    p = f / f.sum() if f.sum() > 0 else np.zeros_like(f)
    q = a / a.sum() if a.sum() > 0 else np.zeros_like(a)
    m = (p + q) / 2.0
    with np.errstate(divide="ignore", invalid="ignore"):
        tp = np.where(p > 0, p * np.log(p / m), 0.0)
        tq = np.where(q > 0, q * np.log(q / m), 0.0)
    return 0.5 * (tp + tq)


def surprise(
    f_num: np.ndarray, a_num: np.ndarray, f_den: np.ndarray | None = None, a_den: np.ndarray | None = None
) -> np.ndarray:
    """Jensen–Shannon surprise of every element (sum over numerator and denominator if derived)."""
    s = _js_terms(f_num, a_num)
    if f_den is not None and a_den is not None:
        s = s + _js_terms(f_den, a_den)
    return s


@dataclass(frozen=True)
class Explanation:
    """The explaining elements of one dimension, with their EP and surprise."""

    dimension: str
    elements: tuple[str, ...]
    ep: tuple[float, ...]
    surprise: tuple[float, ...]

    @property
    def total_ep(self) -> float:
        return float(sum(self.ep))

    @property
    def total_surprise(self) -> float:
        return float(sum(self.surprise))


def explain_dimension(
    dimension: str,
    elements: list[str],
    ep: np.ndarray,
    sp: np.ndarray,
    t_eep: float = 0.1,
    t_ep: float = 0.67,
    max_set: int = 3,
) -> Explanation | None:
    """Algorithm 1 of the paper for one dimension; None when no set reaches ``t_ep``.

    ``max_set`` bounds the set (the paper keeps explanations succinct).
    """
    order = np.argsort(-np.nan_to_num(sp, nan=-1.0), kind="stable")
    chosen: list[int] = []
    cum = 0.0
    for i in order:
        e = ep[i]
        if not np.isfinite(e) or e <= t_eep:
            continue
        chosen.append(int(i))
        cum += float(e)
        if cum > t_ep:
            return Explanation(
                dimension,
                tuple(elements[j] for j in chosen),
                tuple(float(ep[j]) for j in chosen),
                tuple(float(sp[j]) for j in chosen),
            )
        if len(chosen) >= max_set:
            return None
    return None


def rank_explanations(found: list[Explanation]) -> list[Explanation]:
    """Dimensions by total surprise of their set (desc), smaller sets first on ties."""
    return sorted(found, key=lambda x: (-round(x.total_surprise, 12), len(x.elements), x.dimension))


__all__ = ["Explanation", "explain_dimension", "explanatory_power", "rank_explanations", "surprise"]
