"""Trains XGBoost and scikit-learn's HistGradientBoostingClassifier with given hyper-parameters; prints one JSON line.

Usage: gbdt_reference.py <train.csv> <test.csv> <params.json>. Each CSV holds the feature columns then `label`; the
parameters are fraudflow's GBDT ones (rounds, learning_rate, max_depth, max_leaves, lambda, min_child_weight, max_bins,
scale_pos_weight), mapped to each library's names so all three models fit the same problem on the same matrix.
"""
import json
import sys
import time

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import average_precision_score, roc_auc_score
import xgboost as xgb


def load(path):
    data = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float32)
    return data[:, :-1], data[:, -1].astype(np.int32)


def main():
    x_train, y_train = load(sys.argv[1])
    x_test, y_test = load(sys.argv[2])
    with open(sys.argv[3]) as f:
        p = json.load(f)
    out = {"train_rows": int(len(y_train)), "test_rows": int(len(y_test)), "models": []}
    weights = np.where(y_train == 1, p["scale_pos_weight"], 1.0)

    def report(name, fit):
        started = time.perf_counter()
        scores = fit()
        out["models"].append({"model": name, "seconds": round(time.perf_counter() - started, 2),
                              "auprc": float(average_precision_score(y_test, scores)),
                              "roc_auc": float(roc_auc_score(y_test, scores))})

    def xgboost():
        model = xgb.XGBClassifier(tree_method="hist", n_jobs=2, random_state=0, n_estimators=p["rounds"],
                                  learning_rate=p["learning_rate"], max_depth=p["max_depth"],
                                  max_leaves=p["max_leaves"], grow_policy="lossguide", reg_lambda=p["lambda"],
                                  min_child_weight=p["min_child_weight"], max_bin=p["max_bins"],
                                  scale_pos_weight=p["scale_pos_weight"], subsample=1.0, colsample_bytree=1.0)
        model.fit(x_train, y_train)
        return model.predict_proba(x_test)[:, 1]

    def hist_gbdt():
        # No hessian limit is exposed (min_child_weight has no equivalent): its own default min_samples_leaf=20 stays.
        model = HistGradientBoostingClassifier(max_iter=p["rounds"], learning_rate=p["learning_rate"],
                                               max_depth=p["max_depth"], max_leaf_nodes=p["max_leaves"],
                                               l2_regularization=p["lambda"],
                                               max_bins=min(255, p["max_bins"] - 1), early_stopping=False,
                                               random_state=0)
        model.fit(x_train, y_train, sample_weight=weights)
        return model.predict_proba(x_test)[:, 1]

    report("XGBoost (hist, lossguide)", xgboost)
    report("scikit-learn HistGradientBoostingClassifier", hist_gbdt)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
