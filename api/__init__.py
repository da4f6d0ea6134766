"""The public REST API under /api/v1/ (django-ninja): keys, exercises, submissions, assessments,
exams, learners and webhooks. `api.main` holds the NinjaAPI and mounts each resource's routes."""
