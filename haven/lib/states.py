"""State machines as data (style rule 13): which moves each state allows.

Each machine's module holds its ``TextChoices`` enum and one table built here;
its ``<thing>_transition`` service calls ``require`` before it stores anything.
Plumbing only: no models, no app imports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Generic, TypeVar

S = TypeVar("S", bound=str)
A = TypeVar("A", bound=str)


class TransitionTable(Generic[S]):
    """The states a machine may move to from each state.

    Every state has a row (an empty one for a terminal state), and no move leads
    to a state without a row, so the table is closed.
    """

    def __init__(self, states: Iterable[S], moves: Mapping[S, Iterable[S]]) -> None:
        self.states: frozenset[S] = frozenset(states)
        # Keyed by plain strings, so a value read from the database finds its row.
        self._moves: dict[str, frozenset[S]] = {
            state: frozenset(targets) for state, targets in moves.items()
        }
        if set(self._moves) != set(self.states):
            raise ValueError(f"every state needs one row: {sorted(set(self._moves) ^ self.states)}")
        strays = {t for targets in self._moves.values() for t in targets} - self.states
        if strays:
            raise ValueError(f"moves to unknown states: {sorted(strays)}")

    def targets(self, current: str) -> frozenset[S]:
        """The states ``current`` may move to (none for an unknown state)."""
        return self._moves.get(current, frozenset())

    def allowed(self, current: str, target: str) -> bool:
        return target in self.targets(current)

    def require(self, current: str, target: str, error: Callable[[], Exception]) -> None:
        """Raise ``error()`` unless the move from ``current`` to ``target`` is allowed."""
        if not self.allowed(current, target):
            raise error()

    @property
    def terminal(self) -> frozenset[S]:
        """States no move leaves."""
        return frozenset(state for state in self.states if not self._moves[state])

    def reachable(self, start: str) -> frozenset[S]:
        """Every state that some sequence of allowed moves from ``start`` reaches."""
        seen: set[S] = set()
        todo = list(self.targets(start))
        while todo:
            state = todo.pop()
            if state not in seen:
                seen.add(state)
                todo.extend(self.targets(state))
        return frozenset(seen)


class ActionTable(Generic[S, A]):
    """A machine whose moves are named by actions: the state each action leads to.

    ``table`` is the same machine without the action names, for ``allowed``,
    ``terminal`` and ``reachable``.
    """

    def __init__(self, states: Iterable[S], moves: Mapping[S, Mapping[A, S]]) -> None:
        self._moves: dict[str, dict[str, S]] = {
            state: dict(row.items()) for state, row in moves.items()
        }
        self._actions: dict[str, list[A]] = {state: list(row) for state, row in moves.items()}
        self.table: TransitionTable[S] = TransitionTable(
            states, {state: row.values() for state, row in moves.items()}
        )

    def following(self, current: str, action: str) -> S | None:
        """The state ``action`` leads to from ``current``, or None if it is not allowed."""
        return self._moves.get(current, {}).get(action)

    def require(self, current: str, action: str, error: Callable[[], Exception]) -> S:
        """The state ``action`` leads to from ``current``; ``error()`` is raised if none."""
        following = self.following(current, action)
        if following is None:
            raise error()
        return following

    def actions(self, current: str) -> list[A]:
        """The actions allowed from ``current``, in the table's order."""
        return list(self._actions.get(current, []))
