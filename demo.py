"""The demo account that `make run` logs in with: the simulator serves it, the demo login stores it.

Both read this module so they agree, and neither has to import the other (the simulator stands in for
Huawei's servers and must share no code with the dashboard). None of this is a real secret.
"""

REGION = "cn-north-4"
PROJECT_ID = "5a1e0000000000000000000000000001"
ACCESS_KEY = "DEMOAK0SIMULATOR0001"
SECRET_KEY = "DemoSecretKey0ForTheModelArtsSimulator01"
DOMAIN_NAME = "demo-account"
USER_NAME = "demo-user"
PASSWORD = "Demo-Passw0rd!"
