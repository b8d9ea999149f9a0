"""Per-row held-out log-likelihood of the data README's Gaussian-mixture baseline.

The README of ../shared/data gives the mixture's mean only. The quality issue also asks that the energy model's
worst test row be no lower than the mixture's worst row, so this prints mean, median and worst row per seed.
Same protocol as the README: standardize with the training mean and population std, full covariance,
components 1..10 chosen by BIC on the training rows, seeds 0..4.

Run (Debian: apt-get install python3-sklearn):  python3 bench/peers/gaussian_mixture_rows.py
"""
import sys
import numpy as np
from sklearn.mixture import GaussianMixture

DATA = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
SETS = ["wdbc", "vehicle_deq", "letter_deq"]


def load(path):
    return np.loadtxt(path, delimiter=",", skiprows=1)


for name in SETS:
    train = load(f"{DATA}/density_{name}_train.csv")
    test = load(f"{DATA}/density_{name}_test.csv")
    mean, std = train.mean(axis=0), train.std(axis=0)
    train, test = (train - mean) / std, (test - mean) / std
    for seed in range(5):
        fits = [GaussianMixture(k, covariance_type="full", random_state=seed).fit(train) for k in range(1, 11)]
        best = min(fits, key=lambda m: m.bic(train))
        rows = best.score_samples(test)
        print(f"{name} seed {seed}: components {best.n_components}, mean {rows.mean():.2f}, "
              f"median {np.median(rows):.2f}, worst {rows.min():.2f}", flush=True)
