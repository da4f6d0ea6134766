"""A signed-in learner's session is read from Redis, not PostgreSQL, yet logging out ends it for
good and pages keep working when Redis is away."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client, override_settings

from tangent import redis_client
from tests.support.people import PASSWORD, make_course, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    make_user("ada")
    make_course()
    client = Client()
    assert (
        client.post("/accounts/login/", {"username": "ada", "password": PASSWORD}).status_code
        == 302
    )
    return client


def session_queries(client, path: str) -> tuple[int, list[str]]:
    seen = []

    def record(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = client.get(path)
    return response.status_code, [sql for sql in seen if "django_session" in sql]


def test_a_signed_in_page_reads_the_session_from_redis(client):
    status, queries = session_queries(client, "/courses/")
    assert status == 200
    assert queries == []


def test_a_session_evicted_from_redis_is_read_from_the_database_and_kept_again(client):
    for key in redis_client.client().scan_iter(match=redis_client.cache_key("session:*", "", 1)):
        redis_client.client().delete(key)
    status, queries = session_queries(client, "/courses/")
    assert (status, len(queries)) == (200, 1)
    assert session_queries(client, "/courses/") == (200, [])


def test_logging_out_ends_the_session_copy_and_all(client):
    cookie = client.cookies["sessionid"].value
    client.post("/accounts/logout/")
    stolen = Client()
    stolen.cookies["sessionid"] = cookie
    assert stolen.get("/courses/").status_code == 302  # to the log-in page


def test_without_redis_a_signed_in_learner_still_sees_their_pages(client):
    with override_settings(REDIS_URL="redis://127.0.0.1:9/0"):  # the discard port: no Redis
        redis_client.client.cache_clear()
        try:
            response = client.get("/courses/")
        finally:
            redis_client.client.cache_clear()
    assert response.status_code == 200
    assert "ada" in response.content.decode()


def test_a_request_that_read_the_session_before_the_log_out_cannot_bring_it_back(client):
    from tangent.sessions import SessionStore

    key = client.cookies["sessionid"].value
    redis_client.client().delete(redis_client.cache_key(f"session:{key}", "", 1))
    racing = SessionStore(key)
    stored = racing._get_session_from_db()  # a request reads the row (its copy was evicted) …
    client.post("/accounts/logout/")  # … the learner logs out …
    racing._keep_copy(
        stored.session_data, 3600, only_if_absent=True
    )  # … and it copies what it read
    stolen = Client()
    stolen.cookies["sessionid"] = key
    assert stolen.get("/courses/").status_code == 302


def test_a_session_signed_in_through_djangos_own_backend_stays_signed_in():
    ada = make_user("ada")
    client = Client()
    client.force_login(ada, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/courses/")
    assert response.status_code == 200
    assert "ada" in response.content.decode()


def test_a_wrong_password_signs_no_one_in_and_a_deactivated_learner_is_signed_out(client):
    other = Client()
    refused = other.post("/accounts/login/", {"username": "ada", "password": "not-it"})
    assert refused.status_code == 200
    assert "enter a correct username and password" in refused.content.decode()
    assert other.get("/courses/").status_code == 302  # to the log-in page
    User.objects.filter(username="ada").update(is_active=False)
    assert client.get("/courses/").status_code == 302
