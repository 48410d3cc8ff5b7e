from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
    from ..models.service_create_request_info import ServiceCreateRequestInfo


T = TypeVar("T", bound="ServiceCreateRequest")


@_attrs_define
class ServiceCreateRequest:
    """An external service to register.

    Example:
        {'url': 'http://127.0.0.1:10101', 'display': True}

    Attributes:
        url (str | Unset):
        api_token (str | Unset):
        admin (bool | Unset):
        oauth_client_id (str | Unset):
        oauth_redirect_uri (str | Unset):
        oauth_client_allowed_scopes (list[str] | Unset):
        oauth_no_confirm (bool | Unset):
        info (ServiceCreateRequestInfo | Unset):
        display (bool | Unset):
    """

    url: str | Unset = UNSET
    api_token: str | Unset = UNSET
    admin: bool | Unset = UNSET
    oauth_client_id: str | Unset = UNSET
    oauth_redirect_uri: str | Unset = UNSET
    oauth_client_allowed_scopes: list[str] | Unset = UNSET
    oauth_no_confirm: bool | Unset = UNSET
    info: ServiceCreateRequestInfo | Unset = UNSET
    display: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.service_create_request_info import ServiceCreateRequestInfo  # noqa: PLC0415

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

        field_dict: dict[str, Any] = {}

        field_dict.update({})
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

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.service_create_request_info import ServiceCreateRequestInfo  # noqa: PLC0415

        d = dict(src_dict)
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

        service_create_request = cls(
            url=url,
            api_token=api_token,
            admin=admin,
            oauth_client_id=oauth_client_id,
            oauth_redirect_uri=oauth_redirect_uri,
            oauth_client_allowed_scopes=oauth_client_allowed_scopes,
            oauth_no_confirm=oauth_no_confirm,
            info=info,
            display=display,
        )

        return service_create_request
