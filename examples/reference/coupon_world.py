"""A coupon trial written outside the library, with known truth: a check of the library's decisions on data whose
structure its own simulator (src/sim) does not share.

World: 8 features (age, log income, tenure, weekly visits, city tier 1-3, app user, past coupon use, one pure-noise
column). Five arms: control and coupons of face value 2, 4, 6, 8. A user buys with probability
sigmoid(b(x) + s(x) * log1p(v)), where the base b(x) rises with visits and tenure and the coupon sensitivity s(x)
falls with income, rises with past coupon use and peaks in middle age (a non-monotone effect), with a threshold at
city tier 3. The response is the purchase; the cost is the face value when a coupon buyer redeems it. Label noise
rho replaces each recorded purchase by a fair coin with probability rho (the cost column stays the redemption
record). Trial arms are uniform at random.

For each seed and noise level: writes a 60,000-row trial CSV and a 20,000-user CSV, runs `hrc-budget fit` (HRC and
the baselines named on the command line, library defaults) and `assign --budget-per-user B`, and scores each
decision file against the truth: incremental purchases per user over control, true spend per user against B, and
the share of the oracle's incremental purchases at the same budget (the oracle: a per-user Lagrangian on the true
probabilities whose spend matches B). A boosted T-learner (one scikit-learn HistGradientBoostingClassifier per arm
on the recorded purchase, and one per coupon arm on redemption, predicted cost = face value x predicted
redemption; a per-user Lagrangian whose predicted spend matches B on the users) is the outside reference.

Run: /usr/bin/python3 examples/reference/coupon_world.py OUTDIR SEEDS NOISES BUDGETS METHODS
     e.g. /usr/bin/python3 examples/reference/coupon_world.py /tmp/world 1,2,3 0,0.4 0.4,1.2 hrc,tpm-sl,gbt
     extra fit flags as a 7th argument: ... hrc "--cost-correction bootstrap"
Needs numpy and scikit-learn (Debian: python3-sklearn), and dist/ built (`npm run build`).
"""
import csv
import json
import os
import subprocess
import sys

import numpy as np

VALUES = np.array([0.0, 2.0, 4.0, 6.0, 8.0])
ARMS = ["control", "c2", "c4", "c6", "c8"]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def users(n, rng):
    age = rng.uniform(18, 75, n)
    log_income = rng.normal(10.3, 0.5, n)
    tenure = rng.exponential(2.0, n)
    visits = rng.poisson(1.5, n).astype(float)
    tier = rng.integers(1, 4, n).astype(float)
    app = (rng.random(n) < 0.55).astype(float)
    past = rng.beta(1.2, 3.0, n)
    noise = rng.normal(0, 1, n)
    return np.column_stack([age, log_income, tenure, visits, tier, app, past, noise])


def probabilities(X):
    """True purchase probability of every user under every arm (n x 5)."""
    age, log_income, tenure, visits, tier, app, past = (X[:, i] for i in range(7))
    base = -3.0 + 0.35 * visits + 0.25 * np.log1p(tenure) + 0.3 * app
    sens = (
        -0.05
        - 0.35 * (log_income - 10.3)
        + 0.9 * past
        + 0.3 * np.exp(-(((age - 40) / 12) ** 2))
        + 0.25 * (tier == 3)
    )
    sens = np.clip(sens, 0.0, None)
    z = base[:, None] + sens[:, None] * np.log1p(VALUES)[None, :]
    return 1 / (1 + np.exp(-z))


def lagrangian(score_value, score_cost, budget):
    """Per-user arm maximizing value - lam * cost, lam by bisection so that the mean cost is at most the budget."""
    def pick(lam):
        return np.argmax(score_value - lam * score_cost, axis=1)

    def spend(lam):
        a = pick(lam)
        return score_cost[np.arange(len(a)), a].mean()

    lo, hi = 0.0, 1.0
    while spend(hi) > budget:
        hi *= 2
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if spend(mid) > budget else (lo, mid)
    return pick(hi)


def truth_score(P, arms, budget):
    n = len(arms)
    value = P[np.arange(n), arms].mean() - P[:, 0].mean()
    spend = (P * VALUES)[np.arange(n), arms].mean()
    oracle = lagrangian(P - P[:, :1], P * VALUES, spend)
    oracle_value = P[np.arange(n), oracle].mean() - P[:, 0].mean()
    return {"value": value, "spendOverBudget": spend / budget, "valueOverOracle": value / oracle_value}


def write(path, X, arm=None, y=None, cost=None):
    names = ["age", "log_income", "tenure", "visits", "tier", "app", "past_use", "noise"]
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["uid", *names] + (["arm", "bought", "paid"] if arm is not None else []))
        for i in range(len(X)):
            row = [i, *[f"{v:.6g}" for v in X[i]]]
            if arm is not None:
                row += [ARMS[arm[i]], int(y[i]), f"{cost[i]:g}"]
            w.writerow(row)


def cli(*args):
    subprocess.run(["node", os.path.join(ROOT, "dist", "cli", "main.js"), *args], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)


def main():
    out, seeds, noises, budgets, methods = sys.argv[1], *[a.split(",") for a in sys.argv[2:6]]
    # Optional 7th argument: extra `hrc-budget fit` flags, space-separated (e.g. "--cost-correction bootstrap").
    fit_extra = sys.argv[6].split() if len(sys.argv) > 6 else []
    os.makedirs(out, exist_ok=True)
    for seed in map(int, seeds):
        rng = np.random.default_rng(1000 + seed)
        X = users(60_000, rng)
        P = probabilities(X)
        arm = rng.integers(0, 5, len(X))
        bought = rng.random(len(X)) < P[np.arange(len(X)), arm]
        cost = VALUES[arm] * bought
        U = users(20_000, rng)
        PU = probabilities(U)
        coin = rng.random(len(X))
        flips = rng.random(len(X)) < 0.5
        users_csv = f"{out}/users-{seed}.csv"
        write(users_csv, U)
        for rho in map(float, noises):
            y = np.where(coin < rho, flips, bought)
            trial_csv = f"{out}/trial-{seed}-{rho}.csv"
            write(trial_csv, X, arm, y, cost)
            for method in methods:
                if method == "gbt":
                    from sklearn.ensemble import HistGradientBoostingClassifier

                    def fit(target, a):
                        m = HistGradientBoostingClassifier(max_iter=200, random_state=seed)
                        return m.fit(X[arm == a], target[arm == a]).predict_proba(U)[:, 1]

                    pred = np.column_stack([fit(y, a) for a in range(5)])
                    # Cost from the redemption record, as the library's methods get it (not from the noisy label).
                    pred_cost = np.column_stack([np.zeros(len(U))] + [VALUES[a] * fit(cost > 0, a) for a in range(1, 5)])
                for b in map(float, budgets):
                    if method == "gbt":
                        arms = lagrangian(pred - pred[:, :1], pred_cost, b)
                    else:
                        policy = f"{out}/policy-{method}-{seed}-{rho}.json"
                        if not os.path.exists(policy):
                            cli("fit", "--data", trial_csv, "--treatment", "arm", "--control", "control",
                                "--response", "bought", "--cost", "paid", "--id", "uid", "--method", method,
                                "--seed", str(seed), "--out", policy, "--quiet", *fit_extra)
                        decisions = f"{out}/decisions-{method}-{seed}-{rho}-{b}.csv"
                        cli("assign", "--policy", policy, "--data", users_csv, "--budget-per-user", str(b),
                            "--out", decisions)
                        index = {name: i for i, name in enumerate(ARMS)}
                        arms = np.array([index[r["treatment"]] for r in csv.DictReader(open(decisions, newline=""))])
                    s = truth_score(PU, arms, b)
                    print(json.dumps({"seed": seed, "noise": rho, "budget": b, "method": method,
                                      **{k: round(v, 4) for k, v in s.items()}}), flush=True)


if __name__ == "__main__":
    main()
