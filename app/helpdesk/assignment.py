"""Round-robin assignment of tickets to agents inside a team.

Pure function: no Flask, no database. The caller loads the team's agents with
their current open-ticket counts and the id of the agent who received the
team's previous ticket, then stores the returned id as the new "last assigned".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["AgentLoad", "is_eligible", "pick_agent"]


@dataclass(frozen=True)
class AgentLoad:
    """An agent's availability snapshot.

    ``cap`` is the maximum number of open tickets the agent may hold;
    ``None`` means unlimited. An agent at or over the cap gets no new ticket.
    """

    id: int
    active: bool = True
    open_tickets: int = 0
    cap: int | None = None


def is_eligible(agent: AgentLoad) -> bool:
    return agent.active and (agent.cap is None or agent.open_tickets < agent.cap)


def pick_agent(agents: Iterable[AgentLoad], last_assigned_id: int | None) -> int | None:
    """Id of the next agent to receive a ticket, or None if nobody is eligible.

    Agents are ordered by id (the input order does not matter). The pick is
    the first eligible agent whose id is greater than ``last_assigned_id``,
    wrapping around to the lowest eligible id. ``last_assigned_id`` need not
    belong to a current agent (e.g. the agent left the team); ``None`` starts
    from the lowest id. If the last assigned agent is the only eligible one,
    they get the ticket again.
    """
    eligible = sorted({a.id for a in agents if is_eligible(a)})
    if not eligible:
        return None
    if last_assigned_id is not None:
        for agent_id in eligible:
            if agent_id > last_assigned_id:
                return agent_id
    return eligible[0]
