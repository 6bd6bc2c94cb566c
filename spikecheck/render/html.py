"""A notebook view of one Report: the verdict, the diagnosis and the folded profile as SVG.

Used by `Report._repr_html_` (Jupyter shows it when a cell returns a report). Every string
from the log goes through render.sanitize and is escaped; the chart needs nothing but the
report.
"""

from __future__ import annotations

import html
import math

from spikecheck.render.sanitize import clean
from spikecheck.render.words import VERDICT_WORDS, headline
from spikecheck.report import Report

COLORS = {"epoch-aligned-spikes": "#c62828", "periodic-not-epoch": "#ef6c00",
          "spikes-not-epoch-aligned": "#ef6c00", "inconclusive": "#6d6d6d",
          "clean": "#2e7d32"}


def report_html(r: Report) -> str:
    """An HTML fragment: verdict line, key evidence, causes with fixes, profile chart."""
    def e(text: object) -> str:  # the one sanitiser (bidi overrides reorder HTML too)
        return html.escape(clean(text))

    color = COLORS.get(r.verdict, "#333")
    parts = [f'<div class="spikecheck"><p><b style="color:{color}">{e(r.verdict)}</b>'
             f"{(' · <b>' + e(r.cause) + '</b>') if r.cause else ''} — {e(r.source)} "
             f"({e(r.metric)}), {r.points} points</p>",
             f"<p>{e(headline(r))}</p>"]
    if r.verdict == "inconclusive":
        parts.append(f"<p>{e(VERDICT_WORDS[r.verdict])}: {e(r.inconclusive_detail or '')}</p>")
    if r.diagnosis:
        rows = "".join(
            f"<tr><td><b>{e(d.cause)}</b> ({d.confidence:.2f})</td><td>{e(d.evidence)}</td>"
            f"<td>{e(d.fix)}</td></tr>" for d in r.diagnosis)
        parts.append("<table><tr><th>cause</th><th>evidence</th><th>fix</th></tr>"
                     f"{rows}</table>")
    svg = profile_svg(r)
    if svg:
        parts.append(svg)
    parts.append("</div>")
    return "".join(parts)


def profile_svg(r: Report, width: int = 480, height: int = 140) -> str:
    """Bars of the loss around the epoch start folded over all epochs (x the usual loss,
    log scale), the final step of an epoch at offset -1; '' when there is no profile."""
    prof = [p for p in r.alignment.profile if p.ratio > 0 and math.isfinite(p.ratio)]
    if not prof:
        return ""
    logs = [math.log(p.ratio) for p in prof]
    top = max(max(abs(v) for v in logs), math.log(1.5))
    mid = height / 2
    bw = width / len(prof)
    bars = []
    for i, (p, v) in enumerate(zip(prof, logs)):
        h = abs(v) / top * (mid - 12)
        y = mid - h if v > 0 else mid
        fill = "#c62828" if p.offset == -1 else "#1f77b4"
        bars.append(f'<rect x="{i * bw + 1:.1f}" y="{y:.1f}" width="{bw - 2:.1f}" '
                    f'height="{h:.1f}" fill="{fill}"><title>offset {p.offset:+d}: '
                    f'{p.ratio:.3g}x over {p.epochs} epochs</title></rect>')
        bars.append(f'<text x="{i * bw + bw / 2:.1f}" y="{height - 2}" font-size="9" '
                    f'text-anchor="middle">{p.offset:+d}</text>')
    axis = f'<line x1="0" y1="{mid}" x2="{width}" y2="{mid}" stroke="#888"/>'
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'role="img"><title>loss around the epoch start, folded over epochs</title>'
            f"{axis}{''.join(bars)}</svg>")
