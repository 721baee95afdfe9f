from textflix_lib.commands import predict_line_numbers  # noqa: F401
