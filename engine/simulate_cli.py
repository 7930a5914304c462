"""`recscope simulate`: replay a bandit policy on a log built from an Online Retail file.

    recscope simulate --data PATH --policy egreedy:0.1|ucb:1.0|thompson|fixed:ARM [--arms 10]
                      [--seed 0] [--json]

Log built from the raw transactions (CSV/Parquet with InvoiceNo, Description, CustomerID,
InvoiceDate): cancelled invoices ("C...") and rows without a customer are dropped. An arm is
one of the ``--arms`` most frequent first words of Description (counted over invoices, e.g.
"SET", "JUMBO"). One event per invoice that has a later invoice of the same customer; the
logged arm is drawn uniformly at random (seeded, propensity 1/K: a simulated uniform logging
policy), and the reward is 1 if the customer's next invoice holds any item of that arm, else 0.
"""

from __future__ import annotations

from pathlib import Path

_COLUMNS = ("InvoiceNo", "Description", "CustomerID", "InvoiceDate")


def add_simulate_command(subparsers) -> None:
    """Register ``simulate`` on the `recscope` sub-parsers (engine.cli conventions)."""
    from engine.cli import _positive_int
    s = subparsers.add_parser("simulate", help="replay a bandit exploration policy on logged retail data")
    s.add_argument("--data", required=True, help="Online Retail transactions (.csv, .csv.gz or .parquet)")
    s.add_argument("--policy", default="egreedy:0.1", help="egreedy:EPS | ucb:ALPHA | thompson | fixed:ARM")
    s.add_argument("--arms", type=_positive_int, default=10, help="number of arms (top first words)")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_simulate)


def retail_log(path: str, n_arms: int = 10, seed: int = 0):
    """(arm_names list[K], logged arms (n,), rewards (n,), propensity (n,)) from a retail file."""
    import numpy as np
    import pandas as pd
    from engine.errors import DataFormatError, SchemaError
    p = Path(path)
    try:
        df = pd.read_parquet(p) if p.suffix == ".parquet" else pd.read_csv(p, dtype={"InvoiceNo": str})
    except FileNotFoundError:
        raise DataFormatError(f"{path}: no such file", path=path) from None
    except Exception as exc:  # pandas/pyarrow raise many kinds on a bad file
        raise DataFormatError(f"{path}: cannot read ({type(exc).__name__}: {exc})", path=path) from None
    missing = [c for c in _COLUMNS if c not in df.columns]
    if missing:
        raise SchemaError(f"{path}: missing column {missing[0]!r} (needs {', '.join(_COLUMNS)})",
                          path=path, column=missing[0])
    df = df[list(_COLUMNS)].dropna()
    df = df[~df["InvoiceNo"].astype(str).str.startswith("C")]
    words = df["Description"].astype(str).str.strip().str.upper().str.split().str[0]
    df = df.assign(word=words).dropna()
    baskets = df[["InvoiceNo", "word"]].drop_duplicates()
    names = baskets["word"].value_counts().index[:n_arms].tolist()
    if len(names) < 2:
        raise SchemaError(f"{path}: fewer than 2 distinct description words to use as arms", path=path)
    k = len(names)
    inv = (df.assign(t=pd.to_datetime(df["InvoiceDate"], errors="coerce"))
           .groupby("InvoiceNo", sort=False).agg(customer=("CustomerID", "first"), t=("t", "min"))
           .dropna().sort_values(["customer", "t"]))
    arm_of = {w: i for i, w in enumerate(names)}
    held = baskets[baskets["word"].isin(arm_of)]
    contains = np.zeros((len(inv), k), bool)
    row = pd.Series(np.arange(len(inv)), index=inv.index)
    rows = row.reindex(held["InvoiceNo"]).to_numpy()
    ok = ~np.isnan(rows)
    contains[rows[ok].astype(np.int64), held["word"].map(arm_of).to_numpy()[ok]] = True
    cust = inv["customer"].to_numpy()
    has_next = np.flatnonzero(cust[:-1] == cust[1:])          # invoice i with next invoice i+1
    order = np.argsort(inv["t"].to_numpy()[has_next], kind="stable")   # log in time order
    events = has_next[order]
    rng = np.random.default_rng(seed)
    logged = rng.integers(k, size=len(events))
    rewards = contains[events + 1, logged].astype(np.float64)
    return names, logged, rewards, np.full(len(events), 1.0 / k)


def cmd_simulate(args) -> int:
    from engine.cli import _print_json, _stderr_progress
    from engine.simulate import parse_policy, replay
    policy = parse_policy(args.policy)
    names, arms, rewards, prop = retail_log(args.data, args.arms, args.seed)
    res = replay(policy, arms, rewards, len(names), propensity=prop, seed=args.seed,
                 progress=_stderr_progress(getattr(args, "verbose", False)))
    out = res.to_dict()
    out["arms"] = names
    if args.json:
        _print_json(out)
        return 0
    print(f"{res.policy}: {res.matched} of {res.events} events matched ({len(names)} arms)")
    print(f"  mean reward {res.mean_reward:.4f}  95% CI [{res.ci[0]:.4f}, {res.ci[1]:.4f}]")
    print(f"  best arm {names[res.best_arm]} (mean {res.best_arm_mean:.4f}); "
          f"final regret {res.regret[-1] if res.matched else 0:.2f}; exploration {res.exploration_share:.1%}")
    if res.caveat:
        print(f"  caveat: {res.caveat}")
    return 0
