"""Build tiny random-weight Qwen3 checkpoints, so tests run the real engine without a download.

The checkpoint is a real `Qwen3ForCausalLM` (head_dim 64: vLLM's CPU attention rejects 16)
with a small byte-level BPE tokenizer trained here and a Qwen-style chat template that
honours `enable_thinking`. Its text is gibberish; its shapes, template and special tokens
are what the services handle in production.

    python -m tests.tiny_model OUT_DIR [--seed N]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<think>", "</think>"]

# Same shape as Qwen3's own template, reduced to what the services use.
CHAT_TEMPLATE = (
    "{%- for message in messages %}"
    "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}"
    "{{- '<|im_start|>assistant\\n' }}"
    "{%- if enable_thinking is defined and enable_thinking is false %}"
    "{{- '<think>\\n\\n</think>\\n\\n' }}"
    "{%- endif %}"
    "{%- endif %}"
)

_CORPUS_LINES = [
    '{"title": "Software Engineer", "company": "Acme Corp", "location": "Remote"}',
    '{"salary_min": 120000, "salary_max": 180000, "skills": ["Python", "React"]}',
    "We are hiring a senior data analyst in Berlin. Salary: $55-60/hr. Benefits: 401k.",
    "Requirements: five years of experience with SQL, PostgreSQL and cloud platforms.",
    "system user assistant true false null 0 1 2 3 4 5 6 7 8 9 [ ] { } , : \" \\n",
]


def build_tokenizer(out: Path, vocab_size: int = 1024):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tok.train_from_iterator(_CORPUS_LINES * 50, trainer=trainer)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        additional_special_tokens=SPECIAL_TOKENS[1:],
    )
    fast.chat_template = CHAT_TEMPLATE
    fast.save_pretrained(out)
    return fast


def build_tiny_qwen3(out: Path, seed: int = 0, max_position_embeddings: int = 2048) -> Path:
    """Write a tiny random Qwen3 checkpoint to `out` (idempotent) and return it."""
    import torch
    from transformers import Qwen3Config, Qwen3ForCausalLM

    out = Path(out)
    if (out / "config.json").exists() and (out / "model.safetensors").exists():
        return out
    out.mkdir(parents=True, exist_ok=True)
    tokenizer = build_tokenizer(out)
    torch.manual_seed(seed)
    config = Qwen3Config(
        vocab_size=len(tokenizer),
        hidden_size=128,
        intermediate_size=256,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=1,
        head_dim=64,
        max_position_embeddings=max_position_embeddings,
        tie_word_embeddings=True,
        bos_token_id=tokenizer.convert_tokens_to_ids("<|endoftext|>"),
        eos_token_id=tokenizer.convert_tokens_to_ids("<|im_end|>"),
        torch_dtype="float32",
    )
    model = Qwen3ForCausalLM(config)
    model.save_pretrained(out, safe_serialization=True)
    (out / "generation_config.json").write_text(
        json.dumps({"eos_token_id": config.eos_token_id, "bos_token_id": config.bos_token_id})
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(build_tiny_qwen3(args.out, seed=args.seed))


if __name__ == "__main__":
    main()
