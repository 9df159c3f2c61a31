"""A local certificate authority and server certificate for `spasmtrack serve --https`.

A phone on the home network reaches the laptop as `https://192.168.x.y:8000/`; service workers
and Web Push need such a secure context. The CA (10 years) and the server certificate (397
days: within what phones accept for a user-installed CA) are generated with `cryptography`
into `<data dir>/tls/`, private keys readable only by the owner. The phone installs the CA
once (the page `/https/`); a new address or an expiring certificate gets a new server
certificate from the same CA, with nothing to reinstall.
"""

from __future__ import annotations

import ipaddress
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_DAYS = 3650
SERVER_DAYS = 397
RENEW_BEFORE = timedelta(days=30)


def tls_dir() -> Path:
    from django.conf import settings

    return Path(settings.REMINDERS_KEY_DIR) / "tls"


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.chmod(0o600)
    tmp.replace(path)


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def existing_ca(folder: Path | None = None) -> x509.Certificate | None:
    path = (folder or tls_dir()) / "ca.pem"
    return x509.load_pem_x509_certificate(path.read_bytes()) if path.exists() else None


def fingerprint(cert: x509.Certificate) -> str:
    """SHA-256 fingerprint as colon-separated hex (what a phone shows in the certificate)."""
    return cert.fingerprint(hashes.SHA256()).hex(":").upper()


def ca_der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def ensure_ca(folder: Path, at: datetime) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    cert_path, key_path = folder / "ca.pem", folder / "ca-key.pem"
    if cert_path.exists() and key_path.exists():
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        return x509.load_pem_x509_certificate(cert_path.read_bytes()), key
    key = ec.generate_private_key(ec.SECP256R1())
    serial = x509.random_serial_number()
    # The serial in the name keeps two installs' CAs apart on a phone that trusts both.
    name = x509.Name(
        [
            x509.NameAttribute(
                NameOID.COMMON_NAME,
                f"Spasmtrack local CA {socket.gethostname()[:20]} {serial:x}"[:64],
            ),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Spasmtrack (this computer only)"),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(at - timedelta(hours=1))
        .not_valid_after(at + timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_private(key_path, _pem_key(key))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert, key


def _san(hosts: list[str]) -> list[x509.GeneralName]:
    out: list[x509.GeneralName] = []
    for h in hosts:
        try:
            out.append(x509.IPAddress(ipaddress.ip_address(h)))
        except ValueError:
            out.append(x509.DNSName(h))
    return out


def _names_of(cert: x509.Certificate) -> set[str]:
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return {str(v) for v in san.get_values_for_type(x509.IPAddress)} | set(
        san.get_values_for_type(x509.DNSName)
    )


def ensure_server_cert(
    hosts: list[str], folder: Path | None = None, at: datetime | None = None
) -> tuple[Path, Path]:
    """(certificate chain, key) files for a server reachable under `hosts` (names or IPs);
    reused while it covers them and is not about to expire."""
    folder = folder or tls_dir()
    at = at or datetime.now(UTC)  # certificate validity is real time, not a diary day
    ca, ca_key = ensure_ca(folder, at)
    cert_path, key_path = folder / "server.pem", folder / "server-key.pem"
    if cert_path.exists() and key_path.exists():
        old = x509.load_pem_x509_certificates(cert_path.read_bytes())[0]
        fresh = old.not_valid_after_utc - RENEW_BEFORE > at
        if fresh and set(hosts) <= _names_of(old) and old.issuer == ca.subject:
            return cert_path, key_path
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0])]))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(at - timedelta(hours=1))
        .not_valid_after(at + timedelta(days=SERVER_DAYS))
        .add_extension(x509.SubjectAlternativeName(_san(hosts)), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    _write_private(key_path, _pem_key(key))
    chain = cert.public_bytes(serialization.Encoding.PEM) + ca.public_bytes(
        serialization.Encoding.PEM
    )
    cert_path.write_bytes(chain)
    return cert_path, key_path


def local_addresses() -> list[str]:
    """This machine's names and addresses as a phone on the same network may use them:
    localhost, the host name (and `.local` for mDNS), and the address of the interface that
    routes outwards (a UDP "connect" sends no packet)."""
    names = ["localhost", "127.0.0.1", socket.gethostname(), f"{socket.gethostname()}.local"]
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed anywhere, nothing sent
            names.append(s.getsockname()[0])
    except OSError:
        pass
    return list(dict.fromkeys(names))
