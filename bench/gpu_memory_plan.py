"""The gpu-16gb profile's memory on paper: weights, KV cache per token, and how many
12,288-token sequences fit each tier on a 16 GB card. Arithmetic from the models'
architectures, not a measurement (`make gpu-acceptance` measures on a GPU).

    python -m bench.gpu_memory_plan [--card-gib 15.0] [--utilization 0.85] [--reserve-gib 1.0]

Sources for the architecture (config.json of each model, as published by Qwen):
Qwen3-4B(-2507): 36 layers, hidden 2560, intermediate 9728, 32 heads, 8 KV heads, head_dim
128, vocab 151936, tied embeddings; bf16 weights 8,044,936,192 bytes (the safetensors
index's total_size). Qwen3-8B: 36 layers, hidden 4096, intermediate 12288, 32/8 heads,
head_dim 128, untied. Qwen3-14B: 40 layers, hidden 5120, intermediate 17408, 40/8 heads,
head_dim 128, untied. AWQ checkpoints: 4-bit linear weights with a float16 scale and a
4-bit zero per group of 128, embeddings and lm_head in float16 (their file sizes could not
be read here: the bytes are computed, and agree with the cards' 8.2B and 14.8B parameters).
`--reserve-gib`: what vLLM keeps inside its pool besides weights and KV cache (activation
peak of a prefill chunk, CUDA graphs), an assumption to check against the engine's log.
A T4 reports 15.0 GiB; most other 16 GB cards ~15.6-16.0 GiB.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

GIB = 2**30
CONTEXT = 12288
VOCAB = 151936


@dataclass(frozen=True)
class Architecture:
    name: str
    layers: int
    hidden: int
    intermediate: int
    heads: int
    kv_heads: int
    head_dim: int = 128
    tied: bool = False
    awq: bool = False
    weight_bytes: int | None = None   # read from the checkpoint when known

    def linear_params(self) -> int:
        attention = self.hidden * self.head_dim * (2 * self.heads + 2 * self.kv_heads)
        return self.layers * (attention + 3 * self.hidden * self.intermediate)

    def embedding_params(self) -> int:
        return VOCAB * self.hidden * (1 if self.tied else 2)

    def weights(self) -> int:
        if self.weight_bytes is not None:
            return self.weight_bytes
        bits = (4 + (16 + 4) / 128) if self.awq else 16
        return int(self.linear_params() * bits / 8 + self.embedding_params() * 2)

    def kv_bytes_per_token(self, dtype_bytes: int = 2) -> int:
        return 2 * self.layers * self.kv_heads * self.head_dim * dtype_bytes


TIERS = {
    "thinking (Qwen3-4B-*-2507, bf16/fp16)": Architecture(
        "qwen3-4b", 36, 2560, 9728, 32, 8, tied=True, weight_bytes=8_044_936_192),
    "primary (Qwen3-8B-AWQ)": Architecture("qwen3-8b-awq", 36, 4096, 12288, 32, 8, awq=True),
    "maximum (Qwen3-14B-AWQ)": Architecture("qwen3-14b-awq", 40, 5120, 17408, 40, 8, awq=True),
}


def plan(card_gib: float, utilization: float, reserve_gib: float) -> list[dict]:
    pool = card_gib * utilization * GIB
    rows = []
    for tier, arch in TIERS.items():
        kv = pool - arch.weights() - reserve_gib * GIB
        per_token = arch.kv_bytes_per_token()
        tokens = max(0, int(kv // per_token))
        rows.append({"tier": tier, "params_b": (arch.linear_params() + arch.embedding_params()) / 1e9,
                     "weights_gib": arch.weights() / GIB, "kv_kib_per_token": per_token / 1024,
                     "kv_gib": kv / GIB, "kv_tokens": tokens,
                     "full_sequences": tokens / CONTEXT, "typical_sequences": tokens / 2500})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--card-gib", type=float, default=15.0, help="15.0: a T4")
    parser.add_argument("--utilization", type=float, default=0.85)
    parser.add_argument("--reserve-gib", type=float, default=1.0)
    args = parser.parse_args(argv)
    print(f"card {args.card_gib} GiB x gpu_memory_utilization {args.utilization} = pool "
          f"{args.card_gib * args.utilization:.2f} GiB; {args.reserve_gib} GiB reserved for "
          f"activations and CUDA graphs; KV cache in fp16; context {CONTEXT}")
    print("| tier | params (B) | weights GiB | KV per token | KV cache GiB | KV tokens | "
          f"{CONTEXT}-token sequences | 2,500-token jobs |")
    print("|---|---|---|---|---|---|---|---|")
    for r in plan(args.card_gib, args.utilization, args.reserve_gib):
        print(f"| {r['tier']} | {r['params_b']:.2f} | {r['weights_gib']:.2f} | "
              f"{r['kv_kib_per_token']:.0f} KiB | {r['kv_gib']:.2f} | {r['kv_tokens']:,} | "
              f"{r['full_sequences']:.1f} | {r['typical_sequences']:.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
