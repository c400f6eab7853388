"""A stand-alone imitation of Huawei Cloud ModelArts visualization jobs and IAM, for demos and tests.

Run it with ``python -m simulator``, or in-process with ``simulator.server.Simulator``. It serves the reads
and the writes, which act at a set pace (``lifecycle``). It imports nothing of the dashboard, Django or the
client's signer: its signature check is its own reading of the gateway's rules (``signature``), so a signing
mistake cannot hide by being made on both sides.
"""
