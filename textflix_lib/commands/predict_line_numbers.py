"""`allennlp predict` reports an unreadable input line without saying which one; we wrap its
line reader so the error names the file and the line number."""
import sys
from typing import Iterator

from allennlp.commands.predict import _PredictManager
from allennlp.common.file_utils import cached_path, open_compressed
from allennlp.common.util import JsonDict

from textflix_lib.data.errors import DataFormatError


def _numbered_json_data(self: _PredictManager) -> Iterator[JsonDict]:
    source = "<stdin>" if self._input_file == "-" else self._input_file
    handle = sys.stdin if self._input_file == "-" else open_compressed(cached_path(self._input_file))
    try:
        for number, line in enumerate(handle, start=1):
            if line.isspace():
                continue
            try:
                yield self._predictor.load_line(line)
            except Exception as error:  # noqa: BLE001 - any parse failure gets the line number
                raise DataFormatError(
                    source, f"cannot read this line ({type(error).__name__}: {error}); "
                    "expected one JSON object per line, like {\"text\": \"...\"}", number
                ) from error
    finally:
        if handle is not sys.stdin:
            handle.close()


_PredictManager._get_json_data = _numbered_json_data
