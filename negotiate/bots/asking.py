"""A bot asked "what would you accept from me?": its answer, from its own view only.

Asking is not a move, and it leaves no trace in the bot. The answer is worked out on twins of
the bot (its memory, readings and random state copied; see `twin`) from the bot's own view: the
asker's moves are tried on the state as the bot believes it (`belief`) by the engine's own rules,
and a twin decides on the deal they would table as the bot would on its next turn. The bot then
plays on exactly as if nobody had asked. The answer is advice, not a promise: the table may move
before the bot answers, and an easy bot misreads deals.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from negotiate.bots.outlook import belief
from negotiate.bots.scripted import DURATION, Offer, Package, _by_type, _covered
from negotiate.engine import ActionModel, SeatView
from negotiate.engine.actions import Accept, Propose, SeatAction, SidePayment
from negotiate.engine.deals import capital, price
from negotiate.engine.events import Quiet
from negotiate.engine.legal import SIDE_PAYMENTS, current_seat, legal_actions, reason, standard_proposals
from negotiate.engine.moves import perform
from negotiate.engine.state import Deal, GameState, TermOffer, build, clone
from negotiate.engine.table import Table
from negotiate.engine.view import view as view_of

if TYPE_CHECKING:
    from negotiate.bots.scripted import ScriptedBot

SURE = 2.0
"""How many standard deviations of its misreading (its level's noise) a deal's worth must clear
before a bot says it would accept it."""

Roles = tuple[str, str | None, str | None]
"""A term with its giver and receiver."""


@dataclass(frozen=True)
class Answer:
    """A bot's answer to "what would you accept from me?", from its own view.

    `package`: a deal the bot would accept if `asker` proposed it now as it stands (after paying
    `price`, if a price is named); `worth`: what that package, or deal #`deal` on the table, is
    worth to the bot; `price`: the side payment that would make up the difference; `deal`: the
    asker's proposal on the table that the answer is about; `why`: the answer in words.
    """

    seat: str
    asker: str
    why: str
    package: Propose | None = None
    worth: float | None = None
    price: int | None = None
    deal: int | None = None


def no_promise(seat: str, asker: str) -> Answer:
    """The random bot's answer."""
    return Answer(seat, asker, "It picks its moves at random: no promise.")


def advise(bot: ScriptedBot, view: SeatView, asker: str) -> Answer:
    """What `bot` would accept from `asker` now, from its own `view` (see the module's doc)."""
    table = bot.table
    if view.seat != bot.seat:
        raise ValueError(f"{bot.name} answers from its own view, not from {table.name(view.seat)}'s")
    if asker == bot.seat or asker not in table.seats:
        raise ValueError(f"{asker!r} is not another seat at the table")
    if view.phase != "negotiation":
        return Answer(bot.seat, asker, "It answers proposals in the negotiation phase: ask it then.")
    return Adviser(bot, view, asker).answer()


def twin(bot: ScriptedBot) -> ScriptedBot:
    """A copy of the bot to think aloud with: the same memory, favours, readings and random
    state, none of them shared, so what the twin decides leaves no trace in the bot. It reads
    deals without its level's misreading (see `SURE`)."""
    other = _detached(bot)
    other.rng = random.Random()
    other.rng.setstate(bot.rng.getstate())
    if bot.memory is not None:
        other.memory = _detached(bot.memory)
        other.memory.outlook = _detached(bot.memory.outlook)
    other.skill = replace(bot.skill, noise=0.0)
    return other


def _detached(thing: Any) -> Any:
    """A shallow copy whose lists, sets and dicts are copies too: what a bot changes as it thinks
    is its memory's numbers and sets and its caches, one level deep."""
    out = copy.copy(thing)
    for name, value in vars(thing).items():
        if isinstance(value, list | set | dict):
            setattr(out, name, copy.copy(value))
    return out


@dataclass(frozen=True)
class Verdict:
    """What the bot would do about one deal on its next turn: its action (None: it waits a
    turn) and the action's reason; the deal's worth to it over the rounds it would run; what it
    asks of a deal by then; whether it could sign it (pay its price at home)."""

    action: ActionModel | None
    said: str
    worth: float
    rounds: int
    aim: float
    signs: bool


class Adviser:
    """Works out one answer: on the asker's deals on the table, then on packages to propose."""

    def __init__(self, bot: ScriptedBot, view: SeatView, asker: str):
        self.bot, self.view, self.asker = bot, view, asker
        self.table = bot.table
        self.believed = clone(belief(self.table, view), beats=self.table.scenario.rules.beats - view.beats_left)
        self.margin = SURE * bot.skill.noise
        self._today: dict[int, Verdict] = {}

    def answer(self) -> Answer:
        """On the asker's first deal on the table that the bot would take (as it stands, for a
        side payment, or after a turn's wait); else a package to propose. What the deals on the
        table lack is said first."""
        seat, asker = self.bot.seat, self.asker
        lacking = []
        for deal in self._waiting():
            if deal.proposer == asker:
                answer = self._on_the_table(deal.id)
                if answer.worth is not None:
                    return answer
                lacking.append(answer.why)
        for deal in self.view.deals:
            if deal.status == "open" and seat in deal.accepted and asker in deal.parties:
                if asker not in deal.accepted and asker not in deal.rejected:
                    worth = self._worth_of(deal.id)
                    whose = "Its deal" if deal.proposer == seat else f"Deal #{deal.id}, which it accepted,"
                    number = f" #{deal.id}" if deal.proposer == seat else ""
                    why = f"{whose}{number} waits for your answer: worth {worth:+.1f} to it."
                    if deal.forum != "global" and set(deal.accepted) == set(deal.parties) - {asker}:
                        why += " Accept it, and it is agreed."
                    return Answer(seat, asker, " ".join([*lacking, why]), worth=worth, deal=deal.id)
        answer = self._package()
        return replace(answer, why=" ".join([*lacking, answer.why]))

    def _waiting(self) -> list[Deal]:
        """The deals on the table that wait for the bot's answer, in the order it answers them."""
        seat = self.bot.seat
        return [
            d
            for d in self.view.deals
            if d.status == "open" and seat in d.parties and seat not in d.accepted and seat not in d.rejected
        ]

    def _sure(self, verdict: Verdict) -> bool:
        """Whether the bot accepts, even misreading the deal as its level does."""
        return isinstance(verdict.action, Accept) and (not self.margin or verdict.worth >= verdict.aim + self.margin)

    # --- a deal on the table ---------------------------------------------------------------

    def _on_the_table(self, deal: int) -> Answer:
        """The bot's answer on the asker's open deal `deal`: it takes it as it stands, or a side
        payment would buy its yes, or it waits a turn on it; else why not (and no worth)."""
        seat, asker = self.bot.seat, self.asker
        now = self._today_on(deal)
        worth = f"worth {now.worth:+.1f} to it"
        if self._sure(now):
            why = f"It would accept deal #{deal} as it stands: {worth}.{self._timing(0, deal)}"
            return Answer(seat, asker, why, worth=now.worth, deal=deal)
        short = f"{worth}, short of the {now.aim:+.1f} it asks by now"
        for amount in self._payments():
            state, problem = self._tried(SidePayment(seat=asker, to=seat, amount=amount))
            if problem is None and self._sure(self._verdict(self._seen(state), deal)):
                why = f"A side payment of {amount} would buy its yes on deal #{deal}: {short}.{self._timing(1, deal)}"
                return Answer(seat, asker, why, worth=now.worth, price=amount, deal=deal)
        if now.action is None:
            why = (
                f"Deal #{deal} is {short}: it waits a turn on it, and takes it at last if nothing better comes."
                f"{self._timing(0, deal, waits=1)}"
            )
            return Answer(seat, asker, why, worth=now.worth, deal=deal)
        return Answer(seat, asker, f"Not deal #{deal} as it stands: {_said(now.said)}.")

    # --- a package to propose ---------------------------------------------------------------

    def _package(self) -> Answer:
        """A package the asker could propose to the bot alone that the bot would accept (after a
        side payment, if it must), or why there is none."""
        table, seat, asker = self.table, self.bot.seat, self.asker
        if "propose" not in table.types[asker].actions:
            return Answer(seat, asker, "You cannot propose deals, and it answers only proposals.")
        if table.types[asker].needs_sponsor:
            return Answer(seat, asker, "Your proposals are drafts until a state sponsors them: it answers proposals.")
        if self._too_late(1):
            return Answer(seat, asker, "Too late this round: the negotiation would end before it could answer.")
        judged = self._judged()
        if isinstance(judged, str):
            return Answer(seat, asker, judged)
        if not judged:
            why = "Nothing the two of you could sign is worth more to it than no deal while leaving you better off, by its reading."
            return Answer(seat, asker, why)
        problems: list[str] = []
        verdicts: list[tuple[Package, Verdict]] = []
        for package in judged:
            state, problem = self._tried(package.spec)
            if problem is not None:
                problems.append(problem)
                continue
            verdict = self._verdict(self._seen(state), len(state.deals))
            if self._sure(verdict):
                why = (
                    f"It would accept this deal if you proposed it now: worth {verdict.worth:+.1f} to it over "
                    f"{_counted(verdict.rounds, 'round')}, and {package.theirs:+.1f} to you by its reading."
                    f"{self._caveat()}{self._timing(1)}"
                )
                return Answer(seat, asker, why, package=package.spec, worth=verdict.worth)
            verdicts.append((package, verdict))
        if not verdicts:
            return Answer(seat, asker, f"You cannot table it now: {problems[0]}.")
        for package, verdict in verdicts:
            if verdict.action is None and not self.margin:  # it waits a turn, then takes it at last
                why = (
                    f"It would accept this deal a turn after you proposed it (it waits a turn first, in case "
                    f"something better comes): worth {verdict.worth:+.1f} to it, short of the {verdict.aim:+.1f} "
                    f"it asks by now. Should every seat pass in a row meanwhile, the negotiation ends first."
                    f"{self._timing(1, waits=1)}"
                )
                return Answer(seat, asker, why, package=package.spec, worth=verdict.worth)
        package, best = max(verdicts, key=lambda pv: pv[1].worth - pv[1].aim)
        if not self._too_late(2):
            hope = self._searched_hope()
            for amount in self._payments():
                state, problem = self._tried(SidePayment(seat=asker, to=seat, amount=amount), package.spec)
                if problem is None and self._sure(self._verdict(self._seen(state), len(state.deals), hope)):
                    why = (
                        f"It would accept this deal if you paid it a side payment of {amount}, then proposed it: worth "
                        f"{best.worth:+.1f} to it, short of the {best.aim:+.1f} it asks by now."
                        f"{self._caveat()}{self._timing(2)}"
                    )
                    return Answer(seat, asker, why, package=package.spec, worth=best.worth, price=amount)
        return Answer(seat, asker, self._nothing(package, best))

    def _nothing(self, package: Package, best: Verdict) -> str:
        """Why the package that comes nearest to what the bot asks will not do."""
        seat = self.bot.seat
        if not best.signs:
            cost, have = price(self.table, self.believed, package.spec, seat), capital(self.table, self.believed, seat)
            return (
                f"It cannot pay the price at home: signing would cost it {cost} political capital, and it has {have}."
            )
        if best.worth < best.aim:
            pay = " no side payment you could make now would make up the difference;" if self._payments() else ""
            return (
                f"Nothing now: the best the two of you could sign is worth {best.worth:+.1f} to it by its reading, "
                f"short of the {best.aim:+.1f} it asks by now;{pay} it asks less as the round goes on."
            )
        return f"Nothing now: {_said(best.said)}."

    def _judged(self) -> list[Package] | str:
        """Packages of terms between the asker and the bot, built and judged as the bot builds
        its own (every party gains by its reading, and can ratify a binding deal at home), best
        first; or why there is no term to build them of."""
        table, seat, asker = self.table, self.bot.seat, self.asker
        bot = twin(self.bot)
        memory = bot._remember(self.view)
        outlook = memory.outlook
        rounds = bot._rounds(memory, DURATION)
        covered = _covered(self.view) | self._agreeing()
        parties = tuple(s for s in table.order if s in (seat, asker))
        offers: dict[Roles, Offer] = {}
        proposing = clone(self.believed, turn=table.order.index(asker))
        listed, refused = 0, ""
        for proposal in standard_proposals(table, asker):
            if proposal.forum != "bilateral" or set(proposal.parties) != {seat, asker}:
                continue
            listed += 1
            offer = proposal.terms[0]
            roles = (offer.term, offer.giver, offer.receiver)
            if roles in covered or roles in offers:
                continue
            problem = reason(table, proposing, proposal)
            if problem is not None:
                refused = refused or problem
                continue
            forecast = outlook.forecast("bilateral", parties, (offer,))
            gains = {
                seat: bot._worth(outlook, forecast, rounds, milestones=False),
                asker: outlook.gain(asker, forecast, rounds, role_in_deal=False),
            }
            offers[roles] = Offer(offer, gains, forecast)
        if not listed:
            return "There is no term the two of you could sign together in a bilateral deal."
        if refused and not offers:
            return f"You cannot table any term the two of you could sign: {refused}."
        if not offers:
            return "Every term the two of you could sign holds already, or is on the table between you."
        choices = [bot._build(parties, list(offers.values()))]  # the bot's own search, then each term alone
        choices += [bot._build(parties, [offer]) for offer in offers.values()]
        found: dict[str, Package] = {}
        for terms in choices:
            if not terms:
                continue
            package = bot._judge(outlook, _proposal(table, asker, parties, terms), rounds)
            if package is not None and bot.skill.tune:
                package = bot._tune(outlook, package, rounds)
            if package is not None and bot._can_ratify(outlook, package.spec):
                found.setdefault(package.spec.model_dump_json(), package)
        return sorted(found.values(), key=lambda p: -p.score)

    def _agreeing(self) -> set[Roles]:
        """The terms of deals on the table between the two that the bot has accepted, or that its
        yes on its next turn would make agreed (it answers them before a deal tabled now): a
        second copy of them would add nothing if they are agreed."""
        seat, asker = self.bot.seat, self.asker
        out: set[Roles] = set()
        for deal in self.view.deals:
            if deal.status != "open" or deal.forum == "global" or not {seat, asker} <= set(deal.parties):
                continue
            last = set(deal.accepted) == set(deal.parties) - {seat} and seat not in deal.rejected
            if seat in deal.accepted or (last and isinstance(self._today_on(deal.id).action, Accept)):
                out.update((o.term, o.giver, o.receiver) for o in deal.terms)
        return out

    def _searched_hope(self) -> float | None:
        """What the bot hopes for this round once it has searched for proposals of its own (it
        may search before it answers a deal tabled a turn from now), if it has not searched yet."""
        memory = self.bot.memory
        if memory is not None and memory.key[:2] == (self.view.round, self.view.phase) and memory.packages is not None:
            return None
        bot = twin(self.bot)
        own = clone(self.believed, turn=self.table.order.index(bot.seat))
        proposals = [p for p in standard_proposals(self.table, bot.seat) if reason(self.table, own, p) is None]
        return max((p.mine for p in bot._search(bot._remember(self.view), proposals)), default=None)

    # --- time left in the round ---------------------------------------------------------------

    def _ahead(self, deal: int | None) -> int:
        """How many deals on the table the bot acts on before deal `deal` (None: one tabled now)."""
        return sum(
            1 for d in self._waiting() if (deal is None or d.id < deal) and self._today_on(d.id).action is not None
        )

    def _beats(self, moves: int, deal: int | None = None, waits: int = 0) -> tuple[int, int]:
        """The beats that must be left for the bot to answer deal `deal` (None: one the asker's
        last move tables) after `moves` moves of the asker, each on a turn of its own, if it
        `waits` turns first: at the least (every other seat passes), and at worst (every other
        seat acts)."""
        order, seat, asker = self.table.order, self.bot.seat, self.asker
        seats = len(order)
        between = (order.index(seat) - order.index(asker)) % seats - 1  # seats that play before the bot
        ahead = self._ahead(deal)
        least = moves + ahead + 1
        worst = moves + max(0, moves - 1) * (seats - 1) + between + (ahead + waits) * seats + 1
        return least, worst

    def _too_late(self, moves: int) -> bool:
        return self.view.beats_left < self._beats(moves)[0]

    def _timing(self, moves: int, deal: int | None = None, waits: int = 0) -> str:
        """A warning if the negotiation may end before the bot answers."""
        least, worst = self._beats(moves, deal, waits)
        if self.view.beats_left < least:
            return " But the negotiation would end before it answers."
        if self.view.beats_left < worst:
            return f" Only {_counted(self.view.beats_left, 'beat')} left: the round may end before it answers."
        return ""

    def _caveat(self) -> str:
        return " It misreads deals at its level: no promise." if self.margin else ""

    # --- trying moves on the bot's belief ----------------------------------------------------

    def _payments(self) -> list[int]:
        """The side payments the asker could make the bot, smallest first."""
        if "side_payment" not in self.table.types[self.asker].actions:
            return []
        budget = self.believed.seats[self.table.index[self.asker]].tracks.get("budget", 0)
        return [amount for amount in SIDE_PAYMENTS if amount <= budget]

    def _tried(self, *moves: SeatAction) -> tuple[GameState, str | None]:
        """The bot's belief after the asker's `moves`, each on a turn of the asker's, by the
        engine's rules; or why one of them would be refused."""
        state = self.believed.fork()
        for move in moves:
            state.turn, state.messages_this_turn = self.table.order.index(self.asker), 0
            problem = reason(self.table, state, move)
            if problem is not None:
                return state, problem
            perform(self.table, state, move, Quiet(state))
        return state, None

    def _seen(self, state: GameState) -> SeatView:
        """The bot's view of a belief state."""
        return view_of(self.table, state, self.bot.seat, current_seat(self.table, state))

    def _today_on(self, deal: int) -> Verdict:
        """The bot's verdict on a deal on the table as the view stands."""
        known = self._today.get(deal)
        if known is None:
            known = self._today[deal] = self._verdict(self.view, deal)
        return known

    def _worth_of(self, deal: int) -> float:
        """What a deal on the table is worth to the bot, as the view stands."""
        bot = twin(self.bot)
        return bot._value_deal(bot._remember(self.view), self.view.deals[deal - 1])[0]

    def _verdict(self, seen: SeatView, deal_id: int, hope: float | None = None) -> Verdict:
        """What a twin of the bot does about deal `deal_id` on its next turn, seeing `seen`, with
        the legal actions it would have (and hoping for `hope` this round at least, if given)."""
        table, bot = self.table, twin(self.bot)
        memory = bot._remember(seen)
        if hope is not None:
            memory.hope = max(hope, memory.hope if memory.hope is not None else bot._reserve() + 4)
        deal = seen.deals[deal_id - 1]
        beats = table.scenario.rules.beats - seen.beats_left
        state = clone(belief(table, seen), beats=beats, turn=table.order.index(bot.seat))
        by_type = _by_type(legal_actions(table, state, bot.seat))
        reject = next(a for a in by_type["reject"] if a.deal == deal_id)  # type: ignore[attr-defined]
        signs = any(a.deal == deal_id for a in by_type.get("accept", []))  # type: ignore[attr-defined]
        aim, worth = bot._aspiration(memory), bot._value_deal(memory, deal)[0]
        rounds = bot._rounds(memory, deal.duration)
        chosen = bot._answer(memory, reject, by_type)  # type: ignore[arg-type]
        action, said = chosen if chosen is not None else (None, "")
        return Verdict(action, said, worth, rounds, aim, signs)


def _proposal(table: Table, asker: str, parties: tuple[str, ...], terms: list[TermOffer]) -> Propose:
    """A bilateral proposal of these terms by the asker, for as long as bots propose."""
    return build(
        Propose,
        seat=asker,
        forum="bilateral",
        parties=list(parties),
        terms=terms,
        binding=any(table.terms[o.term].binding == "binding" for o in terms),
        duration=DURATION,
        region=None,
        reason=None,
        type="propose",
    )


def _counted(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def _said(reason: str) -> str:
    """A bot's reason for an action on a deal, as its answer says it: what follows its name."""
    _, _, said = reason.partition(": ")
    return said or reason
