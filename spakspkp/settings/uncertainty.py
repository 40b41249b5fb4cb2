"""How sure a figure is (reporting/uncertainty.py): the margin officers aim for."""
from .env import env_float

# The 95 % margin of error, in IK points, that the "target by precision" beside the Krejcie–Morgan target
# aims for: the responses needed for ± this margin given the unit's observed spread.
PRECISION_TARGET_MARGIN = env_float("PRECISION_TARGET_MARGIN", 3.0, minimum=0.1)
