"""The shared sign-in and session mechanism (``kit.sessions``), on the enterprise-account tables as an example of
a kind of account: start, resolve (idle, expired, owner gone, owner not usable), end, and the counted, audited
password sign-in."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from cityservices.insurance.enterprises.accounts.models import EnterpriseAccount, EnterpriseSession
from cityservices.kit.audit import Actor
from cityservices.kit.audit.models import AuditEntry
from cityservices.kit.sessions import PasswordRules, SessionKind, SignInAudit, sign_in_with_password

KIND = SessionKind(EnterpriseSession, "example")
NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Limits:
    session_idle_minutes: int = 60
    session_max_hours: int = 12


def an_account(session: Session, *, status: str = "active") -> EnterpriseAccount:
    row = EnterpriseAccount(uscc="91370200MA3C1234XX", contact_masked="王**", password_hash="stored", status=status,
                            created_at=NOW)  # fmt: skip
    session.add(row)
    session.flush()
    return row


def test_a_started_session_resolves_to_its_owner_and_ends(session: Session) -> None:
    account = an_account(session)
    token = KIND.start(session, now=NOW, limits=Limits(), account_id=account.id)
    found = KIND.resolve(session, token=token, now=NOW + dt.timedelta(minutes=5), limits=Limits(),
                         owner=lambda row: session.get(EnterpriseAccount, row.account_id))  # fmt: skip
    assert found is not None
    row, owner = found
    assert owner is account
    assert row.id == KIND.digest(token) != token
    assert row.last_seen_at == NOW + dt.timedelta(minutes=5)  # touched (more than a minute since)
    KIND.end(session, row.id)
    assert session.get(EnterpriseSession, row.id) is None


def test_a_token_of_another_kind_does_not_resolve(session: Session) -> None:
    account = an_account(session)
    token = KIND.start(session, now=NOW, limits=Limits(), account_id=account.id)
    other = SessionKind(EnterpriseSession, "other")
    assert other.digest(token) != KIND.digest(token)
    assert other.csrf_token(b"secret", token) != KIND.csrf_token(b"secret", token)
    assert other.resolve(session, token=token, now=NOW, limits=Limits(), owner=lambda row: account) is None


def test_an_empty_label_keeps_plain_sha256_digests() -> None:
    # the staff sessions' stored form: a session started before they moved to the kit still resolves
    assert SessionKind(EnterpriseSession, "").digest("tok") == hashlib.sha256(b"tok").hexdigest()
    assert KIND.digest("tok") == hashlib.sha256(b"example:tok").hexdigest()


def test_idle_expired_and_ownerless_sessions_are_ended(session: Session) -> None:
    account = an_account(session)
    limits = Limits()
    cases = {
        "idle": (NOW + dt.timedelta(minutes=61), account),
        "expired": (NOW + dt.timedelta(hours=12), account),
        "ownerless": (NOW, None),
    }
    for name, (at, owner) in cases.items():
        token = KIND.start(session, now=NOW, limits=Limits(session_idle_minutes=10**6), account_id=account.id)
        assert KIND.resolve(session, token=token, now=at, limits=limits if name == "idle" else Limits(10**6),
                            owner=lambda row, owner=owner: owner) is None, name  # fmt: skip
        assert session.get(EnterpriseSession, KIND.digest(token)) is None, name


def test_an_owner_not_usable_does_not_resolve_but_keeps_the_session(session: Session) -> None:
    account = an_account(session)
    token = KIND.start(session, now=NOW, limits=Limits(), account_id=account.id)
    assert KIND.resolve(session, token=token, now=NOW, limits=Limits(), owner=lambda row: account,
                        usable=lambda owner: False) is None  # fmt: skip
    assert session.get(EnterpriseSession, KIND.digest(token)) is not None


def test_a_new_session_ends_the_previous_one(session: Session) -> None:
    account = an_account(session)
    first = KIND.start(session, now=NOW, limits=Limits(), account_id=account.id)
    second = KIND.start(session, now=NOW, limits=Limits(), previous_token=first, account_id=account.id)
    assert session.get(EnterpriseSession, KIND.digest(first)) is None
    assert session.get(EnterpriseSession, KIND.digest(second)) is not None


@dataclass
class Rules:
    """Password and lock-out rules that record what they were asked."""

    allow: bool = True
    refreshed_to: str | None = None
    forgiven: list[tuple[str, str]] = field(default_factory=list)

    def rules(self) -> PasswordRules:
        return PasswordRules(
            count=lambda key, client: self.allow,
            forgive=lambda session, key, client: self.forgiven.append((key, client)),
            matches=lambda stored, password: stored == "stored" and password == "right",
            refreshed=lambda stored, password: self.refreshed_to,
        )


def audited(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).where(AuditEntry.target_key == "K").order_by(AuditEntry.id)))


def test_a_locked_sign_in_is_refused_before_the_account_is_read(session: Session) -> None:
    audit = SignInAudit(Actor(None, "example:K"), "example.login", "example", "K")
    looked: list[bool] = []

    def find() -> EnterpriseAccount | None:
        looked.append(True)
        return None

    rules = Rules(allow=False).rules()
    result = sign_in_with_password(session, find=find, usable=lambda a: True, password="right", rules=rules,
                                   throttle_key="t", client="-", audit=audit)  # fmt: skip
    assert result.locked
    assert result.account is None
    assert not looked
    assert audited(session) == ["example.login.locked"]


def test_a_wrong_password_or_an_unusable_account_fails(session: Session) -> None:
    account = an_account(session)
    audit = SignInAudit(Actor(None, "example:K"), "example.login", "example", "K")
    for password, usable in (("wrong", True), ("right", False)):
        rules = Rules()
        result = sign_in_with_password(session, find=lambda: account, usable=lambda a, u=usable: u,
                                       password=password, rules=rules.rules(), throttle_key="t", client="-",
                                       audit=audit)  # fmt: skip
        assert result.account is None
        assert not result.locked
        assert rules.forgiven == []
    assert audited(session) == ["example.login.failure", "example.login.failure"]


def test_a_right_password_forgives_the_attempt_and_refreshes_a_weak_hash(session: Session) -> None:
    account = an_account(session)
    rules = Rules(refreshed_to="stronger")
    audit = SignInAudit(Actor(None, "example:K"), "example.login", "example", "K")
    result = sign_in_with_password(session, find=lambda: account, usable=lambda a: True, password="right",
                                   rules=rules.rules(), throttle_key="t", client="1.2.3.4", audit=audit)  # fmt: skip
    assert result.account is account
    assert not result.locked
    assert rules.forgiven == [("t", "1.2.3.4")]
    assert account.password_hash == "stronger"
    assert audited(session) == ["example.login.success"]
