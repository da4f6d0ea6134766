"""The staff side of a course: gradebook, exercise analytics, variant fairness, regrading, review."""
