"""Whether two expressions are the same real function: fast, bounded in time, and honest.

`check_equivalent(answer, expected, variables)` returns an `Equivalence`: True, False (with a
counterexample point) or None (cannot decide: the answer awaits review instead of a guess).
"""

from grader.equivalence.engine import check_equivalent, locate_difference
from grader.equivalence.sampling import Tolerance
from grader.equivalence.verdicts import Equivalence

__all__ = ["Equivalence", "Tolerance", "check_equivalent", "locate_difference"]
