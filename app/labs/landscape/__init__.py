"""Loss-landscape lab: a real network's loss over a plane of its weights, and its training path.

After Li, Xu, Taylor, Studer and Goldstein, "Visualizing the Loss Landscape of Neural Nets" (NeurIPS
2018) and Goodfellow, Vinyals and Saxe (ICLR 2015). ``LandscapeRun`` is the live run; ``surface`` the
one-shot answer; ``pytorch_code`` the script behind the picture.
"""

from app.labs.landscape.code import pytorch_code
from app.labs.landscape.config import LandscapeConfig
from app.labs.landscape.oneshot import surface
from app.labs.landscape.roughness import roughness
from app.labs.landscape.run import LandscapeRun

__all__ = ["LandscapeConfig", "LandscapeRun", "pytorch_code", "roughness", "surface"]
