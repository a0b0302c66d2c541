"""A throwaway certificate authority with server and client certificates, made at run time
(the `cryptography` package): for the TLS/mTLS tests and the security benchmark, and for
trying TLS locally. Never for production: the keys are written unencrypted.
"""

from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass(frozen=True)
class Pair:
    cert: Path
    key: Path


@dataclass(frozen=True)
class Authority:
    ca: Path            # the CA certificate: what clients and servers trust
    server: Pair        # for localhost / 127.0.0.1
    client: Pair        # a client certificate for mTLS


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write(folder: Path, stem: str, cert: x509.Certificate, key) -> Pair:
    cert_path, key_path = folder / f"{stem}.crt", folder / f"{stem}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    return Pair(cert_path, key_path)


def make_authority(folder: Path, ca_name: str = "jobextract test CA") -> Authority:
    """A CA, a server certificate for localhost and 127.0.0.1, and a client certificate."""
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.timezone.utc)
    valid = dict(not_valid_before=now - datetime.timedelta(minutes=5),
                 not_valid_after=now + datetime.timedelta(days=2))
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder(subject_name=_name(ca_name), issuer_name=_name(ca_name),
                                  public_key=ca_key.public_key(),
                                  serial_number=x509.random_serial_number(), **valid)
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False,
                                       encipher_only=False, decipher_only=False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    ca_pair = _write(folder, "ca", ca, ca_key)

    def issue(stem: str, common_name: str, usage, names: list) -> Pair:
        key = ec.generate_private_key(ec.SECP256R1())
        builder = (x509.CertificateBuilder(subject_name=_name(common_name), issuer_name=ca.subject,
                                           public_key=key.public_key(),
                                           serial_number=x509.random_serial_number(), **valid)
                   .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                   .add_extension(x509.ExtendedKeyUsage([usage]), critical=False))
        if names:
            builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
        return _write(folder, stem, builder.sign(ca_key, hashes.SHA256()), key)

    server = issue("server", "localhost", ExtendedKeyUsageOID.SERVER_AUTH,
                   [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])
    client = issue("client", "jobextract-router", ExtendedKeyUsageOID.CLIENT_AUTH, [])
    return Authority(ca_pair.cert, server, client)
