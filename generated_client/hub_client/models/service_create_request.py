from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
    from ..models.service_create_request_environment import ServiceCreateRequestEnvironment
    from ..models.service_create_request_info import ServiceCreateRequestInfo


T = TypeVar("T", bound="ServiceCreateRequest")


@_attrs_define
class ServiceCreateRequest:
    """An external service to register, with the keys JupyterHub accepts (an
    empty object is refused, as in JupyterHub). `name` is ignored (the
    path names the service). `command` must be empty: the hub does not
    start services created at run time; `cwd`, `environment` and `user`
    only matter to services it starts, and are ignored.

        Example:
            {'url': 'http://127.0.0.1:10101', 'display': True}

        Attributes:
            name (str | Unset):
            url (str | Unset): Where the service listens (http or https, a host, an optional port and path); it is routed at
                `/services/NAME/`.
            api_token (str | Unset): The service's token; when absent the hub generates one.
            admin (bool | Unset): Give the service the admin role (the requester must hold its scopes).
            oauth_client_id (str | Unset): Default: service-NAME.
            oauth_redirect_uri (str | Unset): Default: /services/NAME/oauth_callback; required for OAuth without a url.
            oauth_client_allowed_scopes (list[str] | Unset): The most that tokens issued to the service's OAuth client may
                carry (the requester must hold them).
            oauth_no_confirm (bool | Unset): Skip the OAuth confirmation page.
            info (ServiceCreateRequestInfo | Unset):
            display (bool | Unset):
            command (list[str] | Unset):
            cwd (str | Unset):
            environment (ServiceCreateRequestEnvironment | Unset):
            user (str | Unset):
    """

    name: str | Unset = UNSET
    url: str | Unset = UNSET
    api_token: str | Unset = UNSET
    admin: bool | Unset = UNSET
    oauth_client_id: str | Unset = UNSET
    oauth_redirect_uri: str | Unset = UNSET
    oauth_client_allowed_scopes: list[str] | Unset = UNSET
    oauth_no_confirm: bool | Unset = UNSET
    info: ServiceCreateRequestInfo | Unset = UNSET
    display: bool | Unset = UNSET
    command: list[str] | Unset = UNSET
    cwd: str | Unset = UNSET
    environment: ServiceCreateRequestEnvironment | Unset = UNSET
    user: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.service_create_request_environment import ServiceCreateRequestEnvironment  # noqa: PLC0415
        from ..models.service_create_request_info import ServiceCreateRequestInfo  # noqa: PLC0415

        name = self.name

        url = self.url

        api_token = self.api_token

        admin = self.admin

        oauth_client_id = self.oauth_client_id

        oauth_redirect_uri = self.oauth_redirect_uri

        oauth_client_allowed_scopes: list[str] | Unset = UNSET
        if not isinstance(self.oauth_client_allowed_scopes, Unset):
            oauth_client_allowed_scopes = self.oauth_client_allowed_scopes

        oauth_no_confirm = self.oauth_no_confirm

        info: dict[str, Any] | Unset = UNSET
        if not isinstance(self.info, Unset):
            info = self.info.to_dict()

        display = self.display

        command: list[str] | Unset = UNSET
        if not isinstance(self.command, Unset):
            command = self.command

        cwd = self.cwd

        environment: dict[str, Any] | Unset = UNSET
        if not isinstance(self.environment, Unset):
            environment = self.environment.to_dict()

        user = self.user

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if url is not UNSET:
            field_dict["url"] = url
        if api_token is not UNSET:
            field_dict["api_token"] = api_token
        if admin is not UNSET:
            field_dict["admin"] = admin
        if oauth_client_id is not UNSET:
            field_dict["oauth_client_id"] = oauth_client_id
        if oauth_redirect_uri is not UNSET:
            field_dict["oauth_redirect_uri"] = oauth_redirect_uri
        if oauth_client_allowed_scopes is not UNSET:
            field_dict["oauth_client_allowed_scopes"] = oauth_client_allowed_scopes
        if oauth_no_confirm is not UNSET:
            field_dict["oauth_no_confirm"] = oauth_no_confirm
        if info is not UNSET:
            field_dict["info"] = info
        if display is not UNSET:
            field_dict["display"] = display
        if command is not UNSET:
            field_dict["command"] = command
        if cwd is not UNSET:
            field_dict["cwd"] = cwd
        if environment is not UNSET:
            field_dict["environment"] = environment
        if user is not UNSET:
            field_dict["user"] = user

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.service_create_request_environment import ServiceCreateRequestEnvironment  # noqa: PLC0415
        from ..models.service_create_request_info import ServiceCreateRequestInfo  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name", UNSET)

        url = d.pop("url", UNSET)

        api_token = d.pop("api_token", UNSET)

        admin = d.pop("admin", UNSET)

        oauth_client_id = d.pop("oauth_client_id", UNSET)

        oauth_redirect_uri = d.pop("oauth_redirect_uri", UNSET)

        oauth_client_allowed_scopes = cast(list[str], d.pop("oauth_client_allowed_scopes", UNSET))

        oauth_no_confirm = d.pop("oauth_no_confirm", UNSET)

        _info = d.pop("info", UNSET)
        info: ServiceCreateRequestInfo | Unset
        if isinstance(_info, Unset):
            info = UNSET
        else:
            info = ServiceCreateRequestInfo.from_dict(_info)

        display = d.pop("display", UNSET)

        command = cast(list[str], d.pop("command", UNSET))

        cwd = d.pop("cwd", UNSET)

        _environment = d.pop("environment", UNSET)
        environment: ServiceCreateRequestEnvironment | Unset
        if isinstance(_environment, Unset):
            environment = UNSET
        else:
            environment = ServiceCreateRequestEnvironment.from_dict(_environment)

        user = d.pop("user", UNSET)

        service_create_request = cls(
            name=name,
            url=url,
            api_token=api_token,
            admin=admin,
            oauth_client_id=oauth_client_id,
            oauth_redirect_uri=oauth_redirect_uri,
            oauth_client_allowed_scopes=oauth_client_allowed_scopes,
            oauth_no_confirm=oauth_no_confirm,
            info=info,
            display=display,
            command=command,
            cwd=cwd,
            environment=environment,
            user=user,
        )

        return service_create_request
