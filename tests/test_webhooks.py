"""Webhooks: registration, signed events about graded and failed submissions, retries, the log."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from django.test import Client

from courseware.grading import pipeline
from courseware.models import Submission
from courseware.tasks import grade_submission
from lms.models import WebhookDelivery
from lms.tasks import deliver_outbox
from tangent.celery import app
from tests.support.people import api_key_for, make_user, operator_key
from tests.support.receiver import Receiver

pytestmark = pytest.mark.django_db(transaction=True)

RIGHT = {"parts": {"secant": {"value": "1"}, "tangent": {"value": "2"}}}


@pytest.fixture
def receiver(settings):
    settings.OUTBOUND_ALLOW_PRIVATE = True
    settings.LMS_RETRY_BASE_SECONDS = 0
    app.conf.task_always_eager = True
    with Receiver() as running:
        yield running
    app.conf.task_always_eager = False


@pytest.fixture
def key(bank):
    return api_key_for(make_user("client"))


def api(key):
    return Client(headers={"authorization": f"Bearer {key}"})


def post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def register(key, url, events=None):
    body = {"url": url} if events is None else {"url": url, "events": events}
    return post_json(api(key), "/api/v1/webhooks", body)


def verify(secret: str, request: dict) -> dict:
    """What a receiver does: check the signature over `<t>.<body>`, then read the event."""
    fields = dict(part.split("=", 1) for part in request["headers"]["Tangent-Signature"].split(","))
    signed = f"{fields['t']}.".encode() + request["body"]
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(expected, fields["v1"])
    return json.loads(request["body"])


def submit_and_grade(key, **extra) -> int:
    body = {"exercise": "m1-rise-over-run", "answer": RIGHT, **extra}
    submission_id = post_json(api(key), "/api/v1/submissions", body).json()["id"]
    submission = Submission.objects.get(pk=submission_id)
    grade_submission.apply(args=(submission.pk, submission.grading_round))
    return submission_id


def test_a_webhook_url_must_be_public_https_unless_tests_allow_local(key, settings):
    settings.OUTBOUND_ALLOW_PRIVATE = False
    for url in ("http://example.org/hook", "https://localhost/hook", "https://192.168.1.4/x"):
        response = register(key, url)
        assert response.status_code == 422, url
        assert response["Content-Type"] == "application/problem+json"


def test_webhooks_are_registered_listed_and_deleted(key, receiver):
    created = register(key, receiver.url)
    assert created.status_code == 201
    hook = created.json()
    assert hook["secret"].startswith("whsec_")
    assert hook["events"] == ["submission.failed", "submission.graded"]
    listed = api(key).get("/api/v1/webhooks").json()["items"]
    assert [h["id"] for h in listed] == [hook["id"]] and "secret" not in listed[0]
    assert api(key).delete(f"/api/v1/webhooks/{hook['id']}").status_code == 204
    assert api(key).get("/api/v1/webhooks").json()["items"] == []
    assert api(key).delete(f"/api/v1/webhooks/{hook['id']}").status_code == 404


def test_an_unknown_event_name_is_refused(key, receiver):
    assert register(key, receiver.url, ["submission.exploded"]).status_code == 422


def test_another_clients_webhook_is_invisible(key, receiver):
    hook = register(key, receiver.url).json()
    other = api_key_for(make_user("other"))
    assert api(other).delete(f"/api/v1/webhooks/{hook['id']}").status_code == 404
    assert api(other).get(f"/api/v1/webhooks/{hook['id']}/deliveries").status_code == 404


def test_a_test_event_arrives_signed_with_the_webhooks_secret(key, receiver):
    hook = register(key, receiver.url).json()
    response = api(key).post(f"/api/v1/webhooks/{hook['id']}/test")
    assert response.status_code == 202
    (request,) = receiver.requests
    event = verify(hook["secret"], request)
    assert event["type"] == "webhook.test"
    assert request["headers"]["Tangent-Event-Id"] == event["id"]
    log = api(key).get(f"/api/v1/webhooks/{hook['id']}/deliveries").json()["items"]
    assert log[0]["state"] == "delivered" and log[0]["response_status"] == 200


def test_a_graded_submission_sends_one_signed_event_with_its_result(key, receiver):
    hook = register(key, receiver.url).json()
    submission_id = submit_and_grade(key, learner="s-1")
    deliver_outbox.apply()
    deliver_outbox.apply()  # nothing new: no duplicate
    (request,) = receiver.requests
    event = verify(hook["secret"], request)
    assert event["type"] == "submission.graded"
    assert event["data"]["id"] == submission_id
    assert event["data"]["learner"] == "s-1"
    assert event["data"]["verdict"] in {"correct", "incorrect", "partial"}


def test_a_failed_submission_sends_a_failed_event(key, receiver, monkeypatch):
    def broken(submission):
        raise RuntimeError("the engine broke")

    monkeypatch.setattr(pipeline, "evaluate", broken)  # retried, then failed for good
    hook = register(key, receiver.url, ["submission.failed"]).json()
    body = {"exercise": "m1-rise-over-run", "answer": RIGHT}
    submission_id = post_json(api(key), "/api/v1/submissions", body).json()["id"]
    assert Submission.objects.get(pk=submission_id).status == "failed"
    deliver_outbox.apply()
    event = verify(hook["secret"], receiver.requests[0])
    assert event["type"] == "submission.failed" and event["data"]["status"] == "failed"


def test_a_webhook_only_gets_the_events_it_asked_for(key, receiver):
    register(key, receiver.url, ["submission.failed"])
    submit_and_grade(key)
    deliver_outbox.apply()
    assert receiver.requests == []


def test_a_failing_receiver_is_retried_with_the_same_event_id_until_it_accepts(key, receiver):
    hook = register(key, receiver.url).json()
    receiver.replies = [500, 503, 200]
    submit_and_grade(key)
    deliver_outbox.apply()
    ids = {r["headers"]["Tangent-Event-Id"] for r in receiver.requests}
    assert len(receiver.requests) == 3 and len(ids) == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "delivered" and delivery.tries == 3
    log = api(key).get(f"/api/v1/webhooks/{hook['id']}/deliveries").json()["items"]
    assert log[0]["tries"] == 3


def test_a_receiver_that_never_accepts_is_marked_failed_after_the_last_try(key, receiver):
    register(key, receiver.url)
    receiver.replies = [500] * 20
    submit_and_grade(key)
    deliver_outbox.apply()
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "failed" and "500" in delivery.last_error


def test_the_retry_delay_grows_exponentially(settings):
    from lms.delivery import backoff_seconds

    settings.LMS_RETRY_BASE_SECONDS = 10
    assert [backoff_seconds(n) for n in (1, 2, 3, 4)] == [10, 20, 40, 80]
    assert backoff_seconds(30) == 3600


def test_a_callback_is_signed_with_the_keys_own_callback_secret_and_not_its_digest(bank, receiver):
    made = operator_client().post("/api/v1/api-keys", "{}", content_type="application/json").json()
    submit_and_grade(made["key"], callback_url=receiver.url)
    deliver_outbox.apply()
    (request,) = receiver.requests
    event = verify(made["callback_secret"], request)
    assert event["type"] == "submission.graded"
    with pytest.raises(AssertionError):
        verify(hashlib.sha256(made["key"].encode()).hexdigest(), request)


def test_a_callback_whose_key_was_deleted_fails_for_good_instead_of_crashing(bank, receiver):
    from api import webhooks
    from lms.delivery import FAILED
    from lms.models import ApiKey

    made = operator_client().post("/api/v1/api-keys", "{}", content_type="application/json").json()
    submit_and_grade(made["key"], callback_url=receiver.url)
    deliver_outbox.apply()
    delivery = WebhookDelivery.objects.get(callback_for__isnull=False)
    ApiKey.objects.filter(pk=made["id"]).delete()
    delivery.refresh_from_db()
    outcome = webhooks.post(delivery)
    assert outcome.state == FAILED
    assert "deleted" in outcome.detail
    assert len(receiver.requests) == 1


def operator_client() -> Client:
    return api(operator_key())


def test_callback_secrets_are_stored_encrypted_and_the_admin_shows_neither_digest_nor_secret(
    bank, receiver
):
    from lms.models import ApiKey
    from tests.support.people import PASSWORD

    made = operator_client().post("/api/v1/api-keys", "{}", content_type="application/json").json()
    record = ApiKey.objects.get(pk=made["id"])
    assert made["callback_secret"] not in record.callback_secret
    admin = Client()
    assert admin.login(username="operator", password=PASSWORD)
    page = admin.get(f"/admin/lms/apikey/{record.pk}/change/")
    assert page.status_code == 200
    assert record.prefix in page.content.decode()
    assert record.digest not in page.content.decode()
    assert record.callback_secret not in page.content.decode()
    assert made["callback_secret"] not in page.content.decode()


def test_a_regrade_is_announced_again_with_a_new_event_id(key, receiver):
    register(key, receiver.url)
    submission_id = submit_and_grade(key)
    deliver_outbox.apply()
    assert operator_client().post(f"/api/v1/submissions/{submission_id}/regrade").status_code == 202
    submission = Submission.objects.get(pk=submission_id)
    grade_submission.apply(args=(submission.pk, submission.grading_round))
    deliver_outbox.apply()
    assert len(receiver.requests) == 2
    ids = {r["headers"]["Tangent-Event-Id"] for r in receiver.requests}
    assert len(ids) == 2


def test_webhook_secrets_are_stored_encrypted(key, receiver):
    from lms.models import Webhook

    secret = register(key, receiver.url).json()["secret"]
    assert secret not in Webhook.objects.get().secret
