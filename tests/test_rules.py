"""Each rule's direction and limits, checked over the parameters' whole ranges."""

import numpy as np
from hypothesis import given, settings, strategies as st

from sim import rules
from sim.params import Params

COVARIATES = ("divergence", "lead", "peer", "exposure", "regime_change", "junta", "grievance", "bias",
              "legitimacy_gap", "pressure")


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


@settings(max_examples=300, deadline=None)
@given(cases())
def test_a_higher_covariate_never_lowers_the_announcement_hazard(case: tuple) -> None:
    p, covariates, name, increase = case
    before = rules.announcement_probability(p, **{k: np.array(v) for k, v in covariates.items()})
    covariates[name] += increase
    after = rules.announcement_probability(p, **{k: np.array(v) for k, v in covariates.items()})
    assert after >= before
    assert 0.0 <= before <= 1.0


def test_monthly_conversion_keeps_the_yearly_total() -> None:
    annual = np.array([0.0, 0.001, 0.1, 0.5])
    monthly = rules.monthly(annual)
    assert np.allclose(1 - (1 - monthly) ** 12, annual)
    assert monthly[0] == 0.0


def test_coup_trap_and_multiplier_raise_the_attempt_probability() -> None:
    p = Params()
    rate, factor = np.array([0.05, 0.05]), np.ones(2)
    calm, trapped = rules.coup_probability(p, rate, factor, np.array([False, True]))
    assert trapped > calm * 2
    no_coups = Params.build({"coup_multiplier": 0.0})
    assert rules.coup_probability(no_coups, rate, factor, np.array([True, True])).max() == 0


def test_revocation_under_junta_and_after_turnover() -> None:
    p = Params()
    junta, civilian = rules.revocation_probability(p, np.array([True, False]), np.array([False, False]))
    assert junta == p.revoke_rate * p.junta_revoke_factor and civilian == p.revoke_rate
    assert rules.revocation_probability(p, np.array([True]), np.array([True]))[0] == p.turnover_revoke_rate


def test_accession_falls_with_divergence_and_patron_grievance() -> None:
    close, far = rules.accession_probability(Params(), np.array([0.0, 2.0]), np.zeros(2))
    assert close > far > 0
    free, pressed = rules.accession_probability(Params(), np.zeros(2), np.array([0.0, 1.0]))
    assert free > pressed > 0


def test_bloc_share_seen_by_a_party_counts_its_other_members() -> None:
    members = np.array([[True, False], [True, False], [True, True], [False, True], [False, True]])
    exiting = np.array([[True, False, False, True, False]])  # states 1, 2 and 4 are parties
    sets, set_of = np.unique(members, axis=0, return_inverse=True)
    share = rules.bloc_share(exiting, np.ones((1, 5), dtype=bool), members, sets, set_of.ravel())
    assert share[0, [1, 2, 4]].tolist() == [0.5, 0.5, 0.5]  # state 2: max of 1/2 and 1/2
    exiting[0, 0] = False
    share = rules.bloc_share(exiting, np.ones((1, 5), dtype=bool), members, sets, set_of.ravel())
    assert share[0, [1, 2, 4]].tolist() == [0.0, 0.5, 0.5]


def test_patron_share_counts_only_the_same_patrons_clients() -> None:
    patron = np.array([[1, 1, 1, 2, 2, 0, 0]])
    exiting = np.array([[True, False, False, True, False, True, False]])  # parties: 1, 2, 4, 6
    share = rules.patron_share(exiting, np.ones((1, 7), dtype=bool), patron, 5)
    assert share[0, [1, 2, 4, 6]].tolist() == [0.5, 0.5, 1.0, 0.0]


def test_junta_share_counts_other_juntas_only() -> None:
    junta = np.array([[True, True, True, False]])
    exiting = np.array([[True, False, False, True]])  # parties: 1, 2, 3
    share = rules.junta_share(exiting, np.ones((1, 4), dtype=bool), junta)
    assert share[0, [1, 2, 3]].tolist() == [0.5, 0.5, 0.0]


def test_lead_exit_reaches_other_members_only() -> None:
    members = np.array([[True, False], [True, False], [False, False], [True, True], [False, True]])
    leads = np.array([[True, False], [False, False], [False, False], [True, False], [False, True]])
    sets, set_of = np.unique(members, axis=0, return_inverse=True)
    recent = np.array([[True, False, False, False, False], [False, False, False, True, False]])
    reached = rules.lead_exit(recent, members, leads, sets, set_of.ravel())
    assert reached.tolist() == [[False, True, False, True, False], [True, True, False, False, False]]


def test_junta_drifts_toward_its_patron_pole_and_others_do_not() -> None:
    p = Params()
    ideal = np.array([0.0, 0.0, 0.0])
    moved = rules.drifted(p, ideal, np.array([True, True, False]), np.array([1, 2, 1]), np.ones(3), 1, 2)
    assert moved[0] < 0 < moved[1] and moved[2] == 0


def test_legitimacy_relaxes_to_one_and_stays_in_bounds() -> None:
    p = Params()
    low = rules.next_legitimacy(p, np.array([0.5]), exits=np.array([0]), accessions=np.array([0]),
                                arrests=np.array([0]), sanctions=0.0)
    assert 0.5 < low[0] < 1.0
    hit = rules.next_legitimacy(p, np.array([0.01]), exits=np.array([100]), accessions=np.array([0]),
                                arrests=np.array([0]), sanctions=1.0)
    assert hit[0] == 0.0
