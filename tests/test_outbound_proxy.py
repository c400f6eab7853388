"""Reaching ModelArts from a company network: the web and worker processes send every ModelArts and IAM
request through the proxy in HTTPS_PROXY (an HTTP CONNECT tunnel, so the proxy never sees the signed
request), except to the hosts in NO_PROXY, and still verify the endpoint's certificate through the tunnel."""

import select
import socket
import socketserver
import threading
from collections.abc import Iterator

import pytest

from jobs.clients import client_for
from modelarts import errors
from tests.conftest import make_simulated_credential, make_simulated_iam_credential
from tests.tls import https_simulator, without_outbound_settings

pytestmark = pytest.mark.django_db


class _Tunnel(socketserver.StreamRequestHandler):
    """Answers one CONNECT with a tunnel to the loopback port it names; refuses anything else."""

    server: "Proxy"

    def handle(self) -> None:
        method, target, _ = self.rfile.readline().decode("latin-1").split(" ", 2)
        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
            pass  # the request's headers
        self.server.requests.append(f"{method} {target}")
        if method != "CONNECT":
            self.wfile.write(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            return
        host, port = target.rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=5) as upstream:
            self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            self.wfile.flush()
            relay(self.connection, upstream)


def relay(client: socket.socket, upstream: socket.socket) -> None:
    """Copies bytes both ways until either side closes."""
    peers = {client: upstream, upstream: client}
    while True:
        readable, _, _ = select.select(list(peers), [], [], 10)
        if not readable:
            return
        for sock in readable:
            data = sock.recv(65536)
            if not data:
                return
            peers[sock].sendall(data)


class Proxy(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Tunnel)
        self.requests: list[str] = []

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


@pytest.fixture
def proxy() -> Iterator[Proxy]:
    server = Proxy()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    thread.join()
    server.server_close()


@pytest.fixture
def endpoint(tmp_path, monkeypatch):
    """ModelArts and IAM on https with a private CA's certificate, which REQUESTS_CA_BUNDLE trusts."""
    without_outbound_settings(monkeypatch)
    with https_simulator(tmp_path) as (simulator, certificate):
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificate))
        yield simulator


def tunnel_to(simulator) -> str:
    return "CONNECT " + simulator.url.removeprefix("https://")


def test_modelarts_is_reached_through_https_proxy(alice, endpoint, proxy, monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    credential = make_simulated_credential(alice, endpoint)
    jobs = client_for(credential).list_visualization_jobs(page=1, per_page=1)
    assert len(jobs.jobs) == 1
    assert proxy.requests == [tunnel_to(endpoint)]


def test_iam_token_requests_go_through_the_proxy_too(alice, endpoint, proxy, monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    credential = make_simulated_iam_credential(alice, endpoint)
    client_for(credential).list_visualization_jobs(page=1, per_page=1)
    assert proxy.requests == [tunnel_to(endpoint)] * 2  # the token request, then the list, each in its own pool


def test_hosts_in_no_proxy_are_reached_directly(alice, endpoint, proxy, monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    credential = make_simulated_iam_credential(alice, endpoint)
    jobs = client_for(credential).list_visualization_jobs(page=1, per_page=1)
    assert len(jobs.jobs) == 1
    assert proxy.requests == []


def test_the_certificate_is_verified_through_the_tunnel(alice, endpoint, proxy, monkeypatch):
    """The proxy carries the TLS connection; it does not replace the endpoint's certificate check."""
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    monkeypatch.delenv("REQUESTS_CA_BUNDLE")
    credential = make_simulated_credential(alice, endpoint)
    with pytest.raises(errors.ConnectionFailed, match="certificate is not trusted"):
        client_for(credential).list_visualization_jobs(page=1, per_page=1)
    assert tunnel_to(endpoint) in proxy.requests
    assert sum(endpoint.calls.values()) == 0


def test_an_unreachable_proxy_is_a_connection_failure(alice, endpoint, unused_port, monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{unused_port}")
    credential = make_simulated_credential(alice, endpoint)
    with pytest.raises(errors.ConnectionFailed):
        client_for(credential).list_visualization_jobs(page=1, per_page=1)
    assert sum(endpoint.calls.values()) == 0
