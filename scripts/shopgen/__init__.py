"""``shopgen``: the synthetic raw-data generator behind ``scripts/generate_data.py``.

What the data looks like (determinism, linkage, messiness rates, formats) is documented in
the docstring of ``scripts/generate_data.py``. The package follows the order of a run:

=================  =========================================================================
``options``        CLI parser, argument checks, sizes, messiness levels (``Mess``, ``MESS``)
``schema``         the eleven tables and their columns (``TABLE_COLUMNS``), the optional
                   marketing family (``written_tables``, ``written_columns``)
``vocab``          vocabularies, fixed distributions, status / event-type codes
``common``         time units, id spaces, segmented-array and random helpers
``text``           raw spellings (money, timestamps, ids, booleans) and case / padding noise
``calendar``       seasonal / weekly / hourly activity weights and timestamp sampling
``products``       the catalog and popularity-weighted product picks
``customers``      registered and guest customers
``carts``          carts in time (status, lines, follow-ups) and their contents
``commerce``       catalog / cart tables, and the orchestration of the commerce tables
``orders``         orders and order_items
``returns``        returns and return_items
``events``         the clickstream and its text batches
``marketing``      campaigns, campaign_spend and the campaign tags of orders
``writers``        CSV / Parquet output
``pipeline``       ``generate``: the steps above in their fixed order
``cli``            ``main``: the command line
=================  =========================================================================

Every random draw comes from ``numpy.random.default_rng(seed)`` spawned into eight child
streams (products, customers, carts, cart tables, orders, returns, events, marketing); within
a stream the draws happen in a fixed order, so the same arguments give byte-identical files.
The marketing stream is the last child: the first seven, and so every file but the marketing
ones and the orders' two tag columns, are the same with or without ``--no-marketing``.
"""

from .cli import main
from .options import FORMATS, MESS, MESSINESS_LEVELS, Mess
from .pipeline import generate
from .schema import TABLE_COLUMNS

__all__ = ["generate", "main", "TABLE_COLUMNS", "MESSINESS_LEVELS", "FORMATS", "MESS", "Mess"]
