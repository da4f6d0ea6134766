"""A query compiled once (tangent.prepared) reads what its queryset reads, for every call's values."""

import pytest
from django.db.models import Count, QuerySet

from courseware.models import Course, Membership
from tangent.prepared import Prepared
from tests.support.people import enrol, make_course, make_user

pytestmark = pytest.mark.django_db


def memberships(user_id: int, role: str | None, staff_only: bool) -> QuerySet[Membership]:
    found = Membership.objects.filter(user_id=user_id).select_related("course").order_by("pk")
    if role is not None:
        found = found.filter(role=role)
    return found.filter(role="staff") if staff_only else found


def test_rows_as_the_queryset_reads_them_for_each_calls_values():
    ada, bo = make_user("ada"), make_user("bo")
    calc, linalg = make_course("calc"), make_course("linalg", "Linear algebra")
    enrol(ada, calc)
    enrol(ada, linalg, Membership.Role.STAFF)
    enrol(bo, linalg)
    prepared = Prepared(memberships)
    for user in (ada, bo, ada):
        for role in (None, "learner", "staff"):
            for staff_only in (False, True):
                found = prepared(user.pk, role, staff_only)
                expected = list(memberships(user.pk, role, staff_only))
                assert found == expected
                assert [m.course.slug for m in found] == [m.course.slug for m in expected]


def test_values_and_annotations_come_back_as_the_queryset_gives_them():
    ada = make_user("ada")
    enrol(ada, make_course("calc"))
    counted = Prepared(
        lambda slug: (
            Course.objects.filter(slug=slug)
            .annotate(members=Count("memberships"))
            .values_list("title", "members")
        )
    )
    assert counted("calc") == [("Calculus for ML", 1)]
    assert counted("nothing") == []
    titles = Prepared(lambda slug: Course.objects.filter(slug=slug).values("title"))
    assert titles("calc") == [{"title": "Calculus for ML"}]


def test_each_call_runs_its_query(django_assert_num_queries):
    calc = make_course("calc")
    by_slug = Prepared(lambda slug: Course.objects.filter(slug=slug)[:1])
    assert by_slug.first("calc") == calc
    with django_assert_num_queries(1):
        assert by_slug.first("calc") == calc
    Course.objects.filter(pk=calc.pk).update(title="Calculus again")
    assert by_slug.first("calc").title == "Calculus again"


def test_an_argument_that_is_not_a_parameter_of_the_sql_is_refused():
    ignored = Prepared(lambda slug: Course.objects.all())
    with pytest.raises(TypeError, match="not parameters"):
        ignored("calc")
    with pytest.raises(TypeError, match="ints, strs, bools and None"):
        Prepared(lambda slugs: Course.objects.filter(slug__in=slugs))(["calc"])
    with pytest.raises(TypeError, match="in its text"):
        Prepared(lambda count: Course.objects.filter(pk__gte=count)[:count])(2)
    with pytest.raises(TypeError, match="changed"):
        Prepared(
            lambda slug: (
                Course.objects.filter(slug=slug) | Course.objects.filter(title__contains=slug)
            )
        )("calc")


def test_postgresql_plans_a_repeated_query_once_per_connection():
    """The second run of the same SQL on a connection uses a server-side prepared statement."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    user = make_user("ada")
    prepared = Prepared(lambda user_id: Membership.objects.filter(user_id=user_id))
    for _ in range(3):
        prepared(user.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "courseware_membership" WHERE "courseware_membership"."user_id" = $1%'],
        )
        assert cursor.fetchone()[0] >= 1
