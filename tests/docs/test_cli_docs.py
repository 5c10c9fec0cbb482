"""The installed man page and bash completion cover the CLI: every subcommand of the dispatch
table in sim/cli/main.c and every option the parsers of sim/cli/*.c accept appear in both (they
are generated from the help texts by sim/tools/cli_docs.py, so an option missing from a help
text fails here), and the completion completes subcommands and options in bash.
"""

import glob
import os
import re
import subprocess

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MAN = os.environ.get("CABLESIM_MAN", os.path.join(ROOT, "build", "debug", "doc", "cablesim.1"))
COMPLETION = os.environ.get("CABLESIM_COMPLETION",
                            os.path.join(ROOT, "build", "debug", "doc", "cablesim.bash"))


def subcommands():
    src = open(os.path.join(ROOT, "sim", "cli", "main.c")).read()
    table = src[src.index("commands[]"):]
    table = table[:table.index("};")]
    names = re.findall(r'\{\s*"([a-z][a-z-]*)"\s*,\s*cmd_\w+\s*\}', table)
    assert len(names) >= 9, names
    return names


def options():
    """Every long option (and -x short one) the CLI's parsers know, by source file."""
    found = set()
    for path in glob.glob(os.path.join(ROOT, "sim", "cli", "*.c")):
        src = open(path).read()
        found |= {"--" + n for n in re.findall(
            r'\{\s*"([a-z][a-z0-9-]*)"\s*,\s*(?:no|required|optional)_argument', src)}
        found |= set(re.findall(r'cli_is_option\(\s*[\w\[\]]+\s*,\s*"(--[a-z][a-z0-9-]*)"', src))
        found |= set(re.findall(r'strcmp\(\s*[\w\[\]]+\s*,\s*"(--[a-z][a-z0-9-]*)"\s*\)', src))
    assert len(found) >= 20, found
    return found


def man_text():
    return open(MAN).read().replace("\\-", "-").replace("\\e", "\\")


def test_man_page_covers_the_cli():
    text = man_text()
    sections = re.findall(r"^\.SS (.+)$", text, re.M)
    for cmd in subcommands():
        assert cmd in [s.split()[0] for s in sections], f"man page: no section for {cmd}"
    missing = sorted(o for o in options() if not re.search(re.escape(o) + r"(?![\w-])", text))
    assert not missing, f"man page lacks options {missing} (add them to the help texts)"
    assert text.startswith(".TH CABLESIM 1")


def test_man_page_renders():
    if subprocess.run(["sh", "-c", "command -v man"], capture_output=True).returncode != 0:
        return  # man-db not installed: the content test above still holds
    p = subprocess.run(["man", "-l", MAN], capture_output=True, text=True,
                       env=dict(os.environ, MANPAGER="cat", MANWIDTH="100"))
    assert p.returncode == 0 and "COMMANDS" in p.stdout and "cablesim report" in p.stdout


def complete(*words):
    """What the completion offers for the command line `words` (the last is being typed)."""
    line = " ".join(words)
    script = (f"source {COMPLETION}\nCOMP_WORDS=({line})\nCOMP_CWORD={len(words) - 1}\n"
              "_cablesim\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n")
    p = subprocess.run(["bash", "-c", script], capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 0, p.stderr
    return set(p.stdout.split())


def test_completion_covers_the_cli():
    text = open(COMPLETION).read()
    for cmd in subcommands():
        assert re.search(rf"^\s+{re.escape(cmd)}\)", text, re.M), f"completion: no case {cmd}"
    missing = sorted(o for o in options() if not re.search(re.escape(o) + r"(?![\w-])", text))
    assert not missing, f"completion lacks options {missing}"
    assert set(subcommands()) <= complete("cablesim", "''")
    assert complete("cablesim", "rep") == {"report"}
    assert {"--pdf", "--coastline", "--force"} <= complete("cablesim", "report", "--")
    assert complete("cablesim", "topology", "in") == {"info"}
    assert "--precision" in complete("cablesim", "analyze", "x.h5", "--p")


def test_completion_offers_only_each_command_s_options():
    """A command is offered the options its own help declares (usage and option lines), not
    those its prose cites: report's help mentions `analyze --format json`, report has no
    --format."""
    known = {o for o in options() if o.startswith("--")} | {"--help"}
    for cmd in subcommands():
        offered = {o for o in complete("cablesim", cmd, "--") if o.startswith("--")}
        assert offered <= known, f"{cmd}: offers {sorted(offered - known)}, which no parser knows"
    assert "--format" not in complete("cablesim", "report", "--")
    assert "--resume" not in complete("cablesim", "status", "--")


def test_completion_offers_values_and_scenarios():
    assert complete("cablesim", "analyze", "x.h5", "--format", "''") == {"text", "json", "csv"}
    assert complete("cablesim", "compare", "--format", "j") == {"json"}
    assert complete("cablesim", "status", "--format", "''") == {"text", "json"}
    assert complete("cablesim", "topology", "export", "--format", "''") == {"graphml", "dot",
                                                                          "geojson"}
    assert complete("cablesim", "topology", "info", "--format", "''") == {"text", "json"}
    assert complete("cablesim", "criticality", "--unit", "''") == {"segment", "cable", "station",
                                                                  "all"}
    cli = os.environ.get("CABLESIM_CLI")
    if not cli:
        pytest.skip("CABLESIM_CLI is not set: the scenario names come from `cablesim scenarios`")
    # the bundled scenarios by name (from the program being completed, as typed)
    assert complete(cli, "run", "nank") == {"nankai-m9"}
    assert {"replays/tohoku-2011", "replays/tohoku-2011-hazard"} <= complete(cli, "evolution",
                                                                             "replays/toh")
    assert complete(cli, "run", "design-") >= {"design-pacific-south", "design-shima-second"}
