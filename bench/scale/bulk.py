"""Bulk loading for the national dataset: PostgreSQL COPY, and ids taken from each table's
own sequence so that rows can refer to each other before any of them is written.

COPY rather than bulk_create for the large tables: it is several times faster, and it
writes exactly the values given (bulk_create would stamp `auto_now` fields with the time
of the run, where the history needs its own dates)."""

import datetime
import io
import json

from django.db import connection

NULL = r"\N"
FLUSH_ROWS = 20_000


def _text(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return NULL
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    text = json.dumps(value) if isinstance(value, dict | list) else str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                .replace("\r", "\\r"))
    return text


class Table:
    """Rows for one table, sent with COPY every FLUSH_ROWS rows and at `flush()`."""

    def __init__(self, table: str, columns: list[str]):
        self.table = table
        self.columns = columns
        self.rows = 0
        self._pending = 0
        self._buffer = io.StringIO()

    @classmethod
    def of(cls, model, columns: list[str]) -> "Table":
        return cls(model._meta.db_table, columns)

    def add(self, *values) -> None:
        if len(values) != len(self.columns):
            raise ValueError(f"{self.table}: {len(values)} values for {len(self.columns)} columns")
        self._buffer.write("\t".join(_text(v) for v in values))
        self._buffer.write("\n")
        self.rows += 1
        self._pending += 1
        if self._pending >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cursor, cursor.cursor.copy(
                f"COPY {connection.ops.quote_name(self.table)} ({columns}) FROM STDIN") as copy:
            copy.write(self._buffer.getvalue())
        self._buffer = io.StringIO()
        self._pending = 0


class Ids:
    """Ids from a table's own sequence, fetched a block at a time, so a row's id is known
    before it is written (and later rows of the same run never collide with it)."""

    BLOCK = 10_000

    def __init__(self, model):
        self.table = model._meta.db_table
        self._free: list[int] = []

    def next(self) -> int:
        if not self._free:
            with connection.cursor() as cursor:
                cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                               "FROM generate_series(1, %s)", [self.table, self.BLOCK])
                self._free = [row[0] for row in cursor.fetchall()][::-1]
        return self._free.pop()
