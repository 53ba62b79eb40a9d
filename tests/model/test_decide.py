"""The compiled month: peers as seen by each party, announcement log-odds, and decisions on the draws."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core.params import Params
from sim.model import decide, rules
from sim.model.state import ANNOUNCED, NON_PARTY, NOTIFIED, PARTY, PER_STATE, RUS, WITHDRAWN

MONTH = 24300
ONLY = {"a0": -3.0, **{name: 0.0 for name in ("b_div", "b_lead", "b_peer", "b_exp", "b_rc", "b_junta", "b_pat",
                                               "b_bias", "b_leg", "b_camp", "b_coop")}}  # one covariate at a time


def world(status: list[int], **columns: list) -> tuple:
    """One run's per-state arrays (PER_STATE order): the given columns, quiet defaults elsewhere."""
    n = len(status)
    defaults = {"status": status, "status_month": [MONTH - 100] * n, "announce_month": [-10**6] * n,
                "notify_month": [-10**6] * n, "stalled": [False] * n, "ideal_point": [0.0] * n, "patron": [0] * n,
                "patron_strength": [0.0] * n, "patron_target": [0.0] * n, "junta": [False] * n,
                "last_attempt": [-10**6] * n, "regime_change": [-10**6] * n, "turnover": [-10**6] * n,
                "coup_rate": [0.0] * n, "coup_factor": [1.0] * n, "exposure": [0.0] * n, "pressure": [0.0] * n,
                "initially_notified": [False] * n, "barred": [False] * n, "cooperation": [0.0] * n}
    types = {"status": np.int8, "patron": np.int8, "stalled": bool, "junta": bool, "initially_notified": bool,
             "barred": bool}
    months = ("status_month", "announce_month", "notify_month", "last_attempt", "regime_change", "turnover")
    return tuple(np.array([{**defaults, **columns}[name]],
                          dtype=types.get(name, np.int32 if name in months else float)) for name in PER_STATE)


def memberships(members: list[list[bool]], leads: list[list[bool]] | None = None) -> tuple:
    matrix = np.array(members)
    states, blocs = np.nonzero(matrix)
    lead = np.array(leads)[states, blocs] if leads else np.zeros(len(blocs), dtype=bool)
    return np.searchsorted(states, np.arange(len(matrix) + 1)), blocs, lead, matrix.shape[1]


def logits(p: Params, arrays: tuple, members: tuple, african: list[bool] | None = None) -> np.ndarray:
    """Each party's announcement log-odds above the intercept in a world of one run (nan for the others)."""
    first, membership, lead, blocs = members
    n = arrays[0].shape[1]
    numbers = rules.numbers(p)
    view = decide.view_arrays(1, blocs, 5)
    decide.peer_view(numbers, 0, MONTH, arrays, first, membership, lead, *view)
    z = np.full(n, np.nan)
    decide.announcement_logits(numbers, 0, 0, n, MONTH, arrays, np.array(african or [False] * n), first, membership,
                               lead, np.zeros(5), 0.0, np.zeros(blocs), np.ones(1), *view[:5], z)
    return z - p.a0


def test_bloc_share_seen_by_a_party_counts_its_other_members() -> None:
    members = memberships([[True, False], [True, False], [True, True], [False, True], [False, True]])
    peers = Params.build({**ONLY, "b_peer": 1.0})
    z = logits(peers, world([ANNOUNCED, PARTY, PARTY, NOTIFIED, PARTY]), members)
    assert z[[1, 2, 4]].tolist() == [0.5, 0.5, 0.5]  # state 2: the larger of 1/2 and 1/2
    z = logits(peers, world([PARTY, PARTY, PARTY, NOTIFIED, PARTY]), members)
    assert z[[0, 1, 2, 4]].tolist() == [0.0, 0.0, 0.5, 0.5] and np.isnan(z[3])  # only parties get a value


def test_an_exit_weighs_on_peers_for_the_peer_window_only() -> None:
    members = memberships([[True], [True], [True]])
    peers = Params.build({**ONLY, "b_peer": 1.0, "peer_window_months": 24})
    recent = world([WITHDRAWN, PARTY, PARTY], status_month=[MONTH - 24, MONTH - 100, MONTH - 100])
    old = world([WITHDRAWN, PARTY, PARTY], status_month=[MONTH - 25, MONTH - 100, MONTH - 100])
    assert logits(peers, recent, members)[1] == 0.5 and logits(peers, old, members)[1] == 0.0


def test_patron_share_counts_only_the_same_patrons_clients() -> None:
    arrays = world([ANNOUNCED, PARTY, PARTY, ANNOUNCED, PARTY, ANNOUNCED, PARTY], patron=[1, 1, 1, 2, 2, 0, 0])
    z = logits(Params.build({**ONLY, "b_peer": 1.0}), arrays, memberships([[False]] * 7))
    assert z[[1, 2, 4, 6]].tolist() == [0.5, 0.5, 1.0, 0.0]


def test_the_junta_effect_needs_a_court_hostile_patron() -> None:
    arrays = world([PARTY] * 4, junta=[True, True, False, True], patron=[RUS, RUS, RUS, 0],
                   patron_strength=[0.8, 0.5, 0.8, 0.8])
    hostility = np.zeros(5)
    hostility[RUS] = 0.5
    first, membership, lead, blocs = memberships([[False]] * 4)
    numbers = rules.numbers(Params.build({**ONLY, "b_junta": 2.0, "b_pat": 1.0}))
    view = decide.view_arrays(1, blocs, 5)
    decide.peer_view(numbers, 0, MONTH, arrays, first, membership, lead, *view)
    z = np.empty(4)
    decide.announcement_logits(numbers, 0, 0, 4, MONTH, arrays, np.zeros(4, dtype=bool), first, membership, lead,
                               hostility, 0.0, np.zeros(blocs), np.ones(1), *view[:5], z)
    # junta: (2 + 1) x strength x hostility; no junta: the patron term only; no patron: nothing
    assert (z + 3.0).tolist() == pytest.approx([1.2, 0.75, 0.4, 0.0])


def test_junta_share_counts_other_juntas_only_when_weighted() -> None:
    arrays = world([ANNOUNCED, PARTY, PARTY, PARTY], junta=[True, True, True, False])
    weighted = Params.build({**ONLY, "b_peer": 1.0, "junta_peer_weight": 1.0})
    assert logits(weighted, arrays, memberships([[False]] * 4))[[1, 2, 3]].tolist() == [0.5, 0.5, 0.0]
    unweighted = Params.build({**ONLY, "b_peer": 1.0, "junta_peer_weight": 0.0})
    assert logits(unweighted, arrays, memberships([[False]] * 4))[[1, 2, 3]].tolist() == [0.0, 0.0, 0.0]


def test_lead_exit_reaches_other_members_only() -> None:
    members = [[True, False], [True, False], [False, False], [True, True], [False, True]]
    leads = [[True, False], [False, False], [False, False], [True, False], [False, True]]
    lead = Params.build({**ONLY, "b_lead": 1.0, "lead_window_months": 12})
    recent = [MONTH - 3, -10**6, -10**6, -10**6, -10**6]  # state 0, a lead of bloc 0, announced 3 months ago
    z = logits(lead, world([PARTY] * 5, announce_month=recent), memberships(members, leads))
    assert z.tolist() == [0.0, 1.0, 0.0, 1.0, 0.0]
    recent = [-10**6, -10**6, -10**6, MONTH - 12, -10**6]  # state 3, a lead of bloc 0 only, 12 months ago
    z = logits(lead, world([PARTY] * 5, announce_month=recent), memberships(members, leads))
    assert z.tolist() == [1.0, 1.0, 0.0, 0.0, 0.0]


def test_divergence_is_measured_from_the_parties_mean() -> None:
    arrays = world([PARTY, PARTY, NON_PARTY, NOTIFIED], ideal_point=[1.0, -1.0, 5.0, 3.0])
    z = logits(Params.build({**ONLY, "b_div": 1.0}), arrays, memberships([[False]] * 4))
    assert z[[0, 1]].tolist() == [0.0, 2.0]  # mean of the three in the Statute: 1.0; the non-party is left out


def step(p: Params, arrays: tuple, draws: list[list[float]], african: list[bool] | None = None,
         caps: np.ndarray | None = None, scale: float = np.inf) -> int:
    """Decide a one-run world without blocs (its view taken first) on the given uniform draws per process, at
    the given announcement caps and scale (default: none, every party's log-odds computed); return state 0's
    event bits."""
    n = arrays[0].shape[1]
    numbers = rules.numbers(p)
    first, membership, lead, blocs = memberships([[False]] * n)
    view = decide.view_arrays(1, blocs, 5)
    decide.peer_view(numbers, 0, MONTH, arrays, first, membership, lead, *view)
    uniforms = np.array(draws, dtype=float).reshape(6, 1, n)
    bits = np.zeros((1, n), dtype=np.int16)
    decide.decide(numbers, 0, 0, n, MONTH, arrays, np.array(african or [False] * n), first, membership, lead,
                  HOSTILITY, 0.0, np.zeros(blocs), np.ones(1), *view[:5],
                  np.ceil(uniforms / decide.TO_UNIT).astype(np.uint32), np.empty(n),
                  decide.cap_arrays(1, n)[0] if caps is None else caps, 0.0, scale, rules.accession_bound(numbers),
                  bits)
    return int(bits[0, 0])


HOSTILITY = np.array([0.0, 1.0, 1.0, 0.0, 0.5])  # per patron code: NONE, RUS, USA_ISR, FRA_EU, CHN (datasets)


def test_a_non_party_accedes_on_a_draw_below_its_monthly_accession_probability() -> None:
    p = Params()
    for ideal, strength, patron in ((0.0, 0.0, 0), (1.5, 0.0, 0), (0.5, 0.8, 1)):
        grievance = strength * HOSTILITY[patron]
        chance = rules.monthly_from_logit(rules.accession_logit(rules.numbers(p), abs(ideal), grievance))
        for share, expected in ((0.999, decide.DEPOSITED), (1.001, 0)):
            arrays = world([NON_PARTY], ideal_point=[ideal], patron_strength=[strength], patron_target=[strength],
                           patron=[patron])
            assert step(p, arrays, [[0.99]] * 5 + [[chance * share]]) == expected


@settings(max_examples=300, deadline=None)
@given(intercept=st.floats(-12.0, 0.0), distance_weight=st.floats(0.0, 3.0), grievance_weight=st.floats(0.0, 6.0),
       distance=st.floats(0.0, 10.0), grievance=st.floats(0.0, 1.0))
def test_the_accession_bound_is_never_below_a_non_partys_probability(intercept: float, distance_weight: float,
                                                                      grievance_weight: float, distance: float,
                                                                      grievance: float) -> None:
    """Draws above the bound skip the exact computation, so it must hold over the parameters' declared ranges."""
    p = rules.numbers(Params.build({"acc_a0": intercept, "acc_div": distance_weight,
                                    "acc_grievance": grievance_weight}))
    assert rules.monthly_from_logit(rules.accession_logit(p, distance, grievance)) <= rules.accession_bound(p)


def test_announcement_is_drawn_against_the_monthly_probability() -> None:
    p = Params.build(ONLY)  # log-odds -3 for every party
    chance = rules.monthly_from_logit(-3.0)
    quiet = [0.99]
    below = [quiet, quiet, [chance * 0.999], quiet, quiet, quiet]
    above = [quiet, quiet, [chance * 1.001], quiet, quiet, quiet]
    hit = world([PARTY])
    assert step(p, hit, below) == decide.ANNOUNCED_BIT
    assert hit[PER_STATE.index("status")][0, 0] == ANNOUNCED
    assert hit[PER_STATE.index("announce_month")][0, 0] == MONTH
    miss = world([PARTY])
    assert step(p, miss, above) == 0 and miss[0][0, 0] == PARTY


def test_a_partys_log_odds_are_computed_only_on_a_draw_below_its_cap() -> None:
    p = Params.build(ONLY)
    below = [[0.99], [0.99], [rules.monthly_from_logit(-3.0) * 0.5], [0.99], [0.99], [0.99]]
    caps = decide.cap_arrays(1, 1)[0]
    assert step(p, world([PARTY]), below, caps=caps, scale=1.0) == decide.ANNOUNCED_BIT
    assert caps[0, 0] == rules.announcement_cap(rules.numbers(p), 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)  # taken
    caps[0, 0] = 0.0  # a cap no draw lies below: the party is passed over, whatever its log-odds
    assert step(p, world([PARTY]), below, caps=caps, scale=1.0) == 0


def test_a_notified_withdrawal_takes_effect_after_twelve_months_before_any_revocation() -> None:
    p = Params.build({"revoke_rate": 1.0})
    due = world([NOTIFIED], notify_month=[MONTH - 12])
    bits = step(p, due, [[0.99], [0.99], [0.99], [0.99], [0.0], [0.99]])
    assert bits == decide.WITHDRAWN_BIT | decide.FURTHER_EXIT and due[0][0, 0] == WITHDRAWN
    early = world([NOTIFIED], notify_month=[MONTH - 11])
    assert step(p, early, [[0.99], [0.99], [0.99], [0.99], [0.0], [0.99]]) == decide.REVOKED
    assert early[0][0, 0] == PARTY


def test_an_african_coup_brings_a_russian_patron_on_the_lowest_draws() -> None:
    p = Params.build({"coup_multiplier": 1.0, "patron_switch": 0.5})
    attempt = rules.monthly(rules.coup_annual(rules.numbers(p), 0.5, 1.0, False))
    cases = {0.1: decide.COUP | decide.PATRON_SWITCH, 0.4: decide.COUP, 0.9: decide.COUP_ATTEMPT}
    for share, expected in cases.items():  # of the attempt probability: switch below success * switch share
        arrays = world([PARTY], coup_rate=[0.5])
        bits = step(p, arrays, [[attempt * share], [0.99], [0.99], [0.99], [0.99], [0.99]], [True])
        assert bits == expected, share
        assert arrays[PER_STATE.index("junta")][0, 0] == bool(expected & decide.COUP)
        assert (arrays[PER_STATE.index("patron")][0, 0] == RUS) == bool(expected & decide.PATRON_SWITCH)
    arrays = world([PARTY], coup_rate=[0.5])
    assert step(p, arrays, [[attempt * 0.1], [0.99], [0.99], [0.99], [0.99], [0.99]], [False]) == decide.COUP


def test_a_junta_drifts_toward_its_patrons_pole() -> None:
    p = Params()
    arrays = world([PARTY], junta=[True], patron=[RUS], patron_strength=[1.0], patron_target=[1.0])
    step(p, arrays, [[0.99]] * 6)
    assert arrays[PER_STATE.index("ideal_point")][0, 0] == pytest.approx(p.drift_rate * p.pole_rus)


def _full_logits(p: Params, arrays: tuple, legitimacy: float, campaign: float) -> np.ndarray:
    """Log-odds in a one-bloc world where the court-hostile patron, the court's legitimacy and a campaign
    all weigh."""
    n = arrays[0].shape[1]
    first, membership, lead, blocs = memberships([[True]] * n)
    hostility = np.zeros(5)
    hostility[RUS] = 1.0
    numbers = rules.numbers(p)
    view = decide.view_arrays(1, blocs, 5)
    decide.peer_view(numbers, 0, MONTH, arrays, first, membership, lead, *view)
    z = np.full(n, np.nan)
    decide.announcement_logits(numbers, 0, 0, n, MONTH, arrays, np.ones(n, dtype=bool), first, membership, lead,
                               hostility, 0.5, np.full(blocs, campaign), np.array([legitimacy]), *view[:5], z)
    return z


@settings(max_examples=200, deadline=None)
@given(points=st.lists(st.floats(-2.0, 2.5), min_size=4, max_size=4), moved=st.integers(0, 3),
       shift=st.floats(0.0, 3.0), legitimacy=st.floats(0.0, 1.0), campaign=st.floats(0.0, 1.0),
       exposure=st.floats(0.0, 1.0), strength=st.floats(0.0, 1.0))
def test_moving_toward_the_us_and_eu_pole_never_raises_a_states_announcement_hazard(
        points: list, moved: int, shift: float, legitimacy: float, campaign: float, exposure: float,
        strength: float) -> None:
    p = Params.build({"b_div": 3.0, "b_leg": 5.0, "b_camp": 6.0, "b_pat": 2.0, "b_exp": 2.0})
    columns = {"exposure": [exposure] * 4, "patron": [RUS, 0, RUS, 0], "patron_strength": [strength, 0, strength, 0]}
    before = _full_logits(p, world([PARTY] * 4, ideal_point=points, **columns), legitimacy, campaign)
    after = _full_logits(p, world([PARTY] * 4, ideal_point=[x + shift * (i == moved) for i, x in enumerate(points)],
                                  **columns), legitimacy, campaign)
    assert after[moved] <= before[moved] + 1e-12


def test_a_party_without_a_government_able_to_notify_never_announces() -> None:
    arrays = world([PARTY, PARTY], exposure=[1.0, 1.0], barred=[True, False], pressure=[5.0, 5.0])
    z = _full_logits(Params(), arrays, 0.0, 1.0)
    assert z[0] == -np.inf and z[1] > -np.inf


def test_cooperation_offsets_the_pull_of_a_court_hostile_patron() -> None:
    p = Params.build({**ONLY, "b_pat": 2.0, "b_coop": 1.5, "b_leg": 1.0})
    arrays = world([PARTY, PARTY], patron=[RUS, RUS], patron_strength=[0.8, 0.8], cooperation=[0.0, 1.0])
    z = _full_logits(p, arrays, 0.5, 0.0) - p.a0
    # patron 2 x 0.8; legitimacy 1 x 0.5 x stance 0.8 without cooperation, 0 with it; cooperation -1.5
    assert z.tolist() == pytest.approx([1.6 + 0.4, 1.6 - 1.5])


WEIGHTS = {"b_div": 3.0, "b_lead": 5.0, "b_peer": 6.0, "b_exp": 5.0, "b_rc": 2.0, "b_junta": 5.0, "b_pat": 5.0,
           "b_bias": 2.0, "b_leg": 5.0, "b_camp": 6.0, "b_coop": 4.0}  # each weight's declared upper end


@settings(max_examples=150, deadline=None)
@given(weights=st.fixed_dictionaries({name: st.floats(0.0, high) for name, high in WEIGHTS.items()}),
       intercept=st.floats(-12.0, -3.0), drift=st.floats(0.0, 0.5), junta_peers=st.floats(0.0, 1.0),
       status=st.lists(st.sampled_from([PARTY, PARTY, ANNOUNCED, NOTIFIED, WITHDRAWN, NON_PARTY]), min_size=5,
                       max_size=5),
       ideal=st.lists(st.floats(-3.0, 3.0), min_size=5, max_size=5),
       patron=st.lists(st.integers(0, 4), min_size=5, max_size=5),
       junta=st.lists(st.booleans(), min_size=5, max_size=5),
       strength=st.lists(st.floats(0.0, 1.0), min_size=5, max_size=5),
       target=st.lists(st.floats(0.0, 1.0), min_size=5, max_size=5),
       exposure=st.lists(st.floats(0.0, 1.0), min_size=5, max_size=5),
       cooperation=st.lists(st.floats(0.0, 1.0), min_size=5, max_size=5),
       pressure=st.lists(st.floats(-2.0, 3.0), min_size=5, max_size=5),
       since=st.lists(st.integers(0, 40), min_size=5, max_size=5),
       legitimacy=st.floats(0.0, 1.0), campaign=st.floats(0.0, 1.0), bias=st.floats(0.0, 1.0),
       months=st.integers(1, 36))
def test_a_cap_bounds_its_partys_announcement_probability_until_it_is_cleared(
        weights: dict, intercept: float, drift: float, junta_peers: float, status: list, ideal: list, patron: list,
        junta: list, strength: list, target: list, exposure: list, cooperation: list, pressure: list, since: list,
        legitimacy: float, campaign: float, bias: float, months: int) -> None:
    """A party's draw above its cap x its run's scale skips its log-odds (decide.decide), so the bound must
    hold in every month until a coup, junta end, patron switch or scheduled event clears the cap: here months of
    patron build-up, junta drift, a moving mean ideal point, closing windows and exits taking effect, with the
    weights anywhere in their declared ranges."""
    p = rules.numbers(Params.build({**weights, "a0": intercept, "drift_rate": drift,
                                    "junta_peer_weight": junta_peers}))
    arrays = world(status, ideal_point=ideal, patron=patron, junta=junta, patron_strength=strength,
                   patron_target=target, exposure=exposure, cooperation=cooperation, pressure=pressure,
                   regime_change=[MONTH - m for m in since], announce_month=[MONTH - m for m in since],
                   status_month=[MONTH - m for m in since], notify_month=[MONTH - m for m in since])
    first, membership, lead, blocs = memberships([[True, False], [True, True], [False, True], [True, False],
                                                  [False, False]], [[True, False], [False, True], [False, False],
                                                                    [False, False], [False, False]])
    african, levels = np.array([True, True, False, True, False]), np.array([campaign, 0.0])
    court = np.array([legitimacy])
    view, (caps, bounds) = decide.view_arrays(1, blocs, 5), decide.cap_arrays(1, 5)
    quiet = np.full((6, 1, 5), 2**32 - 1, dtype=np.uint32)  # every draw at its largest: no random event
    for month in range(MONTH, MONTH + months):
        decide.peer_view(p, 0, month, arrays, first, membership, lead, *view)
        bounds[0, 1] = max(bounds[0, 1], view[0][0]) if month > MONTH else view[0][0]
        bounds[0, 0] = bounds[0, 0] if month > MONTH else view[0][0]
        z = np.full(5, -np.inf)
        decide.announcement_logits(p, 0, 0, 5, month, arrays, african, first, membership, lead, HOSTILITY, bias,
                                   levels, court, *view[:5], z)
        scale = decide.run_scale(p, 0, levels, court, *view[1:], bounds)
        for s in np.flatnonzero(arrays[0][0] == PARTY):
            if caps[0, s] == np.inf:
                caps[0, s] = decide.state_cap(p, 0, s, month, arrays, african, HOSTILITY, bias, bounds[0, 1])
            assert rules.monthly_from_logit(z[s]) <= caps[0, s] * scale
        decide.decide(p, 0, 0, 5, month, arrays, african, first, membership, lead, HOSTILITY, bias, levels, court,
                      *view[:5], quiet, z, np.full((1, 5), np.inf), 0.0, np.inf, 1.0,
                      np.zeros((1, 5), dtype=np.int16))  # patron strength ramps, juntas drift
