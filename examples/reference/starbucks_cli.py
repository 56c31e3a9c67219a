"""The default command line on the Starbucks splits of experiment-ablation.ts, in profit mode, scored two ways.

For each seed: writes the training and test halves of training.csv (the split of `--write-splits`), runs
`hrc-budget fit --preset starbucks --arm-cost Yes=0.15,No=0` on the training half and
`hrc-budget assign --net-value 10` on the test half, and scores the decisions by the exercise's per-customer net
value (share promoted x (10 x IRR - 0.15), IRR over the promoted customers) and by the Hajek IPW net value per
customer of gbt_tlearner_starbucks.py, so the two scripts' figures compare directly. Needs python3 with numpy, and
dist/ built (`npm run build`).

Run: npx tsx examples/experiment-ablation.ts --experiment starbucks --write-splits /tmp   # writes the splits
     /usr/bin/python3 examples/reference/starbucks_cli.py /tmp 1,2,3,4,5
"""
import csv
import os
import subprocess
import sys

import numpy as np
from starbucks_metric import net_value

splits, seeds = sys.argv[1], [int(s) for s in sys.argv[2].split(",")]
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
source = os.path.join(root, "..", "shared", "data", "starbucks_promotion", "training.csv")
rows = list(csv.reader(open(source, newline="")))
header, body = rows[0], rows[1:]


def cli(*args):
    subprocess.run(["node", os.path.join(root, "dist", "cli", "main.js"), *args], check=True, cwd=root)


out = []
for seed in seeds:
    test_rows = set(int(x) for x in open(f"{splits}/starbucks-test-{seed}.txt"))
    paths = {part: f"{splits}/starbucks-{part}-{seed}.csv" for part in ("train", "test", "policy", "decisions")}
    for part, keep in (("train", False), ("test", True)):
        with open(paths[part], "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(header)
            w.writerows(r for i, r in enumerate(body) if (i in test_rows) == keep)
    cli("fit", "--preset", "starbucks", "--arm-cost", "Yes=0.15,No=0", "--data", paths["train"], "--seed", str(seed),
        "--out", paths["policy"] + ".json", "--quiet")
    cli("assign", "--policy", paths["policy"] + ".json", "--data", paths["test"], "--net-value", "10",
        "--out", paths["decisions"])
    test = list(csv.DictReader(open(paths["test"], newline="")))
    p = np.array([1 if r["treatment"] == "Yes" else 0 for r in csv.DictReader(open(paths["decisions"], newline=""))])
    t = np.array([1 if r["Promotion"] == "Yes" else 0 for r in test])
    y = np.array([10.0 * int(r["purchase"]) for r in test])
    promoted = p == 1
    irr = y[promoted & (t == 1)].mean() / 10 - y[promoted & (t == 0)].mean() / 10
    exercise = promoted.mean() * (10 * irr - 0.15)
    out.append((exercise, net_value(p, t, y)))
    print({"seed": seed, "promoted": round(promoted.mean(), 3), "irr": round(irr, 4),
           "netPerCustomerExercise": round(exercise, 4), "netPerCustomer": round(out[-1][1], 4)})
print({"mean": {"netPerCustomerExercise": round(float(np.mean([o[0] for o in out])), 4),
                "netPerCustomer": round(float(np.mean([o[1] for o in out])), 4)}})
