"""Incremental re-indexing: 100 changed articles in a large index, against raw Whoosh.

    .venv/bin/python bench/incremental.py [--size 100000] [--changes 100] [--keep]

Works on copies, never on the indexes themselves: bench/out/index-SIZE (built by
`bench/run.py`) and the raw Whoosh index bench/out/baselines-SIZE/whoosh (built
by `bench/baselines.py --engines whoosh`) are copied to a temporary
directory under bench/out/ first (copy_tree). Then, each in a child process:

- unchanged: `wartui --index-dir COPY index SIZE.jsonl --json` on the corpus as
  it is. Nothing is re-indexed (the report must say 0 new, 0 changed, all
  unchanged): what remains is reading, parsing and hashing every record and
  comparing it with the store, the floor of any incremental run on this file.
- changed: the same command on a copy of the corpus (same file name, in the
  temporary directory) in which `--changes` articles, picked at random (seed
  1), have a sentence appended to their first paragraph. The report must say
  0 new, CHANGES changed, the rest unchanged. `reindex_s` is `seconds` minus
  the unchanged run's: the part due to the changed articles themselves.
  Afterwards the appended sentence must be found in exactly CHANGES articles.
- whoosh_update_document: the raw Whoosh baseline. A child opens the copy of
  the raw Whoosh index, calls `writer.update_document(...)` once per changed
  article (it is given just those articles: a raw Whoosh user would know what
  changed) in one writer with Whoosh's defaults, and commits (which merges
  small segments, as Whoosh does by default). `seconds` is the child's work
  from opening the index to the end of the commit; `process_s` includes the
  interpreter and imports.

Every child's peak RSS (`peak_rss_mb`, from os.wait4) is its own. Prints JSON
and writes it to bench/out/incremental-SIZE.json. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
from bench.run import CORPUS_DIR, OUT_DIR, dir_mb, run_child  # noqa: E402

APPENDED = "Update: the toll was later revised by the local coordination committee."
MARKER_QUERY = '"later revised by the local coordination committee"'


def write_changed(corpus: Path, out: Path, changes: int, seed: int = 1) -> list[str]:
    """Copy corpus to out, appending APPENDED to the first paragraph of `changes`
    random records (the last may be boilerplate the cleaner drops); every other
    line is copied byte for byte. Returns the changed ids."""
    lines = corpus.read_bytes().splitlines(keepends=True)
    picked = set(random.Random(seed).sample(range(len(lines)), changes))
    ids = []
    with out.open("wb") as handle:
        for number, line in enumerate(lines):
            if number in picked:
                record = json.loads(line)
                paragraphs = record["text"].split("\n\n")  # the first: never boilerplate
                paragraphs[0] = paragraphs[0].rstrip() + " " + APPENDED
                record["text"] = "\n\n".join(paragraphs)
                ids.append(record["id"])
                line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
            handle.write(line)
    return ids


def copy_tree(src: Path, dst: Path) -> float:
    """Copy an index directory (as `cp -r` does); the seconds it took.

    A reader of the index (this benchmark's own app a moment ago, or anyone's)
    makes SQLite create `articles.sqlite-wal` and `-shm`, and the last one to
    close deletes them, maybe while they are being copied. With no writer
    (the index is never written here), everything is in the main file then,
    so a -wal or -shm that vanishes is left out, and -shm (a cache SQLite
    rebuilds) is never copied."""
    def copy(source: str, target: str) -> None:
        try:
            shutil.copy2(source, target)
        except FileNotFoundError:
            if not source.endswith(("-wal", "-journal")):
                raise

    start = time.perf_counter()
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("*-shm"), copy_function=copy)
    return round(time.perf_counter() - start, 1)


def wartui_index(index_dir: Path, corpus: Path, name: str) -> dict:
    cmd = [sys.executable, "-m", "wartui", "--index-dir", str(index_dir), "index", str(corpus),
           "--json"]
    seconds, code, peak_mb, out = run_child(cmd, name)
    report = json.loads(out)
    return {"seconds": round(seconds, 2), "new": report["new"], "changed": report["changed"],
            "unchanged": report["unchanged"], "skipped": len(report["skipped"]),
            "exit_code": code, "peak_rss_mb": round(peak_mb, 1)}


def whoosh_update(index_dir: str, records: str) -> dict:
    """In a child: update_document for each record of `records` in one writer."""
    from bench.baselines import whoosh_fields, own_peak_mb

    changed = [json.loads(line) for line in Path(records).read_text().splitlines()]
    start = time.perf_counter()
    from whoosh import index

    ix = index.open_dir(index_dir)
    before = ix.doc_count()
    writer = ix.writer()
    opened = time.perf_counter()
    for record in changed:
        writer.update_document(**whoosh_fields(record))
    updated = time.perf_counter()
    writer.commit()
    done = time.perf_counter()
    with ix.searcher() as searcher:
        from whoosh.qparser import QueryParser

        found = len(searcher.search(QueryParser("body", ix.schema).parse(MARKER_QUERY),
                                    limit=None))
    return {"seconds": round(done - start, 2), "open_s": round(opened - start, 2),
            "update_calls_s": round(updated - opened, 2), "commit_s": round(done - updated, 2),
            "updated": len(changed), "docs_before": before, "docs_after": ix.doc_count(),
            "found_after": found, "segments_after": len(ix._segments()),
            "peak_rss_mb": own_peak_mb()}


def marker_hits(index_dir: Path) -> int:
    code = ("import sys; from wartui import Library; "
            f"print(Library(sys.argv[1]).search({MARKER_QUERY!r}, limit=1, all_versions=True).total)")
    result = subprocess.run([sys.executable, "-c", code, str(index_dir)], capture_output=True,
                            text=True, check=True)
    return int(result.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100000)
    parser.add_argument("--changes", type=int, default=100)
    parser.add_argument("--index-dir", type=Path, help="default bench/out/index-SIZE")
    parser.add_argument("--whoosh-dir", type=Path,
                        help="default bench/out/baselines-SIZE/whoosh (skipped when missing)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copies")
    args = parser.parse_args(argv)
    index_dir = args.index_dir or OUT_DIR / f"index-{args.size}"
    whoosh_dir = args.whoosh_dir or OUT_DIR / f"baselines-{args.size}" / "whoosh"
    corpus = CORPUS_DIR / f"{args.size}.jsonl"
    if not (index_dir / "wartui.json").is_file():
        parser.error(f"no wartui index in {index_dir}: run bench/run.py --sizes {args.size}")
    if not corpus.is_file():
        parser.error(f"no corpus {corpus}")

    tmp = Path(tempfile.mkdtemp(prefix=f"incremental-{args.size}-", dir=OUT_DIR))
    results: dict = {"size": args.size, "changes": args.changes, "index": str(index_dir),
                     "index_mb": dir_mb(index_dir)}
    try:
        copy = tmp / "index"
        results["copy_s"] = copy_tree(index_dir, copy)
        changed_corpus = tmp / corpus.name  # the same file name: only the bodies differ
        ids = write_changed(corpus, changed_corpus, args.changes)
        records = tmp / "changed-records.jsonl"
        wanted = set(ids)
        with changed_corpus.open(encoding="utf-8") as src, records.open("w") as dst:
            dst.writelines(line for line in src if json.loads(line)["id"] in wanted)

        unchanged = wartui_index(copy, corpus, f"incremental-unchanged-{args.size}")
        unchanged["ok"] = unchanged["new"] == unchanged["changed"] == 0
        changed = wartui_index(copy, changed_corpus, f"incremental-changed-{args.size}")
        changed["reindex_s"] = round(changed["seconds"] - unchanged["seconds"], 2)
        changed["found_after"] = marker_hits(copy)
        changed["ok"] = (changed["new"] == 0 and changed["changed"] == args.changes
                         and changed["unchanged"] == unchanged["unchanged"] - args.changes
                         + unchanged["new"] + unchanged["changed"]
                         and changed["found_after"] == args.changes)
        results["wartui"] = {"unchanged": unchanged, "changed": changed}
        if not unchanged["ok"]:
            results["warning"] = (f"the index was not up to date with {corpus} (a stale index or "
                                  f"a changed pipeline): the unchanged run re-indexed "
                                  f"{unchanged['new'] + unchanged['changed']} articles")

        if any(whoosh_dir.glob("*.toc")):
            wcopy = tmp / "whoosh"
            copy_tree(whoosh_dir, wcopy)
            start = time.perf_counter()
            proc = subprocess.Popen([sys.executable, __file__, "_whoosh-update", str(wcopy),
                                     str(records)], stdout=subprocess.PIPE, text=True)
            out = proc.stdout.read()
            if proc.wait():
                raise SystemExit("bench/incremental.py: the whoosh child failed")
            figures = json.loads(out)
            figures["process_s"] = round(time.perf_counter() - start, 2)
            figures["ok"] = (figures["docs_after"] == figures["docs_before"]
                             and figures["found_after"] == args.changes)
            results["whoosh_update_document"] = figures
        else:
            results["whoosh_update_document"] = {
                "skipped": f"no raw Whoosh index in {whoosh_dir}: run bench/baselines.py "
                           f"--size {args.size} --engines whoosh"}
    finally:
        if args.keep:
            results["kept"] = str(tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    (OUT_DIR / f"incremental-{args.size}.json").write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["_whoosh-update"]:
        print(json.dumps(whoosh_update(*sys.argv[2:4])))
        sys.exit(0)
    sys.exit(main())
