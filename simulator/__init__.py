"""A stand-alone imitation of Huawei Cloud ModelArts visualization jobs and IAM, for demos and tests.

Run it with ``python -m simulator``, or in-process with ``simulator.server.Simulator``. It imports no
Django: it only shares the request-signing code with the dashboard, so both sides sign alike.
"""
