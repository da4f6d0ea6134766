"""What a Celery worker does as it starts, before its pool takes tasks."""

import gc

from courseware.tasks import freeze_what_start_up_made


def test_a_starting_worker_freezes_what_it_imported_out_of_the_collectors_reach():
    made_at_start_up = [[index] for index in range(10_000)]  # stand-ins for imported objects
    frozen_before = gc.get_freeze_count()
    freeze_what_start_up_made()
    assert gc.get_freeze_count() >= frozen_before + len(made_at_start_up)
