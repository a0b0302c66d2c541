"""Who may call a service and over what: bearer keys, TLS/mTLS, and the bind check.

Both services take the same shape of settings (`ServerSecurity`, built by each service's
config from its own environment names) and get the same behaviour from here:

- keys: `authorization: Bearer <key>` on every call except health (and reflection unless
  configured otherwise); several keys at once so they can be rotated; compared in constant
  time; never logged. Admin methods need an admin key.
- TLS: a server certificate, optionally requiring client certificates from a CA (mTLS).
- Plaintext or keyless serving is for loopback. On any other address the service refuses
  to start without TLS unless `allow_insecure` says this network is trusted (compose's
  private one, a cluster behind a NetworkPolicy), and without keys unless `allow_no_keys`
  says so, separately: waiving TLS never opens the door to keyless callers.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import ipaddress
import logging
import os
from collections.abc import Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import grpc

from jobextract.handlers import wrap
from jobextract.status import abort

log = logging.getLogger(__name__)

HEALTH_PREFIX = "/grpc.health.v1.Health/"
REFLECTION_PREFIXES = ("/grpc.reflection.v1alpha.ServerReflection/",
                       "/grpc.reflection.v1.ServerReflection/")


class SecurityError(ValueError):
    """The security settings are unusable; the message says which and why."""


def read_keys(inline: str, path: Path | None) -> tuple[str, ...]:
    """Keys from a comma-separated setting and/or a file (one key a line, # comments)."""
    keys = [k.strip() for k in inline.split(",")]
    if path is not None:
        try:
            lines = Path(path).read_text().splitlines()
        except OSError as e:
            raise SecurityError(f"cannot read the key file {path}: {e.strerror}") from None
        keys += [line.strip() for line in lines if not line.strip().startswith("#")]
    keys = [k for k in keys if k]
    for key in keys:
        if len(key) < 16 or any(c.isspace() or not c.isprintable() for c in key):
            raise SecurityError("every API key must be at least 16 printable characters "
                                "without spaces")
    return tuple(dict.fromkeys(keys))


def _read(path: Path | None, what: str) -> bytes | None:
    if path is None:
        return None
    try:
        return Path(path).read_bytes()
    except OSError as e:
        raise SecurityError(f"cannot read the {what} {path}: {e.strerror}") from None


def is_loopback(host: str) -> bool:
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class ServerSecurity:
    keys: tuple[str, ...] = ()          # any of these may call
    admin_keys: tuple[str, ...] = ()    # these may also call the admin methods
    admin_methods: frozenset[str] = frozenset()
    # Requests of a plain method that need an admin key all the same: method -> a check of
    # the request naming what it asks for (e.g. Generate with allow_switch), or None.
    admin_requests: dict[str, Callable[[object], str | None]] = field(default_factory=dict)
    tls_cert: Path | None = None
    tls_key: Path | None = None
    tls_client_ca: Path | None = None   # set: clients must present a certificate it signed
    reflection_needs_key: bool = False
    allow_insecure: bool = False        # plaintext (no TLS) on a non-loopback address
    allow_no_keys: bool = False         # no keys on a non-loopback address (experiments)
    env_prefix: str = ""                # for messages: which variables to set

    @property
    def auth_on(self) -> bool:
        return bool(self.keys or self.admin_keys)

    @property
    def tls_on(self) -> bool:
        return self.tls_cert is not None

    def check_bind(self, host: str) -> None:
        """Refuse plaintext or keyless serving beyond loopback unless explicitly allowed."""
        if (self.tls_cert is None) != (self.tls_key is None):
            raise SecurityError(f"set both {self.env_prefix}TLS_CERT and {self.env_prefix}TLS_KEY")
        if self.tls_client_ca is not None and not self.tls_on:
            raise SecurityError(f"{self.env_prefix}TLS_CLIENT_CA needs {self.env_prefix}TLS_CERT "
                                f"and {self.env_prefix}TLS_KEY")
        if is_loopback(host):
            return
        p = self.env_prefix
        gaps = [(what, fix) for what, ok, fix in (
            ("TLS", self.tls_on or self.allow_insecure,
             f"set {p}TLS_CERT/{p}TLS_KEY (or {p}ALLOW_INSECURE=true on a network you trust)"),
            ("API keys", self.auth_on or self.allow_no_keys,
             f"set {p}API_KEYS (or {p}ALLOW_NO_KEYS=true for a local experiment)"),
        ) if not ok]
        if gaps:
            raise SecurityError(
                f"refusing to serve on {host} without {' and '.join(w for w, _ in gaps)}: "
                f"{'; '.join(f for _, f in gaps)}; or bind 127.0.0.1")

    def server_credentials(self) -> grpc.ServerCredentials | None:
        if not self.tls_on:
            return None
        client_ca = _read(self.tls_client_ca, "TLS client CA")
        return grpc.ssl_server_credentials(
            [(_read(self.tls_key, "TLS key"), _read(self.tls_cert, "TLS certificate"))],
            root_certificates=client_ca, require_client_auth=client_ca is not None)

    def interceptors(self) -> list[grpc.aio.ServerInterceptor]:
        return [BearerAuth(self)] if self.auth_on else []


def bearer(metadata) -> str | None:
    for key, value in metadata or ():
        if key == "authorization":
            scheme, _, token = value.partition(" ")
            return token.strip() if scheme.lower() == "bearer" else ""
    return None


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()


def digests(keys: tuple[str, ...]) -> tuple[bytes, ...]:
    """The keys as compared: computed once, not on every call."""
    return tuple(map(_digest, keys))


def _matches(token: str, key_digests: tuple[bytes, ...]) -> bool:
    """Constant-time over every key, comparing digests of equal length, so timing says
    neither which key matched, nor how much of it, nor how long the keys are."""
    token_digest = _digest(token)
    found = False
    for key_digest in key_digests:
        found |= hmac.compare_digest(token_digest, key_digest)
    return found


def _refusal(handler: grpc.RpcMethodHandler, code: grpc.StatusCode, message: str,
             reason: str):
    """A handler of `handler`'s kind that answers every call with `code`."""
    async def unary(request, context):
        await abort(context, code, message, reason)

    async def streaming(request, context):
        await abort(context, code, message, reason)
        yield  # pragma: no cover - makes this an async generator

    if handler.unary_unary:
        return grpc.unary_unary_rpc_method_handler(
            unary, handler.request_deserializer, handler.response_serializer)
    if handler.unary_stream:
        return grpc.unary_stream_rpc_method_handler(
            streaming, handler.request_deserializer, handler.response_serializer)
    if handler.stream_unary:
        return grpc.stream_unary_rpc_method_handler(
            lambda it, ctx: unary(None, ctx), handler.request_deserializer,
            handler.response_serializer)
    return grpc.stream_stream_rpc_method_handler(
        lambda it, ctx: streaming(None, ctx), handler.request_deserializer,
        handler.response_serializer)


def _admin_guarded(handler: grpc.RpcMethodHandler, needs_admin: Callable[[object], str | None]):
    """`handler` refusing, PERMISSION_DENIED, the requests `needs_admin` names; a caller
    that holds an admin key never gets this wrapper."""
    @asynccontextmanager
    async def refuse_if_admin(request, context):
        if (what := needs_admin(request)) is not None:
            await abort(context, grpc.StatusCode.PERMISSION_DENIED, f"{what} needs an admin key",
                        "ADMIN_KEY_REQUIRED")
        yield

    return wrap(handler, refuse_if_admin)


class BearerAuth(grpc.aio.ServerInterceptor):
    """UNAUTHENTICATED without a known key, PERMISSION_DENIED for an admin method (or an
    admin request of a plain method) without an admin key. Health (and reflection unless
    configured) needs no key."""

    def __init__(self, security: ServerSecurity):
        self.security = security
        self.callers = digests(security.keys + security.admin_keys)
        self.admins = digests(security.admin_keys)
        open_prefixes = [HEALTH_PREFIX]
        if not security.reflection_needs_key:
            open_prefixes += REFLECTION_PREFIXES
        self.open_prefixes = tuple(open_prefixes)

    async def intercept_service(self, continuation, details):
        handler = await continuation(details)
        if handler is None or details.method.startswith(self.open_prefixes):
            return handler
        token = bearer(details.invocation_metadata)
        if not token:
            return _refusal(handler, grpc.StatusCode.UNAUTHENTICATED,
                            "missing API key: send metadata 'authorization: Bearer <key>'",
                            "API_KEY_MISSING")
        if not _matches(token, self.callers):
            return _refusal(handler, grpc.StatusCode.UNAUTHENTICATED, "unknown API key",
                            "API_KEY_INVALID")
        if details.method in self.security.admin_methods and not _matches(token, self.admins):
            return _refusal(handler, grpc.StatusCode.PERMISSION_DENIED,
                            f"{details.method.rsplit('/', 1)[-1]} needs an admin key",
                            "ADMIN_KEY_REQUIRED")
        needs_admin = self.security.admin_requests.get(details.method)
        if needs_admin is not None and not _matches(token, self.admins):
            return _admin_guarded(handler, needs_admin)
        return handler


# ---- the client side: how the router (and the tools) reach a service ----------------------

@dataclass(frozen=True)
class ClientSecurity:
    key: str = ""                      # sent as 'authorization: Bearer <key>'
    tls_ca: Path | None = None         # TLS, verifying the server against this CA
    tls_cert: Path | None = None       # with tls_key: a client certificate (mTLS)
    tls_key: Path | None = None
    server_name: str = ""              # the name the certificate must carry, when not the host

    @classmethod
    def from_env(cls, environ=os.environ) -> "ClientSecurity":
        """The tools' settings: JOBEXTRACT_API_KEY, JOBEXTRACT_TLS_CA, JOBEXTRACT_TLS_CERT,
        JOBEXTRACT_TLS_KEY, JOBEXTRACT_TLS_SERVER_NAME."""
        def path(name: str) -> Path | None:
            return Path(environ[name]) if environ.get(name) else None

        return cls(key=environ.get("JOBEXTRACT_API_KEY", ""), tls_ca=path("JOBEXTRACT_TLS_CA"),
                   tls_cert=path("JOBEXTRACT_TLS_CERT"), tls_key=path("JOBEXTRACT_TLS_KEY"),
                   server_name=environ.get("JOBEXTRACT_TLS_SERVER_NAME", ""))

    def overridden(self, **values) -> "ClientSecurity":
        """These settings with the given values (a tool's options) in place of the ones
        that are not None (options left unset keep the environment's)."""
        return dataclasses.replace(self, **{k: v for k, v in values.items() if v is not None})

    @property
    def tls_on(self) -> bool:
        """Any TLS setting turns TLS on (without a CA the system's roots verify the server):
        a client certificate or a server name never goes out, with the key, in clear."""
        return any((self.tls_ca, self.tls_cert, self.tls_key, self.server_name))

    def metadata(self) -> tuple[tuple[str, str], ...]:
        return (("authorization", f"Bearer {self.key}"),) if self.key else ()

    def channel_credentials(self) -> grpc.ChannelCredentials:
        if (self.tls_cert is None) != (self.tls_key is None):
            raise SecurityError("a client certificate needs both its certificate and its key")
        return grpc.ssl_channel_credentials(
            root_certificates=_read(self.tls_ca, "TLS CA"),
            private_key=_read(self.tls_key, "TLS client key"),
            certificate_chain=_read(self.tls_cert, "TLS client certificate"))

    def _options(self, options: list | None) -> list:
        options = list(options or [])
        if self.tls_on and self.server_name:
            options.append(("grpc.ssl_target_name_override", self.server_name))
        return options

    def aio_channel(self, address: str, options: list | None = None) -> grpc.aio.Channel:
        if not self.tls_on:
            return grpc.aio.insecure_channel(address, options=self._options(options))
        return grpc.aio.secure_channel(address, self.channel_credentials(),
                                       options=self._options(options))

    def channel(self, address: str, options: list | None = None) -> grpc.Channel:
        """A blocking channel (the health probe, scripts)."""
        if not self.tls_on:
            return grpc.insecure_channel(address, options=self._options(options))
        return grpc.secure_channel(address, self.channel_credentials(),
                                   options=self._options(options))
