from textflix_lib.commands import sp_lime  # noqa: F401
from textflix_lib.commands import highlights  # noqa: F401
from textflix_lib.commands import learning_curve  # noqa: F401
from textflix_lib.commands import textflix  # noqa: F401
from textflix_lib.commands import calibration  # noqa: F401
from textflix_lib.commands import behaviour  # noqa: F401
from textflix_lib.commands import population  # noqa: F401
from textflix_lib.commands import tune  # noqa: F401
