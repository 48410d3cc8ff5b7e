"""Contains all the data models used in inputs/outputs"""

from .activity_request import ActivityRequest
from .activity_request_servers import ActivityRequestServers
from .api_version import ApiVersion
from .audit_page import AuditPage
from .audit_record import AuditRecord
from .audit_record_actor_kind import AuditRecordActorKind
from .batch_spawner_report import BatchSpawnerReport
from .class_info import ClassInfo
from .created_service import CreatedService
from .created_service_info_type_0 import CreatedServiceInfoType0
from .created_service_kind import CreatedServiceKind
from .default_server_delete_request import DefaultServerDeleteRequest
from .empty import Empty
from .error import Error
from .event import Event
from .event_page import EventPage
from .event_resource import EventResource
from .event_type import EventType
from .get_audit_actor_kind import GetAuditActorKind
from .get_audit_order import GetAuditOrder
from .get_oauth_authorize_code_challenge_method import GetOauthAuthorizeCodeChallengeMethod
from .get_users_sort import GetUsersSort
from .get_users_state import GetUsersState
from .group import Group
from .group_create_request import GroupCreateRequest
from .group_kind import GroupKind
from .group_page import GroupPage
from .group_properties import GroupProperties
from .group_users_request import GroupUsersRequest
from .groups_create_request import GroupsCreateRequest
from .hub_info import HubInfo
from .identity import Identity
from .identity_auth_state_type_0 import IdentityAuthStateType0
from .identity_info_type_0 import IdentityInfoType0
from .identity_kind import IdentityKind
from .issued_share_code import IssuedShareCode
from .issued_token import IssuedToken
from .issued_token_kind import IssuedTokenKind
from .login_session import LoginSession
from .login_session_page import LoginSessionPage
from .message import Message
from .name_ref import NameRef
from .o_auth_consent import OAuthConsent
from .o_auth_error import OAuthError
from .o_auth_token_request import OAuthTokenRequest
from .o_auth_token_request_grant_type import OAuthTokenRequestGrantType
from .o_auth_token_response import OAuthTokenResponse
from .o_auth_token_response_token_type import OAuthTokenResponseTokenType
from .pagination import Pagination
from .pagination_next_type_0 import PaginationNextType0
from .pending_action import PendingAction
from .post_oauth_authorize_code_challenge_method import PostOauthAuthorizeCodeChallengeMethod
from .post_oauth_authorize_response_type import PostOauthAuthorizeResponseType
from .progress_event import ProgressEvent
from .proxy_patch_request import ProxyPatchRequest
from .proxy_route import ProxyRoute
from .proxy_route_data import ProxyRouteData
from .request_identity import RequestIdentity
from .request_identity_auth_state_type_0 import RequestIdentityAuthStateType0
from .request_identity_info_type_0 import RequestIdentityInfoType0
from .request_identity_kind import RequestIdentityKind
from .role import Role
from .role_create_request import RoleCreateRequest
from .role_page import RolePage
from .role_patch_request import RolePatchRequest
from .role_source import RoleSource
from .route_page import RoutePage
from .route_table import RouteTable
from .server import Server
from .server_activity import ServerActivity
from .server_counts import ServerCounts
from .server_delete_request import ServerDeleteRequest
from .server_last_error_type_0 import ServerLastErrorType0
from .server_last_error_type_0_reason import ServerLastErrorType0Reason
from .server_map import ServerMap
from .server_patch_request import ServerPatchRequest
from .server_patch_request_user_options import ServerPatchRequestUserOptions
from .server_request import ServerRequest
from .server_request_user_options_type_0 import ServerRequestUserOptionsType0
from .server_state_type_0 import ServerStateType0
from .server_user_options_type_0 import ServerUserOptionsType0
from .service import Service
from .service_create_request import ServiceCreateRequest
from .service_create_request_environment import ServiceCreateRequestEnvironment
from .service_create_request_info import ServiceCreateRequestInfo
from .service_info_type_0 import ServiceInfoType0
from .service_kind import ServiceKind
from .service_map import ServiceMap
from .share import Share
from .share_code import ShareCode
from .share_code_create_request import ShareCodeCreateRequest
from .share_code_page import ShareCodePage
from .share_grant_request import ShareGrantRequest
from .share_kind import ShareKind
from .share_or_empty import ShareOrEmpty
from .share_or_empty_kind import ShareOrEmptyKind
from .share_page import SharePage
from .share_revoke_request import ShareRevokeRequest
from .share_target_type_0 import ShareTargetType0
from .shared_server import SharedServer
from .shutdown_request import ShutdownRequest
from .token import Token
from .token_create_request import TokenCreateRequest
from .token_kind import TokenKind
from .token_list import TokenList
from .user import User
from .user_auth_state_type_0 import UserAuthStateType0
from .user_create_request import UserCreateRequest
from .user_info_type_0 import UserInfoType0
from .user_kind import UserKind
from .user_page import UserPage
from .user_patch_request import UserPatchRequest
from .users_create_request import UsersCreateRequest
from .webhook import Webhook
from .webhook_create_request import WebhookCreateRequest
from .webhook_created import WebhookCreated
from .webhook_delivery import WebhookDelivery
from .webhook_delivery_page import WebhookDeliveryPage
from .webhook_delivery_status import WebhookDeliveryStatus
from .webhook_page import WebhookPage

__all__ = (
    "ActivityRequest",
    "ActivityRequestServers",
    "ApiVersion",
    "AuditPage",
    "AuditRecord",
    "AuditRecordActorKind",
    "BatchSpawnerReport",
    "ClassInfo",
    "CreatedService",
    "CreatedServiceInfoType0",
    "CreatedServiceKind",
    "DefaultServerDeleteRequest",
    "Empty",
    "Error",
    "Event",
    "EventPage",
    "EventResource",
    "EventType",
    "GetAuditActorKind",
    "GetAuditOrder",
    "GetOauthAuthorizeCodeChallengeMethod",
    "GetUsersSort",
    "GetUsersState",
    "Group",
    "GroupCreateRequest",
    "GroupKind",
    "GroupPage",
    "GroupProperties",
    "GroupsCreateRequest",
    "GroupUsersRequest",
    "HubInfo",
    "Identity",
    "IdentityAuthStateType0",
    "IdentityInfoType0",
    "IdentityKind",
    "IssuedShareCode",
    "IssuedToken",
    "IssuedTokenKind",
    "LoginSession",
    "LoginSessionPage",
    "Message",
    "NameRef",
    "OAuthConsent",
    "OAuthError",
    "OAuthTokenRequest",
    "OAuthTokenRequestGrantType",
    "OAuthTokenResponse",
    "OAuthTokenResponseTokenType",
    "Pagination",
    "PaginationNextType0",
    "PendingAction",
    "PostOauthAuthorizeCodeChallengeMethod",
    "PostOauthAuthorizeResponseType",
    "ProgressEvent",
    "ProxyPatchRequest",
    "ProxyRoute",
    "ProxyRouteData",
    "RequestIdentity",
    "RequestIdentityAuthStateType0",
    "RequestIdentityInfoType0",
    "RequestIdentityKind",
    "Role",
    "RoleCreateRequest",
    "RolePage",
    "RolePatchRequest",
    "RoleSource",
    "RoutePage",
    "RouteTable",
    "Server",
    "ServerActivity",
    "ServerCounts",
    "ServerDeleteRequest",
    "ServerLastErrorType0",
    "ServerLastErrorType0Reason",
    "ServerMap",
    "ServerPatchRequest",
    "ServerPatchRequestUserOptions",
    "ServerRequest",
    "ServerRequestUserOptionsType0",
    "ServerStateType0",
    "ServerUserOptionsType0",
    "Service",
    "ServiceCreateRequest",
    "ServiceCreateRequestEnvironment",
    "ServiceCreateRequestInfo",
    "ServiceInfoType0",
    "ServiceKind",
    "ServiceMap",
    "Share",
    "ShareCode",
    "ShareCodeCreateRequest",
    "ShareCodePage",
    "SharedServer",
    "ShareGrantRequest",
    "ShareKind",
    "ShareOrEmpty",
    "ShareOrEmptyKind",
    "SharePage",
    "ShareRevokeRequest",
    "ShareTargetType0",
    "ShutdownRequest",
    "Token",
    "TokenCreateRequest",
    "TokenKind",
    "TokenList",
    "User",
    "UserAuthStateType0",
    "UserCreateRequest",
    "UserInfoType0",
    "UserKind",
    "UserPage",
    "UserPatchRequest",
    "UsersCreateRequest",
    "Webhook",
    "WebhookCreated",
    "WebhookCreateRequest",
    "WebhookDelivery",
    "WebhookDeliveryPage",
    "WebhookDeliveryStatus",
    "WebhookPage",
)
