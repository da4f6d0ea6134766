"""An LTI 1.3 platform in the test process: its own RSA keys, JWKS, token, AGS and deep-link endpoints.

It serves HTTP on 127.0.0.1 from a thread, signs id_tokens the way an LMS does (with overrides for
forged ones), checks the tool's client assertions against the tool's JWKS, and records the scores
and deep-linking responses it receives.
"""

from __future__ import annotations

import json
import secrets
import time
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import requests
from jwcrypto.jwk import JWK

from tests.support.http_server import ServerThread

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


# Each key's private half as `cryptography` loads it, by thumbprint: loading checks the key
# (tens of milliseconds), and the session's keys come back from its pool in every test.
LOADED: dict[str, Any] = {}


class SigningKey:
    def __init__(self):
        self.jwk = JWK.generate(kty="RSA", size=2048)
        self.thumbprint = self.kid = self.jwk.thumbprint()  # (a test may make `kid` lie)

    @property
    def private(self) -> Any:
        """The private key as PyJWT signs with it."""
        if self.thumbprint not in LOADED:
            LOADED[self.thumbprint] = self.jwk.get_op_key("sign")
        return LOADED[self.thumbprint]

    def public(self) -> dict:
        return {
            **json.loads(self.jwk.export_public()),
            "kid": self.kid,
            "alg": "RS256",
            "use": "sig",
        }


class LtiPlatform:
    """A running platform; `tool` is the tool's base URL (for its JWKS)."""

    client_id = "tangent-client"
    deployment_id = "deployment-1"

    def __init__(self, tool: str):
        self.tool = tool.rstrip("/")
        self.keys = [SigningKey()]
        self.published = list(self.keys)
        self.jwks_fetches = 0
        self.tokens: dict[str, float] = {}
        self.token_requests: list[dict] = []
        self.scores: list[dict] = []
        self.score_attempts: list[dict] = []
        self.score_replies: list[int] = []  # scripted statuses for the next score POSTs
        self.deep_link_responses: list[dict] = []
        self.members: list[dict] = []
        self.tool_kids_seen: list[str] = []
        self.pages: dict[str, str] = {}  # HTML pages the platform shows a browser, by path
        self.serving = ServerThread(self._handler())
        self.url = f"http://127.0.0.1:{self.serving.port}"
        self.issuer = self.url

    # --- lifecycle -------------------------------------------------------------------------
    def __enter__(self) -> LtiPlatform:
        self.serving.start()
        return self

    def __exit__(self, *exc) -> None:
        self.serving.stop()

    # --- keys ------------------------------------------------------------------------------
    @property
    def key(self) -> SigningKey:
        return self.keys[-1]

    def rotate_key(self) -> SigningKey:
        """Sign with a new key from now on, and publish it beside the old one."""
        self.keys.append(SigningKey())
        self.published = list(self.keys)
        return self.key

    # --- registration in the tool -------------------------------------------------------------
    def register(self, **extra):
        from lti_tool.models import LtiDeployment, LtiRegistration

        registration = LtiRegistration.objects.create(
            name="Test platform",
            issuer=self.issuer,
            client_id=self.client_id,
            auth_url=f"{self.url}/auth",
            token_url=f"{self.url}/token",
            keyset_url=f"{self.url}/jwks",
            **extra,
        )
        LtiDeployment.objects.create(
            registration=registration, deployment_id=self.deployment_id, is_active=True
        )
        return registration

    # --- launches ---------------------------------------------------------------------------
    def claims(self, nonce: str, *, role: str = LEARNER, sub: str = "learner-1", **custom) -> dict:
        now = int(time.time())
        return {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": sub,
            "exp": now + 300,
            "iat": now,
            "nonce": nonce,
            "name": "Ada Lovelace",
            "email": "ada@example.org",
            LTI + "message_type": "LtiResourceLinkRequest",
            LTI + "version": "1.3.0",
            LTI + "deployment_id": self.deployment_id,
            LTI + "target_link_uri": f"{self.tool}/lti/launch",
            LTI + "resource_link": {"id": "link-1", "title": "Chain rule"},
            LTI + "roles": [role],
            LTI + "context": {"id": "course-7", "label": "MML", "title": "Multivariate Calculus"},
            LTI + "custom": custom or {"exercise": "m1-rise-over-run"},
            NRPS: {
                "context_memberships_url": f"{self.url}/memberships",
                "service_versions": ["2.0"],
            },
            AGS: {
                "scope": [SCORE_SCOPE],
                "lineitems": f"{self.url}/lineitems",
                "lineitem": f"{self.url}/lineitems/1",
            },
        }

    def deep_linking_claims(self, nonce: str, **extra) -> dict:
        claims = self.claims(nonce, role=INSTRUCTOR, sub="teacher-1")
        claims[LTI + "message_type"] = "LtiDeepLinkingRequest"
        del claims[LTI + "resource_link"]
        claims[DL_SETTINGS] = {
            "deep_link_return_url": f"{self.url}/deep-link-return",
            "accept_types": ["ltiResourceLink"],
            "accept_presentation_document_targets": ["iframe", "window"],
            "data": "opaque-platform-data",
        }
        claims.update(extra)
        return claims

    def sign(
        self, claims: dict, *, key: SigningKey | None = None, headers=None, alg="RS256"
    ) -> str:
        key = key or self.key
        return jwt.encode(
            claims, key.private, algorithm=alg, headers={"kid": key.kid, **(headers or {})}
        )

    def login(self, session, registration, *, target: str | None = None, login_host=None) -> dict:
        """Start an OIDC login at the tool; returns the auth request's query (state, nonce, …)."""
        base = login_host or self.tool
        response = session.get(
            f"{base}/lti/login/{registration.uuid}",
            params={
                "iss": self.issuer,
                "login_hint": "hint-1",
                "target_link_uri": target or f"{self.tool}/lti/launch",
                "client_id": self.client_id,
                "lti_message_hint": "message-hint",
            },
            allow_redirects=False,
        )
        assert response.status_code == 302, response.text
        location = response.headers["Location"]
        assert location.startswith(f"{self.url}/auth?")
        return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}

    # --- HTTP endpoints --------------------------------------------------------------------------
    def _tool_key(self, token: str):
        kid = jwt.get_unverified_header(token)["kid"]
        self.tool_kids_seen.append(kid)
        keys = requests.get(f"{self.tool}/.well-known/jwks.json", timeout=10).json()["keys"]
        jwk = next(k for k in keys if k["kid"] == kid)
        return jwt.PyJWK(jwk, algorithm="RS256").key

    def revoke_tokens(self) -> None:
        self.tokens.clear()

    def _handler(self):
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _reply(self, status: int, body=None, headers=None):
                data = json.dumps(body if body is not None else {}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def _page(self, html: str):
                data = html.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def do_GET(self):
                if self.path in platform.pages:
                    return self._page(platform.pages[self.path])
                if self.path == "/jwks":
                    platform.jwks_fetches += 1
                    return self._reply(200, {"keys": [k.public() for k in platform.published]})
                if self.path.startswith("/memberships"):
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    if token not in platform.tokens:
                        return self._reply(401, {"error": "invalid token"})
                    page = 2 if self.path.endswith("?page=2") else 1
                    half = len(platform.members) // 2
                    members = platform.members[:half] if page == 1 else platform.members[half:]
                    link = {"Link": f'<{platform.url}/memberships?page=2>; rel="next"'}
                    return self._reply(
                        200,
                        {"id": "roster", "context": {"id": "course-7"}, "members": members},
                        link if page == 1 else None,
                    )
                return self._reply(404)

            def do_POST(self):
                body = self._body()
                if self.path == "/token":
                    form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
                    platform.token_requests.append(form)
                    try:
                        jwt.decode(
                            form["client_assertion"],
                            platform._tool_key(form["client_assertion"]),
                            algorithms=["RS256"],
                            audience=f"{platform.url}/token",
                            issuer=platform.client_id,
                        )
                    except Exception as error:
                        return self._reply(400, {"error": "invalid_client", "detail": str(error)})
                    token = secrets.token_urlsafe(16)
                    platform.tokens[token] = time.time()
                    return self._reply(
                        200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600}
                    )
                if self.path.startswith("/lineitems/") and self.path.endswith("/scores"):
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    if token not in platform.tokens:
                        return self._reply(401, {"error": "invalid token"})
                    platform.score_attempts.append(json.loads(body))
                    if platform.score_replies:
                        status = platform.score_replies.pop(0)
                        if status != 200:
                            return self._reply(status, {"error": "scripted"}, {"Retry-After": "0"})
                    score = json.loads(body)
                    score["lineitem"] = self.path.removesuffix("/scores")
                    score["content_type"] = self.headers.get("Content-Type")
                    platform.scores.append(score)
                    return self._reply(200, {})
                if self.path == "/deep-link-return":
                    form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
                    message = jwt.decode(
                        form["JWT"],
                        platform._tool_key(form["JWT"]),
                        algorithms=["RS256"],
                        audience=platform.issuer,
                        issuer=platform.client_id,
                    )
                    platform.deep_link_responses.append(message)
                    return self._reply(200, {"ok": True})
                return self._reply(404)

        return Handler
