"""The ULB sample's references on fraudflow's time split; AP also reweighted to the full set's base rate. One JSON line.

Usage: ulb.py <train.csv> <validation.csv> <normal weight>. Train: features then `label`; validation: features, `label`,
then `fraudflow` (the kept version's scores). The sample holds all 492 frauds and 5,000 of the 284,315 normals: each
normal weighted 284,315 / 5,000 gives an estimate of AP at the real base rate (0.17%), not a measurement.
"""
import json
import sys

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.preprocessing import StandardScaler
import xgboost as xgb


def main():
    train = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
    val = np.loadtxt(sys.argv[2], delimiter=",", skiprows=1)
    weight = float(sys.argv[3])
    x_train, y_train = train[:, :-1], train[:, -1].astype(np.int32)
    x_val, y_val, ours = val[:, :-2], val[:, -2].astype(np.int32), val[:, -1]
    w = np.where(y_val == 1, 1.0, weight)
    out = {"train_rows": int(len(y_train)), "train_frauds": int(y_train.sum()), "validation_rows": int(len(y_val)),
           "validation_frauds": int(y_val.sum()), "models": []}

    def report(name, scores):
        out["models"].append({"model": name, "auprc": float(average_precision_score(y_val, scores)),
                              "auprc_reweighted": float(average_precision_score(y_val, scores, sample_weight=w)),
                              "roc_auc": float(roc_auc_score(y_val, scores))})

    report("fraudflow (kept version)", ours)
    scaler = StandardScaler().fit(x_train)
    lr = LogisticRegression(random_state=0, max_iter=2000).fit(scaler.transform(x_train), y_train)
    report("scikit-learn LogisticRegression (defaults, standardised)", lr.predict_proba(scaler.transform(x_val))[:, 1])
    boost = xgb.XGBClassifier(random_state=0, n_jobs=2).fit(x_train, y_train)
    report("XGBoost (defaults)", boost.predict_proba(x_val)[:, 1])
    print(json.dumps(out))


if __name__ == "__main__":
    main()
