"""The published scheme as the engine runs it: Izhikevich's MATLAB arithmetic, bit for bit.

figure1.m advances ``V = V + tau*(0.04*V^2+5*V+140-u+I)`` and then
``u = u + tau*a*(b*V-u)`` (panel R: ``u = u + tau*a*b*(V+65)``), evaluated by MATLAB (and
GNU Octave) from left to right, ``V^2`` being the C library's ``pow``. `PUBLISHED_UPDATE`
is that update as Brian2 abstract code, one binary operation per statement so that
sympy (through which Brian2 passes every expression) cannot reorder it, and
`pow2_function` is ``pow(x, 2)`` as a Brian2 function. ``tests/test_octave.py`` checks the
result against Octave on the presets and 200 random cases.

Examples
--------
>>> from izhi_widgets.engine_published import PUBLISHED_UPDATE
>>> PUBLISHED_UPDATE.split()[:6]
['I', '=', 'izhi_stim(t,', 'i)', 'hs', '=']
"""

from __future__ import annotations

__all__ = ["PUBLISHED_UPDATE", "POW2_CPP", "pow2_function"]

# The published scheme exactly as Izhikevich's figure1.m evaluates it in MATLAB/Octave:
#     V = V + tau*(0.04*V^2+5*V+140-u+I);    u = u + tau*a*(b*V-u);    (R: u + tau*a*b*(V+65))
# left to right, V^2 being the C library's pow(V, 2) (which differs from V*V in the last bit
# about once in a thousand values). Brian2 passes each expression through sympy, which
# reorders sums and products, so every operation is its own statement (one binary operation
# each: sympy cannot reorder a single sum or product in a way that changes its value).
# The recovery form is chosen by u_gain (1: standard, 0: accommodation); the unused form is
# multiplied by an exact 0.
PUBLISHED_UPDATE = """
I = izhi_stim(t, i)
hs = alive*h
vsq = izhi_pow2(v)
q2 = k2*vsq
q1 = k1*v
s1 = q2 + q1
s2 = s1 + k0
s3 = s2 - u
s4 = s3 + I
dv = hs*s4
v = v + dv
ha = hs*a
vs = v + v_shift
bv = b*vs
gu = u_gain*u
w = bv - gu
du_std = ha*w
hab = ha*b
du_acc = hab*vs
sel_acc = 1 - u_gain
part_std = u_gain*du_std
part_acc = sel_acc*du_acc
du = part_std + part_acc
u = u + du
"""

#: MATLAB's ``V^2`` for a scalar double is ``pow(V, 2)``. The volatile exponent stops the C++
#: compiler from folding ``pow(x, 2.0)`` into ``x*x`` (which rounds differently).
POW2_CPP = """
static inline double izhi_pow2(double x)
{
    volatile double two = 2.0;
    return pow(x, two);
}
"""


def pow2_function():
    """``izhi_pow2(x)``: the C library's ``pow(x, 2)``, as a Brian2 function."""
    import math

    import brian2 as b2

    func = b2.Function(lambda x: math.pow(x, 2.0), arg_units=[1], return_unit=1,
                       arg_types=["float"], return_type="float", stateless=True)
    func.implementations.add_implementation("cpp", code=POW2_CPP, name="izhi_pow2")
    return func
