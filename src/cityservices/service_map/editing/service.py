"""Saving staff edits: validation as on import, access limits, a version snapshot and an audit row per change.

Everything happens in the caller's transaction (one per request); after it commits, ``service_map.changed``
is published, naming the one record changed, so that in-memory indexes (search, nearest venues) pick up the change
at once (the search index by patching that record's entries, ``platform.indexes``).
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount
from cityservices.errors import Conflict, NotFound, RuleViolation
from cityservices.kit import events
from cityservices.kit.audit import Actor, record_audit, utc_now
from cityservices.platform.indexes import RECORD_SCOPE
from cityservices.platform.versioning import changed_fields, next_version, require_base
from cityservices.service_map.editing import repository as repo
from cityservices.service_map.editing.diff import Change, describe_changes
from cityservices.service_map.editing.models import RecordVersion
from cityservices.service_map.editing.records import read_record, record_kind, snapshot, write_record
from cityservices.service_map.install import CHANGED
from cityservices.service_map.scopes.service import require_can_edit

log = logging.getLogger(__name__)
BASELINE_ACTOR = "导入数据"


@dataclass(frozen=True)
class SaveResult:
    kind: str
    key: str
    version: int
    changed_fields: list[str]
    record: dict[str, Any]


@dataclass(frozen=True)
class VersionView:
    version: RecordVersion
    changes: list[Change] = field(default_factory=list)


def load_record(session: Session, *, kind: str, key: str) -> tuple[dict[str, Any], int]:
    """The current record as JSON and its version number (1, its original state, when it was never edited)."""
    record = read_record(session, kind, key)
    if record is None:
        raise NotFound(f"未找到{record_kind(kind).label} {key}")
    return snapshot(record), _numbered(repo.latest_version(session, kind, key), exists=True)


def _numbered(latest: int, *, exists: bool) -> int:
    """The version number staff see: the latest stored version; for a record never edited its original state
    is version 1 (stored as the ``baseline`` with the first edit, which becomes version 2), so numbers run
    1, 2, 3 … without a gap; 0 only for a record that does not exist yet."""
    return latest or (1 if exists else 0)


def save_record(
    session: Session,
    *,
    kind: str,
    key: str,
    data: dict[str, Any],
    account: StaffAccount,
    actor: Actor,
    base_version: int | None,
    restored_from: int | None = None,
) -> SaveResult:
    """Validate ``data`` as a record of ``kind`` and store it as the next version of ``key``.

    ``base_version`` (the version the editor started from; 0 for a record never edited or not yet created) is
    required: a save based on anything but the latest version is refused with 409, so no change is lost. The
    new version's number is ``base_version + 1``, unique per record, so of two saves from the same version that
    run at once one is refused too. Saving an unchanged record writes nothing.
    """
    spec = record_kind(kind)
    record = spec.validate(data)
    if spec.key_of(record) != key:
        raise RuleViolation(f"记录中的键 {spec.key_of(record)!r} 与地址中的 {key!r} 不一致")
    current = read_record(session, kind, key)
    require_can_edit(session, account, kind, current, record)
    base_version = require_base(base_version, message="请提供修改所基于的版本 (请求头 If-Match 或字段 base_version)")
    latest = repo.latest_version(session, kind, key)
    shown = _numbered(latest, exists=current is not None)
    # 0 still names the original state of a record never edited (as before versions were numbered from 1)
    if base_version != shown and not (latest == 0 and current is not None and base_version == 0):
        raise Conflict(f"该{spec.label}已被他人修改 (当前版本 {shown})，请刷新后再编辑")
    old = snapshot(current) if current is not None else {}
    new = snapshot(record)
    if current is not None and old == new:
        return SaveResult(kind, key, shown, [], new)
    if current is not None and latest == 0:
        latest = _add_version(session, kind, key, 1, "baseline", old, [], None, Actor(None, BASELINE_ACTOR))
    write_record(session, kind, record, exists=current is not None)
    action = "restore" if restored_from else ("update" if current is not None else "create")
    changed = changed_fields(old, new)
    version = _add_version(session, kind, key, next_version(latest), action, new, changed, restored_from, actor)
    detail: dict[str, Any] = {"version": version, "changed_fields": changed, "restored_from": restored_from}
    verified = [f for f in old.get("demo_fields") or [] if f not in (new.get("demo_fields") or [])]
    if verified:
        detail["verified"] = verified  # demo marks cleared: staff confirmed these values
    record_audit(session, actor=actor, action=f"{kind}.{action}", target_kind=kind, target_key=key, detail=detail)
    # One record: the in-memory indexes patch that record's entries instead of rebuilding (platform.indexes).
    events.publish_after_commit(session, CHANGED, {"kind": kind, "key": key, "version": version, "scope": RECORD_SCOPE})
    log.info("%s %s %s -> version %s by %s (%s)", kind, key, action, version, actor.name, ", ".join(changed))
    return SaveResult(kind, key, version, changed, new)


def _add_version(
    session: Session,
    kind: str,
    key: str,
    number: int,
    action: str,
    data: dict[str, Any],
    changed: list[str],
    restored_from: int | None,
    actor: Actor,
) -> int:
    session.add(RecordVersion(
        entity_kind=kind, entity_key=key, version=number, action=action, snapshot=data, changed_fields=changed,
        restored_from=restored_from, actor_id=actor.id, actor_name=actor.name, created_at=utc_now(),
    ))  # fmt: skip
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(f"{record_kind(kind).label} {key} 正被他人同时修改，请刷新后重试") from None
    return number


def restore_version(
    session: Session,
    *,
    kind: str,
    key: str,
    version: int,
    account: StaffAccount,
    actor: Actor,
    base_version: int | None,
) -> SaveResult:
    """Make an earlier version current again; this is itself a new version. ``base_version`` is the version
    the restorer saw as current (a later fix is not wiped by a restore decided before it)."""
    row = repo.get_version(session, kind, key, version)
    if row is None:
        raise NotFound(f"未找到{record_kind(kind).label} {key} 的版本 {version}")
    return save_record(session, kind=kind, key=key, data=row.snapshot, account=account, actor=actor,
                       base_version=base_version, restored_from=version)  # fmt: skip


def current_version(session: Session, *, kind: str, key: str) -> int:
    """The version number of a record as staff see it (1 when it was never edited, 0 when it does not exist)."""
    latest = repo.latest_version(session, kind, key)
    return latest or _numbered(latest, exists=read_record(session, kind, key) is not None)


@dataclass(frozen=True)
class Verification:
    """The latest save in which staff confirmed values marked as demo data (their marks were cleared)."""

    fields: list[str]
    actor: str
    at: dt.datetime
    version: int


def last_verification(session: Session, *, kind: str, key: str) -> Verification | None:
    """Who last confirmed demo-marked values of a record, when, and which: read from the version history."""
    versions = repo.list_versions(session, kind, key)  # newest first
    for newer, older in itertools.pairwise(versions):
        cleared = [
            f for f in older.snapshot.get("demo_fields") or [] if f not in (newer.snapshot.get("demo_fields") or [])
        ]
        if cleared:
            return Verification(cleared, newer.actor_name, newer.created_at, newer.version)
    return None


def version_history(session: Session, *, kind: str, key: str) -> list[RecordVersion]:
    versions = repo.list_versions(session, kind, key)
    if not versions and read_record(session, kind, key) is None:
        raise NotFound(f"未找到{record_kind(kind).label} {key}")
    return versions


def view_version(session: Session, *, kind: str, key: str, version: int) -> VersionView:
    """A version with the changes it made relative to the version before it."""
    row = repo.get_version(session, kind, key, version)
    if row is None:
        raise NotFound(f"未找到{record_kind(kind).label} {key} 的版本 {version}")
    previous = repo.get_version(session, kind, key, version - 1) if version > 1 else None
    return VersionView(row, describe_changes(previous.snapshot if previous else {}, row.snapshot))
