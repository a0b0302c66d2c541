"""The evaluation's markdown: a run's figures with its parts side by side, and a replay's."""

from __future__ import annotations

from jobextract_tools.eval.replay import KINDS
from jobextract_tools.eval.scoring import ITEM_LISTS


def _rate(v: dict) -> str:
    return f"{v['rate']:.0%} ({v['hits']}/{v['total']})"


def _quality(q: dict) -> list[tuple[str, str]]:
    rows = [(name, _rate(v)) for name, v in q["fields"].items()]
    for field in ITEM_LISTS:
        if f"{field}_items" in q:
            s = q[f"{field}_items"]
            rows.append((f"{field} items P/R/F1",
                         f"{s['precision']:.0%} / {s['recall']:.0%} / {s['f1']:.0%}"))
    return rows


def _figures(r: dict) -> list[tuple[str, str]]:
    generations = r.get("generations_per_posting")
    per_minute = r["this_run"]["postings_per_minute"]
    return [("postings", str(r["postings"])),
            ("schema-valid", f"{r['schema_valid_rate']:.0%}"),
            ("generations/posting", f"{generations:.2f}" if generations is not None else "-"),
            ("p50 s/posting", f"{r['latency_seconds']['p50']:.1f}"),
            ("postings/min (this run, all parts)", f"{per_minute:.2f}" if per_minute else "-"),
            *_quality(r)]


def _side_by_side(first: str, columns: list[str],
                  sets: dict[str, dict[str, list[tuple[str, str]]]]) -> list[str]:
    """A table of each set's rows, one column per part (or other view) of it."""
    lines = [f"| set | {first} | " + " | ".join(columns) + " |",
             "|---|---|" + "---|" * len(columns)]
    for name, views in sets.items():
        values = {column: dict(rows) for column, rows in views.items()}
        order = list(dict.fromkeys(row for rows in views.values() for row, _ in rows))
        for i, row in enumerate(order):
            cells = " | ".join(values.get(c, {}).get(row, "-") for c in columns)
            lines.append(f"| {name if i == 0 else ''} | {row} | {cells} |")
    return lines


def markdown(reports: dict[str, dict[str, dict]]) -> str:
    """`reports`: set -> part -> scoring.summarise's report."""
    parts = list(dict.fromkeys(p for by_part in reports.values() for p in by_part))
    sets = {name: {part: _figures(r) for part, r in by_part.items()}
            for name, by_part in reports.items()}
    return "\n".join(_side_by_side("figure", parts, sets)) + "\n"


def _lost(r: dict) -> str:
    """The goal's count: model values that matched the label, dropped or replaced by a wrong
    one, per labelled score."""
    cells = []
    for name, s in r["scores"].items():
        how = ", ".join(f"{kind} {s[f'lost_{kind}']}" for kind in KINDS if s.get(f"lost_{kind}"))
        cells.append(f"{name} {s.get('hurt', 0)}" + (f" ({how})" if how else ""))
    return " · ".join(cells) or "nothing labelled was scored"


def replay_markdown(reports: dict[str, dict[str, dict]], skipped: dict[str, int]) -> str:
    """`reports`: set -> part -> replay.summarise's report."""
    lines = []
    for name, by_part in reports.items():
        for part, r in by_part.items():
            lines += [f"## {name}, {part}: {r['answers']} recorded answers, "
                      f"{len(r['rejected_by_check'])} rejected by the check", "",
                      f"**Model values right by the label that the check lost:** {_lost(r)}",
                      *(f"- {x['id']} {x['score']}: {x['model']!r} -> {x['checked']!r} "
                        f"({'; '.join(x['rules'])})" for x in r.get("lost", [])),
                      "", "| score | model alone | after the check | helped | hurt (lost) "
                          "| neutral |", "|---|---|---|---|---|---|"]
            model, checked = dict(_quality(r["model_alone"])), dict(_quality(r["checked"]))
            for score in dict.fromkeys([*checked, *model]):
                s = r["scores"].get(score, {})
                effect = " | ".join(str(s.get(k, 0)) if s else "" for k in
                                    ("helped", "hurt", "neutral"))
                lines.append(f"| {score} | {model.get(score, '-')} | {checked.get(score, '-')} "
                             f"| {effect} |")
            lines += ["", "| field | " + " | ".join(KINDS) + " |", "|---|" + "---|" * len(KINDS)]
            lines += [f"| {field} | " + " | ".join(str(c.get(k, 0)) for k in KINDS) + " |"
                      for field, c in r["changes"].items()]
            lines += ["", "| field | rule (the check's note, its values blanked) | fired "
                          "| changed | helped | hurt |", "|---|---|---|---|---|---|"]
            lines += [f"| {row['field']} | {row['rule'].replace('|', '/')} | {row['fired']} | "
                      f"{row.get('changed', 0)} | {row.get('helped', 0)} | {row.get('hurt', 0)} |"
                      for row in r["rules"]]
            lines.append("")
    if skipped:
        lines.append("Skipped: " + "; ".join(f"{n} {why}" for why, n in skipped.items()))
    return "\n".join(lines) + "\n"
