"""The Mesa agents' step, compiled, with everything it reads in one structure passed by reference.

A call from Python into compiled code pays for converting each argument; the rules take some thirty
(the parameters alone are a tuple of forty-odd numbers), which cost an agent far more than its decision.
`AgentContext` holds them once, as references to the model's own arrays, so an agent's step is one call
with two arguments: the context and its state's position. The step calls the same rules as the ensemble
(sim.decide) for that one state.
"""

import math
from typing import Any, Callable

import numba
from numba.core import types
from numba.experimental import structref

from sim.model import decide
from sim.model.borrow import borrowed


@structref.register
class AgentContextType(types.StructRef):
    def preprocess_fields(self, fields: tuple) -> tuple:
        return tuple((name, types.unliteral(typ)) for name, typ in fields)


class AgentContext(structref.StructRefProxy):
    """What the agents' decisions read and write: the parameters, the per-state arrays (SimState.arrays),
    the static memberships, the month's draws, view, scratch log-odds and caps (decide.cap_arrays) and event
    bits, and the world levels. `clock` holds the month, `world` the Africa bias (updated in place by the
    model every month, as the month is) and the bound of the accession probabilities (rules.accession_bound)."""


FIELDS = ("p", "arrays", "african", "first", "membership", "membership_lead", "hostility", "campaign", "legitimacy",
          "draws",
          "mean_ideal", "bloc_ratio", "patron_ratio", "junta_ratio", "lead_count", "tallies", "z", "caps", "bits",
          "clock", "world")
structref.define_proxy(AgentContext, AgentContextType, list(FIELDS))


@numba.njit(cache=True)
def agent_step(ctx: Any, s: int) -> None:
    """State s decides its month (run 0 of the context's arrays) and applies its own events. Each field is
    read once, as views that count no references (sim.model.borrow): the rules hand them on many times."""
    p, month, africa_bias, accession_bound = ctx.p, ctx.clock[0], ctx.world[0], ctx.world[1]
    arrays, african, hostility, mean_ideal = borrowed(ctx.arrays), borrowed(ctx.african), borrowed(ctx.hostility), \
        borrowed(ctx.mean_ideal)
    z, first, membership = borrowed(ctx.z), borrowed(ctx.first), borrowed(ctx.membership)
    membership_lead, campaign, legitimacy, bloc_ratio = borrowed(ctx.membership_lead), borrowed(ctx.campaign), \
        borrowed(ctx.legitimacy), borrowed(ctx.bloc_ratio)
    patron_ratio, junta_ratio, lead_count = borrowed(ctx.patron_ratio), borrowed(ctx.junta_ratio), \
        borrowed(ctx.lead_count)
    draws, bits, caps = borrowed(ctx.draws), borrowed(ctx.bits), borrowed(ctx.caps)
    # an infinite scale: every party's log-odds computed, without the ensemble's bound (which changes nothing)
    decide.decide(p, 0, s, s + 1, month, arrays, african, first, membership, membership_lead, hostility, africa_bias,
                  campaign, legitimacy, mean_ideal, bloc_ratio, patron_ratio, junta_ratio, lead_count, draws, z, caps,
                  0.0, math.inf, accession_bound, bits)


@numba.njit(cache=True)
def take_view(ctx: Any) -> None:
    """The view of the month all agents decide on (see decide.peer_view), into the context's view arrays."""
    decide.peer_view(ctx.p, 0, ctx.clock[0], ctx.arrays, ctx.first, ctx.membership, ctx.membership_lead,
                     ctx.mean_ideal, ctx.bloc_ratio, ctx.patron_ratio, ctx.junta_ratio, ctx.lead_count, ctx.tallies)


def bound_view(ctx: AgentContext) -> Callable[[AgentContext], None]:
    """`take_view` for this context's types, without the per-call dispatch (see `bound_step`)."""
    return take_view.compile((numba.typeof(ctx),))


def bound_step(ctx: AgentContext) -> Callable[[AgentContext, int], None]:
    """`agent_step` compiled (or loaded from the cache) for this context's types, to be called without
    Numba's per-call dispatch, which inspects every field of the structure on each call."""
    return agent_step.compile((numba.typeof(ctx), numba.int64))
