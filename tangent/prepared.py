"""Queries whose SQL is compiled once per process: the hottest reads of a learner's requests.

Building a queryset and compiling it to SQL costs Django 0.3–1 ms of CPU, several times what
PostgreSQL spends running it, and a page makes the same few queries on every request with only
their values changed. A `Prepared` query is built once per process with a stand-in for each
argument and compiled; from then on it runs that SQL with each call's values in the stand-ins'
places, and Django reads its rows as the queryset's own (model instances with their select_related
objects, dicts or tuples).

The queryset that `build` returns must depend on its arguments alone (anything else is frozen at
the first call: never `timezone.now()` or a setting). An int or str argument must reach the SQL as
a parameter unchanged: compared with a column (not in a list, not a pattern that `__contains` would
wrap). None and bools are the query's shape, not its parameters: it is compiled once for each
(`filter(course=None)` is `IS NULL`; a flag may add a filter). Rows are never kept: every call
runs its query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connections
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler

T = TypeVar("T")
Argument = int | str | bool | None
STAND_IN_INT = 2_000_000_000  # within a 32-bit column's range, and no constant of ours


@dataclass(frozen=True)
class _Compiled:
    queryset: QuerySet[Any]
    compiler: SQLCompiler
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, int], ...]  # (position in params, index of the argument)


class _CompiledQuery:
    """The queryset's query as its iterable reads it, with the compiler of one call."""

    def __init__(self, query: Any, compiler: SQLCompiler):
        self._query, self._compiler = query, compiler

    def get_compiler(self, *args: Any, **kwargs: Any) -> SQLCompiler:
        return self._compiler

    def __getattr__(self, name: str) -> Any:
        return getattr(self._query, name)


def _shallow_copy(found: T, **changes: Any) -> T:
    """A copy sharing `found`'s attributes but `changes` (copy.copy would run a queryset: it
    pickles it)."""
    made: T = object.__new__(type(found))
    made.__dict__.update(found.__dict__, **changes)
    return made


def _shape(value: object) -> object:
    """What of an argument the SQL is compiled for: the value of a None or a bool, the type of a
    parameter."""
    if value is None or type(value) is bool:
        return value
    if type(value) in (int, str):
        return type(value)
    raise TypeError(f"a prepared query takes ints, strs, bools and None, not {type(value)}")


def _stand_in(value: Argument, index: int) -> Argument:
    if type(value) is int:
        return STAND_IN_INT + index
    if type(value) is str:
        return f"\x00prepared-argument-{index}"
    return value  # the shape


class Prepared(Generic[T]):
    """`Prepared(lambda a, b: Model.objects.filter(x=a, y=b))`: calling it with (a, b) returns
    the rows of that queryset, as a list."""

    def __init__(self, build: Callable[..., QuerySet[Any, T]]):
        self._build = build
        self._compiled: dict[tuple[object, ...], _Compiled] = {}

    def __call__(self, *args: Argument) -> list[T]:
        shape = tuple(map(_shape, args))
        compiled = self._compiled.get(shape)
        if compiled is None:
            compiled = self._compiled[shape] = self._compile(args)
        params = list(compiled.params)
        for at, index in compiled.slots:
            params[at] = args[index]
        statement = (compiled.sql, tuple(params))
        compiler = _shallow_copy(
            compiled.compiler,
            connection=connections[compiled.queryset.db],  # this thread's
            as_sql=lambda *_, **__: statement,
        )
        query = _CompiledQuery(compiled.queryset.query, compiler)
        return list(_shallow_copy(compiled.queryset, _query=query))

    def first(self, *args: Argument) -> T | None:
        """The first row (for a queryset that ends with `[:1]`), or None."""
        return next(iter(self(*args)), None)

    def _compile(self, args: tuple[Argument, ...]) -> _Compiled:
        stand_ins = [_stand_in(arg, index) for index, arg in enumerate(args)]
        queryset = self._build(*stand_ins)
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        parameters = {index for index, arg in enumerate(args) if type(arg) in (int, str)}
        slots = tuple(
            (at, index)
            for at, param in enumerate(params)
            for index in parameters
            if type(param) is type(stand_ins[index]) and param == stand_ins[index]
        )
        missing = parameters - {index for _, index in slots}
        if missing:
            raise TypeError(f"arguments {sorted(missing)} are not parameters of the query's SQL")
        filled = {at for at, _ in slots}
        elsewhere = [sql] + [str(param) for at, param in enumerate(params) if at not in filled]
        if any(str(stand_ins[i]) in text for i in parameters for text in elsewhere):
            raise TypeError("an argument reaches the query's SQL changed, or in its text")
        return _Compiled(queryset, compiler, sql, tuple(params), slots)
