"""engine.train: device choice, seeding, the shared torch training loop, curve diagnosis, tuning.

Submodules: ``device`` (resolve_device, describe_devices), ``seed`` (seed_everything),
``loop`` (fit_loop, History, make_validator, finish_fit), ``diagnose`` (diagnose, Diagnosis),
``tune`` (tune, search_space; imports optuna).
"""
