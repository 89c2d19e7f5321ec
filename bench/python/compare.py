"""Trains scikit-learn's logistic regression and XGBoost on the split fraudflow's retrain used; prints one JSON line.

Usage: compare.py <train.csv> <validation.csv>, each with the feature columns then `label`, rows in time order.
Every model sees the same rows and features as fraudflow's models; the validation window is never trained on.
"""
import json
import sys
import time

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
import xgboost as xgb


def load(path):
    data = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64)
    return data[:, :-1], data[:, -1].astype(np.int32)


def main():
    x_train, y_train = load(sys.argv[1])
    x_val, y_val = load(sys.argv[2])
    out = {"train_rows": int(len(y_train)), "validation_rows": int(len(y_val)),
           "train_frauds": int(y_train.sum()), "validation_frauds": int(y_val.sum()), "models": []}

    def report(name, fit):
        started = time.perf_counter()
        scores = fit()
        out["models"].append({"model": name, "seconds": round(time.perf_counter() - started, 2),
                              "auprc": float(average_precision_score(y_val, scores)), "roc_auc": float(roc_auc_score(y_val, scores))})

    def logistic():
        model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
        model.fit(x_train, y_train)
        return model.predict_proba(x_val)[:, 1]

    def logistic_balanced():
        model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, class_weight="balanced"))
        model.fit(x_train, y_train)
        return model.predict_proba(x_val)[:, 1]

    def boosted(**params):
        def fit():
            model = xgb.XGBClassifier(tree_method="hist", n_jobs=2, random_state=0, **params)
            model.fit(x_train, y_train)
            return model.predict_proba(x_val)[:, 1]
        return fit

    report("scikit-learn LogisticRegression (standardised)", logistic)
    report("scikit-learn LogisticRegression (standardised, balanced class weights)", logistic_balanced)
    # XGBoost as it comes (100 trees, depth 6, eta 0.3), and a slower-learning configuration; neither tuned on validation.
    report("XGBoost, library defaults", boosted())
    report("XGBoost, 300 trees, depth 4, eta 0.1", boosted(n_estimators=300, max_depth=4, learning_rate=0.1))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
