"""The Handbook protocol's references on fraudflow's exported held-out matrix; prints one JSON line.

Usage: handbook.py <train.csv> <test.csv> [<gbdt params.json>]. Each CSV holds the feature columns, then `day`, `card`
and `label` (rows of the held-out split retrain reported on, known-compromised cards already removed from the test).
Models as the Handbook's baseline table has them (scikit-learn / XGBoost defaults, random_state=0, inputs standardised on
the training rows) and XGBoost with fraudflow's chosen GBDT parameters. CP@100 is the Handbook's card_precision_top_k.
"""
import json
import sys
import time

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.preprocessing import StandardScaler
import xgboost as xgb


def load(path):
    data = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64)
    return data[:, :-3], data[:, -3].astype(np.int64), data[:, -2].astype(np.int64), data[:, -1].astype(np.int32)


def card_precision_top_k(day, card, label, score, k=100):
    """Per day: a card's score is its highest that day; share of compromised cards among the top k; found cards leave."""
    found = set()
    daily = []
    for d in np.unique(day):
        rows = day == d
        best = {}
        fraud = {}
        for c, s, y in zip(card[rows], score[rows], label[rows]):
            if c in found:
                continue
            best[c] = max(best.get(c, -np.inf), s)
            fraud[c] = max(fraud.get(c, 0), y)
        top = sorted(best, key=lambda c: -best[c])[:k]
        daily.append(sum(fraud[c] for c in top) / k)
        found.update(c for c in top if fraud[c] == 1)
    return float(np.mean(daily))


def main():
    x_train, _, _, y_train = load(sys.argv[1])
    x_test, day, card, y_test = load(sys.argv[2])
    scaler = StandardScaler().fit(x_train)
    xs_train, xs_test = scaler.transform(x_train), scaler.transform(x_test)
    out = {"train_rows": int(len(y_train)), "test_rows": int(len(y_test)), "train_frauds": int(y_train.sum()),
           "test_frauds": int(y_test.sum()), "models": []}

    def report(name, fit):
        started = time.perf_counter()
        scores = fit()
        out["models"].append({"model": name, "seconds": round(time.perf_counter() - started, 2),
                              "auprc": float(average_precision_score(y_test, scores)),
                              "roc_auc": float(roc_auc_score(y_test, scores)),
                              "cp100": card_precision_top_k(day, card, y_test, scores)})

    def proba(model):
        model.fit(xs_train, y_train)
        return model.predict_proba(xs_test)[:, 1]

    report("scikit-learn LogisticRegression (defaults)", lambda: proba(LogisticRegression(random_state=0)))
    report("scikit-learn RandomForestClassifier (defaults)",
           lambda: proba(RandomForestClassifier(random_state=0, n_jobs=2)))
    report("XGBoost (defaults)", lambda: proba(xgb.XGBClassifier(random_state=0, n_jobs=2)))
    if len(sys.argv) > 3:
        with open(sys.argv[3]) as f:
            p = json.load(f)
        report(f"XGBoost with fraudflow's chosen GBDT parameters ({p['rounds']} trees)", lambda: proba(
            xgb.XGBClassifier(tree_method="hist", n_jobs=2, random_state=0, n_estimators=p["rounds"],
                              learning_rate=p["learning_rate"], max_depth=p["max_depth"], max_leaves=p["max_leaves"],
                              grow_policy="lossguide", reg_lambda=p["lambda"], min_child_weight=p["min_child_weight"],
                              max_bin=256, scale_pos_weight=p["scale_pos_weight"])))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
