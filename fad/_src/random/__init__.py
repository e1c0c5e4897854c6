"""Counter-based, splittable pseudo-random numbers, bit-compatible with JAX's threefry2x32.

A key is a value: two ``uint32`` words. Sampling hashes a counter (``0, 1, 2, ...``)
with the Threefry-2x32 block cipher (20 rounds) under the key, so a key and a shape
determine the bits, with no hidden state. ``split`` and ``fold_in`` derive new keys
by hashing too. Everything is built from fad primitives, so ``vmap`` (batched keys),
differentiation (keys carry no tangent; samplers are differentiable in their float
parameters) and ``jit`` apply unchanged.

Seven modules, each using only those before it: ``threefry`` (the hash and JAX's two
counter layouts), ``keys`` (typed and raw keys and their static types, ``split``,
``fold_in``), ``continuous`` (uniform, normal, truncated normal and Gumbel floats),
``discrete`` (bits, Bernoulli, integers, permutations, categorical and ``choice``),
``gamma`` (gamma and loggamma with their reparameterization gradient; beta, dirichlet,
chisquare, t), ``derived`` (exponential, laplace, logistic, cauchy, pareto, weibull_min,
rademacher, multivariate_normal, orthogonal) and ``counts`` (poisson, binomial). The
samplers of the last three are compiled with ``jit``, as JAX compiles its own, so their
eager results carry XLA's roundings and match JAX bit for bit.
"""
