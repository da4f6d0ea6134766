"""`python -m tangent.worker <queue>[,<queue>…] [celery worker options]`: a Celery worker for
these queues with their settings (tangent/queues.py); further options go to `celery worker`."""

from __future__ import annotations

import sys

from tangent.queues import worker_arguments


def main(argv: list[str]) -> None:
    if not argv or argv[0].startswith("-"):
        sys.exit(__doc__)
    from tangent.celery import app

    try:
        arguments = worker_arguments(argv[0].split(","))
    except ValueError as error:
        sys.exit(str(error))
    app.worker_main([*arguments, *argv[1:]])


if __name__ == "__main__":
    main(sys.argv[1:])
