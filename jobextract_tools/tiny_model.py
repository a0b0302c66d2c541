"""Build tiny random-weight Qwen3 checkpoints, so tests run the real engine without a download.

The checkpoint is a real `Qwen3ForCausalLM` (head_dim 64: vLLM's CPU attention rejects 16)
with a small byte-level BPE tokenizer and a Qwen-style chat template that honours
`enable_thinking`. Its weights make it a bigram model (see `_FIRST`): greedy output under a
JSON schema is small and valid, sampled output is random. Its shapes, template and special
tokens are what the services handle in production.

The thinking variant (`thinking=True`) has Qwen3-4B-Thinking-2507's template shape: the
generation prompt opens `<think>`, so the model reasons first and never closes the reasoning
on its own (no weight prefers `</think>`): vLLM's thinking budget must end it, then the JSON
grammar applies. That is the whole thinking path of the service on a checkpoint of a few MB.

    python -m jobextract_tools.tiny_model OUT_DIR [--seed N] [--thinking]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
# As in Qwen3's tokenizer: added tokens that are not special, so decoded text keeps them
# (vLLM skips special tokens when it detokenizes).
THINK_TOKENS = ["<think>", "</think>"]

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

# Qwen3-4B-Thinking-2507's shape: the generation prompt opens the reasoning itself.
THINKING_CHAT_TEMPLATE = (
    "{%- for message in messages %}"
    "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}"
    "{{- '<|im_start|>assistant\\n<think>\\n' }}"
    "{%- endif %}"
)

# Token ids in this order, specials last. The checkpoint is a bigram model (see
# `_make_bigram`): every logit is 0 except a few preferred successors, so greedy decoding
# takes the preferred token when the grammar allows it, else the lowest allowed id. Under
# the JobPosting schema that gives a small valid document: `null` after a key, "a" in a
# required string, empty lists. Sampling with a temperature stays close to uniform.
_FIRST = ['"', "]", "}", "null", ",", ":", "[", "{", "true", "false", "a"]
_WORDS = ["null", "true", "false"]
_PREFERRED = {":": "null", '"': "a", "[": "]"}  # after this token, prefer that one
_PREFERENCE = 5.0


def build_tokenizer(out: Path, chat_template: str = CHAT_TEMPLATE):
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab: dict[str, int] = {}
    merges: list[tuple[str, str]] = []

    def add(token: str) -> None:
        vocab.setdefault(token, len(vocab))

    for word in _WORDS:  # a word's prefixes must be tokens for its BPE merges
        for i in range(2, len(word) + 1):
            merges.append((word[: i - 1], word[i - 1]))
    for token in _FIRST:
        add(token)
    for char in pre_tokenizers.ByteLevel.alphabet():
        add(char)
    for left, right in merges:
        add(left + right)
    for added in SPECIAL_TOKENS + THINK_TOKENS:
        add(added)
    tok = Tokenizer(models.BPE(vocab=vocab, merges=merges))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.add_special_tokens(SPECIAL_TOKENS)
    tok.add_tokens([AddedToken(t, special=False, normalized=False) for t in THINK_TOKENS])
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        additional_special_tokens=SPECIAL_TOKENS[1:],
    )
    fast.chat_template = chat_template
    fast.save_pretrained(out)
    return fast


def _make_bigram(model, tokenizer) -> None:
    """Weights under which the next-token logits depend on the current token only.

    Attention and MLP outputs are zero, so the residual stream is the current token's
    embedding, a one-hot vector; the final norm keeps it one-hot, and the untied lm_head
    row y, column x holds the preference for y after x.
    """
    import torch

    hidden = model.config.hidden_size
    with torch.no_grad():
        for name, weight in model.named_parameters():
            if name.endswith(("o_proj.weight", "down_proj.weight")):
                weight.zero_()
        embed = model.model.embed_tokens.weight
        embed.zero_()
        for token_id in range(embed.shape[0]):
            embed[token_id, token_id] = 1.0
        model.model.norm.weight.fill_(hidden ** -0.5)  # RMSNorm(one-hot) = one-hot
        head = model.lm_head.weight
        head.zero_()
        for before, after in _PREFERRED.items():
            head[tokenizer.convert_tokens_to_ids(after),
                 tokenizer.convert_tokens_to_ids(before)] = _PREFERENCE


def build_tiny_qwen3(out: Path, seed: int = 0, max_position_embeddings: int = 8192,
                     thinking: bool = False) -> Path:
    """Write a tiny Qwen3 checkpoint to `out` (idempotent) and return it.

    `seed` only varies the attention and MLP input weights, whose outputs are zeroed: two
    seeds give two distinct checkpoints that generate the same text.
    """
    import torch
    from transformers import Qwen3Config, Qwen3ForCausalLM

    out = Path(out)
    if (out / "config.json").exists() and (out / "model.safetensors").exists():
        return out
    out.mkdir(parents=True, exist_ok=True)
    tokenizer = build_tokenizer(out, THINKING_CHAT_TEMPLATE if thinking else CHAT_TEMPLATE)
    vocab = len(tokenizer)
    heads = -(-vocab // 64)  # hidden >= vocab, so every token has its own dimension
    torch.manual_seed(seed)
    config = Qwen3Config(
        vocab_size=vocab,
        hidden_size=heads * 64,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=heads,
        num_key_value_heads=1,
        head_dim=64,
        max_position_embeddings=max_position_embeddings,
        tie_word_embeddings=False,
        bos_token_id=tokenizer.convert_tokens_to_ids("<|endoftext|>"),
        eos_token_id=tokenizer.convert_tokens_to_ids("<|im_end|>"),
        torch_dtype="float32",
    )
    model = Qwen3ForCausalLM(config)
    _make_bigram(model, tokenizer)
    model.save_pretrained(out, safe_serialization=True)
    (out / "generation_config.json").write_text(
        json.dumps({"eos_token_id": config.eos_token_id, "bos_token_id": config.bos_token_id})
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--thinking", action="store_true",
                        help="a generation prompt that opens <think> (Qwen3-4B-Thinking-2507)")
    args = parser.parse_args()
    print(build_tiny_qwen3(args.out, seed=args.seed, thinking=args.thinking))


if __name__ == "__main__":
    main()
