#!/usr/bin/python3
"""Generates the man page cablesim(1) and the bash completion of cablesim from the built
binary's own help texts, so both list every subcommand and option the CLI documents.

    cli_docs.py CABLESIM OUTDIR     writes OUTDIR/cablesim.1 and OUTDIR/cablesim.bash

Run by the build (target cli-docs, part of `all`) and installed by `cmake --install`
(share/man/man1/cablesim.1, share/bash-completion/completions/cablesim). ctest's cli_docs checks
that they cover every subcommand of sim/cli/main.c and every option of sim/cli/*.c.
"""

import os
import re
import subprocess
import sys

OPTION = re.compile(r"(?<![\w/.-])(--[a-z][a-z0-9-]*|-[a-zA-Z])(?![\w-])")
# "--format text|json|csv", "-k 1|2" in a usage line: the values an option takes
CHOICES = re.compile(r"(?<![\w/.-])(--[a-z][a-z0-9-]*|-[a-zA-Z])[ =]([a-z0-9]+(?:\|[a-z0-9]+)+)(?![\w|])")


def declared(text):
    """The options a help text declares, and the values of those with a fixed set: the options
    of its usage lines (from "Usage:" to the first blank line) and of its option lines (an
    indented line starting with an option, up to the two spaces before its description); not
    the options prose mentions (report's help cites `analyze --format json`). Returns
    (set of options, {option: [values]})."""
    lines = text.splitlines()
    usage = []
    for i, line in enumerate(lines):
        if line.startswith("Usage:"):
            usage = lines[i:]
            usage = usage[:next((k for k, u in enumerate(usage) if not u.strip()), len(usage))]
            break
    heads = [re.split(r"(?<=\S)\s{2,}", line.strip(), maxsplit=1)[0] + " "
             for line in lines if re.match(r"^\s+-", line)]
    opts = set(OPTION.findall("\n".join(usage + heads)))
    choices = {}
    for o, v in CHOICES.findall("\n".join(usage)):
        choices.setdefault(o, [])
        choices[o] += [x for x in v.split("|") if x not in choices[o]]
    return opts, choices


def run(binary, *args):
    p = subprocess.run([binary, *args], capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, ASAN_OPTIONS="detect_leaks=0"))
    text = p.stdout if p.stdout.strip() else p.stderr
    if p.returncode != 0 or not text.strip():
        sys.exit(f"cli_docs: {binary} {' '.join(args)}: exit status {p.returncode}, no help text")
    return text


def commands(top):
    """(command, [subcommands]) in the order `cablesim --help` lists them: lines "  NAME ..."
    under "Commands:"; a second word in lower case is a subcommand ("topology check FILE")."""
    out, seen = [], {}
    for line in top.split("Commands:", 1)[1].splitlines():
        m = re.match(r"^  ([a-z][a-z-]*)(?: ([a-z][a-z-]*)(?= |$))?", line)
        if not m:
            continue
        cmd, sub = m.group(1), m.group(2)
        if cmd not in seen:
            seen[cmd] = []
            out.append((cmd, seen[cmd]))
        if sub and sub not in seen[cmd]:
            seen[cmd].append(sub)
    return out


def troff(text):
    lines = []
    for line in text.rstrip("\n").split("\n"):
        line = line.replace("\\", "\\e").replace("-", "\\-")
        if line.startswith((".", "'")):
            line = "\\&" + line
        lines.append(line)
    return "\n".join(lines)


def manpage(version, top, helps):
    desc = top.split("Commands:", 1)[0].split("\n", 2)[2].strip()
    tail = top.split("Commands:", 1)[1]
    tail = "\n".join(l for l in tail.splitlines() if not l.startswith("  ")).strip()
    out = [
        f'.TH CABLESIM 1 "" "cablesim {version}" "User Commands"',
        ".SH NAME",
        "cablesim \\- Monte Carlo resilience simulator of Japan's submarine cable network",
        ".SH SYNOPSIS",
        ".B cablesim",
        "[\\fB\\-\\-help\\fR] [\\fB\\-\\-version\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]",
        ".SH DESCRIPTION",
        troff(desc),
        ".PP",
        "Each command below is followed by the text of \\fBcablesim\\fR \\fICOMMAND\\fR "
        "\\fB\\-\\-help\\fR.",
        ".SH COMMANDS",
    ]
    for name, text in helps:
        out += [f".SS {troff(name)}", ".nf", troff(text), ".fi"]
    out += [
        ".SH EXIT STATUS",
        troff(tail) if tail else "0 success, 1 failure not caused by the input, 2 invalid input "
                                  "or usage.",
        ".SH ENVIRONMENT",
        ".TP",
        ".B CABLESIM_DATADIR",
        "Where the bundled topology, demand and scenarios are found (default: "
        "\\fIPREFIX/share/cablesim\\fR).",
        ".SH FILES",
        ".TP",
        ".I PREFIX/share/cablesim",
        "the bundled topology, demand and scenario library",
        ".TP",
        ".I /usr/share/gmt\\-gshhg/binned_GSHHS_l.nc",
        "GSHHG coastlines of the report maps (Debian package gmt\\-gshhg\\-low)",
        ".SH SEE ALSO",
        "The documentation in \\fIPREFIX/share/doc/cablesim\\fR (README.md, docs/): the models "
        "and their sources (model.md), scenario keys (scenarios.md), the results file "
        "(hdf5\\-schema.md), analysis (analysis\\-cli.md), reports (report.md), HPC (hpc.md).",
        "",
    ]
    return "\n".join(out)


def completion(cmds, options, choices):
    words = " ".join(c for c, _ in cmds)
    lines = [
        "# bash completion for cablesim; generated by sim/tools/cli_docs.py from the help texts",
        "_cablesim()",
        "{",
        "    local cur prev cmd sub i",
        "    COMPREPLY=()",
        '    cur="${COMP_WORDS[COMP_CWORD]}"',
        '    prev="${COMP_WORDS[COMP_CWORD-1]}"',
        "    cmd=",
        "    sub=",
        "    for ((i = 1; i < COMP_CWORD; i++)); do",
        '        case "${COMP_WORDS[i]}" in',
        "            -*) ;;",
        '            *) if [[ -z $cmd ]]; then cmd="${COMP_WORDS[i]}"; elif [[ -z $sub ]]; '
        'then sub="${COMP_WORDS[i]}"; fi ;;',
        "        esac",
        "    done",
        "    if [[ -z $cmd ]]; then",
        f'        COMPREPLY=($(compgen -W "{words} --help --version" -- "$cur"))',
        "        return",
        "    fi",
        '    case "$prev" in',
        "        -o|--output|--pdf|--coastline|--demand|--topology)",
        '            COMPREPLY=($(compgen -f -- "$cur")); return ;;',
        "    esac",
        "    local values=",
        '    case "$cmd $sub:$prev" in',
    ]
    for key, vals in choices:
        cmd, _, opt = key.partition(":")
        pattern = f'"{cmd} "*' if " " not in cmd else f'"{cmd}"'
        lines.append(f'        {pattern}":{opt}") values="{" ".join(vals)}" ;;')
    lines += [
        "    esac",
        '    if [[ -n $values ]]; then',
        '        COMPREPLY=($(compgen -W "$values" -- "$cur")); return',
        "    fi",
        '    local opts="" subs="" files=""',
        '    case "$cmd" in',
    ]
    for (cmd, subs), opts in zip(cmds, options):
        lines.append(f"        {cmd})")
        if subs:
            lines.append(f'            subs="{" ".join(subs)}"')
        lines.append(f'            opts="{" ".join(sorted(opts))}" ;;')
    lines += [
        "    esac",
        '    if [[ -n $subs && -z $sub ]]; then',
        '        COMPREPLY=($(compgen -W "$subs" -- "$cur")); return',
        "    fi",
        '    if [[ $cur == -* ]]; then',
        '        COMPREPLY=($(compgen -W "$opts" -- "$cur"))',
        "    else",
        '        case "$cmd" in',
        '            run|evolution) files="@(yaml|yml|h5)" ;;',
        '            topology|criticality) files="@(geojson|json|csv)" ;;',
        '            *) files="h5" ;;',
        "        esac",
        '        COMPREPLY=($(compgen -f -X "!*.$files" -- "$cur") $(compgen -d -- "$cur"))',
        "        # the bundled scenarios by name, as `cablesim scenarios` lists them",
        '        if [[ $cmd == run || $cmd == evolution ]]; then',
        '            COMPREPLY+=($(compgen -W "$("${COMP_WORDS[0]}" scenarios 2>/dev/null |'
        """ awk '/^  [^ ]/ && $1 != "NAME" {print $1}')" -- "$cur"))""",
        "        fi",
        "    fi",
        "}",
        "shopt -s extglob",
        "complete -o filenames -F _cablesim cablesim",
        "",
    ]
    return "\n".join(lines)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    binary, outdir = sys.argv[1], sys.argv[2]
    top = run(binary, "--help")
    version = run(binary, "--version").split("\n")[0].split()[-1]
    cmds = commands(top)
    helps, options, choices = [], [], []
    for cmd, subs in cmds:
        texts = [(cmd, run(binary, cmd, "--help"))]
        texts += [(f"{cmd} {s}", run(binary, cmd, s, "--help")) for s in subs]
        helps += texts
        opts = {"--help"}
        for _, t in texts:
            o, c = declared(t)
            opts |= o
            if not subs:
                choices += [(f"{cmd}:{opt}", vals) for opt, vals in c.items()]
        # a command with subcommands shares one usage text: each of its lines names one
        for line in texts[0][1].splitlines():
            for s in subs:
                if re.search(rf"\b{cmd} {s}\b", line):
                    choices += [(f"{cmd} {s}:{opt}", vals.split("|"))
                                for opt, vals in CHOICES.findall(line)]
        options.append(opts)
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "cablesim.1"), "w") as f:
        f.write(manpage(version, top, helps))
    with open(os.path.join(outdir, "cablesim.bash"), "w") as f:
        f.write(completion(cmds, options, choices))


if __name__ == "__main__":
    main()
