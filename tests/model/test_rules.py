"""Each rule's direction and limits, checked over the parameters' whole ranges."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core.params import Params
from sim.model import rules

COVARIATES = ("hostile_gap", "lead", "peer", "exposure", "regime_change", "junta_grievance", "grievance", "bias",
              "legitimacy_gap", "campaign", "stance", "cooperation", "pressure")  # rules.announcement_terms order
RAISING = tuple(name for name in COVARIATES if name != "cooperation")


def _params(draw: st.DrawFn) -> Params:
    values = {}
    for name, spec in Params.specs().items():
        low, high = spec.metadata["low"], spec.metadata["high"]
        if spec.type is float:
            values[name] = draw(st.floats(low, high, allow_nan=False))
    return Params.build(values)


@st.composite
def cases(draw: st.DrawFn) -> tuple[Params, dict[str, float], str, float]:
    p = _params(draw)
    covariates = {name: draw(st.floats(0.0, 3.0)) for name in COVARIATES}
    return p, covariates, draw(st.sampled_from(COVARIATES)), draw(st.floats(0.0, 2.0))


def _hazard(p: Params, covariates: dict[str, float]) -> float:
    return rules.monthly_from_logit(rules.announcement_logit(rules.numbers(p), tuple(covariates.values())))


@settings(max_examples=300, deadline=None)
@given(cases())
def test_a_higher_covariate_never_lowers_the_announcement_hazard_and_cooperation_never_raises_it(case: tuple) -> None:
    p, covariates, name, increase = case
    before = _hazard(p, covariates)
    covariates[name] += increase
    after = _hazard(p, covariates)
    assert (after >= before) if name in RAISING else (after <= before)
    assert 0.0 <= before <= 1.0


def test_the_legitimacy_gap_and_the_campaign_weigh_only_through_the_stance() -> None:
    p = Params.build({"b_leg": 3.0, "b_camp": 2.0})
    calm = dict.fromkeys(COVARIATES, 0.0)
    assert _hazard(p, calm | {"legitimacy_gap": 0.9, "campaign": 1.0}) == _hazard(p, calm)  # stance 0: Germany
    assert _hazard(p, calm | {"legitimacy_gap": 0.9, "campaign": 1.0, "stance": 1.0}) > _hazard(p, calm)


def test_stance_points_at_the_court_hostile_pole_only() -> None:
    p = rules.numbers(Params())
    mean = 0.3
    assert rules.hostile_gap(mean, 1.7) == 0.0 and rules.stance(p, mean, 1.7, 0.0, 0.0, 0.0) == 0.0  # votes with the US
    assert rules.hostile_gap(mean, -0.7) == pytest.approx(1.0)
    assert rules.stance(p, mean, Params().pole_rus, 0.0, 0.0, 0.0) == pytest.approx(1.0)  # at the Russian pole
    assert rules.stance(p, mean, mean, 0.5, 0.8, 0.0) == pytest.approx(0.8)  # the largest grievance counts
    assert rules.stance(p, mean, -0.7, 0.0, 1.0, 1.0) == 0.0  # a government that relies on the court


def test_episodes_group_a_months_announcers_by_shared_bloc() -> None:
    # blocs: AU, ECOWAS, AES, EU; states: three AES members, a fourth in ECOWAS only, two outside any bloc
    members = np.array([[1, 0, 1, 0], [1, 0, 1, 0], [1, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]], dtype=bool)
    announcers = np.array([[1, 1, 1, 0, 0, 0],   # the AES joint statement: one episode
                           [1, 0, 0, 1, 0, 0],   # no shared bloc: two
                           [0, 0, 0, 0, 1, 1],   # two states outside any bloc: two
                           [0, 0, 0, 0, 0, 0]], dtype=bool)
    assert rules.episodes(announcers, members).tolist() == [1, 2, 2, 0]
    chain = np.array([[1, 0, 0, 0], [1, 1, 0, 0], [0, 1, 0, 0]], dtype=bool)  # A-B share AU, B-C ECOWAS
    assert rules.episodes(np.ones((1, 3), dtype=bool), chain).tolist() == [1]


def test_monthly_conversion_keeps_the_yearly_total() -> None:
    for annual in (0.001, 0.1, 0.5):
        assert 1 - (1 - rules.monthly(annual)) ** 12 == pytest.approx(annual, rel=1e-12)
        z = np.log(annual / (1 - annual))  # the logit of the same annual probability
        assert rules.monthly_from_logit(z) == pytest.approx(rules.monthly(annual), rel=1e-12)
    assert rules.monthly(0.0) == 0.0 and rules.monthly_from_logit(-np.inf) == 0.0
    assert rules.monthly_from_logit(50.0) == pytest.approx(1 - np.exp(-50 / 12), rel=1e-12)  # no overflow


def test_coup_trap_and_multiplier_raise_the_attempt_probability() -> None:
    p = rules.numbers(Params())
    calm, trapped = rules.coup_annual(p, 0.05, 1.0, False), rules.coup_annual(p, 0.05, 1.0, True)
    assert trapped == pytest.approx(calm * Params().coup_trap) and calm == pytest.approx(0.05 * Params().coup_multiplier)
    assert rules.coup_annual(p, 0.05, 3.0, False) == pytest.approx(3 * calm)  # a scenario's coup_risk factor
    assert rules.coup_annual(rules.numbers(Params.build({"coup_multiplier": 0.0})), 0.05, 1.0, True) == 0


def test_revocation_under_junta_and_after_turnover() -> None:
    p = Params()
    numbers = rules.numbers(p)
    assert rules.revocation_probability(numbers, True, False) == p.revoke_rate * p.junta_revoke_factor
    assert rules.revocation_probability(numbers, False, False) == p.revoke_rate
    assert rules.revocation_probability(numbers, True, True) == p.turnover_revoke_rate
    assert rules.notification_probability(numbers, True) == p.stalled_notify_rate
    assert rules.notification_probability(numbers, False) == p.notify_rate


def test_accession_falls_with_divergence_and_patron_grievance() -> None:
    p = rules.numbers(Params())
    close, far = rules.accession_logit(p, 0.0, 0.0), rules.accession_logit(p, 2.0, 0.0)
    pressed = rules.accession_logit(p, 0.0, 1.0)
    assert close > far and close > pressed
    assert rules.monthly_from_logit(far) > 0


def test_drift_toward_the_pole_and_patron_build_up() -> None:
    p = rules.numbers(Params())
    assert rules.drifted(p, 0.0, -1.1, 1.0) == pytest.approx(-1.1 * Params().drift_rate)
    assert rules.drifted(p, 0.0, 2.2, 0.0) == 0.0  # no patron presence yet, no drift
    assert rules.ramped(p, 0.0, 0.8) == pytest.approx(0.8 / Params().patron_ramp_months)
    assert rules.ramped(p, 0.79, 0.8) == 0.8  # never past the target


def test_legitimacy_relaxes_to_one_and_stays_in_bounds() -> None:
    p = Params()
    low = rules.next_legitimacy(p, np.array([0.5]), episodes=np.array([0]), accessions=np.array([0]),
                                arrests=np.array([0]), sanctions=0.0)
    assert 0.5 < low[0] < 1.0
    hit = rules.next_legitimacy(p, np.array([0.01]), episodes=np.array([100]), accessions=np.array([0]),
                                arrests=np.array([0]), sanctions=1.0)
    assert hit[0] == 0.0


def test_parameters_reach_compiled_code_in_declaration_order() -> None:
    p = Params.build({"b_peer": 3.25, "lead_window_months": 7})
    numbers = rules.numbers(p)
    assert numbers.b_peer == 3.25 and numbers.lead_window_months == 7.0
    assert list(numbers._fields) == list(Params.specs())
