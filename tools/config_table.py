"""Print the README's configuration reference from the picocli options in the CLI sources.

Keeps README and code from drifting: run it after adding a flag and paste the output.

    python3 tools/config_table.py
"""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = ROOT / "cli/src/main/java/dev/bgevl/streams/cli"
LOCAL = ROOT / "local/src/main/java/dev/bgevl/streams/local"
OPTION = re.compile(
    r'@Option\(names = "([^"]+)"(?:, split = ",")?(?:, defaultValue = "([^"]*)")?, description = "((?:[^"\\]|\\.)*)"\)'
)


def table(sources: list[Path], title: str) -> str:
    """One markdown table of every @Option in {sources}."""
    rows = []
    options = [o for source in sources for o in OPTION.findall(source.read_text())]
    for name, default, desc in options:
        desc = re.sub(r"\s*\(default: \$\{DEFAULT-VALUE\}\)", "", desc).replace('\\"', '"')
        env = "APP_" + re.sub("[^A-Z0-9]", "_", name.lstrip("-").upper())
        shown = f"`{default}`" if default else "—"
        rows.append(f"| `{name}` | `{env}` | {shown} | {desc} |")
    head = f"**{title}**\n\n| flag | environment | default | meaning |\n|---|---|---|---|\n"
    return head + "\n".join(rows) + "\n"


def main() -> None:
    print(table([CLI / "ClientOptions.java", CLI / "ServiceOptions.java"], "Service (`run` and `local`)"))
    print(table([LOCAL / "LocalCommand.java"], "`local` only"))


if __name__ == "__main__":
    main()
