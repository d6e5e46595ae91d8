"""Manual reference check (not run in CI): the dataset export loads as a Hugging Face imagefolder dataset.

    python -m venv --system-site-packages /tmp/hf && /tmp/hf/bin/pip install datasets pillow
    synood export dataset -p PROJECT -o /tmp/export
    /tmp/hf/bin/python tests/export/hf_imagefolder_check.py /tmp/export

Checked with datasets 5.0.1: both loading styles give one row per metadata.jsonl line, with the image decoded
and every metadata column (label as a string) present.
"""
import json
import sys

# Debian's scipy is built against numpy 1.x; datasets only patches scipy.io for streaming, which this check never uses.
sys.modules.setdefault("scipy", None)

from datasets import load_dataset  # noqa: E402

root = sys.argv[1]
rows = [json.loads(line) for line in open(f"{root}/metadata.jsonl")]
for kwargs in (dict(path="imagefolder", data_dir=root), dict(path=root)):
    ds = load_dataset(**kwargs, split="train")
    assert len(ds) == len(rows), (len(ds), len(rows))
    assert set(ds.column_names) == {"image", *rows[0].keys()} - {"file_name"}, ds.column_names
    got = sorted((r["candidate_id"], r["label"], r["prompt"]) for r in ds.remove_columns("image"))
    assert got == sorted((r["candidate_id"], r["label"], r["prompt"]) for r in rows)
    ds[0]["image"].load()
    print(f"{kwargs}: {len(ds)} rows, columns {ds.column_names}")
print("imagefolder OK")
