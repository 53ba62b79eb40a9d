"""The Mesa agents' step, compiled, with everything it reads in one structure passed by reference.

A call from Python into compiled code pays for converting each argument; the rules take some thirty
(the parameters alone are a tuple of forty-odd numbers), which cost an agent far more than its decision.
`AgentContext` holds them once, as references to the model's own arrays, so an agent's step is one call
with two arguments: the context and its state's position. The step calls the same rules as the ensemble
(sim.decide) for that one state.
"""

from typing import Any, Callable

import numba
from numba.core import types
from numba.experimental import structref

from sim.model import decide


@structref.register
class AgentContextType(types.StructRef):
    def preprocess_fields(self, fields: tuple) -> tuple:
        return tuple((name, types.unliteral(typ)) for name, typ in fields)


class AgentContext(structref.StructRefProxy):
    """What the agents' decisions read and write: the parameters, the per-state arrays (SimState.arrays),
    the static memberships, the month's draws, view and event bits, and the world levels. `clock` holds
    the month, `world` the Africa bias, both updated in place by the model every month."""


FIELDS = ("p", "arrays", "african", "first", "membership", "membership_lead", "hostility", "campaign", "legitimacy",
          "draws",
          "mean_ideal", "bloc_ratio", "patron_ratio", "junta_ratio", "lead_count", "z", "z_accession", "bits",
          "clock", "world")
structref.define_proxy(AgentContext, AgentContextType, list(FIELDS))


@numba.njit(cache=True)
def agent_step(ctx: Any, s: int) -> None:
    """State s decides its month (run 0 of the context's arrays) and applies its own events."""
    p, arrays, month, african, hostility, mean_ideal, z, z_accession = (  # each field read once
        ctx.p, ctx.arrays, ctx.clock[0], ctx.african, ctx.hostility, ctx.mean_ideal, ctx.z, ctx.z_accession)
    decide.announcement_logits(p, 0, s, s + 1, month, arrays, african, ctx.first, ctx.membership,
                               ctx.membership_lead, hostility, ctx.world[0], ctx.campaign, ctx.legitimacy, mean_ideal,
                               ctx.bloc_ratio, ctx.patron_ratio, ctx.junta_ratio, ctx.lead_count, z)
    decide.accession_logits(p, 0, s, s + 1, arrays, hostility, mean_ideal, z_accession)
    decide.decide(p, 0, s, s + 1, month, arrays, african, ctx.draws, z, 1.0, z_accession, 1.0, ctx.bits)


@numba.njit(cache=True)
def take_view(ctx: Any) -> None:
    """The view of the month all agents decide on (see decide.peer_view), into the context's view arrays."""
    decide.peer_view(ctx.p, 0, ctx.clock[0], ctx.arrays, ctx.first, ctx.membership, ctx.membership_lead,
                     ctx.mean_ideal, ctx.bloc_ratio, ctx.patron_ratio, ctx.junta_ratio, ctx.lead_count)


def bound_view(ctx: AgentContext) -> Callable[[AgentContext], None]:
    """`take_view` for this context's types, without the per-call dispatch (see `bound_step`)."""
    return take_view.compile((numba.typeof(ctx),))


def bound_step(ctx: AgentContext) -> Callable[[AgentContext, int], None]:
    """`agent_step` compiled (or loaded from the cache) for this context's types, to be called without
    Numba's per-call dispatch, which inspects every field of the structure on each call."""
    return agent_step.compile((numba.typeof(ctx), numba.int64))
