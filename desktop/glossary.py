"""Plain explanations of every metric, model, method and verdict the app shows — the one place the
app's glossary text lives (tooltips, info marks, Help › Glossary and the report read it here).

Each entry is marked with ``QT_TRANSLATE_NOOP("Glossary", …)`` so Qt's translation tools
(``pyside6-lupdate``) collect it; ``term(key)`` returns it in the interface language.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtCore import QCoreApplication

CONTEXT = "Glossary"

#: Groups in the order Help › Glossary lists them.
GROUPS = (QT_TRANSLATE_NOOP("Glossary", "Metrics"), QT_TRANSLATE_NOOP("Glossary", "Models"), QT_TRANSLATE_NOOP("Glossary", "Training"),
          QT_TRANSLATE_NOOP("Glossary", "Explanations"), QT_TRANSLATE_NOOP("Glossary", "Merchandising rules"), QT_TRANSLATE_NOOP("Glossary", "Simulation"),
          QT_TRANSLATE_NOOP("Glossary", "Compression"), QT_TRANSLATE_NOOP("Glossary", "Data"))

#: key -> (group, name as shown, plain name, one sentence)
TERMS: dict[str, tuple[str, str, str, str]] = {
    # ---- metrics (keys are the engine's metric names) ------------------------------------------
    "ndcg": ("Metrics", QT_TRANSLATE_NOOP("Glossary", "NDCG"), QT_TRANSLATE_NOOP("Glossary", "ranking quality"), QT_TRANSLATE_NOOP("Glossary",
             "How well the list ranks what the customer bought later: a hit at the top counts most, a hit at "
             "place 10 little; 0 = no hit, 1 = every hit at the very top.")),
    "recall": ("Metrics", QT_TRANSLATE_NOOP("Glossary", "Recall"), QT_TRANSLATE_NOOP("Glossary", "share of purchases found"), QT_TRANSLATE_NOOP("Glossary",
               "Of what each customer bought in the test part, the share that appears in their top K.")),
    "precision": ("Metrics", QT_TRANSLATE_NOOP("Glossary", "Precision"), QT_TRANSLATE_NOOP("Glossary", "share of the list bought"), QT_TRANSLATE_NOOP(
        "Glossary", "Of the K items recommended to a customer, the share they bought in the test part.")),
    "hit": ("Metrics", QT_TRANSLATE_NOOP("Glossary", "HitRate"), QT_TRANSLATE_NOOP("Glossary", "customers with a hit"), QT_TRANSLATE_NOOP("Glossary",
            "The share of customers with at least one test purchase in their top K.")),
    "map": ("Metrics", QT_TRANSLATE_NOOP("Glossary", "MAP"), QT_TRANSLATE_NOOP("Glossary", "mean average precision"), QT_TRANSLATE_NOOP("Glossary",
            "Precision measured at each hit and averaged: rewards lists whose hits come early.")),
    "mrr": ("Metrics", QT_TRANSLATE_NOOP("Glossary", "MRR"), QT_TRANSLATE_NOOP("Glossary", "first-hit position"), QT_TRANSLATE_NOOP("Glossary",
            "1 divided by the place of the first hit (1 = first place, 0.5 = second), averaged over customers.")),
    "f1": ("Metrics", QT_TRANSLATE_NOOP("Glossary", "F1"), QT_TRANSLATE_NOOP("Glossary", "balance of precision and recall"), QT_TRANSLATE_NOOP("Glossary",
           "One number that is high only when both precision and recall are high.")),
    "coverage": ("Metrics", QT_TRANSLATE_NOOP("Glossary", "Coverage"), QT_TRANSLATE_NOOP("Glossary", "share of the catalog shown"), QT_TRANSLATE_NOOP(
        "Glossary", "The share of all items that appear in at least one customer's top K; it describes all lists "
        "together, not each customer.")),
    "novelty": ("Metrics", QT_TRANSLATE_NOOP("Glossary", "Novelty"), QT_TRANSLATE_NOOP("Glossary", "how unexpected"), QT_TRANSLATE_NOOP("Glossary",
                "How little-known the recommended items are, in bits: higher = less popular items.")),
    "diversity": ("Metrics", QT_TRANSLATE_NOOP("Glossary", "Diversity"), QT_TRANSLATE_NOOP("Glossary", "variety within a list"), QT_TRANSLATE_NOOP(
        "Glossary", "How different the items of one list are from each other (0 = all alike, 1 = all different).")),
    "arp": ("Metrics", QT_TRANSLATE_NOOP("Glossary", "Avg popularity"), QT_TRANSLATE_NOOP("Glossary", "popularity bias"), QT_TRANSLATE_NOOP("Glossary",
            "The average number of training purchases of the recommended items: high = the model pushes "
            "bestsellers.")),
    "auc": ("Metrics", QT_TRANSLATE_NOOP("Glossary", "AUC"), QT_TRANSLATE_NOOP("Glossary", "liked above not liked"), QT_TRANSLATE_NOOP("Glossary",
            "The chance that an item the customer liked is scored above one they did not (0.5 = guessing, "
            "1 = always).")),
    "interval": ("Metrics", QT_TRANSLATE_NOOP("Glossary", "95 % interval"), QT_TRANSLATE_NOOP("Glossary", "uncertainty"), QT_TRANSLATE_NOOP("Glossary",
                 "The range the metric would likely fall in with another sample of customers (bootstrap).")),
    "paired": ("Metrics", QT_TRANSLATE_NOOP("Glossary", "Paired test"), QT_TRANSLATE_NOOP("Glossary", "is one run really better?"), QT_TRANSLATE_NOOP(
        "Glossary", "Compares two runs customer by customer (Wilcoxon test): a small p means the difference "
        "is unlikely to be luck.")),
    # ---- models ---------------------------------------------------------------------------------
    "pop": ("Models", QT_TRANSLATE_NOOP("Glossary", "Popular"), QT_TRANSLATE_NOOP("Glossary", "bestsellers"), QT_TRANSLATE_NOOP("Glossary",
            "Recommends the most bought items the customer does not have yet: the baseline to beat.")),
    "itemknn": ("Models", QT_TRANSLATE_NOOP("Glossary", "ItemKNN"), QT_TRANSLATE_NOOP("Glossary", "bought together"), QT_TRANSLATE_NOOP("Glossary",
                "Recommends items often bought by the same customers as the items in this customer's history.")),
    "ease": ("Models", QT_TRANSLATE_NOOP("Glossary", "EASE"), QT_TRANSLATE_NOOP("Glossary", "item-to-item weights"), QT_TRANSLATE_NOOP("Glossary",
             "Learns one weight for every pair of items in one step; strong and fast on purchase data.")),
    "bpr": ("Models", QT_TRANSLATE_NOOP("Glossary", "BPR"), QT_TRANSLATE_NOOP("Glossary", "taste vectors"), QT_TRANSLATE_NOOP("Glossary",
            "Learns a short vector of tastes per customer and per item so that bought items score above "
            "others; trained in epochs.")),
    "ials": ("Models", QT_TRANSLATE_NOOP("Glossary", "iALS"), QT_TRANSLATE_NOOP("Glossary", "taste vectors"), QT_TRANSLATE_NOOP("Glossary",
             "Taste vectors fitted by alternating least squares, weighting what was bought more often.")),
    "sasrec": ("Models", QT_TRANSLATE_NOOP("Glossary", "SASRec"), QT_TRANSLATE_NOOP("Glossary", "next purchase from the sequence"), QT_TRANSLATE_NOOP(
        "Glossary", "Reads the customer's purchases in order (self-attention) and predicts the next one.")),
    "twotower": ("Models", QT_TRANSLATE_NOOP("Glossary", "TwoTower"), QT_TRANSLATE_NOOP("Glossary", "customer and item features"), QT_TRANSLATE_NOOP(
        "Glossary", "Two small networks turn customer and item features into vectors; their product is the "
        "score.")),
    "text": ("Models", QT_TRANSLATE_NOOP("Glossary", "Text"), QT_TRANSLATE_NOOP("Glossary", "similar descriptions"), QT_TRANSLATE_NOOP("Glossary",
             "Recommends items whose titles and descriptions read like what the customer bought; works for new "
             "items.")),
    "hybrid": ("Models", QT_TRANSLATE_NOOP("Glossary", "Hybrid"), QT_TRANSLATE_NOOP("Glossary", "text and purchases"), QT_TRANSLATE_NOOP("Glossary",
               "Blends the text model with a purchase-based model.")),
    "lm": ("Models", QT_TRANSLATE_NOOP("Glossary", "Language model"), QT_TRANSLATE_NOOP("Glossary", "fine-tuned on this shop"), QT_TRANSLATE_NOOP("Glossary",
           "The bundled language model adapted to this shop's purchases: reads item texts (new items too) and "
           "what each customer bought; explains which words made a match.")),
    # ---- training ---------------------------------------------------------------------------------
    "epoch": ("Training", QT_TRANSLATE_NOOP("Glossary", "Epoch"), QT_TRANSLATE_NOOP("Glossary", "one pass"), QT_TRANSLATE_NOOP("Glossary",
              "One pass of training over all purchases.")),
    "validation": ("Training", QT_TRANSLATE_NOOP("Glossary", "Validation"), QT_TRANSLATE_NOOP("Glossary", "held-out check"), QT_TRANSLATE_NOOP("Glossary",
                   "A part of the data kept aside during training to check after each epoch how good the model "
                   "is.")),
    "early_stopping": ("Training", QT_TRANSLATE_NOOP("Glossary", "Early stopping"), QT_TRANSLATE_NOOP("Glossary", "stop when no gain"), QT_TRANSLATE_NOOP(
        "Glossary", "Training stops when the validation score has not improved for a few epochs (patience), and "
        "the best epoch is kept.")),
    "good fit": ("Training", QT_TRANSLATE_NOOP("Glossary", "Good fit"), QT_TRANSLATE_NOOP("Glossary", "verdict"), QT_TRANSLATE_NOOP("Glossary",
                 "The kept model is at the best validation score: nothing to change.")),
    "over-fitting": ("Training", QT_TRANSLATE_NOOP("Glossary", "Over-fitting"), QT_TRANSLATE_NOOP("Glossary", "verdict"), QT_TRANSLATE_NOOP("Glossary",
                     "The model learned the training purchases by heart and got worse on new ones: stop earlier or "
                     "raise regularisation.")),
    "under-fitting": ("Training", QT_TRANSLATE_NOOP("Glossary", "Under-fitting"), QT_TRANSLATE_NOOP("Glossary", "verdict"), QT_TRANSLATE_NOOP("Glossary",
                      "The model has not learned enough yet (still improving) or training is unstable: train "
                      "longer, or lower the learning rate.")),
    "too short to tell": ("Training", QT_TRANSLATE_NOOP("Glossary", "Too short to tell"), QT_TRANSLATE_NOOP("Glossary", "verdict"), QT_TRANSLATE_NOOP(
        "Glossary", "Too few validated epochs to judge the learning curve.")),
    "gradient": ("Training", QT_TRANSLATE_NOOP("Glossary", "Gradient"), QT_TRANSLATE_NOOP("Glossary", "how a weight would change"), QT_TRANSLATE_NOOP(
        "Glossary", "How much each weight is pushed on one training batch; near zero everywhere = the layer "
        "stopped learning, huge = unstable.")),
    "search": ("Training", QT_TRANSLATE_NOOP("Glossary", "Settings search"), QT_TRANSLATE_NOOP("Glossary", "tuning"), QT_TRANSLATE_NOOP("Glossary",
               "Trains the model with several settings and keeps the one with the best validation score.")),
    # ---- explanations -----------------------------------------------------------------------------
    "score": ("Explanations", QT_TRANSLATE_NOOP("Glossary", "Score"), QT_TRANSLATE_NOOP("Glossary", "the model's number"), QT_TRANSLATE_NOOP("Glossary",
              "The number the model ranks items by for one customer; its scale is the model's own, so scores of "
              "two models cannot be compared.")),
    "strength": ("Explanations", QT_TRANSLATE_NOOP("Glossary", "Strength"), QT_TRANSLATE_NOOP("Glossary", "comparable score"), QT_TRANSLATE_NOOP("Glossary",
                 "How far the model rates an item above the customer's average item, in standard deviations (σ) "
                 "of its scores: comparable between models.")),
    "margin": ("Explanations", QT_TRANSLATE_NOOP("Glossary", "Margin"), QT_TRANSLATE_NOOP("Glossary", "lead over the next item"), QT_TRANSLATE_NOOP(
        "Glossary", "The item's score minus the score of the item ranked just outside the top K: what keeps it in "
        "the list. A different number from the score itself.")),
    "contributions": ("Explanations", QT_TRANSLATE_NOOP("Glossary", "Contributions"), QT_TRANSLATE_NOOP("Glossary", "which purchases count"),
                      QT_TRANSLATE_NOOP("Glossary", "Splits the score exactly into one part per item the customer bought.")),
    "latent": ("Explanations", QT_TRANSLATE_NOOP("Glossary", "Latent factors"), QT_TRANSLATE_NOOP("Glossary", "hidden tastes"), QT_TRANSLATE_NOOP("Glossary",
               "The model describes customers and items by a few hidden tastes (factors); the score is the sum "
               "over factors of customer taste × item trait.")),
    "factor": ("Explanations", QT_TRANSLATE_NOOP("Glossary", "Factor"), QT_TRANSLATE_NOOP("Glossary", "one hidden taste"), QT_TRANSLATE_NOOP("Glossary",
               "One of the model's hidden dimensions (factor 54 = the 54th); it has no name, only the items that "
               "score high on it.")),
    "ukvk": ("Explanations", QT_TRANSLATE_NOOP("Glossary", "u_k · v_k"), QT_TRANSLATE_NOOP("Glossary", "one factor's share of the score"), QT_TRANSLATE_NOOP(
        "Glossary", "Customer taste on factor k times the item's trait on factor k; the bars add up to the "
        "score.")),
    "attention": ("Explanations", QT_TRANSLATE_NOOP("Glossary", "Attention"), QT_TRANSLATE_NOOP("Glossary", "what the model reads"), QT_TRANSLATE_NOOP(
        "Glossary", "How much the sequence model looks at each earlier purchase when it predicts the next one; "
        "each row adds up to 1.")),
    "saliency": ("Explanations", QT_TRANSLATE_NOOP("Glossary", "Saliency"), QT_TRANSLATE_NOOP("Glossary", "sensitivity"), QT_TRANSLATE_NOOP("Glossary",
                 "How much the score would move if one input changed a little: a quick ranking of inputs, not "
                 "shares of the score.")),
    "ig": ("Explanations", QT_TRANSLATE_NOOP("Glossary", "Integrated gradients"), QT_TRANSLATE_NOOP("Glossary", "share of the change"), QT_TRANSLATE_NOOP(
        "Glossary", "Splits the score's change from an empty input to this customer's input among the inputs; "
        "the bars add up to that change.")),
    "words": ("Explanations", QT_TRANSLATE_NOOP("Glossary", "Words"), QT_TRANSLATE_NOOP("Glossary", "which words made the match"), QT_TRANSLATE_NOOP(
        "Glossary", "Integrated gradients over the language model's word inputs: green words of the item's text "
        "raise its score for this customer, red ones lower it; the purchases that made the match are listed "
        "beside it.")),
    "shap": ("Explanations", QT_TRANSLATE_NOOP("Glossary", "SHAP"), QT_TRANSLATE_NOOP("Glossary", "fair shares"), QT_TRANSLATE_NOOP("Glossary",
             "Each feature's fair share (Shapley value) of the item's margin: what it adds on average over all "
             "orders of adding the features.")),
    "counterfactual": ("Explanations", QT_TRANSLATE_NOOP("Glossary", "Counterfactual"), QT_TRANSLATE_NOOP("Glossary", "what would change it"), QT_TRANSLATE_NOOP(
        "Glossary", "The fewest purchases that, had they not happened, would push the item out of the list.")),
    "aopc": ("Explanations", QT_TRANSLATE_NOOP("Glossary", "AOPC"), QT_TRANSLATE_NOOP("Glossary", "faithfulness"), QT_TRANSLATE_NOOP("Glossary",
             "Area over the perturbation curve: delete what a method calls most important, first, and measure "
             "how fast the score falls; higher than random deletion = the method finds what really matters.")),
    "faithfulness": ("Explanations", QT_TRANSLATE_NOOP("Glossary", "Faithfulness"), QT_TRANSLATE_NOOP("Glossary", "does it tell the truth?"), QT_TRANSLATE_NOOP(
        "Glossary", "Whether an explanation points at what really drives the score, measured by deleting it "
        "(AOPC).")),
    "pca": ("Explanations", QT_TRANSLATE_NOOP("Glossary", "PCA"), QT_TRANSLATE_NOOP("Glossary", "flattening to 2-D"), QT_TRANSLATE_NOOP("Glossary",
            "Principal component analysis: draws many-dimensional item vectors on a flat map keeping as much of "
            "their spread as possible; near = similar.")),
    "surrogate": ("Explanations", QT_TRANSLATE_NOOP("Glossary", "Surrogate rules"), QT_TRANSLATE_NOOP("Glossary", "the model as rules"), QT_TRANSLATE_NOOP(
        "Glossary", "A small decision tree trained to imitate the model: readable rules that say roughly when it "
        "recommends an item.")),
    # ---- rules ---------------------------------------------------------------------------------------
    "long_tail": ("Merchandising rules", QT_TRANSLATE_NOOP("Glossary", "Long-tail boost"), QT_TRANSLATE_NOOP("Glossary", "lift less-sold items"), QT_TRANSLATE_NOOP(
        "Glossary", "Raises less popular items in every list; the weight sets how strongly.")),
    "exposure": ("Merchandising rules", QT_TRANSLATE_NOOP("Glossary", "Exposure"), QT_TRANSLATE_NOOP("Glossary", "share of list places"), QT_TRANSLATE_NOOP(
        "Glossary", "The share of all list places that goes to a group of items (a category, bestsellers).")),
    "head": ("Merchandising rules", QT_TRANSLATE_NOOP("Glossary", "Head items"), QT_TRANSLATE_NOOP("Glossary", "bestsellers"), QT_TRANSLATE_NOOP("Glossary",
             "The most bought items, which together hold the top 20 % of purchases.")),
    # ---- simulation ----------------------------------------------------------------------------------
    "arm": ("Simulation", QT_TRANSLATE_NOOP("Glossary", "Arm"), QT_TRANSLATE_NOOP("Glossary", "one choice"), QT_TRANSLATE_NOOP("Glossary",
            "One of the options a policy picks from at each visit, here a catalog category or one item to "
            "suggest.")),
    "policy": ("Simulation", QT_TRANSLATE_NOOP("Glossary", "Policy"), QT_TRANSLATE_NOOP("Glossary", "how to choose"), QT_TRANSLATE_NOOP("Glossary",
               "A rule for which arm to suggest next: try new ones (explore) or repeat what worked (exploit).")),
    "reward": ("Simulation", QT_TRANSLATE_NOOP("Glossary", "Reward"), QT_TRANSLATE_NOOP("Glossary", "a success"), QT_TRANSLATE_NOOP("Glossary",
               "1 when the customer's next basket holds the suggested arm, else 0.")),
    "regret": ("Simulation", QT_TRANSLATE_NOOP("Glossary", "Regret"), QT_TRANSLATE_NOOP("Glossary", "what exploring cost"), QT_TRANSLATE_NOOP("Glossary",
               "Reward lost against always suggesting the single best arm; below 0 = better than that.")),
    "egreedy": ("Simulation", QT_TRANSLATE_NOOP("Glossary", "ε-greedy"), QT_TRANSLATE_NOOP("Glossary", "mostly the best, sometimes random"), QT_TRANSLATE_NOOP(
        "Glossary", "Suggests the arm that worked best so far, except for a share ε of visits where it tries a random "
        "one.")),
    "ucb": ("Simulation", QT_TRANSLATE_NOOP("Glossary", "UCB1"), QT_TRANSLATE_NOOP("Glossary", "optimism"), QT_TRANSLATE_NOOP("Glossary",
            "Suggests the arm whose success rate could plausibly be highest: little-tried arms get a bonus (α sets "
            "how much).")),
    "thompson": ("Simulation", QT_TRANSLATE_NOOP("Glossary", "Thompson sampling"), QT_TRANSLATE_NOOP("Glossary", "try in proportion to belief"), QT_TRANSLATE_NOOP(
        "Glossary", "Draws a plausible success rate for every arm and suggests the best draw: uncertain arms get "
        "tried now and then.")),
    "linucb": ("Simulation", QT_TRANSLATE_NOOP("Glossary", "LinUCB"), QT_TRANSLATE_NOOP("Glossary", "per-customer optimism"), QT_TRANSLATE_NOOP("Glossary",
               "Like UCB1, but learns which arm suits which customer from the model's customer vectors.")),
    "matched": ("Simulation", QT_TRANSLATE_NOOP("Glossary", "Matched events"), QT_TRANSLATE_NOOP("Glossary", "usable history"), QT_TRANSLATE_NOOP("Glossary",
                "Replay can only score a suggestion that equals what was logged; these are the visits where it "
                "did. Few matched events = uncertain result.")),
    # ---- compression ---------------------------------------------------------------------------------
    "pareto": ("Compression", QT_TRANSLATE_NOOP("Glossary", "Best trade-offs"), QT_TRANSLATE_NOOP("Glossary", "Pareto front"), QT_TRANSLATE_NOOP("Glossary",
               "Versions no other version beats on both size and accuracy.")),
    "int8": ("Compression", QT_TRANSLATE_NOOP("Glossary", "int8"), QT_TRANSLATE_NOOP("Glossary", "8-bit numbers"), QT_TRANSLATE_NOOP("Glossary",
             "Stores each weight in one byte instead of four: about 4× smaller, nearly as accurate.")),
    "prune": ("Compression", QT_TRANSLATE_NOOP("Glossary", "Pruning"), QT_TRANSLATE_NOOP("Glossary", "drop small weights"), QT_TRANSLATE_NOOP("Glossary",
              "Removes the smallest weights and stores the rest sparse.")),
    "distill": ("Compression", QT_TRANSLATE_NOOP("Glossary", "Distillation"), QT_TRANSLATE_NOOP("Glossary", "a smaller copy"), QT_TRANSLATE_NOOP("Glossary",
                "Trains a small model to reproduce the big one's lists.")),
    # ---- data ----------------------------------------------------------------------------------------
    "split": ("Data", QT_TRANSLATE_NOOP("Glossary", "Train / test split"), QT_TRANSLATE_NOOP("Glossary", "fair test"), QT_TRANSLATE_NOOP("Glossary",
              "Models learn from the training part and are scored on the test part they never saw.")),
    "held_out": ("Data", QT_TRANSLATE_NOOP("Glossary", "Held out"), QT_TRANSLATE_NOOP("Glossary", "kept for the test"), QT_TRANSLATE_NOOP("Glossary",
                 "A purchase the model did not see while training; a recommendation that matches it is a hit.")),
}


#: verdict -> (what it means for the kept model, what to do), in plain words (Diagnostics headline).
VERDICT_ADVICE = {
    "good fit": (QT_TRANSLATE_NOOP("Glossary", "The model learned well: the version kept is the one that did best on the "
                    "validation customers."),
                 QT_TRANSLATE_NOOP("Glossary", "Nothing to change. Compare its test results with other runs in the Leaderboard.")),
    "over-fitting": (QT_TRANSLATE_NOOP("Glossary", "The model learned the training purchases by heart and got worse on new "
                        "customers."),
                     QT_TRANSLATE_NOOP("Glossary", "Train again with fewer epochs or a lower patience, or raise the "
                        "regularisation setting.")),
    "under-fitting": (QT_TRANSLATE_NOOP("Glossary", "The model has not learned enough yet, or its training is unstable."),
                      QT_TRANSLATE_NOOP("Glossary", "Train for more epochs; if the loss jumps around, lower the learning rate.")),
    "too short to tell": (QT_TRANSLATE_NOOP("Glossary", "Too few epochs were checked to judge the model."),
                          QT_TRANSLATE_NOOP("Glossary", "Train for at least 3 epochs with a validation part (Data pane › split).")),
    None: (QT_TRANSLATE_NOOP("Glossary", "This model is fitted in one step: there is no learning curve to judge."),
           QT_TRANSLATE_NOOP("Glossary", "Nothing to do here; compare its test results in the Leaderboard.")),
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
