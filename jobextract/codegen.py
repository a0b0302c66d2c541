"""Generate the Python stubs in jobextract/v1 from protos/jobextract/v1/extraction.proto.

    python -m jobextract.codegen          # rewrite the checked-in stubs
A test regenerates into a temporary folder and fails when the checked-in stubs differ.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROTO_DIR = ROOT / "protos"
PROTO = "jobextract/v1/extraction.proto"  # its path under protos/ is its package (buf)
PACKAGE = "jobextract/v1"  # import path of the generated modules: the proto's own path
GENERATED = ("extraction_pb2.py", "extraction_pb2.pyi", "extraction_pb2_grpc.py")


def generate(out_root: Path) -> Path:
    """Run protoc (grpcio-tools) and return the folder holding the generated modules.

    The proto's path under protos/ is its package's, so the generated imports are
    absolute (`from jobextract.v1 import extraction_pb2`) and reflection names the file
    as buf does.
    """
    from grpc_tools import protoc

    out_root.mkdir(parents=True, exist_ok=True)
    args = [
        "protoc",
        f"-I{PROTO_DIR}",
        f"--python_out={out_root}",
        f"--pyi_out={out_root}",
        f"--grpc_python_out={out_root}",
        str(PROTO_DIR / PROTO),
    ]
    if protoc.main(args) != 0:
        raise RuntimeError(f"protoc failed on protos/{PROTO}")
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
