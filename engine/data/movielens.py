"""MovieLens file formats: ml-100k ``u.data``/``u.item``/``u.user`` and ml-1m ``*.dat`` (``::``).

``read`` returns a Table for a recognised MovieLens file, else None (the generic reader takes
over). ``sibling_catalog`` finds the movie file next to a ratings file.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from engine.data.encoding import decode
from engine.data.table import Table, tidy
from engine.errors import DataFormatError

#: ml-100k genre order of the 19 flags in u.item (u.genre holds the same list).
GENRES_100K = ("unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime",
               "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery",
               "Romance", "Sci-Fi", "Thriller", "War", "Western")

_DAT_COLUMNS = {
    "ratings": ["user_id", "movie_id", "rating", "timestamp"],
    "movies": ["movie_id", "title", "genres"],
    "users": ["user_id", "gender", "age", "occupation", "zip_code"],
    "tags": ["user_id", "movie_id", "tag", "timestamp"],
}
_RATINGS_100K = re.compile(r"^u([a-z0-9]*)\.(data|base|test)$")


def read(p: Path, raw: bytes):
    """Table for a MovieLens file given its (decompressed) bytes, or None if it is not one."""
    name = p.name.lower().removesuffix(".gz")
    first = raw[:4096].split(b"\n", 1)[0]
    if _RATINGS_100K.match(name) and first.count(b"\t") == 3:
        cols = ["user_id", "item_id", "rating", "timestamp"]
        text, enc = decode(raw, p.name)[:2]
        frame = _parse(text, "\t", cols, p.name)
    elif name in ("u.item", "u.user") and b"|" in first:
        text, enc = decode(raw, p.name)[:2]
        frame = _u_item(text, p) if name == "u.item" else _parse(
            text, "|", ["user_id", "age", "gender", "occupation", "zip_code"], p.name)
    elif name.endswith(".dat") and b"::" in first:
        text, enc = decode(raw, p.name)[:2]
        n = first.count(b"::") + 1
        cols = _DAT_COLUMNS.get(name[:-4])
        if cols is None or len(cols) != n:
            cols = [f"column{i + 1}" for i in range(n)]
        frame = _parse(text, "::", cols, p.name)
    else:
        return None
    frame = tidy(frame)
    return Table(frame, str(p), "movielens", encoding=enc, delimiter="|" if "|" in name else None,
                 rows=np.arange(len(frame)) + 1)


def _parse(text: str, sep: str, cols: list[str], name: str) -> pd.DataFrame:
    """Split headerless MovieLens lines on ``sep`` into string columns ``cols``."""
    lines = pd.Series(text.splitlines(), dtype=object)
    lines = lines[lines.str.strip() != ""]
    parts = lines.str.split(re.escape(sep) if sep != "|" else r"\|", n=len(cols) - 1, regex=True)
    lengths = parts.str.len().to_numpy()
    bad = np.flatnonzero(lengths != len(cols))
    if len(bad):
        i = int(bad[0])
        raise DataFormatError(f"has {lengths[i]} fields, expected {len(cols)} ({sep!r}-separated MovieLens)",
                              path=name, row=int(lines.index[i]) + 1)
    return pd.DataFrame(parts.tolist(), columns=cols).replace({"": None})


def _u_item(text: str, p: Path) -> pd.DataFrame:
    """u.item: id|title|release|video release|url|19 genre flags -> genres joined with '|'."""
    genres = list(GENRES_100K)
    g = p.with_name("u.genre")
    if g.exists():
        names = [ln.split("|")[0] for ln in g.read_text(encoding="latin-1").splitlines() if ln.strip()]
        if len(names) == len(genres):
            genres = names
    cols = ["movie_id", "title", "release_date", "video_release_date", "imdb_url", *genres]
    frame = _parse(text, "|", cols, p.name)
    flags = frame[genres].fillna("0").to_numpy() == "1"
    names = np.array(genres, dtype=object)
    frame["genres"] = ["|".join(names[row]) for row in flags]
    return frame[["movie_id", "title", "release_date", "imdb_url", "genres"]]


def sibling_catalog(path) -> Path | None:
    """The movie file that belongs to a MovieLens ratings file, if it lies beside it."""
    p = Path(path)
    name = p.name.lower().removesuffix(".gz")
    if _RATINGS_100K.match(name):
        cand = ["u.item"]
    elif name.endswith(".dat"):
        cand = ["movies.dat"]
    elif name.startswith(("ratings", "tags")) and name.endswith((".csv", ".parquet")):
        cand = ["movies.csv", "movies.dat"]
    else:
        return None
    for c in cand:
        s = p.with_name(c)
        if s.exists() and s != p:
            return s
    return None
