"""The training engine: pure functions of (spec, params, batch) on JAX.

Importing this package is cheap and pulls in no JAX: `trainer.spec` and
`trainer.datasets` are safe for the Django side. The JAX modules (`layers`,
`engine`, `probes`, `loop`) load only when imported by name.
"""
