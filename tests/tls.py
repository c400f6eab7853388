"""A self-signed certificate for 127.0.0.1 and the simulator speaking https with it: an endpoint whose
certificate only a CA bundle that holds it can vouch for, like a Huawei Cloud Stack endpoint signed by a
company's private CA."""

import ipaddress
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from simulator.server import Simulator

LOOPBACK = "127.0.0.1"


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """(certificate, private key) PEM files for the address 127.0.0.1, valid for a day."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ModelArts test CA")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(LOOPBACK))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    certificate_path, key_path = folder / "endpoint.pem", folder / "endpoint.key"
    certificate_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return certificate_path, key_path


@contextmanager
def https_simulator(folder: Path) -> Iterator[tuple[Simulator, Path]]:
    """The simulator on https://127.0.0.1:<port>, and the certificate it presents (the CA bundle to trust)."""
    certificate, key = self_signed_certificate(folder)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, key)
    simulator = Simulator(host=LOOPBACK, port=0, tls=context)
    simulator.start()
    try:
        yield simulator, certificate
    finally:
        simulator.stop()


def without_outbound_settings(monkeypatch) -> None:
    """No proxy and no CA bundle from the environment this test runs in: each test sets its own."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
