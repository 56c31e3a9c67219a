"""The Starbucks figure of the reference scripts: the Hajek IPW net value per customer of a 0/1 promotion policy
(incremental revenue minus incremental cost against promoting no one), as `evaluatePolicy` computes it."""
import numpy as np


def net_value(policy, t, y, cost=0.15):
    """policy, t: 0/1 arrays (promote, promoted in the trial); y: revenue per customer (10 x purchase)."""
    v = y - cost * t

    def value(p):
        num = sum(v[(t == a) & (p == a)].sum() / (t == a).mean() for a in (0, 1))
        den = sum(((t == a) & (p == a)).sum() / (t == a).mean() for a in (0, 1))
        return num / den

    return value(policy) - value(np.zeros_like(policy))
