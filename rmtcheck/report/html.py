"""``report.html``: the verification report as one self-contained page (figures inline as
base64 PNG, styles and a few lines of vanilla JavaScript inline, nothing fetched): a summary
table sortable by column and filterable by text, kind and outcome, one section per claim and
the coverage ledger per text."""

from __future__ import annotations

import base64
import json
from html import escape
from pathlib import Path

from ..checker.cards import Card
from ..checker.coverage import Entry, counts
from ..checker.verdict import Verdict
from .figures import write_figures
from .markdown import key_stat, reproduce_command, tol_text

OUTCOMES = ("holds", "fails", "error", "mismatch")

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1em;color:#222}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 6px;
vertical-align:top;text-align:left}th{background:#f3f3f3}#summary th{cursor:pointer}
#summary th.asc::after{content:" \\25B2"}#summary th.desc::after{content:" \\25BC"}
.holds{color:#1a7f37}.fails{color:#b35900}.error{color:#cf222e;font-weight:bold}
.mismatch td{background:#fff0f0}code,pre{font-size:12px;background:#f6f8fa}
pre{padding:6px;white-space:pre-wrap}img{max-width:100%;height:auto}
section.claim{border-top:1px solid #ddd;margin-top:1.5em;scroll-margin-top:3em}
.kv{display:flex;flex-wrap:wrap;gap:0 2em}blockquote{color:#444;
border-left:3px solid #ccc;margin:.5em 0;padding-left:.8em}#controls{position:sticky;top:0;
background:#fff;padding:.4em 0;border-bottom:1px solid #ddd}#controls *{margin-right:.6em}
"""

_JS = """
const rows = [...document.querySelectorAll('#summary tbody tr')];
const q = document.getElementById('q'), kind = document.getElementById('kind'),
      outcome = document.getElementById('outcome');
function apply() {
  const text = q.value.trim().toLowerCase(); let shown = 0;
  for (const r of rows) {
    const o = outcome.value;
    const ok = (!text || r.dataset.text.includes(text))
      && (!kind.value || r.dataset.kind === kind.value)
      && (!o || (o === 'mismatch' ? r.dataset.mismatch === '1' : r.dataset.outcome === o));
    r.hidden = !ok; document.getElementById(r.dataset.claim).hidden = !ok; shown += ok;
  }
  document.getElementById('shown').textContent = shown;
}
for (const el of [q, kind, outcome]) el.addEventListener('input', apply);
document.querySelectorAll('#summary th').forEach((th, i) => th.addEventListener('click', () => {
  const desc = th.classList.contains('asc');
  document.querySelectorAll('#summary th').forEach(h => h.classList.remove('asc', 'desc'));
  th.classList.add(desc ? 'desc' : 'asc');
  const key = r => r.cells[i].dataset.sort ?? r.cells[i].textContent;
  const cmp = (a, b) => { const x = key(a), y = key(b), nx = parseFloat(x), ny = parseFloat(y);
    return (isNaN(nx) || isNaN(ny)) ? x.localeCompare(y) : nx - ny; };
  rows.sort((a, b) => desc ? cmp(b, a) : cmp(a, b));
  const body = document.querySelector('#summary tbody'); rows.forEach(r => body.appendChild(r));
}));
apply();
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _image(out: Path, name: str | None, claim: str) -> str:
    if not name:
        return ""
    data = base64.b64encode((out / name).read_bytes()).decode("ascii")
    return f'<figure><img alt="figure of {_e(claim)}" src="data:image/png;base64,{data}"></figure>'


def _pairs(values: dict) -> str:
    cells = "".join(f"<tr><th>{_e(k)}</th><td><code>{_e(json.dumps(v))}</code></td></tr>"
                    for k, v in values.items())
    return f"<table>{cells}</table>" if cells else "<p>none</p>"


def _row(v: Verdict, card: Card) -> str:
    where = card.source_text
    search = " ".join((v.claim, card.title, where)).lower()
    outcome = f'<td class="{_e(v.outcome)}">{_e(v.outcome)}</td>'
    return (f'<tr data-claim="{_e(v.claim)}" data-text="{_e(search)}" data-kind="{_e(v.kind)}" '
            f'data-outcome="{_e(v.outcome)}" data-mismatch="{int(not v.meets_expected)}"'
            + (' class="mismatch"' if not v.meets_expected else "") + ">"
            f'<td><a href="#{_e(v.claim)}">{_e(v.claim)}</a></td><td>{_e(where)}</td>'
            f"<td>{_e(v.kind)}</td><td>{_e(v.expected)}</td>{outcome}"
            f"<td>{'yes' if v.meets_expected else 'NO'}</td><td>{_e(key_stat(v))}</td>"
            f'<td data-sort="{v.seconds:.6f}">{v.seconds:.2f}</td></tr>')


def _section(v: Verdict, card: Card, seed: int, figure: str) -> str:
    d = v.as_dict()
    cite = card.text.citation if card.text else ""
    parts = [
        f'<section class="claim" id="{_e(v.claim)}"><h3>{_e(v.claim)}: {_e(card.title)}</h3>',
        f"<p>{_e(v.kind)}; printed in <b>{_e(card.source_text)}</b>. {_e(cite)}</p>",
        f"<blockquote>{_e(card.statement)}</blockquote>",
        f'<p>Expected <code>{_e(v.expected)}</code>, outcome <span class="{_e(v.outcome)}">'
        f"{_e(v.outcome)}</span>" + (f": {_e(v.error)}" if v.error else "") + ".</p>",
        '<div class="kv"><div><h4>Parameters</h4>' + _pairs(d["params"]) + "</div>"
        "<div><h4>Statistics</h4>" + _pairs(d["statistics"]) + "</div></div>",
        f"<p><b>Tolerance</b> {_e(tol_text(v.tolerance))}. <b>Why:</b> "
        f"{_e(v.tolerance.get('why', ''))}</p>",
    ]
    if card.quote:
        parts.append(f"<p><b>Printed:</b></p><blockquote>“{_e(card.quote)}”</blockquote>")
    if v.counterexample:
        parts.append("<p><b>Counterexample</b> (inside the text's hypotheses):</p>"
                     f"<pre>{_e(json.dumps(d['counterexample'], indent=1))}</pre>"
                     f"<p>Reproduce: <code>{_e(reproduce_command(v, seed))}</code></p>")
    if v.corrected:
        parts.append(f'<p>Corrected statement: <a href="#{_e(v.corrected)}">'
                     f"{_e(v.corrected)}</a></p>")
    parts.append(figure + "</section>")
    return "\n".join(parts)


def _ledger(entries: list[Entry]) -> str:
    head = "".join(f"<th>{s}</th>" for s in ("text", "card", "not checkable", "open", "missing",
                                             "total"))
    body = "".join("<tr><td>" + _e(text) + "</td>" + "".join(
        f"<td>{row[s]}</td>" for s in ("card", "not checkable", "open", "missing", "total"))
        + "</tr>" for text, row in counts(entries).items())
    parts = ['<h2 id="coverage">Coverage of the specifications</h2>',
             f"<table><tr>{head}</tr>{body}</table>"]
    for text in counts(entries):
        rows = "".join(
            f"<tr><td>{_e(e.id)}</td><td>{_e(e.status)}</td><td>"
            + (", ".join(f'<a href="#{_e(c)}">{_e(c)}</a>' for c in e.cards) or _e(e.reason))
            + "</td></tr>" for e in entries if e.text == text)
        parts.append(f"<details><summary>{_e(text)}</summary><table><tr><th>ID</th>"
                     f"<th>status</th><th>cards or reason</th></tr>{rows}</table></details>")
    return "\n".join(parts)


def _select(name: str, options: list[str]) -> str:
    opts = "".join(f'<option value="{_e(o)}">{_e(o)}</option>' for o in options)
    return f'<select id="{name}" aria-label="{name}"><option value="">any {name}</option>{opts}' \
           "</select>"


def write_html(
    verdicts: list[Verdict], cards: dict[str, Card], out_dir: str | Path, *, scale: str, seed: int,
    ledger: list[Entry] | None = None, figures: dict[str, str | None] | None = None,
) -> Path:
    """Write ``report.html`` into ``out_dir`` (PNG figures drawn unless ``figures`` maps each
    claim to a PNG already there); returns its path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if figures is None:
        figures = write_figures(verdicts, cards, out)
    ok = sum(v.meets_expected for v in verdicts)
    errors = sum(v.outcome == "error" for v in verdicts)
    order = sorted(verdicts, key=lambda v: (cards[v.claim].text.name if cards[v.claim].text
                                            else "", v.claim))
    sections, heading = [], None
    for v in order:
        card = cards[v.claim]
        if card.text is not None and card.text.name != heading:
            heading = card.text.name
            sections.append(f"<h2>{_e(card.text.short)}: {_e(card.text.title)}</h2>"
                            f"<p>{_e(card.text.citation)}</p>")
        sections.append(_section(v, card, seed, _image(out, figures.get(v.claim), v.claim)))
    cols = ("claim", "printed in", "kind", "expected", "outcome", "as expected", "statistic", "s")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>rmtcheck verification report</title><style>{_CSS}</style></head><body>
<h1>rmtcheck verification report</h1>
<p>Scale <code>{_e(scale)}</code>, seed <code>{seed}</code>: <b>{ok} of {len(verdicts)} claims
meet their expected verdict</b>, {errors} ended in an error. A claim expected to fail is a printed
statement shown wrong inside the text's own hypotheses; an observation judges nothing.
<a href="#coverage">Coverage of the specifications</a>.</p>
<div id="controls"><input id="q" type="search" placeholder="filter by text, claim or title"
aria-label="filter">{_select("kind", sorted({v.kind for v in verdicts}))}
{_select("outcome", list(OUTCOMES))}<span><span id="shown">{len(verdicts)}</span> shown</span></div>
<table id="summary"><thead><tr>{"".join(f"<th>{c}</th>" for c in cols)}</tr></thead><tbody>
{"".join(_row(v, cards[v.claim]) for v in verdicts)}
</tbody></table>
{"".join(sections)}
{_ledger(ledger) if ledger else ""}
<script>{_JS}</script></body></html>
"""
    path = out / "report.html"
    path.write_text(page, encoding="utf-8")
    return path
