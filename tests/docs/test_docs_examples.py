"""The examples of README.md and docs/*.md run: every command in them that starts with
`cablesim` or `$B` exits 0, or fails as its block is marked to (docs/README.md, "Examples are
tested").

What is a command: a line (with its backslash continuations) of a fenced block marked sh, bash,
console or shell that starts with `cablesim` or `$B`; in any block, a transcript line
`$ cablesim ...` (the `$ ` dropped). Other lines (mpirun, python3, loops, job-script
directives) are not run. A command whose trailing comment says "exit status N" (N from 1 to 4)
must exit with N. An HTML comment `<!-- docs-test: expected failure: REASON -->` on the
line before a block says that each of its commands must fail with a clean exit status (1 to 4,
not a signal): placeholders, job scripts that need a scheduler.

Scale override (keeps this test at seconds): each document runs in its own scratch directory
(the repository's top-level entries linked into it, so `scenarios/...` resolves and nothing is
written into the tree) with `cablesim` and `$B` both a wrapper that appends
`--set trials=$CABLESIM_DOCS_TRIALS` (default 10) to `run` and `evolution` (not to
`run --resume`, which continues a file as it was started). Commands of a document run in order,
so later ones find the files earlier ones wrote.
"""

import os
import re
import shlex
import subprocess

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLI = os.environ.get("CABLESIM_CLI", os.path.join(ROOT, "build", "debug", "sim", "cablesim"))
TRIALS = os.environ.get("CABLESIM_DOCS_TRIALS", "10")
MARK = re.compile(r"<!--\s*docs-test:\s*expected failure\b[^>]*-->")
FENCE = re.compile(r"^\s*```\s*([\w-]*)")
SHELL = {"sh", "bash", "console", "shell"}

WRAPPER = """#!/bin/bash
# tests/docs/test_docs_examples.py: the docs' commands at test scale (see its docstring).
real={real}
case "$1" in
  run|evolution)
    for a in "$@"; do [[ $a == --resume ]] && exec "$real" "$@"; done
    exec "$real" "$@" --set trials={trials} ;;
esac
exec "$real" "$@"
"""


def documents():
    docs = ["README.md"] + sorted("docs/" + f for f in os.listdir(os.path.join(ROOT, "docs"))
                                  if f.endswith(".md"))
    return docs


def commands(path):
    """[(line number, command, expect_failure)] of a markdown file, in order."""
    lines = open(os.path.join(ROOT, path), encoding="utf-8").read().split("\n")
    out, in_block, lang, failing = [], False, "", False
    i = 0
    while i < len(lines):
        line = lines[i]
        m = FENCE.match(line)
        if m:
            if not in_block:
                lang = m.group(1).lower()
                failing = i > 0 and bool(MARK.search(lines[i - 1]))
            in_block = not in_block
            i += 1
            continue
        if not in_block:
            i += 1
            continue
        start = i
        text = line.strip()
        while text.endswith("\\") and i + 1 < len(lines):
            i += 1
            text = text[:-1] + " " + lines[i].strip()
        i += 1
        if lang in SHELL and re.match(r"^(cablesim|\$B)(\s|$)", text):
            out.append((start + 1, text, failing))
        elif re.match(r"^\$ (cablesim|\$B)(\s|$)", text):
            out.append((start + 1, text[2:], failing))
    return out


@pytest.fixture(scope="module")
def bindir(tmp_path_factory):
    d = tmp_path_factory.mktemp("bin")
    w = d / "cablesim"
    w.write_text(WRAPPER.format(real=shlex.quote(CLI), trials=TRIALS))
    w.chmod(0o755)
    return d


def test_every_document_has_its_commands_found():
    found = {doc: commands(doc) for doc in documents()}
    assert len(found["README.md"]) >= 15
    assert sum(len(c) for c in found.values()) >= 40


@pytest.mark.parametrize("doc", documents())
def test_examples_run(doc, bindir, tmp_path):
    cmds = commands(doc)
    if not cmds:
        return
    for entry in os.listdir(ROOT):
        if not entry.startswith(".") and entry != "build":
            os.symlink(os.path.join(ROOT, entry), tmp_path / entry)
    env = dict(os.environ, PATH=f"{bindir}:{os.environ['PATH']}", B=str(bindir / "cablesim"),
               PYTHONPATH=os.path.join(ROOT, "analysis", "python"), MPLBACKEND="Agg",
               CABLESIM_DATADIR=ROOT)
    for line, cmd, failing in cmds:
        p = subprocess.run(["bash", "-c", cmd], cwd=tmp_path, env=env, capture_output=True,
                           text=True, timeout=600)
        where = f"{doc}:{line}: {cmd}"
        said = re.search(r"#.*\bexit status ([1-4])\b", cmd)
        if said:
            assert p.returncode == int(said.group(1)), f"{where}: exit status {p.returncode}, " \
                                                       f"the comment says {said.group(1)}\n{p.stderr[-1500:]}"
        elif failing:
            assert 1 <= p.returncode <= 4, f"{where}: marked as an expected failure, exit " \
                                           f"status {p.returncode}\n{p.stderr[-1500:]}"
        else:
            assert p.returncode == 0, f"{where}: exit status {p.returncode}\n{p.stderr[-1500:]}"


def test_every_figure_is_regenerated_by_one_command():
    """docs/figures holds exactly the figures sim/tools/docs_figures.sh writes (`cmake --build
    BUILD --target docs-figures`), and every figure a document shows is one of them."""
    script = open(os.path.join(ROOT, "sim", "tools", "docs_figures.sh"), encoding="utf-8").read()
    made = set(re.findall(r'"\$out/([\w.-]+\.png)"', script))
    present = {f for f in os.listdir(os.path.join(ROOT, "docs", "figures")) if f.endswith(".png")}
    assert made == present, f"written but not in docs/figures: {sorted(made - present)}; in " \
                            f"docs/figures but not written: {sorted(present - made)}"
    shown = set()
    for doc in documents():
        shown |= set(re.findall(r"figures/([\w.-]+\.png)",
                                open(os.path.join(ROOT, doc), encoding="utf-8").read()))
    assert shown and shown <= present, f"shown but not regenerated: {sorted(shown - present)}"
    cmake = open(os.path.join(ROOT, "sim", "CMakeLists.txt"), encoding="utf-8").read()
    assert re.search(r"add_custom_target\(docs-figures\s+COMMAND \S*docs_figures\.sh", cmake)


def test_documents_quote_the_regenerated_figures():
    """Every figure sim/tools/docs_figures.sh read off its runs (docs/figures/quoted.tsv, written
    with the figures) is quoted, as printed there, by the document it names: figures regenerated
    with other numbers fail here until the documents say what moved (docs/README.md)."""
    script = open(os.path.join(ROOT, "sim", "tools", "docs_figures.sh"), encoding="utf-8").read()
    assert 'docs_numbers.py' in script and '"$out/quoted.tsv"' in script
    rows = [line.split("\t") for line in
            open(os.path.join(ROOT, "docs", "figures", "quoted.tsv"), encoding="utf-8")
            .read().splitlines() if line and not line.startswith("#")]
    assert len(rows) >= 10
    text = {}
    for doc, quoted in rows:
        if doc not in text:
            text[doc] = " ".join(open(os.path.join(ROOT, doc), encoding="utf-8").read().split())
        assert " ".join(quoted.split()) in text[doc], f"{doc} does not quote {quoted!r}"
