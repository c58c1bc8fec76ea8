"""The engine portfolio: OR-Tools and PyVRP side by side, the best checked plan wins.

With two workers the engines run at the same time, PyVRP in a forked child process,
each with the whole time budget. With one worker they share it: PyVRP first (it usually
finds fewer vehicles), then OR-Tools for the rest. Every answer is checked with
``vrp.check`` against the problem; the valid one with the lowest ``vrp.cost`` (drops,
vehicles, travel and every soft cost) wins. The engines race without the time costs,
and the winner is then polished by OR-Tools on the soft costs its search did not see.
If neither is valid the OR-Tools answer is returned as it is, so the planner's verifier
reports what is wrong. PyVRP has no word for pickup-and-delivery pairs or span targets: a
problem with either is OR-Tools' alone (it handles its own time costs).
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable
from dataclasses import replace
from multiprocessing.connection import Connection

from dispatch.routing import ortools_engine as solver
from dispatch.routing.problem import (
    Problem,
    Solution,
    SolveParams,
    check,
    cost,
    has_soft_costs,
    has_span_targets,
    has_time_costs,
    retimed,
    untimed,
)

Engine = Callable[[Problem, SolveParams], Solution]

# Stop an engine once its best plan has idled this long (unless the caller says otherwise):
# on small days both engines converge within a second, and a canteen wants the plan now.
STALL_S = 0.5
# One worker: PyVRP's share of the budget; OR-Tools gets the rest.
PYVRP_SHARE = 0.9
# PyVRP's winning plan is polished by OR-Tools on this share of the budget (or half the
# iterations).
POLISH_SHARE = 0.25
# How long to wait for the child past the budget before giving up on it.
GRACE_S = 2.0


def solve(problem: Problem, params: SolveParams) -> Solution:
    """Solve with both engines within ``params.time_limit_s``; keep the best valid plan.

    With pickup-and-delivery pairs, or span targets (work shared out by the square of
    each span's excess, which PyVRP does not see), OR-Tools solves alone, on the whole budget.

    An unset ``params.stall_s`` means ``STALL_S``; pass ``math.inf`` for the whole budget.
    """
    if params.stall_s is None:
        params = replace(params, stall_s=STALL_S)
    if problem.pairs or has_span_targets(problem):
        return solver.solve(problem, params)
    # Both engines race without the time costs (soft time bounds slow OR-Tools' search for
    # fewer vehicles); their routes are then timed and compared on the full problem.
    race = untimed(problem)
    if _workers(params) >= 2 and "fork" in multiprocessing.get_all_start_methods():
        answers = _in_parallel(race, params)
    else:
        answers = _in_turn(race, params)
    answers = [retimed(problem, a) for a in answers]
    return _polished(problem, params, answers[0], best(problem, answers))


def _polished(
    problem: Problem, params: SolveParams, ortools: Solution, winner: Solution
) -> Solution:
    """The winning plan improved by OR-Tools on the soft costs its search did not see.

    PyVRP ignores every soft cost (climbing, keeping, time) and the race left the time
    costs out for both engines; OR-Tools then searches from the winner's routes on the
    full objective, on a share of the budget, and the better of the two plans is kept.
    """
    seen = winner is ortools and not has_time_costs(problem)
    if seen or not has_soft_costs(problem):
        return winner
    share = replace(
        params,
        time_limit_s=params.time_limit_s * POLISH_SHARE,
        iterations=max(1, params.iterations // 2) if params.iterations else None,
    )
    return best(problem, [winner, solver.solve(problem, share, start=winner)])


def best(problem: Problem, answers: list[Solution]) -> Solution:
    """The valid answer of lowest cost; the first answer if none is valid."""
    valid = [a for a in answers if not check(problem, a)]
    if not valid:
        return answers[0]
    return min(valid, key=lambda a: cost(problem, a))


def load_engines() -> None:
    """Import both engines now: a process that forks one child per job (``dispatch worker``)
    then hands them down instead of each child importing PyVRP again."""
    from dispatch.routing import pyvrp_engine  # noqa: F401


def _pyvrp(problem: Problem, params: SolveParams) -> Solution:
    """PyVRP's answer. Its engine (PyVRP takes about 0.1 s to import) is loaded where it
    runs: with two workers in the child, while OR-Tools already searches in this process."""
    from dispatch.routing import pyvrp_engine

    return pyvrp_engine.solve(problem, params)


def _workers(params: SolveParams) -> int:
    if params.workers is not None:
        return params.workers
    # Inside a pool worker the cores are already shared out: stay in this process.
    if multiprocessing.parent_process() is not None:
        return 1
    return min(2, len(os.sched_getaffinity(0)))


def _in_turn(problem: Problem, params: SolveParams) -> list[Solution]:
    if params.iterations:  # a budget of iterations is each engine's own, not a shared clock
        return [solver.solve(problem, params), _pyvrp(problem, params)]
    began = time.perf_counter()
    first = _pyvrp(problem, replace(params, time_limit_s=params.time_limit_s * PYVRP_SHARE))
    rest = max(0.1, params.time_limit_s - (time.perf_counter() - began))
    second = solver.solve(problem, replace(params, time_limit_s=rest))
    return [second, first]


def _in_parallel(problem: Problem, params: SolveParams) -> list[Solution]:
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(_pyvrp, problem, params, send))
    child.start()
    send.close()
    answers = [solver.solve(problem, params)]
    try:
        if receive.poll(None if params.iterations else params.time_limit_s + GRACE_S):
            answers.append(receive.recv())
    except EOFError:
        pass  # the child died without an answer: OR-Tools alone decides
    finally:
        receive.close()
        child.join(GRACE_S)
        if child.is_alive():
            child.kill()
            child.join()
    return answers


def _child(engine: Engine, problem: Problem, params: SolveParams, send: Connection) -> None:
    try:
        send.send(engine(problem, params))
    finally:
        send.close()
