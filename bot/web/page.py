"""The App's status page: HTML and the JSON beside it, from the status records.

Per book and language the percent up to date and a per-chapter SVG chart (drawn here, on
the server: no JavaScript, no CDN), the open pull request's asks and the status issue;
then the queue and the workers, the last jobs, invalid configs and failures, each with
the book it belongs to. :func:`snapshot` gathers the numbers once for both forms.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from flask import render_template_string
from markupsafe import Markup

from bot.dashboard.lag import chapters, lag_of, lagging_files, number, plural, summary
from bot.web.charts import lag_svg

if TYPE_CHECKING:
    from bot.work.queue import Queue

_LINK = re.compile(r"/pull/(\d+)(?:/commits/([0-9a-f]+))?")
JOBS_SHOWN = 100
MAX_JOBS = 100_000  # every kept job (20 per target): a signed-in user's are picked from them
WORST_SHOWN = 5


def snapshot(queue: Queue, repos: Collection[str] | None = None) -> dict[str, Any]:
    """Everything the page shows, as JSON (``/status.json``); with ``repos`` (a user
    signed in with GitHub), only the translations, books and jobs of those repositories.
    The queue and the workers name no repository: everyone sees them."""
    targets, sources = queue.status.all(), queue.status.sources()
    jobs = queue.status.jobs(JOBS_SHOWN if repos is None else MAX_JOBS)
    if repos is not None:
        mine = {repo.lower() for repo in repos}
        targets = [t for t in targets if t["target_repo"].lower() in mine]
        sources = [s for s in sources if s["source_repo"].lower() in mine]
        jobs = [j for j in jobs if (j.get("target") or "").lower() in mine][:JOBS_SHOWN]
    failures = [
        {"book": t.get("source_repo"), "target": t["target_repo"], **t["failure"]}
        for t in targets
        if t.get("failure") and t.get("last_error")
    ]
    return {
        "targets": targets,
        "invalid_configs": [s for s in sources if s.get("config_error")],
        "failures": failures,
        "queue": queue.stats(),
        "workers": queue.status.workers(),
        "jobs": jobs,
    }


def link_text(url: str) -> str:
    """``…/pull/7/commits/abc…`` → ``#7 abc12345``; ``…/pull/7`` → ``#7``."""
    match = _LINK.search(url)
    if not match:
        return url.rsplit("/", 1)[-1][:20]
    return f"#{match[1]}" + (f" {match[2][:8]}" if match[2] else "")


def render(data: dict[str, Any], user: str | None = None) -> str:
    """The page; ``user``: who signed in with GitHub (None: the operator)."""
    books: dict[str, list[dict[str, Any]]] = {}
    for record in data["targets"]:
        books.setdefault(record.get("source_repo") or "(unknown book)", []).append(
            _target_view(record)
        )
    return render_template_string(
        _PAGE, books=books, plural=plural, number=number, link_text=link_text, user=user, **data
    )


def _target_view(record: dict[str, Any]) -> dict[str, Any]:
    lag = record.get("lag")
    view = {"record": record, "lag": None}
    if lag:
        rows = chapters(lag)
        view["lag"] = {
            "summary": summary(lag),
            "chapters": len(rows),
            "svg": Markup(lag_svg(rows, f"{record['target_repo']}: per-chapter lag")),
            "worst": [(f["path"], lag_of(f)) for f in lagging_files(lag)[:WORST_SHOWN]],
        }
    return view


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>AMTS status</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.5 system-ui,sans-serif;max-width:72rem;margin:1.5rem auto;padding:0 1rem;
color:#1f2328}
h1{margin:.2rem 0}h2{margin-top:2rem;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{text-align:left;padding:.25rem .5rem;border-bottom:1px solid #eaeef2;vertical-align:top}
th{background:#f6f8fa}.nowrap{white-space:nowrap}code{font-size:90%}.error{color:#cf222e}.ok{color:#1a7f37}
.target{border:1px solid #d0d7de;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
.percent{font-size:1.6rem;font-weight:600}.muted{color:#59636e}
.stats span{margin-right:1.5rem}
</style></head><body>
<h1>AMTS status</h1>
{% if user %}<form method="post" action="logout" id="user">Signed in with GitHub as
<b>@{{ user }}</b>: the translations you can write to.
<button type="submit">Sign out</button></form>{% endif %}
<p class="muted">Keeps one pull request per translation current with the English source.
JSON: <a href="status.json">status.json</a>.</p>
<p id="catch-up">A push's pull request carries that push's English change only. The older
changes a translation lags behind are carried when a maintainer asks: comment
<code>/amts catch-up PATH</code> on the sync pull request or any issue of the translation,
or tick the file's box in the translation's status issue.</p>

<h2>Queue and workers</h2>
<p class="stats" id="queue">
<span>waiting: <b id="queue-depth">{{ queue.depth }}</b></span>
<span>scheduled: <b>{{ queue.scheduled }}</b></span>
<span>oldest waiting: <b id="queue-oldest">{% if queue.oldest_seconds is not none %}
{{ queue.oldest_task }}, {{ queue.oldest_seconds }} s{% else %}none{% endif %}</b></span>
</p>
<table id="workers"><tr><th>worker</th><th>threads</th><th>last heartbeat</th><th>state</th></tr>
{% for w in workers %}<tr><td><code>{{ w.worker }}</code></td><td>{{ w.threads }}</td>
<td>{{ w.seen }} ({{ w.age }} s ago)</td>
<td class="{{ 'ok' if w.alive else 'error' }}">{{ 'alive' if w.alive else 'silent' }}</td></tr>
{% else %}<tr><td colspan="4">no worker has reported yet</td></tr>{% endfor %}
</table>

{% for book, targets in books.items() %}
<h2>{{ book }}</h2>
{% for t in targets %}{% set r = t.record %}
<section class="target" data-target="{{ r.target_repo }}">
<h3>{{ r.target_repo }} <span class="muted">({{ r.lang or "?" }})</span></h3>
{% if t.lag %}{% set s = t.lag.summary %}
<p><span class="percent" data-field="percent">{{ "%.1f"|format(s.percent) }}%</span>
of English blocks up to date ·
<span data-field="blocks-behind">{{ s.blocks_behind }}</span> blocks behind ·
<span data-field="untranslated">{{ s.untranslated }}</span> English
{{ "file" if s.untranslated == 1 else "files" }} not translated ·
<span data-field="english-gone">{{ s.english_gone }}</span>
{{ "translation" if s.english_gone == 1 else "translations" }} whose English is gone
· English <code>{{ s.revision[:12] }}</code>{% if r.since %}
· {{ "%+.1f"|format(s.percent - r.since[0]) }}% since {{ r.since[1] }}{% endif %}</p>
{{ t.lag.svg }}
{% if t.lag.worst %}<p>Most behind: {% for path, blocks in t.lag.worst %}<code>{{ path }}</code>
({{ blocks }}){{ ", " if not loop.last else "." }}{% endfor %}
Catch a file up by ticking its box in the status issue or commenting
<code>/amts catch-up PATH</code>; nothing is caught up unasked.</p>{% endif %}
{% else %}<p class="muted">Lag not measured yet.</p>{% endif %}
<p>Open sync pull request: {% if r.pull %}<a href="{{ r.pull.url }}">#{{ r.pull.number }}</a>,
asking for {{ plural(r.pull.files or 0, "file") }} to review,
{{ plural(r.pull.untranslated or 0, "sentence") }} left in English,
{{ plural(r.pull.low_confidence or 0, "low-confidence alignment") }},
{{ plural(r.pull.chars_sent or 0, "character") }} sent to the engine.{% else %}none.{% endif %}
{% if r.dashboard %}Status issue: {% if r.dashboard.url %}<a href="{{ r.dashboard.url }}">
#{{ r.dashboard.number }}</a>{% else %}#{{ r.dashboard.number }}{% endif %}
{%- if r.dashboard.closed %} (closed by hand: not updated){% endif %}.{% endif %}
English synced to <code>{{ (r.synced_revision or "")[:12] or "-" }}</code>;
updated {{ r.updated_at }}.</p>
{% if r.last_error %}<p class="error">Last failure{% if r.failure %}
(<code>{{ r.failure.error_id }}</code>){% endif %}: {{ r.last_error }}</p>{% endif %}
</section>
{% endfor %}
{% else %}
<p>No repository synced yet: install the App on an English book whose default branch has
<code>.github/amts.yml</code>, then push to it.</p>
{% endfor %}

<h2>Invalid configs and failures</h2>
<table id="problems"><tr><th>book</th><th>where</th><th>problem</th><th>error id</th>
<th>when</th></tr>
{% for c in invalid_configs %}<tr><td>{{ c.source_repo }}</td><td>.github/amts.yml</td>
<td class="error">{{ c.config_error }}</td><td></td><td>{{ c.updated_at }}</td></tr>{% endfor %}
{% for f in failures %}<tr><td>{{ f.book }}</td><td>{{ f.target }}</td>
<td class="error">{{ f.error }}</td><td><code>{{ f.error_id or "" }}</code></td>
<td>{{ f.at }}</td></tr>{% endfor %}
{% if not invalid_configs and not failures %}<tr><td colspan="5">none</td></tr>{% endif %}
</table>

<h2>Last {{ jobs|length }} jobs</h2>
<table id="jobs"><tr><th>finished</th><th>job</th><th>event</th><th>target</th>
<th>outcome</th><th>seconds</th><th>error id</th><th>link</th></tr>
{% for j in jobs %}<tr class="job">
<td class="nowrap">{{ j.finished_at.replace("T", " ").replace("+00:00", " UTC") }}</td>
<td>{{ j.kind }}</td><td>{{ j.event }}</td><td class="nowrap">{{ j.target }}</td>
<td class="{{ 'error' if j.outcome == 'failed' else '' }}">{{ j.outcome }}</td>
<td>{{ j.seconds }}</td><td><code>{{ j.error_id or "" }}</code></td>
<td class="nowrap">{% if j.url %}<a href="{{ j.url }}">{{ link_text(j.url) }}</a>{% endif %}</td>
</tr>
{% else %}<tr><td colspan="8">no job has run yet</td></tr>{% endfor %}
</table>
</body></html>
"""
