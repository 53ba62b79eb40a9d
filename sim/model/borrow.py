"""Array views that hold no reference, for compiled code that hands the same arrays down many times.

Numba counts the references of every array it passes on: each hand-over to an inlined function, and
each array taken from a tuple or a structure, is an atomic increment and later a decrement. Where the
code branches and loops in between, the compiler cannot remove the pairs, and in the compiled month they
cost more than the decisions themselves (a Mesa agent's step paid about fifty of them). `borrowed`
returns the same arrays (data, shape, strides) without their owner, as Numba's parallel loops see their
arrays; incrementing or decrementing such a view does nothing. A view must not outlive the call that
borrowed it (it is never returned or stored), which is how the compiled month and the agents' step use
them: the arrays belong to the Python caller for the whole call.
"""

from typing import Any

from numba.core import cgutils, types
from numba.extending import intrinsic


@intrinsic
def borrowed(typingctx: Any, value: types.Type) -> Any:
    """`value` (an array or a tuple of arrays) as views without an owner."""
    if isinstance(value, types.Array):
        members = None
    elif isinstance(value, types.BaseTuple) and all(isinstance(t, types.Array) for t in value):
        members = list(value)
    else:
        return None

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        def without_owner(array_type: types.Array, array: Any) -> Any:
            view = context.make_array(array_type)(context, builder, value=array)
            view.meminfo = cgutils.get_null_value(view.meminfo.type)
            return view._getvalue()

        if members is None:
            return without_owner(value, args[0])
        result = args[0]
        for i, array_type in enumerate(members):
            result = builder.insert_value(result, without_owner(array_type, builder.extract_value(args[0], i)), i)
        return result

    return value(value), codegen
