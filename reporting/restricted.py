"""The UPT page as its own officers see it: the disclosure policy (responses.disclosure) applied to the figures
the selectors built, so every cell built from fewer than k responses reads "< k" and no time is finer than
the day. Kanwil reviewers and Pusat reading the same page see the figures unchanged."""
from dataclasses import replace

from responses.disclosure import Suppressed, cell, is_small, min_cell


def restrict_participation(participation: dict) -> dict:
    """Service rows, days and today's count with small cells suppressed; the per-day running total is not
    shown (differences of running totals would give back every suppressed day)."""
    services = []
    for row in participation["services"]:
        if is_small(row.responses):
            row = replace(row, responses=cell(row.responses), participation=None,
                          indices=[None] * len(row.indices))
        services.append(row)
    days = [replace(d, n=cell(d.n), cumulative=None) for d in participation["days"]]
    chart = dict(participation["days_chart"])
    chart["daily"] = [None if is_small(n) else n for n in chart["daily"]]
    chart["cumulative"] = [None] * len(chart["cumulative"])
    return {**participation, "services": services, "days": days, "days_chart": chart,
            "today": cell(participation["today"])}


def restrict_figures(figures: list) -> list:
    """An index from fewer than k counted responses is not shown (nor its indicators): `figure.suppressed`.
    The ticket-verified index likewise (`figure.ticketed_suppressed`), and also when the other responses are
    1 to k-1: the official and the ticket-verified sums would then give back those few responses' figure."""
    for figure in figures:
        snapshot = figure.snapshot
        if snapshot is not None and is_small(snapshot.n_counted):
            figure.suppressed, figure.indicators = cell(snapshot.n_counted), []
        if snapshot is not None and ticketed_hidden(snapshot):
            figure.ticketed_suppressed = Suppressed(min_cell())
    return figures


def ticketed_hidden(snapshot) -> bool:
    """Whether a UPT reader is denied the ticket-verified index of `snapshot` (see restrict_figures)."""
    return is_small(snapshot.n_ticketed) or is_small(snapshot.n_counted - snapshot.n_ticketed)


def restrict_access_points(access_points: list) -> list:
    for point in access_points:
        point.n = cell(point.n)
    return access_points


def restrict_extra(extra):
    for result in extra.choices:
        for option in result.options:
            if is_small(option.n):
                option.n, option.percent = cell(option.n), None
    return extra


def restrict_flags(flags: dict) -> dict:
    """Flag counts are per period already (never per response or per day); small ones read "< k"."""
    return {**flags, "flagged": cell(flags["flagged"]), "rejected": cell(flags["rejected"]),
            "steered": cell(flags["steered"])}


def restrict_modes(modes: dict) -> dict:
    """How respondents came (ticket, poster, kiosk, link): a mode of fewer than k responses reads "< k", and
    its share is not shown (the share and the total would give the count back)."""
    rows = [{**r, "n": cell(r["n"]), "percent": None if is_small(r["n"]) else r["percent"]} for r in modes["rows"]]
    ticket = next((r for r in modes["rows"] if r["mode"] == "ticket"), None)
    hidden = ticket is not None and is_small(ticket["n"])
    return {**modes, "rows": rows, "ticket_percent": None if hidden else modes["ticket_percent"]}


def restrict_rates(rates):
    """Response rates per service and day: a cell of fewer than k responses reads "< k" without its rate; the
    odd days (for the Kanwil's review) are not listed to the unit."""
    from types import SimpleNamespace

    def row(r):
        small = is_small(r.responses)
        return SimpleNamespace(label=r.label, served=r.served, responses=cell(r.responses),
                               rate=None if small else r.rate)

    return replace(rates, total=row(rates.total), services=[row(r) for r in rates.services],
                   days=[row(r) for r in rates.days], odd=[])
