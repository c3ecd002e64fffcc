#!/usr/bin/env python3
"""Writes a tiny random-weight llama-architecture GGUF model with llama.cpp's own GGUF writer (gguf-py).

The model answers nonsense, quickly: it exists to exercise a real llama-server (HTTP, scheduling, slots,
chat templates, router mode) in tests, never to be judged on quality.
Usage: make_tiny_gguf.py OUT.gguf [--seed N] [--name NAME]   (needs numpy and gguf-py on PYTHONPATH)
"""
import argparse

import numpy as np
import gguf

parser = argparse.ArgumentParser()
parser.add_argument("out")
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--name", default="tiny-random")
args = parser.parse_args()
rng = np.random.default_rng(args.seed)

n_embd, n_head, n_head_kv, n_layer, n_ff, n_ctx = 64, 4, 2, 2, 128, 2048
head_dim = n_embd // n_head

# A SentencePiece-style vocabulary with byte fallback: any text tokenizes, any output detokenizes.
words = ["▁the", "▁answer", "▁is", "▁I", "▁don't", "▁know", "▁yes", "▁no", "▁<response>", "</response>", "▁Paris", "▁."]
tokens = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)] + words
types = [gguf.TokenType.UNKNOWN, gguf.TokenType.CONTROL, gguf.TokenType.CONTROL] + [gguf.TokenType.BYTE] * 256 + [gguf.TokenType.NORMAL] * len(words)
scores = [0.0, 0.0, 0.0] + [0.0] * 256 + [-float(i + 1) for i in range(len(words))]
n_vocab = len(tokens)

w = gguf.GGUFWriter(args.out, "llama")
w.add_name(args.name)
w.add_context_length(n_ctx)
w.add_embedding_length(n_embd)
w.add_block_count(n_layer)
w.add_feed_forward_length(n_ff)
w.add_head_count(n_head)
w.add_head_count_kv(n_head_kv)
w.add_rope_dimension_count(head_dim)
w.add_layer_norm_rms_eps(1e-5)
w.add_vocab_size(n_vocab)
w.add_file_type(gguf.LlamaFileType.ALL_F32)
w.add_tokenizer_model("llama")
w.add_token_list(tokens)
w.add_token_types(types)
w.add_token_scores(scores)
w.add_bos_token_id(1)
w.add_eos_token_id(2)
w.add_add_bos_token(True)
w.add_chat_template(
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def t(*shape):
    return (rng.standard_normal(shape) * 0.2).astype(np.float32)


# numpy shapes are (rows, cols) = ggml's ne reversed: a (out, in) matrix.
w.add_tensor("token_embd.weight", t(n_vocab, n_embd))
w.add_tensor("output_norm.weight", np.ones(n_embd, dtype=np.float32))
w.add_tensor("output.weight", t(n_vocab, n_embd))
for i in range(n_layer):
    w.add_tensor(f"blk.{i}.attn_norm.weight", np.ones(n_embd, dtype=np.float32))
    w.add_tensor(f"blk.{i}.attn_q.weight", t(n_embd, n_embd))
    w.add_tensor(f"blk.{i}.attn_k.weight", t(n_head_kv * head_dim, n_embd))
    w.add_tensor(f"blk.{i}.attn_v.weight", t(n_head_kv * head_dim, n_embd))
    w.add_tensor(f"blk.{i}.attn_output.weight", t(n_embd, n_embd))
    w.add_tensor(f"blk.{i}.ffn_norm.weight", np.ones(n_embd, dtype=np.float32))
    w.add_tensor(f"blk.{i}.ffn_gate.weight", t(n_ff, n_embd))
    w.add_tensor(f"blk.{i}.ffn_up.weight", t(n_ff, n_embd))
    w.add_tensor(f"blk.{i}.ffn_down.weight", t(n_embd, n_ff))

w.write_header_to_file()
w.write_kv_data_to_file()
w.write_tensors_to_file()
w.close()
print(f"{args.out}: llama, {n_layer} layers, {n_embd} dims, {n_vocab} tokens")
