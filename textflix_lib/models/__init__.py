from textflix_lib.models.nbsvm import NbsvmClassifier  # noqa: F401
from textflix_lib.models.self_training import SelfTrainingNbsvm  # noqa: F401
