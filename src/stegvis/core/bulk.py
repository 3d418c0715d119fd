"""Fast inserts for imports: multi-row INSERTs on SQLite, COPY on PostgreSQL.

``QuerySet.bulk_create`` builds model instances and prepares every field of every row through
the SQL compiler; for files of 100 000 rows that costs several times the insert itself. Imports
validate their rows first and then hand plain database values to :func:`insert_many`. Columns
the caller does not give get the field's default, prepared once, so a field added later to the
model never makes an import fail.

Values must already be in database form: use :func:`date_adapter`, :func:`json_adapter` and
:func:`db_datetime` (they pick the active backend's adapters), and encrypt before inserting.

Rows that later rows refer to (people before their enrolments) get their ids from
:func:`reserve_ids` and are inserted with them, so nothing has to be read back.
"""

from __future__ import annotations

import gc
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager, nullcontext
from itertools import chain

from django.db import connection, models
from django.db.transaction import TransactionManagementError


def date_adapter():
    """A function turning a date (or None) into the active backend's parameter value.

    Fetch it once per import: ``connection`` is a thread-local proxy, slow in a tight loop.
    Dates repeat from row to row, so each distinct date is adapted once.
    """
    adapt = connection.ops.adapt_datefield_value
    seen: dict = {None: adapt(None)}

    def adapted(value):
        try:
            return seen[value]
        except KeyError:
            seen[value] = result = adapt(value)
            return result

    return adapted


def json_adapter():
    """A function turning a JSON value into the backend's parameter value. Lists of keys repeat
    from row to row (income sources, languages), so each distinct list is adapted once."""
    ops = connection.ops
    seen: dict[tuple, object] = {}

    def adapt(value):
        if type(value) is not list:
            return ops.adapt_json_value(value, None)
        try:
            key = tuple(value)
            return seen[key]
        except KeyError:
            seen[key] = adapted = ops.adapt_json_value(value, None)
            return adapted
        except TypeError:  # a list holding lists or dicts
            return ops.adapt_json_value(value, None)

    return adapt


def db_datetime(value):
    return connection.ops.adapt_datetimefield_value(value)


def insert_many(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence],
    *,
    batch_size: int = 5000,
    on_batch: Callable[[int], None] | None = None,
    writer: Writer | None = None,
) -> int:
    """Insert ``rows`` (tuples in the order of ``columns``, attribute names such as
    ``federation_id``) into the model's table. Returns the number of rows inserted.

    With a :class:`Writer`, SQLite runs the statements while the next rows are prepared, and
    a row the database refuses raises from a later call or when the writer closes.

    ``on_batch(count)`` is called after each batch with the number of rows it inserted."""
    # Generated columns are computed by the database and cannot be written.
    fields = {f.attname: f for f in model._meta.concrete_fields if not f.generated}
    unknown = [c for c in columns if c not in fields]
    if unknown:
        raise ValueError(f"{model._meta.label} har inga kolumner {unknown}")
    defaults = [
        (field.column, field.get_db_prep_save(field.get_default(), connection))
        for name, field in fields.items()
        if name not in columns and not field.primary_key
    ]
    for column, value in defaults:
        if value is None and not fields_by_column(model)[column].null:
            raise ValueError(f"{model._meta.label}.{column} saknar standardvärde och måste anges.")
    quote = connection.ops.quote_name
    names = [fields[c].column for c in columns] + [column for column, _ in defaults]
    constants = tuple(value for _, value in defaults)
    table, column_list = quote(model._meta.db_table), ", ".join(quote(n) for n in names)
    placeholders = ", ".join(["%s"] * len(names))
    # Only identifiers from the model's metadata are formatted in; values are parameters.
    sql = f"INSERT INTO {table} ({column_list}) VALUES ({placeholders})"  # noqa: S608
    # psycopg sends (and parses) one statement per row, so on PostgreSQL a batch is streamed
    # with COPY. On SQLite one statement carries many rows: stepping a statement per row
    # (``executemany``) costs more than the rows' values, and the columns every row shares
    # are bound once per statement instead of once per row.
    if connection.vendor == "postgresql":

        def send(cursor, batch: list[tuple]) -> None:
            with (
                connection.wrap_database_errors,  # IntegrityError as Django's
                cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy,
            ):
                for row in batch:
                    copy.write_row(row + constants)

    elif connection.vendor == "sqlite":
        width = len(columns)
        per_statement = max(1, min(batch_size, (_sqlite_max_params() - len(constants)) // width))
        row_marks = "(" + ", ".join(["?"] * width) + ")"
        picked = ", ".join(f"column{i + 1}" for i in range(width))
        shared = "".join(", ?" for _ in constants)
        statements: dict[int, str] = {}

        def statement(rows: int) -> str:
            # Written with sqlite3's own ? marks and run on its cursor: Django's rewriting of
            # %s marks would scan every long statement with a regular expression.
            if rows not in statements:
                statements[rows] = (
                    f"INSERT INTO {table} ({column_list}) "  # noqa: S608 - identifiers only
                    f"SELECT {picked}{shared} FROM (VALUES {', '.join([row_marks] * rows)})"
                )
            return statements[rows]

        def send(cursor, batch: list[tuple]) -> None:
            for start in range(0, len(batch), per_statement):
                chunk = batch[start : start + per_statement]
                params = [*constants, *chain.from_iterable(chunk)]
                if writer is not None and writer.running:
                    writer.execute(statement(len(chunk)), params)
                    continue
                with connection.wrap_database_errors:  # IntegrityError as Django's
                    sqlite3.Cursor.execute(cursor.cursor, statement(len(chunk)), params)

    else:

        def send(cursor, batch: list[tuple]) -> None:
            cursor.executemany(sql, [row + constants for row in batch])

    count = 0
    batch: list[tuple] = []
    # While a writer runs, the connection is its thread's alone.
    with nullcontext() if writer and writer.running else connection.cursor() as cursor:
        for row in rows:
            batch.append(tuple(row))
            if len(batch) >= batch_size:
                send(cursor, batch)
                count += len(batch)
                if on_batch is not None:
                    on_batch(len(batch))
                batch = []
        if batch:
            send(cursor, batch)
            count += len(batch)
            if on_batch is not None:
                on_batch(len(batch))
    return count


class Writer:
    """Runs the statements of :func:`insert_many` on SQLite in a thread of its own, so the
    next rows are checked, encrypted and converted while SQLite writes the ones before
    (sqlite3 lets other threads run while a statement executes).

    Use it as a context manager inside the transaction, and run no other query until it is
    closed: the thread uses the connection meanwhile. Statements run in the order given, on
    the same connection and in the same transaction; after a failed statement the rest are
    dropped and the failure is raised (as Django's exception) from the next
    :meth:`execute` or at the end, so the transaction rolls back. On PostgreSQL, which
    streams rows with COPY as they come, nothing runs in the background.
    """

    def __init__(self) -> None:
        self.running = False
        self._failure: BaseException | None = None
        self._stopped = False  # set on failure or when the caller gives up: the rest is dropped

    def __enter__(self) -> Writer:
        if connection.vendor == "sqlite":
            if not connection.in_atomic_block:
                raise TransactionManagementError("Writer gäller bara inom en transaktion.")
            connection.ensure_connection()
            self._queue: queue.Queue = queue.Queue(maxsize=2)
            self._thread = threading.Thread(
                target=self._run, args=(connection.connection,), name="bulk-writer", daemon=True
            )
            self._thread.start()
            self.running = True
        return self

    def execute(self, sql: str, params: list) -> None:
        self._raise_failure()
        self._queue.put((sql, params))

    def __exit__(self, exc_type, exc, tb) -> None:
        if not self.running:
            return
        self.running = False
        if exc_type is not None:
            self._stopped = True
        self._queue.put(None)
        self._thread.join()
        if exc_type is None:
            self._raise_failure()

    def _run(self, db: sqlite3.Connection) -> None:
        cursor = db.cursor()
        try:
            while (item := self._queue.get()) is not None:
                if self._stopped:
                    continue
                try:
                    cursor.execute(*item)
                except BaseException as exc:  # raised in the caller's thread
                    self._failure, self._stopped = exc, True
        finally:
            cursor.close()

    def _raise_failure(self) -> None:
        # Raised again on every later call: statements after it were dropped, so nothing
        # written through this writer may be committed.
        if self._failure is not None:
            with connection.wrap_database_errors:
                raise self._failure


def reserve_ids(model: type[models.Model], count: int) -> Sequence[int]:
    """``count`` primary keys for rows of ``model`` that the caller inserts with explicit ids
    (``"id"`` among the columns of :func:`insert_many`) in the current transaction.

    On PostgreSQL they are drawn from the table's sequence, as an ordinary insert would draw
    them. On SQLite one statement moves the table's AUTOINCREMENT counter past the rows
    already there and the ids reserved. Being a write, it holds the database's write lock
    from before it reads until the transaction ends, so no other connection can insert rows
    in between; and the counter keeps ids of deleted rows from being handed out again.
    """
    if count <= 0:
        return range(0)
    if not connection.in_atomic_block:
        raise TransactionManagementError("reserve_ids gäller bara inom en transaktion.")
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if connection.vendor == "sqlite":
            last = _sqlite_reserve(cursor.cursor, table, pk, count)
            return range(last - count + 1, last + 1)
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), pk, count],
            )
            return [value for (value,) in cursor.fetchall()]
    raise NotImplementedError(f"reserve_ids saknas för {connection.vendor}.")


def _sqlite_reserve(cursor: sqlite3.Cursor, table: str, pk: str, count: int) -> int:
    """Move ``table``'s AUTOINCREMENT counter on by ``count`` past the larger of the counter
    and the largest id, and return the new counter: the last id reserved.

    Both statements write (``sqlite_sequence`` has no row for a table that never had one),
    and a writing statement takes the write lock before it reads anything. In WAL mode a
    transaction whose earlier reads are out of date cannot take it at all and fails
    (``SQLITE_BUSY_SNAPSHOT``) rather than reserve ids another connection has used.
    """
    quoted = '"' + pk.replace('"', '""') + '"'
    largest = f'(SELECT coalesce(max({quoted}), 0) FROM "{table}")'  # noqa: S608 - identifiers
    found = sqlite3.Cursor.execute(
        cursor,
        f"UPDATE sqlite_sequence SET seq = max(seq, {largest}) + ? "  # noqa: S608
        "WHERE name = ? RETURNING seq",
        [count, table],
    ).fetchall()
    if not found:
        found = sqlite3.Cursor.execute(
            cursor,
            f"INSERT INTO sqlite_sequence (name, seq) SELECT ?, {largest} + ? RETURNING seq",
            [table, count],
        ).fetchall()
    return found[0][0]


_paused = threading.Lock()
_pauses = 0
_was_enabled = False


@contextmanager
def collector_paused():
    """The cyclic garbage collector off while a file's rows are read and written.

    Every row leaves objects that stay alive until the import ends; each collection walks all
    of them again, and for 100 000 rows the collections took as long as reading the file.
    Reference counting still frees whatever is dropped; only cycles wait until the end. Usable
    as a decorator; nested and concurrent pauses end when the last of them ends, and the
    collector is turned back on only if it was on before the first.
    """
    global _pauses, _was_enabled
    with _paused:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _paused:
            _pauses -= 1
            if _pauses == 0 and _was_enabled:
                gc.enable()


def _sqlite_max_params() -> int:
    """How many parameters one SQLite statement may hold (999 in old builds)."""
    connection.ensure_connection()
    try:
        return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    except AttributeError:  # pragma: no cover - Python before 3.11
        return 999


LARGE = 1000


def after_large_insert(*models_written: type[models.Model], rows: int) -> None:
    """Call inside the import's transaction, after its inserts, when ``rows`` is large.

    On PostgreSQL, foreign keys are checked at commit with plans the connection may have cached
    while the tables were small: a sequential scan per checked row, which turns a 100 000-row
    import into hours. ``DISCARD PLANS`` makes those checks plan again against the tables as
    they now are, and ``ANALYZE`` gives the pages that read the new rows statistics that know
    of them (autovacuum would only catch up later). SQLite needs neither.
    """
    if rows < LARGE or connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("DISCARD PLANS")
        for model in models_written:
            cursor.execute(f"ANALYZE {quote(model._meta.db_table)}")


def fields_by_column(model: type[models.Model]) -> dict[str, models.Field]:
    return {f.column: f for f in model._meta.concrete_fields}
