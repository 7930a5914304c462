"""What the engine needs from the machine: the cache folder (``cache``), the compute device
(``device``: cuda > mps > cpu), seeding (``seed``), output files that appear only complete
(``files``). No model or data knowledge."""
