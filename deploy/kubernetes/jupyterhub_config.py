# The hub's configuration on Kubernetes; kustomization.yaml puts this file in
# the hub-config ConfigMap, mounted at /etc/jupyterhub/. Every key means what it
# means in JupyterHub. Secrets come from the hub-secrets Secret, through the
# environment (see hub.yaml): JPY_COOKIE_SECRET, JUPYTERHUB_CRYPT_KEY and
# CONFIGPROXY_AUTH_TOKEN are read by the hub itself. Every hub replica reads
# this same file; only $POD_IP differs between them.
import os
from urllib.parse import quote

c = get_config()  # noqa: F821

# --- the hub's own server: every address of the pod, port 8081. The hub gives
# the proxy its pod's own address (from the downward API) as the target of its
# route, so the route names this replica, not the hub Service.
c.JupyterHub.hub_ip = "0.0.0.0"
c.JupyterHub.hub_connect_ip = os.environ["POD_IP"]
c.JupyterHub.hub_port = 8081

# --- the proxy: one configurable-http-proxy for all the replicas (proxy.yaml),
# started apart from them. Every replica checks the hub's route every 5 seconds
# and points it at itself when the replica it names no longer answers. The
# token is $CONFIGPROXY_AUTH_TOKEN in the hub and proxy containers.
c.ConfigurableHTTPProxy.should_start = False
c.ConfigurableHTTPProxy.api_url = "http://proxy-api:8001"

# --- database: the postgres StatefulSet (postgres.yaml), or a managed server
# (the POSTGRES_* variables are set in hub.yaml: change them there for another server)
_user = quote(os.environ["POSTGRES_USER"], safe="")
_password = quote(os.environ["POSTGRES_PASSWORD"], safe="")
_host = os.environ["POSTGRES_HOST"]
_port = os.environ.get("POSTGRES_PORT", "5432")
_db = os.environ["POSTGRES_DB"]
c.JupyterHub.db_url = f"postgresql://{_user}:{_password}@{_host}:{_port}/{_db}"

# --- who logs in. The dummy authenticator takes any name with one shared
# password: for trying the deployment out only. Replace it before real use,
# e.g. with "generic-oauth" (c.GenericOAuthenticator.*, see the hub's README).
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = os.environ["HUB_DUMMY_PASSWORD"]
c.Authenticator.admin_users = {"admin"}

# --- user servers: one pod each, in the hub's namespace
c.JupyterHub.spawner_class = "kubespawner.KubeSpawner"
# user pods reach the hub through its Service (hub.yaml), whichever replica
# started them: not this pod's address, which goes away with the pod
c.KubeSpawner.hub_connect_url = "http://hub:8081"
# the image must provide jupyterhub-singleuser from jupyterhub 6.1.x (see README.md)
c.KubeSpawner.image = "hub-singleuser:6.1.1"
c.KubeSpawner.image_pull_policy = "IfNotPresent"
c.KubeSpawner.cmd = ["jupyterhub-singleuser"]
c.KubeSpawner.port = 8888
c.KubeSpawner.start_timeout = 300
c.KubeSpawner.http_timeout = 120
c.KubeSpawner.uid = 1000
c.KubeSpawner.fs_gid = 100
c.KubeSpawner.cpu_guarantee = 0.1
c.KubeSpawner.mem_guarantee = "256M"
c.KubeSpawner.cpu_limit = 1
c.KubeSpawner.mem_limit = "1G"
# one PersistentVolumeClaim per user, kept when the server stops, mounted as the home directory
c.KubeSpawner.storage_pvc_ensure = True
c.KubeSpawner.pvc_name_template = "claim-{user_server}"
c.KubeSpawner.storage_capacity = "5Gi"
c.KubeSpawner.storage_access_modes = ["ReadWriteOnce"]
c.KubeSpawner.volumes = [{"name": "home", "persistentVolumeClaim": {"claimName": "claim-{user_server}"}}]
c.KubeSpawner.volume_mounts = [{"name": "home", "mountPath": "/home/jovyan"}]
# the spawn page offers these; an API start picks one with {"profile": "<slug>"}
c.KubeSpawner.profile_list = [
    {
        "display_name": "Small: 1 CPU, 1 GB",
        "slug": "small",
        "default": True,
    },
    {
        "display_name": "Large: 4 CPUs, 8 GB",
        "slug": "large",
        "kubespawner_override": {
            "cpu_guarantee": 1,
            "cpu_limit": 4,
            "mem_guarantee": "4G",
            "mem_limit": "8G",
        },
    },
]

# --- servers outlive any one hub replica: a replica that stops (a rollout, a
# drain) leaves them to the others, and a restarted one adopts them
c.JupyterHub.cleanup_servers = False
