"""Zero-downtime (T3) strategies, one module per op family, registered with `@online(op)`.

Each returns Steps tagged expand / migrate / contract; `phases_of` turns them into phases with
the app-deploy gates between them. What cannot be done online raises ZeroDowntimeImpossible.
"""
from . import columns, constraints, data, expand, indexes, inplace  # noqa: F401  (registers the strategies)
