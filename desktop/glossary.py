"""Plain explanations of every metric, model, method and verdict the app shows — the one place the
app's glossary text lives (tooltips, info marks, Help › Glossary and the report read it here).

Each entry is marked with ``QT_TRANSLATE_NOOP("Glossary", …)`` so Qt's translation tools
(``pyside6-lupdate``) collect it; ``term(key)`` returns it in the interface language.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP as _N
from PySide6.QtCore import QCoreApplication

CONTEXT = "Glossary"

#: Groups in the order Help › Glossary lists them.
GROUPS = (_N("Glossary", "Metrics"), _N("Glossary", "Models"), _N("Glossary", "Training"),
          _N("Glossary", "Explanations"), _N("Glossary", "Merchandising rules"), _N("Glossary", "Simulation"),
          _N("Glossary", "Compression"), _N("Glossary", "Data"))

#: key -> (group, name as shown, plain name, one sentence)
TERMS: dict[str, tuple[str, str, str, str]] = {
    # ---- metrics (keys are the engine's metric names) ------------------------------------------
    "ndcg": ("Metrics", _N("Glossary", "NDCG"), _N("Glossary", "ranking quality"), _N("Glossary",
             "How well the list ranks what the customer bought later: a hit at the top counts most, a hit at "
             "place 10 little; 0 = no hit, 1 = every hit at the very top.")),
    "recall": ("Metrics", _N("Glossary", "Recall"), _N("Glossary", "share of purchases found"), _N("Glossary",
               "Of what each customer bought in the test part, the share that appears in their top K.")),
    "precision": ("Metrics", _N("Glossary", "Precision"), _N("Glossary", "share of the list bought"), _N(
        "Glossary", "Of the K items recommended to a customer, the share they bought in the test part.")),
    "hit": ("Metrics", _N("Glossary", "HitRate"), _N("Glossary", "customers with a hit"), _N("Glossary",
            "The share of customers with at least one test purchase in their top K.")),
    "map": ("Metrics", _N("Glossary", "MAP"), _N("Glossary", "mean average precision"), _N("Glossary",
            "Precision measured at each hit and averaged: rewards lists whose hits come early.")),
    "mrr": ("Metrics", _N("Glossary", "MRR"), _N("Glossary", "first-hit position"), _N("Glossary",
            "1 divided by the place of the first hit (1 = first place, 0.5 = second), averaged over customers.")),
    "f1": ("Metrics", _N("Glossary", "F1"), _N("Glossary", "balance of precision and recall"), _N("Glossary",
           "One number that is high only when both precision and recall are high.")),
    "coverage": ("Metrics", _N("Glossary", "Coverage"), _N("Glossary", "share of the catalog shown"), _N(
        "Glossary", "The share of all items that appear in at least one customer's top K; it describes all lists "
        "together, not each customer.")),
    "novelty": ("Metrics", _N("Glossary", "Novelty"), _N("Glossary", "how unexpected"), _N("Glossary",
                "How little-known the recommended items are, in bits: higher = less popular items.")),
    "diversity": ("Metrics", _N("Glossary", "Diversity"), _N("Glossary", "variety within a list"), _N(
        "Glossary", "How different the items of one list are from each other (0 = all alike, 1 = all different).")),
    "arp": ("Metrics", _N("Glossary", "Avg popularity"), _N("Glossary", "popularity bias"), _N("Glossary",
            "The average number of training purchases of the recommended items: high = the model pushes "
            "bestsellers.")),
    "auc": ("Metrics", _N("Glossary", "AUC"), _N("Glossary", "liked above not liked"), _N("Glossary",
            "The chance that an item the customer liked is scored above one they did not (0.5 = guessing, "
            "1 = always).")),
    "interval": ("Metrics", _N("Glossary", "95 % interval"), _N("Glossary", "uncertainty"), _N("Glossary",
                 "The range the metric would likely fall in with another sample of customers (bootstrap).")),
    "paired": ("Metrics", _N("Glossary", "Paired test"), _N("Glossary", "is one run really better?"), _N(
        "Glossary", "Compares two runs customer by customer (Wilcoxon test): a small p means the difference "
        "is unlikely to be luck.")),
    # ---- models ---------------------------------------------------------------------------------
    "pop": ("Models", _N("Glossary", "Popular"), _N("Glossary", "bestsellers"), _N("Glossary",
            "Recommends the most bought items the customer does not have yet: the baseline to beat.")),
    "itemknn": ("Models", _N("Glossary", "ItemKNN"), _N("Glossary", "bought together"), _N("Glossary",
                "Recommends items often bought by the same customers as the items in this customer's history.")),
    "ease": ("Models", _N("Glossary", "EASE"), _N("Glossary", "item-to-item weights"), _N("Glossary",
             "Learns one weight for every pair of items in one step; strong and fast on purchase data.")),
    "bpr": ("Models", _N("Glossary", "BPR"), _N("Glossary", "taste vectors"), _N("Glossary",
            "Learns a short vector of tastes per customer and per item so that bought items score above "
            "others; trained in epochs.")),
    "ials": ("Models", _N("Glossary", "iALS"), _N("Glossary", "taste vectors"), _N("Glossary",
             "Taste vectors fitted by alternating least squares, weighting what was bought more often.")),
    "sasrec": ("Models", _N("Glossary", "SASRec"), _N("Glossary", "next purchase from the sequence"), _N(
        "Glossary", "Reads the customer's purchases in order (self-attention) and predicts the next one.")),
    "twotower": ("Models", _N("Glossary", "TwoTower"), _N("Glossary", "customer and item features"), _N(
        "Glossary", "Two small networks turn customer and item features into vectors; their product is the "
        "score.")),
    "text": ("Models", _N("Glossary", "Text"), _N("Glossary", "similar descriptions"), _N("Glossary",
             "Recommends items whose titles and descriptions read like what the customer bought; works for new "
             "items.")),
    "hybrid": ("Models", _N("Glossary", "Hybrid"), _N("Glossary", "text and purchases"), _N("Glossary",
               "Blends the text model with a purchase-based model.")),
    "lm": ("Models", _N("Glossary", "Language model"), _N("Glossary", "fine-tuned on this shop"), _N("Glossary",
           "The bundled language model adapted to this shop's purchases: reads item texts (new items too) and "
           "what each customer bought; explains which words made a match.")),
    # ---- training ---------------------------------------------------------------------------------
    "epoch": ("Training", _N("Glossary", "Epoch"), _N("Glossary", "one pass"), _N("Glossary",
              "One pass of training over all purchases.")),
    "validation": ("Training", _N("Glossary", "Validation"), _N("Glossary", "held-out check"), _N("Glossary",
                   "A part of the data kept aside during training to check after each epoch how good the model "
                   "is.")),
    "early_stopping": ("Training", _N("Glossary", "Early stopping"), _N("Glossary", "stop when no gain"), _N(
        "Glossary", "Training stops when the validation score has not improved for a few epochs (patience), and "
        "the best epoch is kept.")),
    "good fit": ("Training", _N("Glossary", "Good fit"), _N("Glossary", "verdict"), _N("Glossary",
                 "The kept model is at the best validation score: nothing to change.")),
    "over-fitting": ("Training", _N("Glossary", "Over-fitting"), _N("Glossary", "verdict"), _N("Glossary",
                     "The model learned the training purchases by heart and got worse on new ones: stop earlier or "
                     "raise regularisation.")),
    "under-fitting": ("Training", _N("Glossary", "Under-fitting"), _N("Glossary", "verdict"), _N("Glossary",
                      "The model has not learned enough yet (still improving) or training is unstable: train "
                      "longer, or lower the learning rate.")),
    "too short to tell": ("Training", _N("Glossary", "Too short to tell"), _N("Glossary", "verdict"), _N(
        "Glossary", "Too few validated epochs to judge the learning curve.")),
    "gradient": ("Training", _N("Glossary", "Gradient"), _N("Glossary", "how a weight would change"), _N(
        "Glossary", "How much each weight is pushed on one training batch; near zero everywhere = the layer "
        "stopped learning, huge = unstable.")),
    "search": ("Training", _N("Glossary", "Settings search"), _N("Glossary", "tuning"), _N("Glossary",
               "Trains the model with several settings and keeps the one with the best validation score.")),
    # ---- explanations -----------------------------------------------------------------------------
    "score": ("Explanations", _N("Glossary", "Score"), _N("Glossary", "the model's number"), _N("Glossary",
              "The number the model ranks items by for one customer; its scale is the model's own, so scores of "
              "two models cannot be compared.")),
    "strength": ("Explanations", _N("Glossary", "Strength"), _N("Glossary", "comparable score"), _N("Glossary",
                 "How far the model rates an item above the customer's average item, in standard deviations (σ) "
                 "of its scores: comparable between models.")),
    "margin": ("Explanations", _N("Glossary", "Margin"), _N("Glossary", "lead over the next item"), _N(
        "Glossary", "The item's score minus the score of the item ranked just outside the top K: what keeps it in "
        "the list. A different number from the score itself.")),
    "contributions": ("Explanations", _N("Glossary", "Contributions"), _N("Glossary", "which purchases count"),
                      _N("Glossary", "Splits the score exactly into one part per item the customer bought.")),
    "latent": ("Explanations", _N("Glossary", "Latent factors"), _N("Glossary", "hidden tastes"), _N("Glossary",
               "The model describes customers and items by a few hidden tastes (factors); the score is the sum "
               "over factors of customer taste × item trait.")),
    "factor": ("Explanations", _N("Glossary", "Factor"), _N("Glossary", "one hidden taste"), _N("Glossary",
               "One of the model's hidden dimensions (factor 54 = the 54th); it has no name, only the items that "
               "score high on it.")),
    "ukvk": ("Explanations", _N("Glossary", "u_k · v_k"), _N("Glossary", "one factor's share of the score"), _N(
        "Glossary", "Customer taste on factor k times the item's trait on factor k; the bars add up to the "
        "score.")),
    "attention": ("Explanations", _N("Glossary", "Attention"), _N("Glossary", "what the model reads"), _N(
        "Glossary", "How much the sequence model looks at each earlier purchase when it predicts the next one; "
        "each row adds up to 1.")),
    "saliency": ("Explanations", _N("Glossary", "Saliency"), _N("Glossary", "sensitivity"), _N("Glossary",
                 "How much the score would move if one input changed a little: a quick ranking of inputs, not "
                 "shares of the score.")),
    "ig": ("Explanations", _N("Glossary", "Integrated gradients"), _N("Glossary", "share of the change"), _N(
        "Glossary", "Splits the score's change from an empty input to this customer's input among the inputs; "
        "the bars add up to that change.")),
    "words": ("Explanations", _N("Glossary", "Words"), _N("Glossary", "which words made the match"), _N(
        "Glossary", "Integrated gradients over the language model's word inputs: green words of the item's text "
        "raise its score for this customer, red ones lower it; the purchases that made the match are listed "
        "beside it.")),
    "shap": ("Explanations", _N("Glossary", "SHAP"), _N("Glossary", "fair shares"), _N("Glossary",
             "Each feature's fair share (Shapley value) of the item's margin: what it adds on average over all "
             "orders of adding the features.")),
    "counterfactual": ("Explanations", _N("Glossary", "Counterfactual"), _N("Glossary", "what would change it"), _N(
        "Glossary", "The fewest purchases that, had they not happened, would push the item out of the list.")),
    "aopc": ("Explanations", _N("Glossary", "AOPC"), _N("Glossary", "faithfulness"), _N("Glossary",
             "Area over the perturbation curve: delete what a method calls most important, first, and measure "
             "how fast the score falls; higher than random deletion = the method finds what really matters.")),
    "faithfulness": ("Explanations", _N("Glossary", "Faithfulness"), _N("Glossary", "does it tell the truth?"), _N(
        "Glossary", "Whether an explanation points at what really drives the score, measured by deleting it "
        "(AOPC).")),
    "pca": ("Explanations", _N("Glossary", "PCA"), _N("Glossary", "flattening to 2-D"), _N("Glossary",
            "Principal component analysis: draws many-dimensional item vectors on a flat map keeping as much of "
            "their spread as possible; near = similar.")),
    "surrogate": ("Explanations", _N("Glossary", "Surrogate rules"), _N("Glossary", "the model as rules"), _N(
        "Glossary", "A small decision tree trained to imitate the model: readable rules that say roughly when it "
        "recommends an item.")),
    # ---- rules ---------------------------------------------------------------------------------------
    "long_tail": ("Merchandising rules", _N("Glossary", "Long-tail boost"), _N("Glossary", "lift less-sold items"), _N(
        "Glossary", "Raises less popular items in every list; the weight sets how strongly.")),
    "exposure": ("Merchandising rules", _N("Glossary", "Exposure"), _N("Glossary", "share of list places"), _N(
        "Glossary", "The share of all list places that goes to a group of items (a category, bestsellers).")),
    "head": ("Merchandising rules", _N("Glossary", "Head items"), _N("Glossary", "bestsellers"), _N("Glossary",
             "The most bought items, which together hold the top 20 % of purchases.")),
    # ---- simulation ----------------------------------------------------------------------------------
    "arm": ("Simulation", _N("Glossary", "Arm"), _N("Glossary", "one choice"), _N("Glossary",
            "One of the options a policy picks from at each visit, here a catalog category or one item to "
            "suggest.")),
    "policy": ("Simulation", _N("Glossary", "Policy"), _N("Glossary", "how to choose"), _N("Glossary",
               "A rule for which arm to suggest next: try new ones (explore) or repeat what worked (exploit).")),
    "reward": ("Simulation", _N("Glossary", "Reward"), _N("Glossary", "a success"), _N("Glossary",
               "1 when the customer's next basket holds the suggested arm, else 0.")),
    "regret": ("Simulation", _N("Glossary", "Regret"), _N("Glossary", "what exploring cost"), _N("Glossary",
               "Reward lost against always suggesting the single best arm; below 0 = better than that.")),
    "egreedy": ("Simulation", _N("Glossary", "ε-greedy"), _N("Glossary", "mostly the best, sometimes random"), _N(
        "Glossary", "Suggests the arm that worked best so far, except for a share ε of visits where it tries a random "
        "one.")),
    "ucb": ("Simulation", _N("Glossary", "UCB1"), _N("Glossary", "optimism"), _N("Glossary",
            "Suggests the arm whose success rate could plausibly be highest: little-tried arms get a bonus (α sets "
            "how much).")),
    "thompson": ("Simulation", _N("Glossary", "Thompson sampling"), _N("Glossary", "try in proportion to belief"), _N(
        "Glossary", "Draws a plausible success rate for every arm and suggests the best draw: uncertain arms get "
        "tried now and then.")),
    "linucb": ("Simulation", _N("Glossary", "LinUCB"), _N("Glossary", "per-customer optimism"), _N("Glossary",
               "Like UCB1, but learns which arm suits which customer from the model's customer vectors.")),
    "matched": ("Simulation", _N("Glossary", "Matched events"), _N("Glossary", "usable history"), _N("Glossary",
                "Replay can only score a suggestion that equals what was logged; these are the visits where it "
                "did. Few matched events = uncertain result.")),
    # ---- compression ---------------------------------------------------------------------------------
    "pareto": ("Compression", _N("Glossary", "Best trade-offs"), _N("Glossary", "Pareto front"), _N("Glossary",
               "Versions no other version beats on both size and accuracy.")),
    "int8": ("Compression", _N("Glossary", "int8"), _N("Glossary", "8-bit numbers"), _N("Glossary",
             "Stores each weight in one byte instead of four: about 4× smaller, nearly as accurate.")),
    "prune": ("Compression", _N("Glossary", "Pruning"), _N("Glossary", "drop small weights"), _N("Glossary",
              "Removes the smallest weights and stores the rest sparse.")),
    "distill": ("Compression", _N("Glossary", "Distillation"), _N("Glossary", "a smaller copy"), _N("Glossary",
                "Trains a small model to reproduce the big one's lists.")),
    # ---- data ----------------------------------------------------------------------------------------
    "split": ("Data", _N("Glossary", "Train / test split"), _N("Glossary", "fair test"), _N("Glossary",
              "Models learn from the training part and are scored on the test part they never saw.")),
    "held_out": ("Data", _N("Glossary", "Held out"), _N("Glossary", "kept for the test"), _N("Glossary",
                 "A purchase the model did not see while training; a recommendation that matches it is a hit.")),
}


#: verdict -> (what it means for the kept model, what to do), in plain words (Diagnostics headline).
VERDICT_ADVICE = {
    "good fit": (_N("Glossary", "The model learned well: the version kept is the one that did best on the "
                    "validation customers."),
                 _N("Glossary", "Nothing to change. Compare its test results with other runs in the Leaderboard.")),
    "over-fitting": (_N("Glossary", "The model learned the training purchases by heart and got worse on new "
                        "customers."),
                     _N("Glossary", "Train again with fewer epochs or a lower patience, or raise the "
                        "regularisation setting.")),
    "under-fitting": (_N("Glossary", "The model has not learned enough yet, or its training is unstable."),
                      _N("Glossary", "Train for more epochs; if the loss jumps around, lower the learning rate.")),
    "too short to tell": (_N("Glossary", "Too few epochs were checked to judge the model."),
                          _N("Glossary", "Train for at least 3 epochs with a validation part (Data pane › split).")),
    None: (_N("Glossary", "This model is fitted in one step: there is no learning curve to judge."),
           _N("Glossary", "Nothing to do here; compare its test results in the Leaderboard.")),
}


def advice(verdict: str | None) -> tuple[str, str]:
    """(what the verdict means, what to do) in the interface language."""
    meaning, todo = VERDICT_ADVICE.get(verdict, VERDICT_ADVICE[None])
    return _tr(meaning), _tr(todo)


@dataclass(frozen=True)
class Term:
    """One glossary entry in the interface language."""

    key: str
    group: str
    name: str
    plain: str
    sentence: str

    def tip(self) -> str:
        """"<b>NDCG</b> (ranking quality): How well …" for a tooltip or an info mark."""
        return f"<b>{self.name}</b> ({self.plain}): {self.sentence}"


def _tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def term(key: str) -> Term | None:
    """The entry for ``key`` ("ndcg", "ndcg@10" and "NDCG" all find NDCG), None when there is none."""
    raw = str(key).split("@")[0].strip()
    entry = TERMS.get(raw) or TERMS.get(raw.lower())
    if entry is None:
        raw = next((k for k, v in TERMS.items() if v[1].lower() == raw.lower()), "")
        entry = TERMS.get(raw)
    if entry is None:
        return None
    group, name, plain, sentence = entry
    return Term(raw, _tr(group), _tr(name), _tr(plain), _tr(sentence))


def tip(key: str) -> str:
    """The tooltip text of ``key`` ("" when the glossary has no entry)."""
    t = term(key)
    return t.tip() if t is not None else ""


def metric_name(key: str) -> str:
    """"ndcg@10" -> "NDCG@10"; a key the glossary does not know stays as it is."""
    name, _, k = str(key).partition("@")
    t = term(name)
    return (t.name if t is not None else name) + (f"@{k}" if k else "")


def metric_plain(key: str) -> str:
    """"ndcg@10" -> "Ranking quality (NDCG@10)" (report headers, chart titles)."""
    t = term(str(key).partition("@")[0])
    if t is None:
        return str(key)
    return f"{t.plain[:1].upper()}{t.plain[1:]} ({metric_name(key)})"


def entries() -> list[Term]:
    """Every entry, grouped in ``GROUPS`` order, alphabetically within a group."""
    terms = [term(k) for k in TERMS]
    order = {g: i for i, g in enumerate(GROUPS)}
    return sorted(terms, key=lambda t: (order.get(TERMS[t.key][0], len(order)), t.name.casefold()))
