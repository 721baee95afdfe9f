"""Shared helpers for the GPU runs (experiments/gpu)'s import-time stand-ins (experiments/gpu/stubs/).

The remote machine has no spaCy/thinc/blis (too big for the 64 MiB upload) and no
boto3/botocore/google-cloud-* (only cached_path's s3://, r2://, gs:// schemes import them).
AllenNLP and cached_path import these at module import time only; the textflix training path
never uses them. Any real use raises StubUsedError naming the stub.
"""


class StubUsedError(RuntimeError):
    pass


def fail(what):
    raise StubUsedError(
        f"{what} was used, but this is a stand-in from experiments/gpu/stubs (the real package is not installed "
        "on the GPU machine; the textflix transformer path does not need it)."
    )


class StubClass:
    """A class usable in isinstance checks and annotations; instantiating it raises."""

    def __init__(self, *args, **kwargs):
        fail(f"{type(self).__module__}.{type(self).__name__}")


def make_class(module, name, base=StubClass):
    return type(name, (base,), {"__module__": module})


def stub_function(qualname):
    def function(*args, **kwargs):
        fail(qualname)

    function.__name__ = qualname.rsplit(".", 1)[-1]
    return function
