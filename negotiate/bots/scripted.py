"""The scripted bot: negotiates like the actor its seat stands for, from its own view only.

It values a deal by what the deal would do to its score (its public objective and its secret
agenda) over the rounds the deal lasts, against having no deal (its BATNA), with effects that no
evidence has measured discounted by their spread. Over the negotiation's beats its aspiration
falls from the best package it can find toward its reservation value, along a Boulware or
conceder curve. It searches the term catalogue for packages every party prefers to no deal,
ratifies what its public and political capital allow, and audits, campaigns and publishes
evidence where its seat can. Every action carries a one-line reason.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import TYPE_CHECKING

from negotiate.bots.outlook import Forecast, Outlook, Reader, belief, offer_key
from negotiate.bots.personality import Level, Personality
from negotiate.content.schema import Forum, holds_flows, is_convention, opens_pathway
from negotiate.engine import ActionModel, SeatView
from negotiate.engine.actions import (
    TEXT_LIMIT,
    Audit,
    Counter,
    DealSpec,
    Endorse,
    Propose,
    Ratify,
    Refuse,
    Reject,
    SendMessage,
    Suspend,
)
from negotiate.engine.deals import capital, check_spec, describe_offer, holding, price
from negotiate.engine.state import Deal, Payment, TermOffer, build, clone
from negotiate.engine.table import Table

if TYPE_CHECKING:
    from negotiate.bots.asking import Answer

CAPITAL = 1.0
"""What a point of political capital is worth to a state: it is not scored, but it buys
ratifications and global leadership later."""
DURATION = 3
"""Rounds a bot's proposals last."""
COUNTERS = 2
"""Counter-proposals a bot makes in one round at most, so that haggling ends."""
MARGIN = 0.5
"""How much a partner should gain, by the bot's reading, before a proposal is worth tabling."""
RECIPROCITY = 1.0
"""Points a bot will give up, in answering a seat's proposal, per unit of side payment that seat
made to it this round or the last: a payment buys a favour, once."""
MOST_ASKED = 5
"""The largest side payment a bot asks for, in a message to a proposer who could pay it."""


@dataclass(eq=False)
class Offer:
    """A term as the bot weighs it for a proposal: its gains per party, one round at a time."""

    offer: TermOffer
    gains: dict[str, float]
    forecast: Forecast


@dataclass(frozen=True)
class Candidate:
    """A standard proposal as the search screens it."""

    proposal: Propose
    venue: tuple[Forum, tuple[str, ...]]  # forum and parties
    group: tuple[Forum, tuple[str, ...], str | None]  # forum, parties and region
    offer: TermOffer
    roles: tuple[str, str | None, str | None]  # term, giver and receiver
    keys: tuple  # the offer's `offer_key`, alone


@dataclass
class Package:
    """A proposal the bot could table, with its worth to the bot and to the partner gaining least."""

    spec: Propose
    mine: float
    theirs: float
    score: float


@dataclass
class Memory:
    """What the bot keeps within one phase of one round."""

    key: tuple[int, str, int, int]
    outlook: Outlook
    values: dict[int, float] = field(default_factory=dict)
    held: set[int] = field(default_factory=set)
    hope: float | None = None
    acted: set[str] = field(default_factory=set)
    proposals: int = 0
    counters: int = 0
    packages: list[Package] | None = None
    duplicates: set[int] = field(default_factory=set)
    asked: dict[int, tuple[int, bool]] = field(default_factory=dict)  # deal -> price named, waited a turn


class ScriptedBot:
    """A bot with a personality (how it values and concedes) and a level (how well it plays)."""

    def __init__(self, table: Table, seat: str, personality: Personality, level: Level, seed: int):
        self.table = table
        self.seat = seat
        self.traits = personality
        self.skill = level
        self.personality = personality.name
        self.level = level.name
        self.name = table.name(seat)
        self.rng = random.Random(f"{seed}:{seat}:{personality.name}:{level.name}")
        self.weights = [(_weighed(seat, name), weight) for name, weight in personality.weights.items()]
        self.reader: Reader | None = None
        self.memory: Memory | None = None
        self.favours: list[tuple[int, str, float]] = []  # (round, payer, points) given back for payments
        self.screened: dict[int, Candidate] = {}  # see `_screening`
        self._prices: dict[tuple, dict[str, float]] = {}  # see `_at_home`
        self._prices_for: Outlook | None = None

    # --- deciding ------------------------------------------------------------------------

    def decide(self, view: SeatView, legal: Sequence[ActionModel]) -> ActionModel:
        """Choose one of the legal actions, with its reason."""
        memory = self._remember(view)
        if view.phase == "ratification":
            action, why = self._ratify(memory, legal)
        elif view.phase == "implementation":
            action, why = self._implement(memory, legal)
        else:
            action, why = self._negotiate(memory, legal)
        return clone(action, reason=_clip(why))

    def _remember(self, view: SeatView) -> Memory:
        if self.reader is None:
            self.reader = Reader(self.table, self.seat, view.agenda)
        in_force = sum(1 for d in view.deals if d.status == "in_force")
        key = (view.round, view.phase, len(view.evidence), in_force)
        memory = self.memory
        if memory is None or memory.key[:2] != key[:2]:
            memory = self.memory = Memory(key, Outlook(self.reader, view))
        elif memory.key != key:
            memory.key, memory.outlook, memory.values, memory.duplicates = key, Outlook(self.reader, view), {}, set()
        else:
            memory.outlook.view = view
        return memory

    # --- negotiation ---------------------------------------------------------------------

    def _negotiate(self, memory: Memory, legal: Sequence[ActionModel]) -> tuple[ActionModel, str]:
        by_type = _by_type(legal)
        for reject in by_type.get("reject", []):
            answer = self._answer(memory, reject, by_type)  # type: ignore[arg-type]
            if answer is not None:
                return answer
        for endorse in by_type.get("endorse", []):
            answer = self._endorse(memory, endorse)  # type: ignore[arg-type]
            if answer is not None:
                return answer
        if by_type.get("propose") and memory.proposals < self.skill.proposals:
            proposal = self._propose(memory, by_type["propose"])  # type: ignore[arg-type]
            if proposal is not None:
                return proposal
        for act in (self._publish, self._campaign):
            chosen = act(memory, by_type)
            if chosen is not None:
                return chosen
        return by_type["pass"][0], f"{self.name} passes: nothing on the table is worth more to it than waiting"

    def _answer(
        self, memory: Memory, reject: Reject, by_type: dict[str, list[ActionModel]]
    ) -> tuple[ActionModel, str] | None:
        """Accept, counter, reject, or hold out on an open proposal."""
        view = memory.outlook.view
        deal = _deal(view, reject.deal)
        accept = next((a for a in by_type.get("accept", []) if a.deal == deal.id), None)  # type: ignore[attr-defined]
        if accept is None:  # the rules rule it out: another deal holds its terms, or it cannot pay at home
            now = belief(self.table, view)
            if holding(now, deal) is not None:
                return (
                    reject,
                    f"{self.name} rejects deal #{deal.id}: it changes nothing for it, another deal holds its terms",
                )
            cost = price(self.table, now, deal, self.seat)
            return reject, (
                f"{self.name} rejects deal #{deal.id}: signing it would cost {cost} political capital at home, "
                "more than it has"
            )
        value, why = self._value_deal(memory, deal)
        if deal.id in memory.duplicates:
            word = "votes no on" if deal.forum == "global" else "rejects"
            return reject, f"{self.name} {word} deal #{deal.id}: {why}"
        if deal.forum == "global":
            if value > 0:
                return accept, f"{self.name} votes yes on deal #{deal.id}: {why}"
            if self._return_favour(view, deal, -value + 0.01):  # a yes needs a worth above 0
                return accept, f"{self.name} votes yes on deal #{deal.id}: {why}, but {self._payers(view, deal)}"
            return reject, f"{self.name} votes no on deal #{deal.id}: {why}, no better than no deal"
        reserve = self._reserve()
        aim = self._aspiration(memory)
        unpaid = self._unpaid_control(deal)
        if unpaid and memory.counters < COUNTERS:
            counter = self._ask_payment(memory, deal, max(aim, value + 0.5))
            if counter is not None:
                memory.counters += 1
                return counter
        if unpaid:
            return (
                reject,
                f"{self.name} rejects deal #{deal.id}: it holds the flow only for a payment, and none is offered",
            )
        if value >= aim:
            return accept, f"{self.name} accepts deal #{deal.id}: {why}, at least the {aim:+.1f} it asks by now"
        if value >= reserve and deal.id in memory.held:
            return accept, (
                f"{self.name} accepts deal #{deal.id} at last: {why}, short of the {aim:+.1f} it asked "
                f"but no less than the {reserve:+.1f} it needs"
            )
        quoted = memory.asked.get(deal.id)  # a price it named is a promise: it keeps to it
        if self._return_favour(view, deal, min(aim - value, quoted[0] * RECIPROCITY) if quoted else aim - value):
            return accept, (
                f"{self.name} accepts deal #{deal.id}: {why}, short of the {aim:+.1f} it asks, "
                f"but {self._payers(view, deal)}"
            )
        if memory.counters < COUNTERS:
            counter = self._counter(memory, deal, by_type.get("counter", []), max(aim, value + 0.5))
            if counter is not None:
                memory.counters += 1
                return counter
        if value < reserve:  # a deal it would turn down: a side payment may still buy its yes
            asking = self._asking_price(view, deal, aim - value)
            if asking and deal.id not in memory.asked:
                memory.asked[deal.id] = (asking, False)
                text = (
                    f"Deal #{deal.id} is worth {value:+.1f} to {self.name}, which asks {aim:+.1f} by now: "
                    f"a side payment of {asking} would make up the difference."
                )
                message = build(SendMessage, seat=self.seat, to=deal.proposer, text=text, reason=None, type="message")
                return message, f"{self.name} tells {self.table.name(deal.proposer)} its price for deal #{deal.id}"
            if deal.id in memory.asked and not memory.asked[deal.id][1]:
                memory.asked[deal.id] = (memory.asked[deal.id][0], True)  # the deal stays open a turn for the payment
                return None
        if value >= reserve:
            memory.held.add(deal.id)  # it waits a turn, and takes the deal at last if nothing better comes
            return None
        need = "worse than no deal" if reserve == 0 else f"below the {reserve:+.1f} it needs before it gives anything"
        return reject, f"{self.name} rejects deal #{deal.id}: {why}, {need}"

    def _unpaid_control(self, deal: Deal) -> bool:
        """Whether a deal has this bot hold a flow (give enforcement or returns) and pays it
        nothing for it: a seller of control (an opportunist) takes no such deal."""
        if not self.traits.sells_control:
            return False
        terms = self.table.terms
        holds = any(o.giver == self.seat and holds_flows(terms[o.term]) for o in deal.terms)
        return holds and not any(o.receiver == self.seat and terms[o.term].transfer for o in deal.terms)

    def _ask_payment(self, memory: Memory, deal: Deal, aim: float) -> tuple[ActionModel, str] | None:
        """A counter to a deal that has the bot hold a flow unpaid: the same deal with a payment
        to the bot from a receiving party in it, the least that makes it worth `aim` to the bot
        while the proposer still gains."""
        outlook, table = memory.outlook, self.table
        now = belief(table, outlook.view)  # the outlook's belief may be older than this turn
        rounds = self._rounds(memory, deal.duration)
        own_type = table.seats[self.seat].type
        for term in table.terms.values():
            if not term.transfer or own_type not in term.receivers or deal.forum not in term.forums:
                continue
            for payer in deal.parties:
                if payer not in table.receivers or table.seats[payer].type not in term.givers:
                    continue
                bounds = term.params[term.transfer]
                for amount in range(bounds.min, bounds.max + 1):
                    offer = build(
                        TermOffer, term=term.id, giver=payer, receiver=self.seat, params={term.transfer: amount}
                    )
                    counter = build(
                        Counter,
                        seat=self.seat,
                        deal=deal.id,
                        forum=deal.forum,
                        parties=list(deal.parties),
                        terms=[*deal.terms, offer],
                        binding=deal.binding,
                        duration=deal.duration,
                        region=deal.region,
                        reason=None,
                        type="counter",
                    )
                    if check_spec(table, now, counter) is not None:
                        break
                    forecast = outlook.forecast(deal.forum, deal.parties, counter.terms)
                    mine = self._worth(outlook, forecast, rounds) - CAPITAL * price(table, now, counter, self.seat)
                    if mine < aim:
                        continue
                    proposer = deal.proposer
                    theirs = outlook.gain(proposer, forecast, rounds) - CAPITAL * price(table, now, counter, proposer)
                    if theirs < MARGIN:
                        break  # a larger payment would only leave the proposer worse off
                    return counter, (
                        f"{self.name} holds the flow only for a price: it counters deal #{deal.id} with "
                        f"{table.name(payer)} paying it {amount} a round, worth {mine:+.1f} to it"
                    )
        return None

    def _goodwill(self, view: SeatView, deal: Deal) -> float:
        """Points of goodwill toward a deal: what its friends paid this bot (see `_paid_by`),
        less the favours already returned to them."""
        paid = _paid_by(view, self.seat, deal)
        senders = {p.sender for p in paid}
        returned = sum(points for rnd, payer, points in self.favours if rnd >= view.round - 1 and payer in senders)
        return RECIPROCITY * sum(p.amount for p in paid) - returned

    def _return_favour(self, view: SeatView, deal: Deal, shortfall: float) -> bool:
        """Whether goodwill covers what a deal falls short by; if so, the favour is returned."""
        if shortfall > self._goodwill(view, deal):
            return False
        self.favours.append((view.round, _paid_by(view, self.seat, deal)[-1].sender, shortfall))
        return True

    def _asking_price(self, view: SeatView, deal: Deal, shortfall: float) -> int | None:
        """The side payment that would make up what a deal falls short by, if its proposer could
        pay it (and a message can say so); None otherwise."""
        proposer = deal.proposer
        if self.table.scenario.rules.messages_per_turn < 1 or "side_payment" not in self.table.types[proposer].actions:
            return None
        asking = max(1, math.ceil((shortfall - self._goodwill(view, deal)) / RECIPROCITY))
        budget = view.seats[self.table.index[proposer]].tracks.get("budget", 0)
        return asking if asking <= min(budget, MOST_ASKED) else None

    def _payers(self, view: SeatView, deal: Deal) -> str:
        """Who paid this bot for a deal, in words."""
        paid: dict[str, int] = {}
        for p in _paid_by(view, self.seat, deal):
            paid[p.sender] = paid.get(p.sender, 0) + p.amount
        return " and ".join(f"{self.table.name(s)} paid it {n}" for s, n in paid.items())

    def _counter(
        self, memory: Memory, deal: Deal, counters: Sequence[ActionModel], aim: float
    ) -> tuple[ActionModel, str] | None:
        """The counter-proposal one step from the deal that serves the bot best while the
        proposer still gains."""
        best: tuple[float, ActionModel] | None = None
        outlook = memory.outlook
        rounds = self._rounds(memory, deal.duration)
        for counter in counters:
            if counter.deal != deal.id or not self._fits(counter.terms):  # type: ignore[attr-defined]
                continue
            forecast = outlook.forecast(deal.forum, deal.parties, counter.terms)  # type: ignore[attr-defined]
            at_home = self._at_home(outlook, counter)  # type: ignore[arg-type]
            mine = self._worth(outlook, forecast, rounds) - at_home.get(self.seat, 0.0)
            theirs = outlook.gain(deal.proposer, forecast, rounds) - at_home.get(deal.proposer, 0.0)
            if mine >= aim and theirs >= MARGIN and (best is None or mine > best[0]):
                best = (mine, counter)
        if best is None:
            return None
        return best[1], (
            f"{self.name} counters deal #{deal.id}: its version is worth {best[0]:+.1f} to it "
            f"and still leaves {self.table.name(deal.proposer)} better off"
        )

    def _endorse(self, memory: Memory, endorse: Endorse) -> tuple[ActionModel, str] | None:
        """Sponsor a draft worth having, or back an open deal this seat wants passed."""
        outlook = memory.outlook
        deal = _deal(outlook.view, endorse.deal)
        value, why = self._value_deal(memory, deal, as_party=True)
        if deal.status == "draft":
            if value <= 0:
                return None
            if self.table.types[self.seat].state:
                return endorse, f"{self.name} sponsors draft #{deal.id} into the forum: {why}"
            return endorse, f"{self.name} backs draft #{deal.id} while it looks for a state sponsor: {why}"
        if value > 1 and deal.proposer != self.seat:
            return endorse, f"{self.name} endorses deal #{deal.id} in public: {why}"
        return None

    def _propose(self, memory: Memory, proposals: Sequence[Propose]) -> tuple[ActionModel, str] | None:
        """Table the best package found this round that beats the bot's aspiration now."""
        if memory.packages is None:
            memory.packages = self._search(memory, proposals)
            if memory.packages:
                memory.hope = max(p.mine for p in memory.packages)
        aim = self._aspiration(memory)
        view = memory.outlook.view
        tabled = {(d.forum, tuple(d.parties)) for d in view.deals if d.proposer == self.seat and d.round == view.round}
        state = None  # the belief, built only if a package gets this far
        for package in memory.packages:
            spec = package.spec
            if package.mine < aim or (spec.forum, tuple(spec.parties)) in tabled:
                continue
            state = state or belief(self.table, view)
            if check_spec(self.table, state, spec) is not None:
                continue
            memory.proposals += 1
            terms = "; ".join(describe_offer(self.table, o) for o in spec.terms)
            partners = [p for p in spec.parties if p != self.seat]
            who = "every state" if spec.forum == "global" else ", ".join(self.table.name(p) for p in partners)
            return spec, (
                f"{self.name} proposes {terms} to {who}: worth {package.mine:+.1f} to it, "
                f"and at least {package.theirs:+.1f} to each partner by its reading"
            )
        return None

    def _search(self, memory: Memory, proposals: Sequence[Propose]) -> list[Package]:
        """Packages worth proposing, best first: for the most promising forums and partners,
        terms are added greedily on their summed single-term gains, parameters are tuned, and
        the whole package is checked (every partner gains; with foresight, all can ratify)."""
        outlook = memory.outlook
        rounds = self._rounds(memory, DURATION)
        covered = _covered(outlook.view)
        busy = {
            (d.forum, tuple(d.parties))
            for d in outlook.view.deals
            if d.round == outlook.view.round and d.status in ("draft", "open", "agreed", "ratified")
        }
        groups: dict[tuple, dict[tuple, Offer]] = {}
        for candidate in self._screening(proposals):
            if candidate.venue in busy:
                continue
            forum, parties = candidate.venue
            offer = candidate.offer
            if (forum == "bilateral" and offer.giver is None) or candidate.roles in covered:
                continue  # all-party terms belong in a wider forum; a term already agreed adds nothing
            offers = groups.setdefault(candidate.group, {})
            if candidate.roles not in offers:
                forecast = outlook.forecast(forum, parties, (offer,), candidate.keys)
                mine = self._worth(outlook, forecast, rounds, milestones=False)
                offers[candidate.roles] = Offer(offer, {self.seat: mine}, forecast)
        wide = self.traits.multilateral  # a broker looks first at regional and global venues
        ranked = sorted(
            groups.items(),
            key=lambda g: (-(wide and g[0][0] != "bilateral"), -max(o.gains[self.seat] for o in g[1].values())),
        )
        found: list[Package] = []
        for (forum, parties, region), offers in ranked[: self.skill.partners]:
            for weighed in offers.values():
                for party in parties:
                    if party != self.seat:
                        weighed.gains[party] = outlook.gain(party, weighed.forecast, rounds, role_in_deal=False)
            chosen = self._build(parties, list(offers.values()))
            if not chosen:
                continue
            binding = any(self.table.terms[o.term].binding == "binding" for o in chosen)
            spec = build(
                Propose,
                seat=self.seat,
                forum=forum,
                parties=list(parties),
                terms=chosen,
                binding=binding,
                duration=DURATION,
                region=region,
                reason=None,
                type="propose",
            )
            package = self._judge(outlook, spec, rounds)
            if package is not None and self.skill.tune:
                package = self._tune(outlook, package, rounds)
            if package is not None and (not self.skill.foresight or self._can_ratify(outlook, package.spec)):
                found.append(package)
        return sorted(found, key=lambda p: -p.score)

    def _screening(self, proposals: Sequence[Propose]) -> list[Candidate]:
        """The standard proposals as the search screens them, each worked out once (standard
        proposals last the game; which of them are legal changes with the state)."""
        known = self.screened
        out = []
        for proposal in proposals:
            candidate = known.get(id(proposal))
            if candidate is None or candidate.proposal is not proposal:
                candidate = known[id(proposal)] = _candidate(proposal)
            out.append(candidate)
        return out

    def _build(self, parties: tuple[str, ...], offers: list[Offer]) -> list[TermOffer]:
        """Greedy package building on summed single-term gains: add the term that most raises
        the package's score (the bot's gain, what partners need, and its fairness)."""
        partners = [p for p in parties if p != self.seat]
        chosen: list[Offer] = []
        mine, theirs = 0.0, [0.0 for _ in partners]  # the chosen terms' summed gains
        binding: set[str] = set()
        score = float("-inf")
        terms = self.table.terms
        if not self.traits.conventions:
            offers = [o for o in offers if not is_convention(terms[o.offer.term])]
        for _ in range(self.skill.package):
            best: tuple[float, Offer] | None = None
            for offer in offers:
                kind = terms[offer.offer.term].binding
                if offer in chosen or (kind != "any" and binding - {kind}):
                    continue
                gains = offer.gains
                trial = self._score(mine + gains[self.seat], [t + gains.get(p, 0.0) for t, p in zip(theirs, partners)])
                if trial > score and (best is None or trial > best[0]):
                    best = (trial, offer)
            if best is None:
                break
            score, offer = best
            chosen.append(offer)
            mine += offer.gains[self.seat]
            theirs = [t + offer.gains.get(p, 0.0) for t, p in zip(theirs, partners)]
            kind = self.table.terms[offer.offer.term].binding
            if kind != "any":
                binding.add(kind)
        chosen = self._in_character(chosen, offers)
        if not chosen or sum(o.gains[self.seat] for o in chosen) <= 0:
            return []
        return [o.offer for o in chosen]

    def _in_character(self, chosen: list[Offer], offers: list[Offer]) -> list[Offer]:
        """A package as the bot's personality would table it (see `_rules`): the best term a
        rule wants is added, or the terms that need it are dropped."""
        for needs, meets in self._rules():
            if not any(needs(o.offer) for o in chosen) or any(meets(o.offer) for o in chosen):
                continue
            extra = [o for o in offers if meets(o.offer) and o not in chosen]
            if extra and len(chosen) < max(2, self.skill.package):
                chosen = [*chosen, max(extra, key=lambda o: o.gains[self.seat])]
            else:
                chosen = [o for o in chosen if not needs(o.offer)]
        return chosen

    def _fits(self, terms: Sequence[TermOffer]) -> bool:
        """Whether the bot's personality would table these terms (see `_rules`)."""
        if not self.traits.conventions and any(is_convention(self.table.terms[o.term]) for o in terms):
            return False
        return all(not any(needs(o) for o in terms) or any(meets(o) for o in terms) for needs, meets in self._rules())

    def _rules(self) -> list[tuple[Callable[[TermOffer], bool], Callable[[TermOffer], bool]]]:
        """What its personality asks of a package the bot tables, as (a term that needs, a term
        that meets the need): a pathway it opens comes with enforcement or returns (a hardliner),
        and control it gives comes with a payment to it (an opportunist)."""
        terms = self.table.terms
        rules: list[tuple[Callable[[TermOffer], bool], Callable[[TermOffer], bool]]] = []
        if self.traits.control_with_pathways:
            rules.append((lambda o: opens_pathway(terms[o.term]), lambda o: holds_flows(terms[o.term])))
        if self.traits.sells_control:
            rules.append(
                (
                    lambda o: o.giver == self.seat and holds_flows(terms[o.term]),
                    lambda o: o.receiver == self.seat and bool(terms[o.term].transfer),
                )
            )
        return rules

    def _score(self, mine: float, others: Sequence[float]) -> float:
        """How much the bot likes a package: its own gain, a share of the partners' (its
        fairness), and a penalty for any partner left short of a clear gain."""
        short = sum(MARGIN - g for g in others if g < MARGIN)
        return mine + self.traits.fairness * sum(others) - 2 * short

    def _judge(self, outlook: Outlook, spec: Propose, rounds: int, checked: bool = False) -> Package | None:
        """The exact forecast of a whole package: kept if every partner clearly gains (and it
        can be tabled, unless already `checked`)."""
        if not checked and check_spec(self.table, outlook.state, spec) is not None:
            return None
        forecast = outlook.forecast(spec.forum, spec.parties, spec.terms)
        at_home = self._at_home(outlook, spec)
        mine = self._worth(outlook, forecast, rounds) - at_home.get(self.seat, 0.0)
        others = [outlook.gain(p, forecast, rounds) - at_home[p] for p in spec.parties if p != self.seat]
        theirs = min(others, default=0.0)
        if mine <= 0 or theirs < MARGIN:
            return None
        return Package(spec, mine, theirs, self._score(mine, others))

    def _at_home(self, outlook: Outlook, spec: DealSpec) -> dict[str, float]:
        """What adopting a package at home costs each party, in points (its price in political
        capital): worked out once per outlook for the same terms and parties (a price depends on
        their roles, not on the parameters the search tunes)."""
        key = (tuple((o.term, o.giver, o.receiver) for o in spec.terms), tuple(spec.parties))
        known = self._prices.get(key)
        if known is None or self._prices_for is not outlook:
            if self._prices_for is not outlook:
                self._prices, self._prices_for = {}, outlook
            known = self._prices[key] = {p: CAPITAL * price(self.table, outlook.state, spec, p) for p in spec.parties}
        return known

    def _tune(self, outlook: Outlook, package: Package, rounds: int) -> Package:
        """Try each parameter at its bounds; keep whatever the bot likes better. (Parameters
        within their bounds never make a package that can be tabled one that cannot.)"""
        best = package
        for i, offer in enumerate(package.spec.terms):
            for key, param in self.table.terms[offer.term].params.items():
                for value in (param.min, param.max):
                    if offer.params.get(key, param.default) == value:
                        continue
                    changed = clone(offer, params={**offer.params, key: value})
                    terms = [*best.spec.terms[:i], changed, *best.spec.terms[i + 1 :]]
                    trial = self._judge(outlook, clone(best.spec, terms=terms), rounds, checked=True)
                    if trial is not None and trial.score > best.score:
                        best = trial
        return best

    def _can_ratify(self, outlook: Outlook, spec: DealSpec) -> bool:
        """Whether every state party could ratify a binding deal, by their public tracks."""
        if not spec.binding:
            return True
        deal = build(
            Deal,
            id=0,
            proposer=self.seat,
            forum=spec.forum,
            parties=list(spec.parties),
            terms=list(spec.terms),
            endorsers=[],
            accepted=[],
            rejected=[],
            ratified=[],
            refused=[],
            audited_by=[],
            sponsor=None,
            counter_of=None,
            region=spec.region,
            starts=None,
            ends=None,
            binding=True,
            duration=spec.duration,
            status="open",
            round=outlook.view.round,
        )
        return all(
            price(self.table, outlook.state, deal, party) <= capital(self.table, outlook.state, party)
            for party in spec.parties
        )

    def _publish(self, memory: Memory, by_type: dict[str, list[ActionModel]]) -> tuple[ActionModel, str] | None:
        """Publish evidence on a term that matters in a deal on the table or in force."""
        if "publish" in memory.acted:
            return None
        live = {o.term for d in memory.outlook.view.deals if d.status in ("open", "draft", "in_force") for o in d.terms}
        for action in by_type.get("publish_evidence", []):
            term = action.term  # type: ignore[attr-defined]
            if term in live and self._power_worth(memory, "publish_evidence", "evidence_published") >= -1:
                memory.acted.add("publish")
                name = self.table.terms[term].name.lower()
                return (
                    action,
                    f"{self.name} publishes evidence on {name}, a term in play whose effects nobody has measured",
                )
        return None

    def _campaign(self, memory: Memory, by_type: dict[str, list[ActionModel]]) -> tuple[ActionModel, str] | None:
        """Campaign for openness in the state whose public is the weakest link of a deal it wants."""
        if "campaign" in memory.acted or not by_type.get("campaign"):
            return None
        outlook = memory.outlook
        wanted: set[str] = set()
        for deal in outlook.view.deals:
            if deal.status in ("open", "agreed", "in_force") and self._value_deal(memory, deal, as_party=True)[0] > 0:
                wanted.update(p for p in deal.parties if self.table.types[p].state)
        floor = self.table.scenario.rules.compliance_floor + self.traits.vigilance
        weak = sorted((outlook.state.seats[self.table.index[s]].tracks.get("cohesion", 99), s) for s in wanted)
        if not weak or weak[0][0] >= floor or self._power_worth(memory, "campaign", "campaigns") < -1.5:
            return None
        target = weak[0][1]
        action = next(
            (a for a in by_type["campaign"] if a.target == target and a.direction == 1),  # type: ignore[attr-defined]
            None,
        )
        if action is None:
            return None
        memory.acted.add("campaign")
        return action, (
            f"{self.name} campaigns for openness in {self.table.name(target)}, whose public "
            f"(cohesion {weak[0][0]}) could sink deals it wants"
        )

    # --- ratification and implementation ------------------------------------------------

    def _ratify(self, memory: Memory, legal: Sequence[ActionModel]) -> tuple[ActionModel, str]:
        refuse = next(a for a in legal if isinstance(a, Refuse))
        deal = _deal(memory.outlook.view, refuse.deal)
        ratify = next((a for a in legal if isinstance(a, Ratify) and a.deal == deal.id), None)
        outlook = memory.outlook
        need = price(self.table, outlook.state, deal, self.seat)
        if ratify is None:
            have = capital(self.table, outlook.state, self.seat)
            return refuse, (
                f"{self.name} refuses deal #{deal.id}: its public would not accept it, and winning them over "
                f"needs {need} political capital where it has {have}"
            )
        view = outlook.view
        if (
            self.traits.conventions_after_shocks
            and any(is_convention(self.table.terms[o.term]) for o in deal.terms)
            and not {view.round, view.round - 1} & set(view.struck)
        ):
            return (
                refuse,
                f"{self.name} refuses to ratify deal #{deal.id}: no shock has made binding rules worth their price at home",
            )
        value, why = self._value_deal(memory, deal)
        if value >= 0:
            cost = f", spending {need} political capital at home" if need else ""
            return ratify, f"{self.name} ratifies deal #{deal.id}{cost}: {why}"
        return refuse, f"{self.name} refuses to ratify deal #{deal.id}: {why}, not worth the fight at home"

    def _implement(self, memory: Memory, legal: Sequence[ActionModel]) -> tuple[ActionModel, str]:
        outlook = memory.outlook
        view = outlook.view
        for action in legal:
            if isinstance(action, Suspend):
                deal = _deal(view, action.deal)
                value, why = self._value_deal(memory, deal, remaining=True)
                if value < -CAPITAL * self.table.scenario.rules.suspend_cost:
                    return action, f"{self.name} suspends deal #{deal.id}: {why}"
        floor = self.table.scenario.rules.compliance_floor + self.traits.vigilance
        for action in legal:
            if isinstance(action, Audit):
                deal = _deal(view, action.deal)
                shaky = [
                    p
                    for p in deal.parties
                    if outlook.state.seats[self.table.index[p]].tracks.get("cohesion", 99) < floor
                ]
                if shaky and self._power_worth(memory, "audit", "audits") >= -1:
                    names = ", ".join(self.table.name(p) for p in shaky)
                    return action, f"{self.name} audits deal #{deal.id}: {names} may be quietly failing to comply"
        by_type = _by_type(legal)
        published = self._publish(memory, by_type)
        if published is not None:
            return published
        return by_type["pass"][0], f"{self.name} passes: its deals are running as it wants"

    # --- values --------------------------------------------------------------------------

    def _rounds(self, memory: Memory, duration: int) -> int:
        return max(1, min(duration, memory.outlook.rounds_left))

    def _worth(self, outlook: Outlook, forecast: Forecast, rounds: int, milestones: bool = True) -> float:
        """What a package is worth to this bot: its score, its personality, and risk."""
        value = outlook.gain(self.seat, forecast, rounds, role_in_deal=milestones)
        traits = self.traits
        for key, weight in self.weights:
            if key[1] == "governance":
                value += weight * max(0, forecast.level - outlook.state.global_tracks["governance"])
            else:
                value += weight * forecast.changes.get(key, 0.0) * rounds
        for offer in forecast.terms:
            bias = traits.terms.get(offer.term)
            if bias and self.seat in (offer.giver, offer.receiver, None):
                value += bias * rounds
        value += (traits.crisis_fear - 1) * outlook.collapse_value(
            self.seat, forecast.changes.get(("global", "crisis"), 0.0) * rounds
        )
        if self.skill.risk:
            value -= self.skill.risk * outlook.spread_cost(self.seat, forecast, rounds)
        if self.skill.noise:
            value += self.rng.gauss(0, self.skill.noise)
        return value

    def _value_deal(
        self, memory: Memory, deal: Deal, as_party: bool = True, remaining: bool = False
    ) -> tuple[float, str]:
        """A deal's worth to the bot, remembered for the phase, and the words for it."""
        outlook = memory.outlook
        if remaining and deal.ends is not None:
            rounds = max(1, deal.ends - outlook.view.round)
        else:
            rounds = self._rounds(memory, deal.duration)
        key = deal.id if not remaining else -deal.id
        if key not in memory.values:
            covered = set() if remaining else _covered(outlook.view, deal.id)
            terms = [o for o in deal.terms if (o.term, o.giver, o.receiver) not in covered]
            forecast = outlook.forecast(deal.forum, deal.parties, terms) if terms else None
            worth = self._worth(outlook, forecast, rounds, milestones=as_party) if forecast else 0.0
            cost = (
                0 if remaining or self.seat not in deal.parties else price(self.table, outlook.state, deal, self.seat)
            )
            memory.values[key] = worth - CAPITAL * cost
            if forecast is None or (abs(worth) < 0.05 and not any(owner == self.seat for owner, _ in forecast.changes)):
                memory.duplicates.add(key)  # it adds nothing, or changes nothing for this seat
        value = memory.values[key]
        if key in memory.duplicates:
            return value, "it changes nothing for it"
        span = f"{rounds} round{'s' if rounds != 1 else ''}"
        return value, f"worth {value:+.1f} to it over {span}"

    def _reserve(self) -> float:
        """The least a deal must be worth before the bot takes it: no deal is worth 0."""
        return self.traits.price

    def _aspiration(self, memory: Memory) -> float:
        """What the bot asks of a deal now: from its best hope down to its reserve as beats pass."""
        view = memory.outlook.view
        beats = self.table.scenario.rules.beats
        horizon = min(beats, 2 * len(self.table.order))
        t = min(1.0, (beats - view.beats_left) / horizon)
        if view.shock and self.seat in view.shock_targets:
            t = min(1.0, t + 0.3)  # struck by a shock, it needs a deal sooner
        reserve = self._reserve()
        hope = max(reserve, memory.hope if memory.hope is not None else reserve + 4)
        return reserve + (1 - t ** (1 / self.traits.curve)) * (hope - reserve)

    def _power_worth(self, memory: Memory, power: str, stat: str) -> float:
        """What using a power once does to the bot's score: its costs and gains, and its tally."""
        spec = self.table.types[self.seat].actions[power]  # type: ignore[index]
        outlook = memory.outlook
        forecast = Forecast((self.seat,), (), 0)
        for track, cost in spec.cost.items():
            forecast.changes[(self.seat, track)] -= cost
        for track, gain in spec.gain.items():
            forecast.changes[(self.seat, track)] += gain
        forecast.changes[(self.seat, f"stat:{stat}")] += 1
        return outlook.gain(self.seat, forecast, 1, role_in_deal=False)

    # --- asked, not playing ----------------------------------------------------------------

    def what_would_you_accept(self, view: SeatView, asker: str) -> Answer:
        """What this bot would accept from `asker` now, from its own `view`: a package to
        propose, its price on a deal on the table, or why nothing would do. Advice, not a move:
        it is worked out on twins of the bot, and the bot plays on as if nobody had asked (see
        `negotiate.bots.asking`)."""
        from negotiate.bots.asking import advise

        return advise(self, view, asker)


def _clip(text: str) -> str:
    """A reason cut to the length the engine takes, marked as cut."""
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1] + "…"


def _weighed(seat: str, name: str) -> tuple[str, str]:
    """What a personality's weight (e.g. "self.cohesion", "welfare") applies to, as a change key."""
    owner, _, track = name.rpartition(".")
    return (seat if owner == "self" else "global", track)


def _covered(view: SeatView, but: int = 0) -> set[tuple[str, str | None, str | None]]:
    """Terms already agreed or in force (a second copy of a term adds nothing)."""
    return {
        (o.term, o.giver, o.receiver)
        for d in view.deals
        if d.status in ("agreed", "ratified", "in_force") and d.id != but
        for o in d.terms
    }


def _paid_by(view: SeatView, seat: str, deal: Deal) -> list[Payment]:
    """Side payments to a seat, this round or the last, from a deal's friends: its proposer and
    the parties that accepted it."""
    friends = {deal.proposer, *deal.accepted}
    return [p for p in view.payments if p.to == seat and p.round >= view.round - 1 and p.sender in friends]


def _candidate(proposal: Propose) -> Candidate:
    offer = proposal.terms[0]
    parties = tuple(proposal.parties)
    return Candidate(
        proposal,
        (proposal.forum, parties),
        (proposal.forum, parties, proposal.region),
        offer,
        (offer.term, offer.giver, offer.receiver),
        (offer_key(offer),),
    )


def _by_type(actions: Sequence[ActionModel]) -> dict[str, list[ActionModel]]:
    """Actions grouped by their type, in order (legal actions come in runs of one class)."""
    out: dict[str, list[ActionModel]] = {}
    for _, run in groupby(actions, type):
        group = list(run)
        out.setdefault(group[0].type, []).extend(group)  # type: ignore[attr-defined]
    return out


def _deal(view: SeatView, deal_id: int) -> Deal:
    return view.deals[deal_id - 1]
