from textflix_lib.models.nbsvm import NbsvmClassifier  # noqa: F401
