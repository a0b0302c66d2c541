"""The benchmark's report: the targets it checks and the markdown table."""

from __future__ import annotations

PATHS = ("engine", "generate", "generate-1", "extract", "vllm")


def targets(results: dict, levels: list[int]) -> list[tuple[str, str, bool]]:
    tiny = results["tiny"]
    top, low = str(max(levels)), str(min(levels))
    added = results["router_added"]
    scale = tiny[top]["extract"]["output_tokens_per_s"] / tiny[low]["extract"]["output_tokens_per_s"]
    return [
        (f"pipeline throughput at c{top} >= 0.95 x engine",
         f"{tiny[top]['extract']['vs_engine']:.2f}", tiny[top]["extract"]["vs_engine"] >= 0.95),
        # The paired end-to-end difference is reported beside it; on a shared 2-core machine
        # its spread (engine run-to-run) is far wider than 5 ms, so it cannot decide this.
        ("router added latency p50 <= 5 ms (the router's own time per Extract; paired "
         "Extract - Generate p50 [p90] in brackets)",
         f"{added['router_own_ms_p50']:.1f} ms ({added['difference_ms_p50']:.0f} "
         f"[{added['difference_ms_p90']:.0f}] ms)", added["router_own_ms_p50"] <= 5),
        (f"throughput >= vLLM's own server (c{top}, extract / vllm)",
         f"{tiny[top]['extract']['vs_vllm']:.2f}", tiny[top]["extract"]["vs_vllm"] >= 1.0),
        ("count + decision, 8K-token posting < 5 ms",
         f"{results['micro']['count_and_decide_8k_ms']:.2f} ms",
         results["micro"]["count_and_decide_8k_ms"] < 5),
        (f"c{top} >= 3 x c{low} throughput (pipeline)", f"{scale:.2f}x", scale >= 3),
    ]


def markdown(results: dict, levels: list[int]) -> str:
    lines = [f"# Benchmark {results['date']} on {results['host']} ({results['cpus']} CPUs)", "",
             f"Tiny checkpoint, EMSCAD postings (2 per concurrent call, at least 4 per run), "
             f"{results['rounds']} interleaved round(s), greedy, the router's prompt and "
             "schema, every posting new to the engine. Extract's first token is the router's "
             "own timing.", "",
             "| c | path | postings/s | output tok/s | vs engine | p50 ms | p90 ms | p99 ms "
             "| first token p50 ms |", "|---|---|---|---|---|---|---|---|---|"]

    def rows(table: dict) -> None:
        for c, row in table.items():
            for name in PATHS:
                if name not in row:
                    continue
                cell = row[name]
                lat = cell["latency_ms"]
                vs = f"{cell['vs_engine']:.2f}" if cell.get("vs_engine") else "-"
                if "vs_vllm" in cell:
                    vs += f" ({cell['vs_vllm']:.2f} of vllm)"
                first = cell["first_token_ms_p50"]
                first = f"{first:.0f}" if first is not None else "-"
                lines.append(f"| {c} | {name} | {cell['postings_per_s']:.2f} | "
                             f"{cell['output_tokens_per_s']:.0f} | {vs} | {lat['p50']:.0f} | "
                             f"{lat['p90']:.0f} | {lat['p99']:.0f} | {first} |")

    rows(results["tiny"])
    if "embedded" in results:
        lines += ["", "Embedded Qwen2.5-Coder-0.5B (the realistic row):", "",
                  "| c | path | postings/s | output tok/s | vs engine | p50 ms | p90 ms | p99 ms "
                  "| first token p50 ms |", "|---|---|---|---|---|---|---|---|---|"]
        rows(results["embedded"])
    m = results["micro"]
    lines += ["", "| measurement | value |", "|---|---|"]
    lines += [f"| tiktoken count + decision, {k}K tokens | {m[f'count_and_decide_{k}k_ms']:.2f} ms |"
              for k in (1, 8, 32)]
    lines.append(f"| validate + ground one answer | {m['validate_and_ground_ms']:.2f} ms |")
    added = results["router_added"]
    lines.append(f"| router added latency, {added['pairs']} pairs one at a time: Extract - "
                 f"Generate p50 / p90 | {added['difference_ms_p50']:.1f} / "
                 f"{added['difference_ms_p90']:.1f} ms |")
    lines.append(f"| the router's own time per Extract (call - its time in Generate) p50 / p90 "
                 f"| {added['router_own_ms_p50']:.1f} / {added['router_own_ms_p90']:.1f} ms |")
    if "grpc_wait_floor_ms_p50" in added:
        lines.append(f"| of it, gRPC's cost for a call that waits (a bare grpc.aio server in a "
                     f"process of its own, bench/grpc_floor.py) p50 / p90 | "
                     f"{added['grpc_wait_floor_ms_p50']:.1f} / "
                     f"{added['grpc_wait_floor_ms_p90']:.1f} ms |")
    if "check_ms_p50" in added:
        lines.append(f"| of it, p50: count + decide / the answer check (thread or worker "
                     f"round trip included) | {added['decision_ms_p50']:.2f} / "
                     f"{added['check_ms_p50']:.2f} ms |")
    if results.get("switch_seconds"):
        s = results["switch_seconds"]
        lines.append(f"| model switch tiny to tiny ({len(s)}) | "
                     + ", ".join(f"{v:.1f}" for v in s) + " s |")
    if "embedded_cold_start_s" in results:
        cold = results["embedded_cold_start_s"]
        lines.append(f"| embedded 0.5B cold start | {cold['process_to_serving']:.1f} s to SERVING "
                     f"(engine {cold['engine_load']:.1f} s) |")
    for name, mb in results.get("peak_memory_mb", {}).items():
        lines.append(f"| peak memory, {name} | {mb:.0f} MB |")
    lines += ["", "| target | measured | met |", "|---|---|---|"]
    lines += [f"| {name} | {value} | {'yes' if ok else 'NO'} |"
              for name, value, ok in results["targets"]]
    return "\n".join(lines) + "\n"
