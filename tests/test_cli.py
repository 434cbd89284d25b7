"""The command line: JSON shapes, exit codes and messages."""

import json
import os
import subprocess
import sys

import pytest

from wartui.cli import main


@pytest.fixture
def index_dir(tmp_path, seeds_dir):
    directory = tmp_path / "index"
    assert main(["--index-dir", str(directory), "index", str(seeds_dir)]) == 0
    return directory


def run(capsys, *args) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_index_reports_counts_and_is_incremental(index_dir, seeds_dir, capsys):
    status, out, _ = run(capsys, "--index-dir", str(index_dir), "index", str(seeds_dir))
    assert status == 0
    assert "0 new, 0 changed, 5 unchanged" in out


def test_index_without_paths_indexes_the_bundled_seeds(tmp_path, capsys):
    status, out, _ = run(capsys, "--index-dir", str(tmp_path / "ix"), "index")
    assert status == 0 and "5 new, 0 changed, 0 unchanged" in out


def test_index_exit_status_says_something_was_skipped(tmp_path, capsys):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "ok.txt").write_text("A page\n\nSome text about Manbij and the people there.\n")
    status, out, _ = run(capsys, "--index-dir", str(tmp_path / "ix"), "index", str(tmp_path),
                         "--json")
    assert status == 1
    report = json.loads(out)
    assert report["new"] == 1
    assert report["skipped"] == [{"where": str(tmp_path / "empty.txt"), "reason": "empty file"}]


def test_search_json_shape(index_dir, capsys):
    status, out, _ = run(capsys, "--index-dir", str(index_dir), "search", "Jarabulus", "--json")
    assert status == 0
    data = json.loads(out)
    assert set(data) == {"query", "total", "total_exact", "total_kind", "results"}
    assert data["total_exact"] is True and data["total_kind"] == "exact"
    assert data["query"] == "Jarabulus" and data["total"] == 3
    for result in data["results"]:
        assert {"id", "title", "source", "date", "score", "snippet"} <= set(result)
        assert any(result["snippet"][a:b] == "Jarabulus" for a, b in result["marks"])


def test_search_plain_output(index_dir, capsys):
    status, out, _ = run(capsys, "--index-dir", str(index_dir), "search", "Basilia",
                         "--limit", "1")
    assert status == 0
    assert "1 result for Basilia" in out
    assert "The Factional Rift Finalizes the File of Eastern Qalamun" in out
    assert "003_84e21071b25684eb" in out


def test_search_sort_by_date(index_dir, capsys):
    _, out, _ = run(capsys, "--index-dir", str(index_dir), "search", "Syria", "--sort", "date",
                    "--json")
    dates = [r["date"] for r in json.loads(out)["results"] if r["date"]]
    assert dates == ["2018-04-23", "2018-04-03"]


def test_malformed_query_is_a_message_not_a_traceback(index_dir, capsys):
    status, out, err = run(capsys, "--index-dir", str(index_dir), "search", "date:[foo to")
    assert status == 2
    assert err.startswith("wartui: a date range is left open: 'date:[foo to' needs its closing ]")
    assert "Traceback" not in err + out


def test_show_json_shape(index_dir, capsys):
    status, out, _ = run(capsys, "--index-dir", str(index_dir), "show", "004_e0530f7fd10296e1",
                         "--json")
    assert status == 0
    data = json.loads(out)
    assert {"id", "title", "date", "source", "author", "paragraphs", "dropped",
            "metadata"} <= set(data)
    assert data["author"] == "Elijah J. Magnier"
    assert {"text": "Comments are closed.", "reason": "comments", "line": 31} in data["dropped"]


def test_show_dropped_and_raw(index_dir, capsys):
    _, out, _ = run(capsys, "--index-dir", str(index_dir), "show", "002_193f624956799aae",
                    "--dropped")
    assert "Dropped (" in out and "[donation]" in out and "Bitcoin address:" in out
    _, out, _ = run(capsys, "--index-dir", str(index_dir), "show", "002_193f624956799aae",
                    "--raw", "--dropped")
    assert "breadcrumb │ Home / News From Nigeria" in out


def test_show_unknown_id_suggests_close_ids(index_dir, capsys):
    status, _, err = run(capsys, "--index-dir", str(index_dir), "show", "004_e0530f7fd10296e")
    assert status == 1
    assert "no article with id" in err and "004_e0530f7fd10296e1" in err


def test_missing_index_message(tmp_path, capsys):
    status, _, err = run(capsys, "--index-dir", str(tmp_path / "none"), "search", "Homs")
    assert status == 2 and "no index in" in err and "wartui index" in err


def test_default_index_dir_comes_from_the_environment(tmp_path, seeds_dir, monkeypatch, capsys):
    monkeypatch.setenv("WARTUI_INDEX", str(tmp_path / "env-index"))
    assert main(["index", str(seeds_dir)]) == 0
    assert (tmp_path / "env-index" / "wartui.json").is_file()
    monkeypatch.delenv("WARTUI_INDEX")
    monkeypatch.chdir(tmp_path)
    assert main(["index", str(seeds_dir)]) == 0
    assert (tmp_path / "index" / "wartui.json").is_file()


def test_first_run_from_any_directory_builds_the_seed_index(tmp_path):
    """`wartui` with no command, in an empty directory, as a new user runs it."""
    env = {k: v for k, v in os.environ.items() if k != "WARTUI_INDEX"}
    result = subprocess.run([sys.executable, "-m", "wartui"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "5 new, 0 changed, 0 unchanged" in result.stdout
    assert "usage: wartui" in result.stdout
    assert (tmp_path / "index" / "articles.sqlite").is_file()


def test_article_text_cannot_inject_escape_sequences_or_markup(tmp_path, capsys):
    page = tmp_path / "evil.txt"
    page.write_text("Evil \x1b]0;pwned\x07 title [bold red]x[/]\n\n"
                    "Body with \x1b]52;c;aGVsbG8=\x07 clipboard and \u202egnirts\u202c "
                    "and [link=file:///etc/passwd]a link[/link] near Raqqa.\n")
    index = str(tmp_path / "ix")
    main(["--index-dir", index, "index", str(page)])
    capsys.readouterr()
    for args in (["search", "Raqqa"], ["show", "evil"], ["show", "evil", "--raw"]):
        status, out, _ = run(capsys, "--index-dir", index, *args)
        assert status == 0
        assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
        assert "␛" in out
    _, out, _ = run(capsys, "--index-dir", index, "show", "evil")
    assert "[bold red]x[/]" in out and "[link=file:///etc/passwd]a link[/link]" in out
    _, out, _ = run(capsys, "--index-dir", index, "search", "Raqqa", "--json")
    data = json.loads(out)
    assert "\u202e" not in out and "\\u202e" in out
    assert "\u202e" in data["results"][0]["snippet"]  # still the same text, once parsed


def test_the_program_ends_short_commands_with_their_output_and_status(index_dir):
    """`wartui search` (and show, dupes, diff, entities) ends without Python's
    teardown (cli.run): through a pipe, its output and exit status are those
    of the same command ending as any Python program does, failures and
    their messages included."""
    ended_as_usual = "import sys; from wartui.cli import main; sys.exit(main(sys.argv[1:]))"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # (buffered, as usual)

    def both(*args):
        args = ["--index-dir", str(index_dir), *args]
        quick, usual = (subprocess.run([sys.executable, *start, *args], capture_output=True,
                                       text=True, timeout=60, env=env)
                        for start in (["-m", "wartui"], ["-c", ended_as_usual]))
        assert (quick.returncode, quick.stdout, quick.stderr) == (
            usual.returncode, usual.stdout, usual.stderr), args
        return quick

    found = both("search", "Syria", "--json", "--limit", "50")
    assert found.returncode == 0 and len(json.loads(found.stdout)["results"]) >= 3
    assert "Taqsis" in both("search", "Taqsis").stdout
    assert both("search", "*ing").returncode == 2
    assert both("show", "nope").returncode == 1
    assert both("show", "000_1d8dfec3ee535e83").stdout.count("\n") > 10
    assert both("dupes").returncode == 0
    assert both("entities", "--top", "--json").returncode == 0
    assert both("diff", "000_1d8dfec3ee535e83", "001_cddafe3289ae453d").returncode == 0
    indexed = subprocess.run([sys.executable, "-m", "wartui", "--index-dir", str(index_dir),
                              "index", "--json"], capture_output=True, text=True, timeout=60)
    assert indexed.returncode == 0 and json.loads(indexed.stdout)["unchanged"] == 5


def test_the_program_runs_numpy_without_a_blas_thread_pool():
    """wartui calls no BLAS routine: the program asks OpenBLAS for one thread
    (its pool cost a cold search ~40 ms), unless the user set a number."""
    code = ("import atexit, os, sys; "
            "atexit.register(lambda: print(os.environ.get('OPENBLAS_NUM_THREADS'))); "
            "sys.argv = ['wartui', '--version']; from wartui.cli import run; run()")
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    ours = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert ours.stdout.split()[-1] == "1"
    theirs = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**env, "OPENBLAS_NUM_THREADS": "4"})
    assert theirs.stdout.split()[-1] == "4"


def test_a_file_with_many_bad_rows_is_one_report_line(tmp_path, capsys, monkeypatch):
    """219 bad rows of one file were 219 report lines: now one, with the
    count of each reason and the first rows; `--json` keeps every row."""
    monkeypatch.setenv("COLUMNS", "300")  # (one line however long)
    rows = tmp_path / "rows.jsonl"
    lines = [json.dumps({"id": "a", "text": "Shelling hit the outskirts of Hama on Monday."})]
    lines += [json.dumps({"id": str(n), "text": ""}) if n % 20 == 0 else f"not json {n}"
              for n in range(219)]
    rows.write_text("\n".join(lines) + "\n")
    status, out, _ = run(capsys, "--index-dir", str(tmp_path / "ix"), "index", str(rows),
                         str(tmp_path / "missing.csv"))
    assert status == 1
    assert out.strip().splitlines() == [
        "1 new, 0 changed, 0 unchanged, 220 skipped",
        f"  skipped {tmp_path / 'missing.csv'}: no such file or directory",
        f"  skipped {rows}: 219 rows: 208 invalid JSON, 11 empty 'text' (rows 2, 3, 4, …)"]
    status, out, _ = run(capsys, "--index-dir", str(tmp_path / "ix2"), "index", str(rows),
                         "--json")
    assert len(json.loads(out)["skipped"]) == 219
