"""The deal composer: forum, parties, terms with their parameters, binding or not, how long.
Every change is checked against the rules at once (an invalid deal says why, in place) and
foreseen from the seat's own view (its tracks, the world's, its score, with the spread of
effects no evidence has measured yet)."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from negotiate.engine import ActionModel
from negotiate.engine.actions import Counter, DealSpec, Propose
from negotiate.engine.state import TermOffer
from negotiate.tui.dialogs import Confirm
from negotiate.tui.marks import Checkbox, SelectionList
from negotiate.tui.preview import foresight, preview
from negotiate.tui.session import Sitting
from negotiate.tui.words import counted, offer_line

FORUMS = [("bilateral", "bilateral"), ("regional", "regional"), ("global", "global")]
FORUM_HELP = {
    "bilateral": "bilateral: exactly two parties",
    "regional": "regional: three or more parties of one region",
    "global": "global: every state votes; adopted by a majority of votes",
}


class ComposerScreen(ModalScreen[ActionModel | None]):
    """Compose a proposal (or a counter to deal `counter`) and return it to the table. It opens
    with the counter's deal, or with `package` (a proposal a bot said it would accept), filled in."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+enter,ctrl+j", "send", "Send"),
        Binding("delete,backspace", "drop_term", "Remove term", show=False),
    ]

    def __init__(self, session: Sitting, seat: str, counter: int | None = None, package: DealSpec | None = None):
        super().__init__()
        self.session, self.seat, self.counter = session, seat, counter
        self.table = session.table
        self.offers: list[TermOffer] = []
        self._chosen: list[str] | None = None  # the parties ticked before the global forum was chosen
        self.start: dict[str, Any] = {"forum": "bilateral", "parties": [seat], "binding": False, "duration": 2}
        filled = session.board.view(seat).deal(counter) if counter is not None else package
        if filled is not None:
            self.offers = list(filled.terms)
            self.start = {
                "forum": filled.forum,
                "parties": list(filled.parties),
                "binding": filled.binding,
                "duration": filled.duration,
                "region": filled.region,
            }
        self.opened_with = list(self.offers)
        """The terms the draft opened with: cancelling loses nothing while they are unchanged."""

    # --- layout --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        title = f"Counter deal #{self.counter}" if self.counter else "Propose a deal"
        with Vertical(classes="dialog composer"):
            yield Static(f"{title} — as {self.table.name(self.seat)}", classes="title")
            with VerticalScroll(id="form"):
                yield from self._form()
            yield Static(id="preview")
            yield Static(classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Send (ctrl+enter)", id="send", variant="primary", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)

    def _form(self) -> ComposeResult:
        table, rules = self.table, self.table.scenario.rules
        yield Static(id="forum-text", classes="hint")
        with Horizontal(classes="row"):
            yield Select(FORUMS, value=self.start["forum"], allow_blank=False, id="forum", compact=True)
            yield Select(
                [(r, r) for r in sorted(table.regions)],
                prompt="region",
                id="region",
                compact=True,
                value=self.start.get("region") or Select.NULL,
            )
            yield Select(
                [(counted(n, "round"), n) for n in range(1, rules.max_duration + 1)],
                value=self.start["duration"],
                allow_blank=False,
                id="duration",
                compact=True,
            )
            yield Checkbox("binding", self.start["binding"], id="binding")
        yield Label("Parties (space ticks a seat)")
        yield SelectionList[str](
            *[(f"{table.name(s)} ({table.types[s].name})", s, s in self.start["parties"]) for s in table.order],
            id="parties",
        )
        yield Label("Terms in the deal (Delete removes the highlighted one)")
        yield OptionList(id="terms")
        yield Label("Add a term")
        with Horizontal(classes="row"):
            yield Select(self._term_options(), prompt="term", id="term", compact=True)
            yield Select([], prompt="giver", id="giver", compact=True)
            yield Select([], prompt="receiver", id="receiver", compact=True)
        yield Static(id="term-text", classes="hint")
        # Every term's parameters are built here, once, and only the chosen term's are shown: a
        # row rebuilt on each choice would be mounted after Add or a second choice could read it.
        for term in self.table.terms.values():
            if term.params:
                with Horizontal(id=f"params-{term.id}", classes="row params"):
                    for key, spec in term.params.items():
                        yield Label(f"{spec.label} ({spec.min}-{spec.max})")
                        yield Input(str(spec.default), type="integer", id=f"param-{term.id}-{key}", classes="param")
        yield Button("Add this term", id="add", compact=True)

    def on_mount(self) -> None:
        self._show_terms()
        self._update()

    def _term_options(self) -> list[tuple[str, str]]:
        out = []
        for term in self.table.terms.values():
            kind = {"binding": " (binding only)", "non_binding": " (non-binding)"}.get(term.binding, "")
            out.append((f"{term.name}{kind}", term.id))
        return out

    # --- reading the form -----------------------------------------------------------------

    def spec(self) -> DealSpec:
        """The proposal as the form stands (it may be invalid; `check` says why)."""
        forum = str(self.query_one("#forum", Select).value)
        region = self.query_one("#region", Select).value
        parties = list(self.query_one("#parties", SelectionList).selected)
        if forum == "global":
            parties = list(self.table.states)
        fields: dict[str, Any] = dict(  # not validated: the form may be unfinished (check says why)
            seat=self.seat,
            forum=forum,
            region=str(region) if forum == "regional" and region is not Select.NULL else None,
            parties=parties,
            terms=self.offers or [TermOffer(term="__none__")],
            binding=self.query_one("#binding", Checkbox).value,
            duration=self.query_one("#duration", Select).value,  # allow_blank=False: always a number
        )
        if self.counter is not None:
            return Counter.model_construct(type="counter", reason=None, deal=self.counter, **fields)
        return Propose.model_construct(type="propose", reason=None, **fields)

    def _show_global_parties(self, is_global: bool) -> None:
        """In the global forum the parties are every state: tick them all and lock the list,
        keeping the seats chosen before to give back when another forum is chosen."""
        parties = self.query_one("#parties", SelectionList)
        if is_global and self._chosen is None:
            self._chosen = list(parties.selected)
            parties.deselect_all()
            for state in self.table.states:
                parties.select(state)
        elif not is_global and self._chosen is not None:
            parties.deselect_all()
            for seat in self._chosen:
                parties.select(seat)
            self._chosen = None
        parties.disabled = is_global

    def _update(self) -> None:
        """Check the proposal and foresee it; say what is wrong, in place."""
        forum = self.query_one("#forum", Select).value
        self.query_one("#forum-text", Static).update(FORUM_HELP.get(str(forum), ""))
        self.query_one("#region", Select).disabled = forum != "regional"
        self._show_global_parties(forum == "global")
        self._fill_roles()
        spec = self.spec()
        error, box = self.query_one(".error", Static), self.query_one("#preview", Static)
        if not self.offers:
            error.update("✗ add at least one term")
            box.update("")
            return
        problem = self.session.board.check(spec)
        error.update(f"✗ {problem}" if problem else "✓ ready to send")
        error.set_class(problem is None, "ok")
        if problem:
            box.update("")
            return
        box.update(foresight(preview(self.table, self.session.board.view(self.seat), spec)))

    def _fill_roles(self) -> None:
        """Offer as giver and receiver only the parties whose seat type may play that role."""
        term_id = self.query_one("#term", Select).value
        giver, receiver = self.query_one("#giver", Select), self.query_one("#receiver", Select)
        term = self.table.terms.get(str(term_id)) if term_id is not Select.NULL else None
        parties = self.spec().parties
        shared = term is not None and term.scope == "all_parties"
        for select, types in ((giver, term.givers if term else []), (receiver, term.receivers if term else [])):
            options = [(self.table.name(p), p) for p in parties if self.table.seats[p].type in types]
            if [v for _, v in options] != [v for _, v in select._options if v is not Select.NULL]:  # noqa: SLF001
                select.set_options(options)
            select.disabled = shared or term is None

    def _show_terms(self) -> None:
        """List the terms, the cursor where it was (on the first term at first, on the last after
        the last is removed)."""
        terms = self.query_one("#terms", OptionList)
        was = terms.highlighted or 0
        terms.clear_options()
        for offer in self.offers:
            terms.add_option(Option(offer_line(self.table, offer)))
        if not self.offers:
            terms.add_option(Option("(no terms yet: choose one below and add it)", disabled=True))
        terms.highlighted = min(was, len(self.offers) - 1) if self.offers else None

    # --- events --------------------------------------------------------------------------

    @on(Select.Changed)
    @on(Checkbox.Changed)
    @on(SelectionList.SelectedChanged)
    def _changed(self, event: Any) -> None:
        if getattr(event, "select", None) is self.query_one("#term", Select):
            self._term_chosen()
        self._update()

    def _term_chosen(self) -> None:
        """Describe the chosen term and show its parameters (and no other term's)."""
        term_id = self.query_one("#term", Select).value
        for row in self.query(".params"):
            row.display = row.id == f"params-{term_id}"
        if term_id is Select.NULL:
            self.query_one("#term-text", Static).update("")
            return
        term = self.table.terms[str(term_id)]
        where = f"Forums: {', '.join(term.forums)}." + (
            " Paid each round from the giver's budget." if term.transfer else ""
        )
        self.query_one("#term-text", Static).update(f"{term.text} {where}")

    @on(Button.Pressed, "#add")
    def _add(self) -> None:
        term_id = self.query_one("#term", Select).value
        if term_id is Select.NULL:
            self.query_one(".error", Static).update("✗ choose a term to add")
            return
        term = self.table.terms[str(term_id)]
        params = {}
        for key, spec in term.params.items():
            text = self.query_one(f"#param-{term.id}-{key}", Input).value.strip()
            if not text.lstrip("-").isdigit() or not spec.min <= int(text) <= spec.max:
                self.query_one(".error", Static).update(f"✗ {spec.label.lower()} must be {spec.min} to {spec.max}")
                return
            params[key] = int(text)
        giver, receiver = self.query_one("#giver", Select).value, self.query_one("#receiver", Select).value
        if term.scope != "all_parties" and (giver is Select.NULL or receiver is Select.NULL):
            self.query_one(".error", Static).update(f"✗ {term.name} needs a giver and a receiver")
            return
        roles = {} if term.scope == "all_parties" else {"giver": str(giver), "receiver": str(receiver)}
        self.offers.append(TermOffer(term=term.id, params=params, **roles))
        self._show_terms()
        self._update()

    def action_drop_term(self) -> None:
        terms = self.query_one("#terms", OptionList)
        if terms.has_focus and terms.highlighted is not None and self.offers:
            del self.offers[terms.highlighted]
            self._show_terms()
            self._update()

    @on(Button.Pressed, "#send")
    def action_send(self) -> None:
        spec = self.spec()
        problem = "add at least one term" if not self.offers else self.session.board.check(spec)
        if problem:
            self.query_one(".error", Static).update(f"✗ {problem}")
            return
        self.dismiss(type(spec).model_validate(spec.model_dump()))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Close without sending; a draft whose terms were changed is discarded only if confirmed."""
        if self.offers == self.opened_with:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(Confirm("Discard this draft?", "Its terms are lost; nothing is sent."), answered)
