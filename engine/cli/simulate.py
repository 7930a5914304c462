"""`recscope simulate`: replay bandit policies on the bandit log of a data file (rejection replay).

    recscope simulate --data PATH [--catalog FILE] --policy egreedy:0.1|ucb:1.0|thompson|fixed:ARM|
                      model:DIR|linucb:ALPHA@DIR [--policy ...] [--arm-kind category|item] [--arms 10]
                      [--seed 0] [--json]

The log is the one the Simulate pane builds (``engine.simulate.basket_log``): one decision point
per basket that the customer follows with another one, a uniformly drawn logged arm (seeded,
propensity 1/K) and reward 1 when the next basket holds an item of that arm. ``model:DIR`` plays
the top-1 arm of a model saved by `recscope train`; ``linucb:ALPHA@DIR`` runs LinUCB over that
model's user vectors. With --json the last stdout line is one JSON object.
"""

from __future__ import annotations

from engine.cli.common import load_dataset, positive_int, print_json, stderr_progress


def add_simulate_command(subparsers) -> None:
    """Register ``simulate`` on the `recscope` sub-parsers (engine.cli conventions)."""
    from engine.simulate.basket_log import ARM_KINDS
    s = subparsers.add_parser("simulate", help="replay bandit exploration policies on logged baskets")
    s.add_argument("--data", required=True, help="interactions with timestamps (any file `recscope info` reads)")
    s.add_argument("--catalog", help="item catalog file (categories or titles for category arms)")
    s.add_argument("--policy", action="append", metavar="SPEC",
                   help="egreedy:EPS | ucb:ALPHA | thompson | fixed:ARM | model:DIR | linucb:ALPHA@DIR "
                        "(repeat for several; default egreedy:0.1)")
    s.add_argument("--arm-kind", choices=ARM_KINDS, default="category",
                   help="arms are the top categories (default) or the top items")
    s.add_argument("--arms", type=positive_int, default=10, help="number of arms")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_simulate)


def _models(specs: list[str]) -> dict:
    """{DIR: loaded Recommender} for the model:DIR / linucb:ALPHA@DIR specs (all specs checked)."""
    from engine.models.base import Recommender
    from engine.simulate.basket_log import split_spec
    models = {}
    for spec in specs:
        _, name = split_spec(spec)
        if name is not None and name not in models:
            models[name] = Recommender.load(name)
    return models


def cmd_simulate(args) -> int:
    from engine.progress import scaled
    from engine.simulate.basket_log import basket_log, simulate
    specs = args.policy or ["egreedy:0.1"]
    models = _models(specs)
    ds = load_dataset(args.data, args.catalog)
    progress = stderr_progress(getattr(args, "verbose", False))
    log = basket_log(ds.interactions, ds.catalog, arms=args.arm_kind, n_arms=args.arms, seed=args.seed,
                     progress=scaled(progress, 0.0, 0.1))
    results = simulate(log, specs, models, seed=args.seed, progress=scaled(progress, 0.1, 1.0))
    if args.json:
        print_json({"arms": log.arm_names, "arm_kind": log.kind, "arm_source": log.source,
                     "decision_points": log.n_events, "baskets": log.baskets,
                     "results": [r.to_dict() for r in results]})
        return 0
    print(f"{log.n_events:,} decision points of {log.baskets:,} baskets; {len(log.arm_names)} arms "
          f"({log.source}): {', '.join(log.arm_names)}")
    for r in results:
        print(f"{r.policy}: {r.matched:,} of {r.events:,} events matched")
        ci = f"  95% CI [{r.ci[0]:.4f}, {r.ci[1]:.4f}]" if r.matched > 1 else ""
        print(f"  mean reward {r.mean_reward:.4f}{ci}")
        if r.ips is not None:
            print(f"  IPS {r.ips:.4f}  SNIPS {r.snips:.4f}")
        print(f"  exploration {r.exploration_share:.1%}; final regret {r.regret[-1] if r.matched else 0:.2f} "
              f"against always {log.arm_names[r.best_arm]} (mean {r.best_arm_mean:.4f})")
        if "cold_events" in r.extra:
            print(f"  cold events (customers the model never saw): {r.extra['cold_events']:,}")
        if "context_dims" in r.extra:
            print(f"  contexts: {r.extra['context_dims'] - 1} principal components of the user vectors "
                  f"({r.extra['context_variance']:.0%} of their variance) + bias")
        if r.caveat:
            print(f"  caveat: {r.caveat}")
    return 0
