"""Writes tests/fixtures/review/uncertainty_fixtures.json: an independent reference for src/main/ood/uncertainty*.ts.

Run with Debian's python (numpy, scikit-learn, scipy):  /usr/bin/python3 scripts/make_review_fixtures.py
CI never runs this; the JSON it writes is committed.

Convention: higher score = more InD, InD is the positive class.
- auc_a / auc_b      sklearn roc_auc_score(InD=1, S)
- delong             DeLong's covariance of the two AUCs, written here from Sun & Xu (2014), "Fast Implementation of
                     DeLong's Algorithm for Comparing the Areas Under Correlated Receiver Operating Characteristic
                     Curves", IEEE SPL 21(11): midranks Tx, Ty, Tz; V10 = (Tz[:m] - Tx)/n, V01 = 1 - (Tz[m:] - Ty)/m;
                     S = cov(V10)/m + cov(V01)/n; z = (auc_a - auc_b)/sqrt(L S L'); p = 2 * norm.sf(|z|) (scipy).
- resamples          index arrays drawn here (numpy), with sklearn's AUROC and the MOS FPR95 of run A on each resample,
                     so the TS counts route can be checked resample by resample.
- bootstrap_se       (large cases) numpy's stratified bootstrap standard error of run A's AUROC, 2000 resamples.
"""
import json
import os
import sys

import numpy as np
import scipy
import sklearn
from scipy import stats
from sklearn import metrics

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'fixtures', 'ood'))
import make_metric_fixtures  # noqa: E402


# MOS utils/test_utils.py / NegLabel mmcls/utils/ood_evaluate.py: the one copy, in the metrics fixture script.
fpr_and_fdr_at_recall = make_metric_fixtures.fpr_and_fdr_at_recall


def compute_midrank(x):
    """Sun & Xu, Algorithm: midranks (1-based, ties share the mean rank)."""
    j = np.argsort(x, kind="mergesort")
    z = x[j]
    n = len(x)
    t = np.zeros(n, dtype=np.float64)
    i = 0
    while i < n:
        k = i
        while k < n and z[k] == z[i]:
            k += 1
        t[i:k] = 0.5 * (i + k - 1)
        i = k
    out = np.empty(n, dtype=np.float64)
    out[j] = t + 1
    return out


def fast_delong(preds, m):
    """preds: k x (m + n), positives (InD) first. Returns aucs and the k x k covariance."""
    n = preds.shape[1] - m
    k = preds.shape[0]
    tx = np.empty((k, m))
    ty = np.empty((k, n))
    tz = np.empty((k, m + n))
    for r in range(k):
        tx[r] = compute_midrank(preds[r, :m])
        ty[r] = compute_midrank(preds[r, m:])
        tz[r] = compute_midrank(preds[r])
    aucs = tz[:, :m].sum(axis=1) / m / n - (m + 1.0) / 2.0 / n
    v10 = (tz[:, :m] - tx) / n
    v01 = 1.0 - (tz[:, m:] - ty) / m
    s10 = np.atleast_2d(np.cov(v10))
    s01 = np.atleast_2d(np.cov(v01))
    return aucs, s10 / m + s01 / n


def labels(m, n):
    return np.concatenate([np.ones(m), np.zeros(n)]).astype(np.int32)


def case(name, rng, ind_a, ood_a, ind_b, ood_b, resamples=0, bootstrap=0):
    ind_a, ood_a, ind_b, ood_b = (np.asarray(v, dtype=np.float64) for v in (ind_a, ood_a, ind_b, ood_b))
    m, n = len(ind_a), len(ood_a)
    y = labels(m, n)
    sa = np.concatenate([ind_a, ood_a])
    sb = np.concatenate([ind_b, ood_b])
    aucs, cov = fast_delong(np.vstack([sa, sb]), m)
    var_diff = cov[0, 0] + cov[1, 1] - 2 * cov[0, 1]
    z = (aucs[0] - aucs[1]) / np.sqrt(var_diff)
    out = {
        "name": name,
        "ind_a": ind_a.tolist(),
        "ood_a": ood_a.tolist(),
        "ind_b": ind_b.tolist(),
        "ood_b": ood_b.tolist(),
        "auc_a": float(metrics.roc_auc_score(y, sa)),
        "auc_b": float(metrics.roc_auc_score(y, sb)),
        "fpr95_a": float(fpr_and_fdr_at_recall(y, sa, 0.95)),
        "delong": {
            "auc_a": float(aucs[0]),
            "auc_b": float(aucs[1]),
            "var_a": float(cov[0, 0]),
            "var_b": float(cov[1, 1]),
            "cov_ab": float(cov[0, 1]),
            "z": float(z),
            "p": float(2 * stats.norm.sf(abs(z))),
        },
        "resamples": [],
    }
    for _ in range(resamples):
        ii = rng.integers(0, m, m)
        jj = rng.integers(0, n, n)
        s = np.concatenate([ind_a[ii], ood_a[jj]])
        out["resamples"].append(
            {"ind_idx": ii.tolist(), "ood_idx": jj.tolist(), "auroc": float(metrics.roc_auc_score(y, s)), "fpr95": float(fpr_and_fdr_at_recall(y, s, 0.95))}
        )
    if bootstrap:
        reps = np.empty(bootstrap)
        for b in range(bootstrap):
            s = np.concatenate([ind_a[rng.integers(0, m, m)], ood_a[rng.integers(0, n, n)]])
            reps[b] = metrics.roc_auc_score(y, s)
        out["bootstrap_se"] = float(reps.std(ddof=1))
        out["bootstrap_pct"] = [float(np.percentile(reps, 2.5)), float(np.percentile(reps, 97.5))]
    return out


def main():
    rng = np.random.default_rng(20250916)
    cases = []
    # Heavy ties: small integer scores, run B a noisy copy of A (correlated, as two detectors on one test set).
    ia = rng.integers(0, 8, 60)
    oa = rng.integers(0, 6, 45)
    cases.append(case("ties_integers", rng, ia, oa, ia + rng.integers(-1, 2, 60), oa + rng.integers(-1, 3, 45), resamples=6))
    ia = rng.normal(1.0, 1.0, 400)
    oa = rng.normal(0.0, 1.0, 300)
    cases.append(case("continuous_medium", rng, ia, oa, ia + rng.normal(0.1, 0.5, 400), oa + rng.normal(0.0, 0.5, 300), resamples=6))
    ia = np.round(rng.normal(0.6, 1.0, 500), 1)
    oa = np.round(rng.normal(0.0, 1.0, 350), 1)
    cases.append(case("rounded_ties", rng, ia, oa, np.round(ia + rng.normal(0.0, 0.7, 500), 1), np.round(oa + rng.normal(-0.1, 0.7, 350), 1), resamples=6))
    # 0.95 * 19 is not an integer: the MOS rule picks the nearest recall.
    ia = rng.normal(1.0, 1.0, 19)
    oa = rng.normal(0.0, 1.0, 23)
    cases.append(case("recall_19", rng, ia, oa, ia + rng.normal(0, 0.3, 19), oa + rng.normal(0, 0.3, 23), resamples=6))
    # Independent runs (no shared structure) on the same samples.
    cases.append(case("independent_runs", rng, rng.normal(1.2, 1, 300), rng.normal(0, 1, 250), rng.normal(0.9, 1, 300), rng.normal(0, 1, 250)))
    # Large enough for the bootstrap SE to match DeLong's within a few percent.
    ia = np.round(rng.normal(1.0, 1.0, 4000), 5)
    oa = np.round(rng.normal(0.0, 1.2, 3000), 5)
    cases.append(case("large", rng, ia, oa, np.round(ia + rng.normal(0.05, 0.6, 4000), 5), np.round(oa + rng.normal(0, 0.6, 3000), 5), bootstrap=2000))
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "review", "uncertainty_fixtures.json")
    path = os.path.normpath(path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump({"numpy_version": np.__version__, "sklearn_version": sklearn.__version__, "scipy_version": scipy.__version__, "cases": cases}, f)
    print(f"wrote {len(cases)} cases to {path}")


if __name__ == "__main__":
    main()
