"""A Celery app for fault tests: the real worker, with grading slowed down or failing on demand.

TANGENT_TEST_GRADING_DELAY=3      sleep 3 s before a submission's first grading (time to kill the
                                  worker mid-grading; a redelivery is graded at once)
TANGENT_TEST_GRADER_FAILURES=2    raise a grader error until the submission has had 2 of them
"""

import os
import time

import django

from tangent.celery import app

django.setup()

from courseware.grading import pipeline  # noqa: E402

_evaluate = pipeline.evaluate


def evaluate(submission):
    if submission.deliveries == 1:
        time.sleep(float(os.environ.get("TANGENT_TEST_GRADING_DELAY", "0")))
    if submission.grader_errors < int(os.environ.get("TANGENT_TEST_GRADER_FAILURES", "0")):
        raise RuntimeError("injected grader fault")
    return _evaluate(submission)


pipeline.evaluate = evaluate

__all__ = ["app"]
