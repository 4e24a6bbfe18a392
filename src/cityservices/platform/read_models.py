"""Read models: public answers built once per data generation, kept as encoded JSON bytes and sent as they are.

A read model is a per-process table ``key → bytes`` for one kind of answer (a venue, a guide, a bundle, an item).
An entry is made the first time its key is asked for, from the same use case the route always ran, encoded once
(pydantic-core's serializer: the schema the route declares, by alias, compact) and then sent as a raw
``Response`` on every later request: no ORM objects, no validation, no JSON encoding on the hot path. The route
keeps its ``response_model`` for the OpenAPI document; FastAPI sends a returned ``Response`` without validating
it against that model.

A table may also be *prebuilt* (``ReadModel.prebuild``): every answer of it made in one pass (a few queries for
all keys instead of several per key) when the worker warms up, and again on a background thread each time the
table is dropped, so the answers of a generation are made once per worker and not by the requests that ask first.
While a fill runs, a request for a key not yet kept builds its own answer as before.

The table is dropped whenever one of its topics changes (``kit.events.data_generation(*topics)``, which moves in
every worker as soon as a change event — local or relayed from another process — has been handled), so a staff
edit is visible at once everywhere, exactly like the answer cache (``platform.http_cache``). An answer built
while a change arrived is not kept. Only public answers may be kept: the same for every caller, never personal
data (the routes using it are declared ``cacheable``, which ``tests/platform/test_cache_declarations.py`` checks).
Each table is kept on the app (``app.state``), so two apps in one process (tests) never share answers.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import Any

from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from cityservices.kit.events import data_generation

log = logging.getLogger(__name__)
JSON = "application/json"
DEFAULT_ENTRIES = 20_000  # per table: the demo city has about 2,000 venues and 1,500 items


class EncodedJSON(Response):
    """JSON already encoded: sent as it is (no validation against the route's ``response_model``)."""

    media_type = JSON


def encode(model: BaseModel) -> bytes:
    """The answer as FastAPI would send it for ``response_model=type(model)``: by alias, compact UTF-8 JSON."""
    return model.__pydantic_serializer__.to_json(model, by_alias=True)


class ReadModel:
    """Encoded answers of one kind per key, valid for the current generation of ``topics``."""

    def __init__(self, name: str, topics: tuple[str, ...], *, entries: int = DEFAULT_ENTRIES) -> None:
        self.name, self.topics, self.entries = name, topics, entries
        self._generation = data_generation(*topics)
        self._answers: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self._fill: Callable[[], Mapping[Hashable, bytes]] | None = None
        self._filling = False  # a background fill is under way
        self.builds = 0  # answers built one by one, by a request
        self.fills = 0  # whole tables built and kept

    def get(self, key: Hashable) -> bytes | None:
        with self._lock:
            if self._drop_if_changed():
                self._start_fill()
            return self._answers.get(key)

    def keep(self, key: Hashable, body: bytes, generation: int) -> None:
        """Keep ``body`` unless the data changed since ``generation`` (when its building began)."""
        with self._lock:
            if self._drop_if_changed():
                self._start_fill()
            if generation != self._generation or self.entries <= 0:
                return
            self._answers[key] = body
            while len(self._answers) > self.entries:
                self._answers.popitem(last=False)

    def generation(self) -> int:
        return data_generation(*self.topics)

    def __len__(self) -> int:
        return len(self._answers)

    def _drop_if_changed(self) -> bool:
        current = data_generation(*self.topics)
        if current == self._generation:
            return False
        self._answers.clear()
        self._generation = current
        return True

    def prebuild(self, fill: Callable[[], Mapping[Hashable, bytes]], *, refill: bool = True) -> None:
        """Keep every answer ``fill()`` makes (key → encoded body) now, on this thread; with ``refill``, fill the
        table again on a background thread each time it is dropped (``refill=False`` for an app whose sessions
        share one connection, which two threads cannot use: its tables fill key by key after a change)."""
        self._fill = fill if refill else None
        with self._lock:
            self._filling = True
        self._fill_until_current(fill)

    def _start_fill(self) -> None:  # under self._lock
        if self._fill is None or self._filling:
            return
        self._filling = True
        threading.Thread(
            target=self._fill_until_current, args=(self._fill,), name=f"fill-{self.name}", daemon=True
        ).start()

    def _fill_until_current(self, fill: Callable[[], Mapping[Hashable, bytes]]) -> None:
        """Fill the table; again if its topics changed while it was being filled (that fill is thrown away)."""
        while True:
            generation = self.generation()
            try:
                answers: Mapping[Hashable, bytes] | None = fill()
            except Exception:
                log.exception("filling the %s read model failed; its answers are built one by one", self.name)
                answers = None
            with self._lock:
                self._drop_if_changed()
                current = generation == self._generation
                if answers is not None and current and self.entries > 0:
                    self._answers.update(answers)
                    while len(self._answers) > self.entries:
                        self._answers.popitem(last=False)
                    self.fills += 1
                if answers is None or current:
                    self._filling = False
                    return

    async def answer(self, key: Hashable, build: Callable[[], BaseModel]) -> EncodedJSON:
        """The kept answer of ``key``, or ``build()`` (run in the thread pool: it uses the database) encoded and
        kept. Errors raised by ``build`` (``NotFound``…) propagate and nothing is kept."""
        body = self.get(key)
        if body is None:
            generation = self.generation()
            body = await run_in_threadpool(lambda: encode(build()))
            self.builds += 1
            self.keep(key, body, generation)
        return EncodedJSON(body)


def read_model(app: Any, name: str, topics: tuple[str, ...]) -> ReadModel:
    """The app's read model called ``name`` (made on first use)."""
    models: dict[str, ReadModel] | None = getattr(app.state, "read_models", None)
    if models is None:
        models = app.state.read_models = {}
    found = models.get(name)
    if found is None:
        found = models[name] = ReadModel(name, topics)
    return found
