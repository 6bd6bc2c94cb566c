"""Every string that reaches an output goes through render.sanitize, on every path: the notes
and error lines on stderr, --list, and markdown, where bare links must stay text on GitHub."""

from __future__ import annotations

import html
import io
import re

import pytest
from hostile import badinputs as bad
from hostile.harness import invoke
from test_render_samples import buggy_report, outcome

from spikecheck.render.interface import RenderOptions, get_renderer

OSC52 = "\x1b]52;c;ZXZpbA==\x07"  # a clipboard write, the red team's directory name
NASTY = [OSC52 + "run", "run\x1b[2J\x1b[H", "run\n::error file=x::owned", "\u202erun"]


def assert_inert(text: str) -> None:
    """No escape, bell, bidi override, or line that could be a workflow command."""
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert not any(ln.startswith("::") for ln in text.splitlines()), text


@pytest.mark.parametrize("evil", NASTY)
def test_the_note_on_a_skipped_side_run_is_sanitised(tmp_path, evil):
    logdir = tmp_path / "logs"
    (logdir / "main").mkdir(parents=True)
    (logdir / "main" / bad.EVENT_NAME).write_bytes(bad.event_file_bytes())
    side = logdir / evil.replace("\n", "_nl_")  # a directory name holds no newline on ext4
    side.mkdir()
    steps, values = bad.loss_curve()
    (side / bad.EVENT_NAME).write_bytes(bad.event_file_bytes(steps[:3], values[:3]))
    res = invoke(logdir, "--steps-per-epoch", "20")
    assert res.exit_code in (0, 1), res.output
    notes = [ln for ln in res.stderr.splitlines() if "note: skipped" in ln]
    assert len(notes) == 1 and "run" in notes[0]
    assert_inert(res.stderr)


@pytest.mark.parametrize("evil", NASTY)
def test_error_lines_are_sanitised(tmp_path, evil):
    p = tmp_path / (evil.replace("\n", "_nl_") + ".csv")
    p.write_bytes(b"")  # empty: an error naming the file
    for args in ([p], [p, "--list"]):
        res = invoke(*args)
        assert res.exit_code == 2
        assert res.stderr.startswith("spikecheck: error: ") and "empty" in res.stderr
        assert_inert(res.stderr)


def test_list_output_is_sanitised(tmp_path):
    p = tmp_path / ("a" + OSC52 + ".csv")
    steps, values = bad.loss_curve()
    p.write_bytes(bad.csv_bytes(steps, values, header="step,lo\x1b[31mss\u202e"))
    res = invoke(p, "--list")
    assert res.exit_code == 0, res.output
    assert_inert(res.stdout)
    assert "ZXZpbA" not in res.stdout or "\x1b]52" not in res.stdout


# --- markdown: bare URLs and e-mail addresses in names stay text on GitHub ----------------

# GitHub's extended autolinks (GFM spec 6.9): www. and http(s):// followed by a domain, and
# an e-mail address: word characters, @, a domain with a dot.
GFM_AUTOLINK = re.compile(
    r"(?:(?<![\w])www\.[\w-]+\.\w|https?://[\w-]+|[\w.+-]+@[\w-]+\.[\w.-]*\w)", re.I)
LINKY = ["www.evil.example/loss", "http://evil.example/x", "HTTPS://evil.example",
         "ops@evil.example", "see mailto:ops@evil.example"]


def rendered_text(markdown: str) -> str:
    """What GitHub shows: the markdown parsed (CommonMark), tags dropped, entities decoded."""
    from markdown_it import MarkdownIt

    page = MarkdownIt("commonmark").enable("table").render(markdown)
    assert "<a " not in page
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.mark.parametrize("name", LINKY)
def test_markdown_does_not_autolink_names(name):
    out = io.StringIO()
    run = outcome(buggy_report(source=f"runs/{name}.csv", metric=name), path="x.csv")
    get_renderer("markdown").render([run], RenderOptions(width=80, color=False), out)
    text = rendered_text(out.getvalue())
    assert GFM_AUTOLINK.search(text) is None, GFM_AUTOLINK.search(text)
    visible = text.replace("\u200d", "")
    assert name.split()[-1] in visible  # the name is still there to read
