"""BG/NBD, Gamma-Gamma and the buy-again score: recovery on simulated shops, robustness, CDNOW (slow)."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import integrate, stats

from tools.behaviour import probability
from tools.behaviour.probability import (
    buy_again_score,
    expected_order_value,
    expected_purchases,
    fit_bgnbd,
    fit_gamma_gamma,
    p_alive,
    predicted_value,
    prob_purchase,
)

DATASETS = Path("/work/shared/datasets")
CDNOW = DATASETS / "cdnow"
BENCH = Path(__file__).resolve().parents[1] / "bench"


def simulate_shop(n: int, r: float, alpha: float, a: float, b: float, k: int = 1, lapse_at_first: bool = False,
                  seed: int = 0) -> dict[str, np.ndarray]:
    """Customers who buy with Erlang-k gaps at a Gamma(r, alpha) rate and lapse after a purchase w.p. Beta(a, b).

    k = 1 and lapse_at_first = False is BG/NBD; lapse_at_first = True gives MBG/(C)NBD-k.
    """
    rng = np.random.default_rng(seed)
    rate = rng.gamma(r, 1 / alpha, n)
    lapse = rng.beta(a, b, n)
    age = rng.uniform(30, 40, n)
    x, t_x, log_gaps = np.zeros(n), np.zeros(n), np.zeros(n)
    active = ~(lapse_at_first & (rng.random(n) < lapse))
    while active.any():
        gap = rng.gamma(k, 1 / np.maximum(rate, 1e-12))
        bought = active & (t_x + gap <= age)
        x[bought] += 1
        t_x[bought] += gap[bought]
        log_gaps[bought] += np.log(gap[bought])
        active = bought & (rng.random(n) >= lapse)
    return {"x": x, "t_x": t_x, "T": age, "log_gap_sum": log_gaps}


@pytest.fixture(scope="module")
def shop() -> dict[str, np.ndarray]:
    return simulate_shop(4000, r=0.5, alpha=4.0, a=0.8, b=2.5, seed=1)


@pytest.fixture(scope="module")
def fit(shop: dict[str, np.ndarray]) -> probability.BgNbdFit:
    return fit_bgnbd(shop["x"], shop["t_x"], shop["T"])


def test_bgnbd_recovers_the_parameters_of_a_simulated_shop(fit: probability.BgNbdFit) -> None:
    assert fit.is_usable and fit.converged and fit.warning == ""
    for name, true in {"r": 0.5, "alpha": 4.0, "a": 0.8, "b": 2.5}.items():
        assert getattr(fit, name) == pytest.approx(true, rel=0.2), name
    assert fit.r / fit.alpha == pytest.approx(0.5 / 4.0, rel=0.1)  # mean purchase rate


def test_the_time_unit_does_not_change_the_fit(shop: dict[str, np.ndarray], fit: probability.BgNbdFit) -> None:
    in_days = fit_bgnbd(shop["x"], shop["t_x"] * 7, shop["T"] * 7)
    assert in_days.alpha == pytest.approx(fit.alpha * 7, rel=1e-4)
    assert in_days.r == pytest.approx(fit.r, rel=1e-4)
    assert in_days.b == pytest.approx(fit.b, rel=1e-4)


def test_p_alive_rises_with_recency_and_is_one_for_one_time_buyers(fit: probability.BgNbdFit) -> None:
    t_x = np.linspace(0, 30, 31)
    alive = p_alive(fit, 4, t_x, 30)
    assert np.all(np.diff(alive) > 0)
    assert p_alive(fit, 0, 0, 30) == 1.0  # BG/NBD: lapsing happens only after a repeat purchase


def test_expected_purchases_matches_direct_integration(fit: probability.BgNbdFit) -> None:
    for x, t_x, T, t in [(0, 0, 30, 10), (3, 20, 35, 39), (12, 33, 36, 5)]:
        def given_lapse_probability(p: float, x: int = x, T: float = T, t: float = t) -> float:
            no_purchase = ((fit.alpha + T) / (fit.alpha + T + p * t)) ** (fit.r + x)
            return (1 - no_purchase) / p * stats.beta.pdf(p, fit.a, fit.b + x)
        if_alive = integrate.quad(given_lapse_probability, 0, 1, limit=200)[0]
        expected = p_alive(fit, x, t_x, T) * if_alive
        assert expected_purchases(fit, t, x, t_x, T) == pytest.approx(expected, rel=1e-6)


def test_huge_histories_give_finite_answers(fit: probability.BgNbdFit) -> None:
    x = np.array([0, 1e6, 1e6, 5e4, 1])
    t_x = np.array([0, 1e7, 10.0, 1e9 - 1, 1e9])
    T = np.array([1e9, 1e7, 1e7, 1e9, 1e9])
    for values in (p_alive(fit, x, t_x, T), expected_purchases(fit, 52, x, t_x, T),
                   prob_purchase(fit, 52, x, t_x, T)):
        assert np.all(np.isfinite(values)) and np.all(values >= 0)
    assert expected_purchases(fit, 1, 1e6, 1e7, 1e7) == pytest.approx(1e6 / 1e7, rel=0.01)


@pytest.mark.parametrize("x, t_x, T, reason", [
    ([], [], [], "at least 10 customers"),
    ([3], [5], [10], "at least 10 customers"),
    ([0] * 50, [0] * 50, list(range(50)), "No customer has bought more than once"),
    ([1] * 20, [0] * 20, [0] * 20, "no history"),
])
def test_thin_data_gives_an_unusable_fit_with_a_reason(x: list, t_x: list, T: list, reason: str) -> None:
    result = fit_bgnbd(x, t_x, T)
    assert not result.is_usable
    assert reason in result.warning
    assert math.isnan(result.r)


def test_ten_customers_still_get_an_answer() -> None:
    small = simulate_shop(10, r=1.0, alpha=2.0, a=1.0, b=3.0, seed=3)
    result = fit_bgnbd(small["x"], small["t_x"], small["T"])
    assert result.is_usable
    assert all(np.isfinite([result.r, result.alpha, result.a, result.b, result.log_likelihood]))
    assert np.all(np.isfinite(expected_purchases(result, 10, small["x"], small["t_x"], small["T"])))


def test_bad_rows_are_left_out_and_counted(shop: dict[str, np.ndarray]) -> None:
    x = np.append(shop["x"], [np.nan, 2, -1])
    t_x = np.append(shop["t_x"], [1, 50, 0])
    T = np.append(shop["T"], [10, 40, 10])  # NaN frequency, last purchase after the end, negative count
    result = fit_bgnbd(x, t_x, T)
    assert result.is_usable and "3 customers" in result.warning


def test_gamma_gamma_recovers_spend_and_shrinks_towards_the_shop_mean() -> None:
    rng = np.random.default_rng(2)
    n, p, q, v = 3000, 6.0, 4.0, 15.0
    x = rng.integers(1, 8, n).astype(float)
    nu = rng.gamma(q, 1 / v, n)
    spend = np.array([rng.gamma(p, 1 / nu_i, int(k)).mean() for nu_i, k in zip(nu, x, strict=True)])
    result = fit_gamma_gamma(x, spend)
    assert result.is_usable
    assert result.p * result.v / (result.q - 1) == pytest.approx(p * v / (q - 1), rel=0.1)  # mean spend
    shop_mean = result.p * result.v / (result.q - 1)
    one_order, many_orders = expected_order_value(result, [1, 50], [100.0, 100.0])
    assert shop_mean < many_orders < 100 and shop_mean < one_order < many_orders
    assert expected_order_value(result, 0, 0) == pytest.approx(shop_mean)


def test_gamma_gamma_with_too_few_repeat_buyers_is_unusable() -> None:
    result = fit_gamma_gamma([0, 0, 1, 2], [0, 0, 10.0, 12.0])
    assert not result.is_usable and "at least 10" in result.warning
    assert np.array_equal(expected_order_value(result, [2, 0], [12.0, 0.0]), [12.0, np.nan], equal_nan=True)


def test_predicted_value_is_purchases_times_order_value_and_discounting_lowers_it(
        shop: dict[str, np.ndarray], fit: probability.BgNbdFit) -> None:
    spend = fit_gamma_gamma(np.r_[shop["x"], [3] * 20], np.r_[np.full(len(shop["x"]), 20.0),
                                                              np.linspace(5, 40, 20)])
    args = (fit, spend, 52, 3, 20, 35, 25.0)
    undiscounted = predicted_value(*args)
    assert undiscounted == pytest.approx(expected_purchases(fit, 52, 3, 20, 35) * expected_order_value(spend, 3, 25))
    assert 0 < predicted_value(*args, discount_rate=0.01) < undiscounted


def test_buy_again_score_finds_regular_buyers_and_ranks_them() -> None:
    regular = simulate_shop(2000, r=4.0, alpha=20.0, a=1.0, b=6.0, k=3, lapse_at_first=True, seed=4)
    score = buy_again_score(regular["x"], regular["t_x"], regular["T"], 8, regular["log_gap_sum"])
    assert score.fit.is_usable and score.fit.k == 3
    assert np.all((score.probability >= 0) & (score.probability <= 1))
    # an overdue regular buyer is less likely to come back than one just back from a purchase
    overdue, fresh = probability.prob_buy_again(score.fit, 8, [6, 6], [10, 30], [31, 31])
    assert overdue < fresh
    without_gaps = buy_again_score(regular["x"], regular["t_x"], regular["T"], 8)
    assert without_gaps.fit.k == 1


def test_buy_again_score_lets_one_time_buyers_fade() -> None:
    shop = simulate_shop(2000, r=1.0, alpha=10.0, a=1.0, b=3.0, lapse_at_first=True, seed=5)
    fit = buy_again_score(shop["x"], shop["t_x"], shop["T"], 10, shop["log_gap_sum"]).fit
    alive = probability.regular_p_alive(fit, [0, 0, 0], [0, 0, 0], [1, 10, 40])
    assert alive[0] > alive[1] > alive[2]


def test_buy_again_score_on_thin_data_is_nan_with_a_warning() -> None:
    score = buy_again_score([0, 1, 0], [0, 3, 0], [5, 6, 7], 10, [0, 1.1, 0])
    assert np.all(np.isnan(score.probability)) and "at least 10 customers" in score.warning


def _load_bench(name: str) -> object:
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_cdnow_sample_reproduces_the_published_bgnbd_and_gamma_gamma_fits() -> None:
    if not (CDNOW / "CDNOW_sample.csv.gz").exists():
        pytest.skip("CDNOW dataset folder not available")
    calibration = _load_bench("cdnow_bgnbd").load_cdnow_calibration(CDNOW / "CDNOW_sample.csv.gz")
    assert len(calibration) == 2357
    fit = fit_bgnbd(calibration["x"], calibration["t_x"], calibration["T"], penalty=0)
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "log_likelihood": -9582.4}
    for name, value in published.items():
        assert getattr(fit, name) == pytest.approx(value, rel=0.01), name
    spend = fit_gamma_gamma(calibration["x"], calibration["zbar"], penalty=0)
    for name, value in {"p": 6.25, "q": 3.74, "v": 15.44}.items():
        assert getattr(spend, name) == pytest.approx(value, rel=0.01), name


@pytest.mark.slow
def test_buy_again_score_beats_the_reference_auc_on_online_retail() -> None:
    path = DATASETS / "online_retail" / "online_retail.csv.gz"
    if not path.exists():
        pytest.skip("Online Retail dataset not available")
    bench = _load_bench("explore_buy_again")
    table = bench.customer_table(bench.load_online_retail(path), 91)
    label = table["label"].to_numpy()
    score = buy_again_score(table["x"], table["t_x"], table["T"], 91, table["log_gap_sum"])
    auc = bench.roc_auc(label, score.probability)
    assert auc >= 0.735
    assert auc > bench.roc_auc(label, table["purchase_days"].to_numpy())
    assert auc > bench.roc_auc(label, -table["recency"].to_numpy())
