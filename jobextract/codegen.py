"""Generate the Python stubs in jobextract/proto from protos/extraction.proto.

    python -m jobextract.codegen          # rewrite the checked-in stubs
A test regenerates into a temporary folder and fails when the checked-in stubs differ.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROTO_DIR = ROOT / "protos"
PACKAGE = "jobextract/proto"  # import path of the generated modules
GENERATED = ("extraction_pb2.py", "extraction_pb2.pyi", "extraction_pb2_grpc.py")


def generate(out_root: Path) -> Path:
    """Run protoc (grpcio-tools) and return the folder holding the generated modules.

    Mapping protos/ to the import path jobextract/proto makes the generated imports
    absolute (`from jobextract.proto import extraction_pb2`).
    """
    from grpc_tools import protoc

    out_root.mkdir(parents=True, exist_ok=True)
    args = [
        "protoc",
        f"-I{PACKAGE}={PROTO_DIR}",
        f"--python_out={out_root}",
        f"--pyi_out={out_root}",
        f"--grpc_python_out={out_root}",
        f"{PACKAGE}/extraction.proto",
    ]
    if protoc.main(args) != 0:
        raise RuntimeError("protoc failed on protos/extraction.proto")
    return out_root / PACKAGE


def drift() -> list[str]:
    """Names of checked-in stubs that differ from a fresh generation."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = generate(Path(tmp))
        return [
            name
            for name in GENERATED
            if not (ROOT / PACKAGE / name).exists()
            or (ROOT / PACKAGE / name).read_bytes() != (fresh / name).read_bytes()
        ]


def main() -> int:
    generate(ROOT)
    print("generated", ", ".join(f"{PACKAGE}/{n}" for n in GENERATED))
    return 0


if __name__ == "__main__":
    sys.exit(main())
