from enum import StrEnum


class EventType(StrEnum):
    GROUP_CREATED = "group.created"
    GROUP_DELETED = "group.deleted"
    GROUP_UPDATED = "group.updated"
    ROLE_CREATED = "role.created"
    ROLE_DELETED = "role.deleted"
    ROLE_UPDATED = "role.updated"
    SERVER_CREATED = "server.created"
    SERVER_DELETED = "server.deleted"
    SERVER_FAILED = "server.failed"
    SERVER_READY = "server.ready"
    SERVER_STARTING = "server.starting"
    SERVER_STOPPED = "server.stopped"
    SERVER_STOPPING = "server.stopping"
    SERVER_UPDATED = "server.updated"
    SERVICE_CREATED = "service.created"
    SERVICE_DELETED = "service.deleted"
    SHARE_CREATED = "share.created"
    SHARE_DELETED = "share.deleted"
    SHARE_UPDATED = "share.updated"
    TOKEN_CREATED = "token.created"
    TOKEN_DELETED = "token.deleted"
    USER_CREATED = "user.created"
    USER_DELETED = "user.deleted"
    USER_UPDATED = "user.updated"

    def __str__(self) -> str:
        return str(self.value)
