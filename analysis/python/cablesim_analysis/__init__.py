"""Analysis of cablesim results files (docs/hdf5-schema.md) in Python: a reader returning
pandas objects, derived statistics and matplotlib figures. See docs/analysis.md.

    from cablesim_analysis import open_results, stats
    with open_results("jt.h5") as r:
        print(stats.region_summary(r))
"""

from . import export, recovery, stats
from .export import to_geojson, to_networkx
from .reader import (FORMAT, FORMAT_VERSION, IncompleteResultsError, Results, ResultsError,
                     open_results, outcome_table)

__all__ = ["open_results", "Results", "ResultsError", "IncompleteResultsError", "stats",
           "recovery", "export", "to_networkx", "to_geojson", "FORMAT", "FORMAT_VERSION", "outcome_table"]
