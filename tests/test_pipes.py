"""A command line that composes with pipes (output.py): not hard-wrapped to
a pipe, quiet when its reader leaves early, grep's exit statuses, a diff
marked in the text, colour as --color and NO_COLOR say."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from wartui.cli import main
from wartui.library import Library
from wartui.indexing import Indexer

SEED_000, SEED_001 = "000_1d8dfec3ee535e83", "001_cddafe3289ae453d"
FAKES_PAIR = ("fakes:1923102946", "fakes:1923848261")  # two versions of one report


def wartui(index, *args, env=None, **options) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items()
               if k not in ("COLUMNS", "FORCE_COLOR", "TTY_COMPATIBLE", "NO_COLOR")}
    return subprocess.run([sys.executable, "-m", "wartui", "--index-dir", str(index), *args],
                          capture_output=True, text=True, timeout=60,
                          env={**environ, **(env or {})}, **options)


def run(capsys, index, *args) -> tuple[int, str, str]:
    status = main(["--index-dir", str(index), *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_output_to_a_pipe_is_not_wrapped(corpus_library):
    """`show | grep` finds a phrase however long its paragraph: one line."""
    index = corpus_library.index_dir
    shown = wartui(index, "show", "fakes:1914947530")
    article = corpus_library.article("fakes:1914947530")
    assert shown.returncode == 0
    assert article.paragraphs[0] in shown.stdout.splitlines()  # one line, whole
    assert max(len(line) for line in shown.stdout.splitlines()) > 500
    wrapped = wartui(index, "show", "fakes:1914947530", "--width", "60")
    assert max(len(line) for line in wrapped.stdout.splitlines()) <= 60
    found = wartui(index, "search", "chemical", "--limit", "3")
    snippets = [line for line in found.stdout.splitlines() if line.startswith("    ")]
    assert max(len(line) for line in snippets) > 100  # a snippet is one line


def test_search_as_tab_separated_lines(corpus_library):
    found = wartui(corpus_library.index_dir, "search", "chemical attack", "--format", "tsv",
                   "--limit", "7")
    lines = found.stdout.splitlines()
    assert found.returncode == 0 and len(lines) == 7
    for line in lines:
        doc_id, date, source, title, tags, snippet = line.split("\t")
        assert doc_id.startswith("fakes:") and title and snippet


@pytest.mark.parametrize("args", [["search", "*", "--limit", "800"],
                                  ["search", "*", "--limit", "800", "--json"],
                                  ["search", "*", "--limit", "800", "--format", "tsv"],
                                  ["export", "*", "--format", "jsonl"],
                                  ["show", "fakes:1914947530", "--raw"],
                                  ["dupes"], ["entities", "--top", "--limit", "500"]])
def test_a_reader_that_leaves_early_ends_the_command_quietly(corpus_library, args):
    """`| head -1`: the command's status is what it found (0), and there is
    no traceback (it was BrokenPipeError, status 1 or 120)."""
    command = [sys.executable, "-m", "wartui", "--index-dir",
               str(corpus_library.index_dir), *args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.readline()
    process.stdout.close()  # the reader leaves
    status = process.wait(timeout=60)
    err = process.stderr.read().decode()
    process.stderr.close()
    assert (status, err) == (0, ""), args


def test_a_reader_that_leaves_before_anything_is_read(corpus_library):
    shell = (f"{sys.executable} -m wartui --index-dir {corpus_library.index_dir} search '*' "
             "--limit 800 --json | head -c 1 >/dev/null; echo ${PIPESTATUS[0]}")
    done = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, timeout=60)
    assert (done.stdout.strip(), done.stderr) == ("0", "")


def test_exit_statuses_are_greps(corpus_library, tmp_path, capsys):
    index = corpus_library.index_dir
    assert run(capsys, index, "search", "Aleppo")[0] == 0  # found
    status, out, _ = run(capsys, index, "search", "zzqxqz")  # none found
    assert status == 1 and out.startswith("0 results")
    assert run(capsys, index, "search", "zzqxqz", "--json")[0] == 1
    status, _, err = run(capsys, index, "search", "foo:bar")  # a bad query
    assert status == 2 and err.startswith("wartui: there is no field 'foo'")
    with pytest.raises(SystemExit) as usage:  # bad usage
        main(["--index-dir", str(index), "search"])
    assert usage.value.code == 2
    capsys.readouterr()
    # busy: another process writes the index
    busy = tmp_path / "busy"
    with Library(busy) as library:
        library.add_paths([])
        with Indexer(library)._write_lock(1):
            status, _, err = run(capsys, busy, "index", "--wait", "0")
    assert status == 3 and "is being written by another process" in err


def test_diff_to_a_pipe_marks_changes_in_the_text(corpus_library):
    index = corpus_library.index_dir
    words = wartui(index, "diff", *FAKES_PAIR)
    assert words.returncode == 0 and "\x1b" not in words.stdout
    lines = words.stdout.splitlines()
    assert lines[0] == (f"A: {FAKES_PAIR[0]}   B: {FAKES_PAIR[1]}   70% of the shorter is in "
                        "the longer")
    assert "## changed (87% alike)" in lines
    changed = lines[lines.index("## changed (87% alike)") + 1]
    assert "At least 70 [-Syrian-] regime and rebel fighters" in changed
    assert "[-have-]{+had+} been killed" in changed
    unified = wartui(index, "diff", *FAKES_PAIR, "--format", "unified").stdout.splitlines()
    assert unified[:2] == [f"--- A: {FAKES_PAIR[0]}", f"+++ B: {FAKES_PAIR[1]}"]
    assert "@@ changed (87% alike) @@" in unified
    assert all(line[:1] in " -+@#" for line in unified)
    assert any(line.startswith("-At least 70 Syrian regime") for line in unified)
    coloured = wartui(index, "diff", *FAKES_PAIR, "--color=always").stdout
    assert "\x1b[31m[-Syrian-]\x1b[0m" in coloured and "\x1b[32m{+had+}\x1b[0m" in coloured
    # seeds 000 and 001: the second has a comment section the first lacks
    seeds = wartui(index, "diff", SEED_000, SEED_001).stdout.splitlines()
    assert "## likely comment section" in seeds


def test_color_auto_always_never_and_no_color(corpus_library):
    index = corpus_library.index_dir
    plain = wartui(index, "search", "Aleppo", "--limit", "1")
    assert "\x1b[" not in plain.stdout  # to a pipe: no styles
    always = wartui(index, "search", "Aleppo", "--limit", "1", "--color=always")
    assert "\x1b[1;2m" in always.stdout and "\x1b[36m" in always.stdout
    never = wartui(index, "search", "Aleppo", "--limit", "1", "--color", "never",
                   env={"FORCE_COLOR": "1"})
    assert "\x1b[" not in never.stdout
    # a terminal (as Rich decides it) with NO_COLOR: bold stays, colour goes
    no_colour = wartui(index, "search", "Aleppo", "--limit", "1",
                       env={"TTY_COMPATIBLE": "1", "NO_COLOR": "1", "TERM": "xterm"})
    assert "\x1b[1;2m" in no_colour.stdout and "\x1b[36m" not in no_colour.stdout
    shown = wartui(index, "--color=always", "show", "fakes:1914947530")  # before the command
    assert "\x1b[1m" in shown.stdout and "\x1b[36m" in shown.stdout
    plain_show = wartui(index, "show", "fakes:1914947530", "--color=never",
                        env={"TTY_COMPATIBLE": "1"})
    assert "\x1b" not in plain_show.stdout


def test_json_output_is_unchanged_by_the_options(corpus_library):
    index = corpus_library.index_dir
    data = json.loads(wartui(index, "search", "Aleppo", "--json", "--color=always").stdout)
    assert data["results"] and all("\x1b" not in hit["title"] for hit in data["results"])
    assert {"tags", "note", "url"} <= set(data["results"][0])
