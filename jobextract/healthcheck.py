"""Probe grpc.health.v1 and exit 0 only when SERVING: the containers' health check.

    python -m jobextract.healthcheck --address localhost:50052 --service jobextract.v1.InferenceService

Health needs no key; over TLS give the CA (--tls-ca or JOBEXTRACT_TLS_CA), and with mTLS a
client certificate (JOBEXTRACT_TLS_CERT / JOBEXTRACT_TLS_KEY).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from jobextract.security import ClientSecurity


def check(address: str, service: str = "", timeout: float = 3.0,
          security: ClientSecurity | None = None) -> str:
    """The status name ("SERVING", "NOT_SERVING", ...) or the gRPC error code's name."""
    security = security or ClientSecurity.from_env()
    with security.channel(address) as channel:
        try:
            reply = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service=service), timeout=timeout)
        except grpc.RpcError as e:
            return e.code().name
    return health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", default="localhost:50051")
    parser.add_argument("--service", default="", help='service name; "" for the whole server')
    parser.add_argument("--timeout", type=float, default=3.0)
    parser.add_argument("--tls-ca", type=Path, help="TLS: the CA that signed the server's certificate")
    parser.add_argument("--tls-server-name", help="TLS: the name the certificate carries")
    args = parser.parse_args(argv)
    security = ClientSecurity.from_env().overridden(tls_ca=args.tls_ca,
                                                    server_name=args.tls_server_name)
    status = check(args.address, args.service, args.timeout, security)
    print(f"{args.address} {args.service or '(server)'}: {status}")
    return 0 if status == "SERVING" else 1


if __name__ == "__main__":
    sys.exit(main())
