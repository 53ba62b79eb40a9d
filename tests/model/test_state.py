import numpy as np

from sim.core.months import parse_month
from sim.data import datasets
from sim.model import scenario
from sim.model.ensemble import world_for
from sim.model.state import ANNOUNCED, NEVER, NOTIFIED, PARTY, PER_STATE, WITHDRAWN, initial_state, static_from


def test_initial_state_replicates_the_world_with_overrides(write_scenario) -> None:
    path = write_scenario("over", 'extends = "baseline"\n[states.NGA]\njunta = true\nexposure = 0.7\npatron = "RUS"\n')
    chosen = scenario.load(str(path))
    world = world_for(chosen)
    static = static_from(world)
    state = initial_state(world, chosen, runs=4)
    nga, ner, bdi = static.index(["NGA", "NER", "BDI"])
    assert state.status.shape == (4, 195) and state.legitimacy.shape == (4,)
    assert state.junta[:, nga].all() and np.allclose(state.exposure[:, nga], 0.7)
    assert (state.patron[:, nga] == datasets.PATRON_CODES.index("RUS")).all()
    assert (state.status[:, ner] == NOTIFIED).all() and (state.notify_month[:, ner] == parse_month("2026-06")).all()
    assert (state.status[:, bdi] == WITHDRAWN).all() and (state.status_month[:, bdi] == parse_month("2017-10")).all()
    in_statute = (state.status >= PARTY) & (state.status <= NOTIFIED)
    assert state.sanctions == 1.0 and in_statute.sum(axis=1).tolist() == [125] * 4
    for i in range(static.size):  # the membership lists hold the same blocs and lead states as the matrices
        blocs = static.membership[static.first[i]:static.first[i + 1]]
        assert blocs.tolist() == np.flatnonzero(static.bloc_members[i]).tolist()
        assert static.membership_lead[static.first[i]:static.first[i + 1]].tolist() == world.bloc_leads[i, blocs].tolist()
    assert len(static.membership) == static.bloc_members.sum() and static.membership_lead.sum() == world.bloc_leads.sum()
    assert [name for name in state.__dataclass_fields__ if getattr(state, name) is not None
            and np.shape(getattr(state, name)) == (4, 195)] == list(PER_STATE)  # arrays() covers them all


def test_old_announcements_start_stalled(baseline) -> None:
    chosen = baseline.with_window(parse_month("2026-01"), None)
    world = world_for(chosen)
    state = initial_state(world, chosen, runs=1)
    aes = static_from(world).index(["MLI", "BFA", "NER"])
    assert (state.status[0, aes] == ANNOUNCED).all() and state.stalled[0, aes].all()
    assert state.notify_month[0, aes].tolist() == [NEVER] * 3
