"""Implementation of ``fad.optim``: optax's gradient transformations over fad arrays.

Modules, each importing only those before it: ``base`` (the transformation type,
``chain``, ``apply_updates``, tree arithmetic), ``transform`` (the building blocks),
``alias`` (the optimizers), ``schedules`` and ``inject`` (``inject_hyperparams``).
"""
