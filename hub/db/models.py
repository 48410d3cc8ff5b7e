"""The database schema. Every change here comes with an Alembic revision."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON}


def _fk(table: str) -> ForeignKey:
    return ForeignKey(f"{table}.id", ondelete="CASCADE")


user_group_map = Table(
    "user_group_map",
    Base.metadata,
    Column("user_id", Integer, _fk("users"), primary_key=True),
    Column("group_id", Integer, _fk("groups"), primary_key=True, index=True),
)
user_role_map = Table(
    "user_role_map",
    Base.metadata,
    Column("user_id", Integer, _fk("users"), primary_key=True),
    Column("role_id", Integer, _fk("roles"), primary_key=True, index=True),
    #: granted by the authenticator (``manage_roles``): it may take the grant back
    Column("managed_by_auth", Boolean, nullable=False, default=False, server_default=false()),
)
group_role_map = Table(
    "group_role_map",
    Base.metadata,
    Column("group_id", Integer, _fk("groups"), primary_key=True),
    Column("role_id", Integer, _fk("roles"), primary_key=True, index=True),
)
service_role_map = Table(
    "service_role_map",
    Base.metadata,
    Column("service_id", Integer, _fk("services"), primary_key=True),
    Column("role_id", Integer, _fk("roles"), primary_key=True, index=True),
)


class Role(Base):
    __tablename__ = "roles"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    scopes: Mapped[list[str]] = mapped_column(default=list)
    #: set for roles that come from ``load_roles``; they are deleted when the
    #: configuration stops listing them
    from_config: Mapped[bool] = mapped_column(Boolean, default=False)
    #: created by the authenticator (``manage_roles``): deleted once nobody holds it
    managed_by_auth: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created: Mapped[datetime] = mapped_column(DateTime)
    last_activity: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    cookie_id: Mapped[str] = mapped_column(String(255), unique=True)
    user_info: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    encrypted_auth_state: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    #: when the authenticator last confirmed the login (log in, ``refresh_user``)
    auth_refreshed: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    roles: Mapped[list[Role]] = relationship(secondary=user_role_map, lazy="raise")
    groups: Mapped[list[Group]] = relationship(secondary=user_group_map, back_populates="users", lazy="raise")
    servers: Mapped[list[Server]] = relationship(
        back_populates="user", lazy="raise", cascade="all, delete-orphan", passive_deletes=True
    )


class Group(Base):
    __tablename__ = "groups"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    properties: Mapped[dict[str, Any]] = mapped_column(default=dict)

    users: Mapped[list[User]] = relationship(secondary=user_group_map, back_populates="groups", lazy="raise")
    roles: Mapped[list[Role]] = relationship(secondary=group_role_map, lazy="raise")


class Service(Base):
    __tablename__ = "services"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    admin: Mapped[bool] = mapped_column(Boolean, default=False)
    url: Mapped[str | None] = mapped_column(Text, nullable=True)
    info: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    display: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    command: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    pid: Mapped[int | None] = mapped_column(Integer, nullable=True)
    oauth_client_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    oauth_redirect_uri: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: skip the OAuth confirmation page for this service's client
    oauth_no_confirm: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    #: False for services created over the API: they outlive configuration changes
    from_config: Mapped[bool] = mapped_column(Boolean, default=True)

    roles: Mapped[list[Role]] = relationship(secondary=service_role_map, lazy="raise")


class Server(Base):
    """A user's server record; it outlives the process it describes."""

    __tablename__ = "servers"
    __table_args__ = (UniqueConstraint("user_id", "name", name="uq_servers_user_id_name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(_fk("users"), index=True)
    name: Mapped[str] = mapped_column(String(255), default="")
    display_name: Mapped[str] = mapped_column(String(255), default="")
    pending: Mapped[str | None] = mapped_column(String(16), nullable=True)
    url: Mapped[str | None] = mapped_column(Text, nullable=True)
    started: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_activity: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    user_options: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    state: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    #: progress events of the current or last start, in order
    progress: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, nullable=True)
    #: why the last start failed, if it did
    spawn_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: the port the server's batch job reported (BatchSpawner's ``POST /hub/api/batchspawner``)
    reported_port: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: the token the running server authenticates with
    token_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_tokens.id", ondelete="SET NULL"), nullable=True
    )
    #: the hub process running the pending start or stop, and until when it
    #: holds it (renewed while it runs; another process takes over once it expires)
    lease_owner: Mapped[str | None] = mapped_column(String(255), nullable=True)
    lease_expires: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    #: where a start's process listens, recorded before it is ready (for a takeover)
    spawn_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: the machine the server's process runs on, when the spawner's state only
    #: means something there (a pid): only hub processes on it poll or stop it
    machine: Mapped[str | None] = mapped_column(String(255), nullable=True)
    #: the last failed start: ``{"reason", "message", "at"}``, until a start succeeds
    last_error: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)

    user: Mapped[User] = relationship(back_populates="servers", lazy="raise")


class APIToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    hashed: Mapped[str] = mapped_column(String(255), unique=True)
    user_id: Mapped[int | None] = mapped_column(_fk("users"), nullable=True, index=True)
    service_id: Mapped[int | None] = mapped_column(_fk("services"), nullable=True, index=True)
    note: Mapped[str] = mapped_column(String(1023), default="")
    created: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True, index=True)
    last_activity: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    scopes: Mapped[list[str]] = mapped_column(default=list)
    client_id: Mapped[str] = mapped_column(Text, default="jupyterhub")
    session_id: Mapped[str | None] = mapped_column(String(255), nullable=True)

    user: Mapped[User | None] = relationship(lazy="raise")
    service: Mapped[Service | None] = relationship(lazy="raise")


class OAuthClient(Base):
    """A client of the hub's OAuth provider: a single-user server or a service."""

    __tablename__ = "oauth_clients"
    id: Mapped[int] = mapped_column(primary_key=True)
    #: long: made from user and server names (quoted)
    identifier: Mapped[str] = mapped_column(Text, unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    #: the client secret, hashed as tokens are
    secret: Mapped[str] = mapped_column(String(255))
    redirect_uri: Mapped[str] = mapped_column(Text)
    allowed_scopes: Mapped[list[str]] = mapped_column(default=list)
    created: Mapped[datetime] = mapped_column(DateTime)


class OAuthCode(Base):
    """An authorization code: single use, short-lived, stored hashed."""

    __tablename__ = "oauth_codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    hashed: Mapped[str] = mapped_column(String(255), unique=True)
    client_id: Mapped[str] = mapped_column(
        Text, ForeignKey("oauth_clients.identifier", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(_fk("users"), index=True)
    scopes: Mapped[list[str]] = mapped_column(default=list)
    redirect_uri: Mapped[str] = mapped_column(Text)
    session_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    code_challenge: Mapped[str | None] = mapped_column(String(255), nullable=True)
    code_challenge_method: Mapped[str | None] = mapped_column(String(16), nullable=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class Share(Base):
    """Scopes on one server, granted to one user or one group.

    ``scopes`` holds bare scope names: the ``!server=`` filter is always the
    share's own server, so it is added when the scopes are read, and a renamed
    owner or server keeps its shares.
    """

    __tablename__ = "shares"
    __table_args__ = (
        UniqueConstraint("server_id", "user_id", name="uq_shares_server_id_user_id"),
        UniqueConstraint("server_id", "group_id", name="uq_shares_server_id_group_id"),
        CheckConstraint("(user_id IS NULL) != (group_id IS NULL)", name="ck_shares_one_receiver"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    server_id: Mapped[int] = mapped_column(_fk("servers"), index=True)
    user_id: Mapped[int | None] = mapped_column(_fk("users"), nullable=True, index=True)
    group_id: Mapped[int | None] = mapped_column(_fk("groups"), nullable=True, index=True)
    scopes: Mapped[list[str]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ShareCode(Base):
    """A secret any user can exchange for a share of one server; stored hashed."""

    __tablename__ = "share_codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    server_id: Mapped[int] = mapped_column(_fk("servers"), index=True)
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    hashed: Mapped[str] = mapped_column(String(255), unique=True)
    scopes: Mapped[list[str]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    exchange_count: Mapped[int] = mapped_column(Integer, default=0)
    last_exchanged_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class Duty(Base):
    """Work one hub process at a time does for all (running the managed
    services, purging expired tokens, syncing the proxy): who holds it, and
    until when."""

    __tablename__ = "duties"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner: Mapped[str] = mapped_column(String(255))
    expires: Mapped[datetime] = mapped_column(DateTime)


class Event(Base):
    """One change to a resource, as the change stream (``GET /hub/api/events``)
    and webhooks send it.

    Written in the transaction that makes the change, with ids drawn so that
    they commit in increasing order: a reader that has seen id N has seen
    every event before it (see :mod:`hub.core.events`).
    """

    __tablename__ = "events"
    __table_args__ = {"sqlite_autoincrement": True}  # ids are never reused once trimmed
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    #: ``user.created``, ``server.ready``, ...
    type: Mapped[str] = mapped_column(String(64))
    #: the resource as it was once the change was made (removed ones: just before)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)


class EventLog(Base):
    """One row (id 1, made at the first trim): the newest event id deleted
    with old history (a reader resuming from before it has missed events)."""

    __tablename__ = "event_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trimmed_through: Mapped[int] = mapped_column(BigInteger, default=0)


class Webhook(Base):
    """An HTTP endpoint that receives the events of some types, signed."""

    __tablename__ = "webhooks"
    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    #: event types, ``kind.*`` or ``*``
    events: Mapped[list[str]] = mapped_column(default=list)
    #: the HMAC key, encrypted (:func:`hub.core.webhooks.secret_box`)
    encrypted_secret: Mapped[bytes] = mapped_column(LargeBinary)
    created: Mapped[datetime] = mapped_column(DateTime)
    #: ``user:NAME`` or ``service:NAME``
    created_by: Mapped[str] = mapped_column(String(255))
    #: the creator's scopes when it made the webhook: what deliveries may show
    scopes: Mapped[list[str]] = mapped_column(default=list)
    #: the newest event already considered for this webhook
    cursor: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), default=0)


class WebhookDelivery(Base):
    """One event to send to one webhook, and how sending it went."""

    __tablename__ = "webhook_deliveries"
    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(_fk("webhooks"), index=True)
    event_id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    type: Mapped[str] = mapped_column(String(64))
    #: the exact bytes sent (the same on every attempt, so is the signature's input)
    body: Mapped[str] = mapped_column(Text)
    #: pending, delivered or failed
    status: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created: Mapped[datetime] = mapped_column(DateTime)
    finished: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class AuditRecord(Base):
    """One state-changing request, login, logout or failed login (``hub.core.audit``).

    Rows are only ever added, and deleted once older than
    ``audit_retention_days``. Nothing refers to other tables: a record
    outlives the user, token or server it names. Each filter of
    ``GET /audit`` has an index that also serves the order (by id).
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_actor_name_id", "actor_name", "id"),
        Index("ix_audit_log_resource_id", "resource", "id"),
        Index("ix_audit_log_type_id", "type", "id"),
    )
    #: 64-bit on PostgreSQL: a busy hub's log may outgrow 2**31 rows over the years
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    #: "user", "service" or "none" (no credential was accepted)
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    #: the token used (no foreign key: the record outlives it); null for a browser session
    token_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: the operationId, or "login", "logout", "login.failed"
    type: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(16))
    path: Mapped[str] = mapped_column(Text)
    resource: Mapped[str | None] = mapped_column(String(1023), nullable=True)
    address: Mapped[str | None] = mapped_column(String(64), nullable=True)
    #: the HTTP status of the answer
    outcome: Mapped[int] = mapped_column(Integer)


class LoginSession(Base):
    """One browser login: made when the user logs in, gone when it ends.

    ``id`` is the session id the login cookie carries (signed): a cookie is
    only a credential while its row exists, so ending a session here refuses
    it in every hub process at once. ``legacy`` rows are made lazily for a
    login cookie of before sessions were recorded, which carries the user's
    ``cookie_id`` rather than a session id; ending one changes the user's
    ``cookie_id``, which every such cookie of the user carries.
    """

    __tablename__ = "login_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(_fk("users"), index=True)
    created: Mapped[datetime] = mapped_column(DateTime, index=True)
    last_activity: Mapped[datetime] = mapped_column(DateTime)
    user_agent: Mapped[str] = mapped_column(String(512), default="")
    address: Mapped[str] = mapped_column(String(255), default="")
    legacy: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class IdempotencyKey(Base):
    """The first answer to a create sent with an ``Idempotency-Key``: a retry
    with the same key is answered from here instead of acting again.

    ``requester`` is ``user:<id>`` or ``service:<id>``, so two requesters'
    keys never meet. ``status`` is NULL while a coroutine handler (a server
    start) is still running the first request. ``body_form`` says how
    ``body`` is kept: ``sealed`` (encrypted with ``JUPYTERHUB_CRYPT_KEY``),
    ``plain`` (JSON, when no key is set and the answer holds no secret),
    ``derived`` (an answer holding a secret when no key is set, encrypted with
    a key derived from the cookie secret) or ``withheld`` (not kept: records
    made before ``derived`` existed).
    """

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("requester", "key", name="uq_idempotency_keys_requester_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    requester: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(255))
    operation: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(Text)
    #: SHA-256 (hex) of the request body's canonical JSON
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    body_form: Mapped[str] = mapped_column(String(16))
    body: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created: Mapped[datetime] = mapped_column(DateTime, index=True)


class MetricTotal(Base):
    """A counter's or a histogram's total over every hub process
    (:mod:`hub.metrics`): each process adds what it observed since its last
    flush, so concurrent flushes add up rather than overwrite.

    ``labels`` holds the label values as a JSON object with sorted keys;
    ``sample`` is ``""`` for a counter, ``"sum"`` or a bucket's upper bound
    (``"2.5"``, ``"+Inf"``: the observations in that bucket alone) for a
    histogram."""

    __tablename__ = "metric_totals"
    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    labels: Mapped[str] = mapped_column(Text, primary_key=True)
    sample: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[float] = mapped_column(Float)


class FailedLogin(Base):
    """One failed login, counted against one key: the user name typed
    (``kind`` "name", normalized as the authenticator normalizes names) or the
    client's address (``kind`` "address"); a failure is a row of each.

    ``hub.core.login_limits`` counts the rows of a key younger than
    ``failed_login_window``; older ones are deleted as new failures of the
    key are recorded, and hourly."""

    __tablename__ = "failed_logins"
    __table_args__ = (Index("ix_failed_logins_kind_key_at", "kind", "key", "at"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(255))
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
