"""Renderers: reports in, text out. Adding an output format: a module here plus one line.

The registry lives in this file (no imports) so the CLI can list formats without loading
numpy or rich at start-up.
"""

# --format name -> "module:Class"
RENDERERS: dict[str, str] = {
    "terminal": "spikecheck.render.terminal:TerminalRenderer",
    "json": "spikecheck.render.json:JsonRenderer",
    "jsonl": "spikecheck.render.jsonl:JsonLinesRenderer",
    "markdown": "spikecheck.render.markdown:MarkdownRenderer",
    "github": "spikecheck.render.github:GithubRenderer",
    "junit": "spikecheck.render.junit:JUnitRenderer",
}
