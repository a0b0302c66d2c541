"""The benchmarks' postings on a clone without the evaluation sets: `make bench` runs there."""

from pathlib import Path

from bench.postings import POSTINGS, bench_texts


def test_without_the_sets_the_written_postings_serve_each_once_per_prefix(tmp_path, capsys):
    texts = bench_texts(tmp_path / "no-sets-here", "indeed", len(POSTINGS) + 5)
    assert len(texts) == len(POSTINGS) + 5
    assert len({t.splitlines()[0] for t in texts}) == len(texts)  # no shared prefix
    assert all(any(t.endswith(p) for p in POSTINGS) for t in texts)
    assert "give --data DIR" in capsys.readouterr().out


def test_a_length_bound_is_kept(tmp_path):
    texts = bench_texts(Path(tmp_path), "emscad", 4, max_chars=3000)
    assert texts and all(len(t.partition("\n")[2]) <= 3000 for t in texts)
