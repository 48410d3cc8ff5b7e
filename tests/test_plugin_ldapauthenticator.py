"""ldapauthenticator's LDAPAuthenticator, unchanged, against a real slapd.

The fixture runs Debian's slapd in the foreground on a free port with a
configuration and database of its own in the test's directory, adds two
people with passwords, and stops it afterwards.
"""

from __future__ import annotations

import gc
import re
import shutil
import subprocess
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port

pytest.importorskip("ldapauthenticator")
# ldap3 leaves the sockets of failed binds and refused connections open
pytestmark = pytest.mark.filterwarnings(
    "ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning"
)


@pytest.fixture(autouse=True)
def _collect_ldap_sockets() -> Iterator[None]:
    """Collect those sockets at the end of each test here, not in a later test
    (whose garbage collection would meet them, and fail it)."""
    yield
    import hub.runtime

    # the last hub made stays the process's current one until the next is made,
    # and holds the plugin's connections: let it go first
    hub.runtime._current = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gc.collect()


SUFFIX = "dc=example,dc=org"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PW = "ldap-admin-secret"

PEOPLE = f"""dn: {SUFFIX}
objectClass: dcObject
objectClass: organization
o: Example
dc: example

dn: ou=people,{SUFFIX}
objectClass: organizationalUnit
ou: people

dn: uid=alice,ou=people,{SUFFIX}
objectClass: inetOrgPerson
uid: alice
cn: Alice
sn: Liddell
userPassword: alice-ldap-pw

dn: uid=bob,ou=people,{SUFFIX}
objectClass: inetOrgPerson
uid: bob
cn: Bob
sn: Builder
userPassword: bob-ldap-pw

dn: ou=groups,{SUFFIX}
objectClass: organizationalUnit
ou: groups

dn: cn=jupyter-users,ou=groups,{SUFFIX}
objectClass: groupOfNames
cn: jupyter-users
member: uid=alice,ou=people,{SUFFIX}
"""
JUPYTER_USERS = f"cn=jupyter-users,ou=groups,{SUFFIX}"


@pytest.fixture(scope="module")
def slapd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    if shutil.which("slapd") is None and not Path("/usr/sbin/slapd").exists():
        pytest.fail("slapd is not installed (make system-tools installs it)")
    slapd_bin = shutil.which("slapd") or "/usr/sbin/slapd"
    root = tmp_path_factory.mktemp("slapd")
    (root / "data").mkdir()
    conf = root / "slapd.conf"
    conf.write_text(
        "\n".join(
            [
                *(f"include /etc/ldap/schema/{s}.schema" for s in ("core", "cosine", "nis", "inetorgperson")),
                f"pidfile {root}/slapd.pid",
                "modulepath /usr/lib/ldap",
                "moduleload back_mdb",
                "database mdb",
                f'suffix "{SUFFIX}"',
                f'rootdn "{ROOT_DN}"',
                f"rootpw {ROOT_PW}",
                f"directory {root}/data",
                "",
            ]
        )
    )
    port = free_port()
    url = f"ldap://127.0.0.1:{port}/"
    proc = subprocess.Popen(
        [slapd_bin, "-d", "0", "-h", url, "-f", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            probe = subprocess.run(
                ["ldapwhoami", "-x", "-H", url, "-D", ROOT_DN, "-w", ROOT_PW], capture_output=True
            )
            if probe.returncode == 0:
                break
            time.sleep(0.05)
        else:
            pytest.fail("slapd did not start")
        subprocess.run(
            ["ldapadd", "-x", "-H", url, "-D", ROOT_DN, "-w", ROOT_PW],
            input=PEOPLE.encode(),
            check=True,
            capture_output=True,
        )
        yield port
    finally:
        proc.terminate()
        proc.wait(10)


def ldap_config(port: int, **extra):
    def configure(c):
        c.JupyterHub.authenticator_class = "ldapauthenticator"
        a = c.LDAPAuthenticator
        a.server_address = "127.0.0.1"
        a.server_port = port
        a.tls_strategy = "insecure"
        a.bind_dn_template = ["uid={username},ou=people," + SUFFIX]
        for key, value in extra.items():
            setattr(a, key, value)

    return configure


def form_login(client: httpx.Client, username: str, password: str) -> httpx.Response:
    page = client.get("/hub/login")
    assert page.status_code == 200
    assert 'name="username"' in page.text and 'name="password"' in page.text, "the form's fields"
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.text)
    assert xsrf is not None
    data = {"_xsrf": xsrf.group(1), "username": username, "password": password}
    return client.post("/hub/login?next=/hub/home", data=data)


def test_ldap_login_with_the_right_password_and_refused_with_a_wrong_one(make_live_hub, slapd):
    api = make_live_hub(ldap_config(slapd, allowed_users={"alice"}))
    base = str(api.client.base_url)
    with httpx.Client(base_url=base, follow_redirects=True) as client:
        wrong = form_login(client, "alice", "not-her-password")
        assert wrong.status_code == 403
        assert "Invalid user name or password" in wrong.text
        assert client.get("/hub/api/user").status_code == 403

        right = form_login(client, "alice", "alice-ldap-pw")
        assert right.status_code == 200 and right.url.path == "/hub/home"
        assert client.get("/hub/api/user").json()["name"] == "alice"

    with httpx.Client(base_url=base, follow_redirects=True) as client:
        # bob's password is right, but allowed_users does not name him
        assert form_login(client, "bob", "bob-ldap-pw").status_code == 403
    assert api.get("/users/bob").status_code == 404


def test_ldap_server_down_is_a_clear_page(make_live_hub):
    api = make_live_hub(ldap_config(free_port(), allow_all=True))
    with httpx.Client(base_url=str(api.client.base_url), follow_redirects=True) as client:
        failed = form_login(client, "alice", "alice-ldap-pw")
        assert failed.status_code == 503
        assert "login service is not available" in failed.text
        assert client.get("/hub/login").status_code == 200
    assert api.get("/users/alice").status_code == 404


def test_ldap_allowed_groups_let_a_member_in_and_refuse_a_non_member(make_live_hub, slapd):
    api = make_live_hub(ldap_config(slapd, allowed_groups=[JUPYTER_USERS]))
    base = str(api.client.base_url)
    with httpx.Client(base_url=base, follow_redirects=True) as client:
        member = form_login(client, "alice", "alice-ldap-pw")
        assert member.status_code == 200 and member.url.path == "/hub/home"
        assert client.get("/hub/api/user").json()["name"] == "alice"

    with httpx.Client(base_url=base, follow_redirects=True) as client:
        # bob's password is right, but he is not a member of the group
        refused = form_login(client, "bob", "bob-ldap-pw")
        assert refused.status_code == 403
        assert refused.headers["content-type"].startswith("text/html")
        assert "Invalid user name or password" in refused.text, "the login form again, with the reason"
        assert 'name="username"' in refused.text
        assert client.get("/hub/api/user").status_code == 403, "no session"
    assert api.get("/users/bob").status_code == 404, "no account"
    assert api.get("/users/alice").status_code == 200
