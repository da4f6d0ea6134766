"""Health and metrics: O(1) health checks for probes and Prometheus metrics kept as events happen."""
