from app.helpdesk.assignment import AgentLoad, is_eligible, pick_agent


def team(*agents):
    return [AgentLoad(*a) for a in agents]


def test_first_pick_is_lowest_eligible_id():
    agents = team((3, True, 0, None), (1, True, 0, None), (2, True, 0, None))
    assert pick_agent(agents, None) == 1


def test_continues_after_last_assigned():
    agents = team((1, True, 0, None), (2, True, 0, None), (3, True, 0, None))
    assert pick_agent(agents, 1) == 2
    assert pick_agent(agents, 2) == 3


def test_wraps_around():
    agents = team((1, True, 0, None), (2, True, 0, None), (3, True, 0, None))
    assert pick_agent(agents, 3) == 1


def test_input_order_does_not_matter():
    agents = team((30, True, 0, None), (10, True, 0, None), (20, True, 0, None))
    assert pick_agent(agents, 10) == 20
    assert pick_agent(list(reversed(agents)), 30) == 10


def test_skips_inactive():
    agents = team((1, True, 0, None), (2, False, 0, None), (3, True, 0, None))
    assert pick_agent(agents, 1) == 3


def test_skips_agents_at_or_over_cap():
    agents = team((1, True, 0, None), (2, True, 5, 5), (3, True, 7, 5), (4, True, 4, 5))
    assert pick_agent(agents, 1) == 4
    assert is_eligible(AgentLoad(9, True, 4, 5))
    assert not is_eligible(AgentLoad(9, True, 5, 5))
    assert not is_eligible(AgentLoad(9, True, 0, 0))
    assert is_eligible(AgentLoad(9, True, 10_000, None))


def test_skip_then_wrap():
    agents = team((1, True, 0, None), (2, True, 0, None), (3, False, 0, None), (4, True, 3, 3))
    assert pick_agent(agents, 2) == 1


def test_last_assigned_no_longer_in_team():
    agents = team((1, True, 0, None), (5, True, 0, None), (9, True, 0, None))
    assert pick_agent(agents, 6) == 9
    assert pick_agent(agents, 42) == 1


def test_only_eligible_agent_is_picked_again():
    agents = team((1, False, 0, None), (2, True, 0, None), (3, True, 2, 2))
    assert pick_agent(agents, 2) == 2


def test_none_when_nobody_eligible():
    assert pick_agent([], None) is None
    assert pick_agent([], 3) is None
    agents = team((1, False, 0, None), (2, True, 3, 3), (3, True, 0, 0))
    assert pick_agent(agents, None) is None
    assert pick_agent(agents, 2) is None


def test_rotation_sequence_with_loads():
    loads = {1: 0, 2: 0, 3: 0}
    caps = {1: None, 2: 1, 3: None}
    last = None
    picks = []
    for _ in range(6):
        agents = [AgentLoad(i, True, loads[i], caps[i]) for i in loads]
        last = pick_agent(agents, last)
        picks.append(last)
        loads[last] += 1
    # agent 2 reaches its cap of 1 after the first round
    assert picks == [1, 2, 3, 1, 3, 1]
