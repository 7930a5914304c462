"""Deterministic MovieLens-like data generated for the core tests (no ../shared/data needed).

``movielens_like(seed)`` draws users with a taste for one or two of eight genres, items with a
genre (sometimes two), a long-tail popularity (a few are almost never rated, as in real catalogs),
a price and a title made of genre words; each user rates 20..150 items chosen by popularity ×
taste, rates liked genres higher, and watches in genre runs (the next item tends to share the
previous one's genre), so every model family has real structure to learn: item-item
co-occurrence, latent factors, sequences, item and user features, text. The defaults (400 users,
600 movies of which 585 are rated, 20,781 ratings) train every test model in seconds.

``write_movielens_like(folder)`` writes the same data as files the readers and the CLI open:
``ratings.csv`` (user,item,rating,timestamp), ``movies.csv`` (item,title,genres,price) and
``u.user`` in MovieLens-100k's "id|age|gender|occupation|zip" layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from engine.data.catalog import ItemCatalog
from engine.data.interactions import Interactions

#: Genre -> title words; the words of a genre share a theme, so the text encoder places its
#: titles near each other.
GENRES = {
    "Action": ["Fist", "Bullet", "Chase", "Mission", "Strike", "Fury", "Warrior", "Blast", "Soldier", "Escape"],
    "Comedy": ["Funny", "Party", "Silly", "Crazy", "Laugh", "Prank", "Goofy", "Clown", "Wacky", "Joke"],
    "Drama": ["Tears", "Mother", "Winter", "Silence", "Promise", "Letters", "Grief", "Family", "Widow", "Memory"],
    "Horror": ["Ghost", "Blood", "Haunted", "Zombie", "Curse", "Demon", "Scream", "Grave", "Witch", "Nightmare"],
    "Romance": ["Love", "Kiss", "Wedding", "Heart", "Valentine", "Bride", "Darling", "Romance", "Sweetheart",
                "Honeymoon"],
    "Sci-Fi": ["Galaxy", "Robot", "Planet", "Alien", "Starship", "Orbit", "Cyborg", "Nebula", "Quantum", "Android"],
    "Animation": ["Bunny", "Puppy", "Toy", "Dragon", "Kitten", "Cartoon", "Teddy", "Princess", "Pony", "Fairy"],
    "Documentary": ["Ocean", "History", "Nature", "Volcano", "Empire", "Science", "Jungle", "Arctic", "Desert",
                    "River"],
}
GENRE_NAMES = tuple(GENRES)
OCCUPATIONS = ("student", "engineer", "teacher", "artist", "doctor", "writer", "programmer", "retired")
#: 1997-09-20, the first day of MovieLens-100k: dates look like the real set's.
START = 874_724_710


@dataclass(frozen=True)
class MovieLensLike:
    """ratings: columns user, item, rating (1..5), timestamp (s), one row per rating (no repeats).
    movies: index item; columns title, genres ("A|B"), price. users: columns user, age, gender,
    occupation, zip."""

    ratings: pd.DataFrame
    movies: pd.DataFrame
    users: pd.DataFrame

    @property
    def catalog(self) -> ItemCatalog:
        return ItemCatalog(self.movies, {"title": "title", "category": "genres", "price": "price"})

    def interactions(self, max_user: int | None = None) -> Interactions:
        """Ratings as Interactions (value kind "rating", timestamps); users 1..max_user only if given."""
        df = self.ratings if max_user is None else self.ratings[self.ratings["user"] <= max_user]
        return Interactions.from_frame(df, value="rating", timestamp="timestamp")


@lru_cache(maxsize=4)
def movielens_like(n_users: int = 400, n_items: int = 600, seed: int = 0) -> MovieLensLike:
    """The generated data set (cached: the frames are shared, never modify them in place)."""
    rng = np.random.default_rng(seed)
    n_genres = len(GENRES)

    # items: primary genre, sometimes a second one, long-tail popularity, a price by genre
    genre = rng.integers(0, n_genres, n_items)
    second = np.where(rng.random(n_items) < 0.3, rng.integers(0, n_genres, n_items), -1)
    second[second == genre] = -1
    popularity = 1.0 / (rng.permutation(n_items) + 5.0) ** 0.9
    popularity[rng.random(n_items) < 0.05] *= 0.02          # a few titles almost nobody rates
    quality = rng.normal(0.0, 0.5, n_items)
    price = np.round(np.exp(rng.normal(1.5 + 0.15 * genre, 0.4)), 2)
    titles, used = [], set()
    for i in range(n_items):
        words = GENRES[GENRE_NAMES[genre[i]]]
        while True:
            a, b = rng.choice(len(words), 2, replace=False)
            title = f"{words[a]} {words[b]}"
            if second[i] >= 0:
                title += f" {GENRES[GENRE_NAMES[second[i]]][rng.integers(len(words))]}"
            if title not in used:
                break
        used.add(title)
        titles.append(f"{title} ({1970 + rng.integers(0, 28)})")
    genres = [GENRE_NAMES[g] + (f"|{GENRE_NAMES[s]}" if s >= 0 else "") for g, s in zip(genre, second)]
    items = np.arange(1, n_items + 1)
    movies = pd.DataFrame({"title": titles, "genres": genres, "price": price},
                          index=pd.Index(items, name="item"))

    # users: a taste concentrated on one or two genres, demographics that follow the taste
    taste = rng.dirichlet(np.full(n_genres, 0.25), n_users)
    favourite = taste.argmax(1)
    gender = np.where(rng.random(n_users) < 0.25 + 0.5 * np.isin(favourite, [2, 4, 6]), "F", "M")
    age = np.clip(np.round(rng.normal(22 + 4 * favourite, 8)), 7, 73).astype(np.int64)
    occupation = np.array(OCCUPATIONS)[(favourite + rng.integers(0, 2, n_users)) % len(OCCUPATIONS)]
    zips = [f"{z:05d}" for z in rng.integers(10_000, 99_999, n_users)]
    users = pd.DataFrame({"user": np.arange(1, n_users + 1), "age": age, "gender": gender,
                          "occupation": occupation, "zip": zips})

    # ratings: items by popularity x taste, watched in genre runs, liked genres rated higher
    activity = np.clip(np.round(np.exp(rng.normal(3.8, 0.6, n_users))), 20, 150).astype(np.int64)
    item_taste = taste[:, genre] + 0.5 * np.where(second >= 0, taste[:, np.maximum(second, 0)], 0.0)
    rows = []
    for u in range(n_users):
        p = popularity * (0.02 + item_taste[u])
        chosen = rng.choice(n_items, activity[u], replace=False, p=p / p.sum())
        run_of = rng.permutation(n_genres)[genre[chosen]] + rng.random(len(chosen)) * 1.5   # genre runs
        chosen = chosen[np.argsort(run_of, kind="stable")]
        gaps = rng.exponential(6 * 3600.0, len(chosen)).astype(np.int64) + 60
        times = START + rng.integers(0, 200 * 86400) + np.cumsum(gaps)
        liking = 3.0 + 4.0 * (item_taste[u, chosen] - 1.0 / n_genres) + quality[chosen]
        rating = np.clip(np.round(liking + rng.normal(0.0, 0.7, len(chosen))), 1, 5).astype(np.int64)
        rows.append(pd.DataFrame({"user": u + 1, "item": items[chosen], "rating": rating, "timestamp": times}))
    ratings = pd.concat(rows, ignore_index=True)
    ratings = ratings.iloc[rng.permutation(len(ratings))].reset_index(drop=True)   # files are not in time order
    return MovieLensLike(ratings, movies, users)


def write_movielens_like(folder: str | Path, data: MovieLensLike | None = None) -> dict[str, Path]:
    """Write ``data`` (default ``movielens_like()``) to ``folder``; {"ratings", "movies", "users"} -> path."""
    data = data or movielens_like()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"ratings": folder / "ratings.csv", "movies": folder / "movies.csv", "users": folder / "u.user"}
    data.ratings.to_csv(paths["ratings"], index=False)
    data.movies.to_csv(paths["movies"])
    data.users.to_csv(paths["users"], sep="|", header=False, index=False)
    return paths
