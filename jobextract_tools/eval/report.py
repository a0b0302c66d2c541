"""The evaluation's markdown table."""

from __future__ import annotations


def markdown(reports: dict) -> str:
    lines = ["| set | postings | schema-valid | generations/posting | p50 s/posting "
             "| postings/min (this run) | field | score |",
             "|---|---|---|---|---|---|---|---|"]
    for name, r in reports.items():
        generations = r.get("generations_per_posting")
        head = (f"| {name} | {r['postings']} | {r['schema_valid_rate']:.0%} | "
                f"{generations:.2f} |" if generations is not None else
                f"| {name} | {r['postings']} | {r['schema_valid_rate']:.0%} | - |")
        per_minute = r["this_run"]["postings_per_minute"]
        per_minute = f"{per_minute:.2f}" if per_minute else "-"
        head += f" {r['latency_seconds']['p50']:.1f} | {per_minute} |"
        rows = [(k, f"{v['rate']:.0%} ({v['hits']}/{v['total']})") for k, v in r["fields"].items()]
        if "skills_soft" in r:
            s = r["skills_soft"]
            rows.append(("skills (soft) P/R/F1", f"{s['precision']:.0%} / {s['recall']:.0%} / {s['f1']:.0%}"))
        for i, (field_name, value) in enumerate(rows or [("-", "-")]):
            lines.append((head if i == 0 else "| | | | | | |") + f" {field_name} | {value} |")
    return "\n".join(lines) + "\n"
