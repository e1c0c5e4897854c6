"""Implementation of ``fad.numpy``; importing it gives ``fad.Array`` its methods.

numpy's API, built from fad primitives so every transformation sees it. This layer does
what the primitives do not: numpy broadcasting, JAX's dtype promotion (with weak Python
scalars), default dtypes and argument checking. Its modules, each importing only those
listed before it:

- ``conversion``: ``asarray``, ``astype``, promotion and broadcasting (and ``stack``);
- ``shapes``: ``reshape``, ``transpose``, ``moveaxis`` and the other axis shuffles;
- ``creation``: ``zeros``, ``full``, ``eye``, ``array``, ``tri``/``tril``/``triu``, ``diag``;
- ``ufuncs``: elementwise math, comparisons and bitwise operations;
- ``ranges``: ``arange``, ``linspace``, ``logspace``, ``meshgrid``;
- ``logic``: ``all``/``any``, ``logical_*``, ``isnan``, ``isclose``, ``array_equal``;
- ``indexing``: ``x[idx]``, ``x.at[idx]``, ``take``, ``take_along_axis``;
- ``manipulation``: joining, splitting, tiling, flipping, rolling, ``pad``;
- ``sorting``: ``sort``, ``argsort``, ``searchsorted``, ``nonzero``, ``where``;
- ``reductions``: sums, extrema, statistics, quantiles, cumulative sums, ``diff``;
- ``products``: ``dot``, ``matmul``, ``tensordot`` and relatives;
- ``einsum`` and ``linalg`` on top, and ``array_methods``, which installs the methods;
- ``scalar_types``: ``float32`` and the other scalar types, callable (``jnp.float32(1.5)``).
"""

from fad._src.numpy import array_methods

array_methods.install()
