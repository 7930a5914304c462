"""Text: the shipped sentence encoder (all-MiniLM-L6-v2) loaded offline by its pinned hash
(``encoder``), with embeddings cached in RecScope's cache folder."""
