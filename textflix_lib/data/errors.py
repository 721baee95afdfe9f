"""Errors for bad input data: every message names the source, the line and what was expected."""
from typing import Optional, Union
import os


class DataFormatError(ValueError):
    """A data file (or one line of it) is not what a reader expects."""

    def __init__(self, path: Union[str, os.PathLike], problem: str, line: Optional[int] = None):
        self.path = str(path)
        self.line = line
        self.problem = problem
        where = self.path if line is None else f"{self.path}, line {line}"
        super().__init__(f"{where}: {problem}")
