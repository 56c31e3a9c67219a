"""Reference outside the library: a gradient-boosted T-learner on the Starbucks splits of experiment-ablation.ts.

One scikit-learn HistGradientBoostingClassifier (200 iterations) per arm on the training half, promote where
10 x predicted uplift > 0.15, and score the test half by the same Hajek IPW net value per customer as
`evaluatePolicy` (incremental revenue - incremental cost). Needs python3 with scikit-learn and pandas (Debian:
`apt-get install python3-sklearn python3-pandas`).

Run: npx tsx examples/experiment-ablation.ts --experiment starbucks --write-splits /tmp
     /usr/bin/python3 examples/reference/gbt_tlearner_starbucks.py /tmp 1,2,3,4,5
"""
import sys

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from starbucks_metric import net_value

splits, seeds = sys.argv[1], [int(s) for s in sys.argv[2].split(",")]
d = pd.read_csv("../shared/data/starbucks_promotion/training.csv")
X = d[["V1", "V2", "V3", "V4", "V5", "V6", "V7"]].values
t = (d.Promotion == "Yes").values.astype(int)
y = d.purchase.values * 10.0


out = []
for seed in seeds:
    test = np.zeros(len(d), bool)
    test[np.loadtxt(f"{splits}/starbucks-test-{seed}.txt", dtype=int)] = True
    models = [
        HistGradientBoostingClassifier(max_iter=200, random_state=seed).fit(X[~test & (t == a)], y[~test & (t == a)] > 0)
        for a in (0, 1)
    ]
    uplift = 10 * (models[1].predict_proba(X[test])[:, 1] - models[0].predict_proba(X[test])[:, 1])
    policy = (uplift > 0.15).astype(int)
    out.append(net_value(policy, t[test], y[test]))
    print({"seed": seed, "promoted": round(policy.mean(), 3), "netPerCustomer": round(out[-1], 4)})
print({"mean": {"netPerCustomer": round(float(np.mean(out)), 4)}})
