"""GRPO fine-tuning of small language models with Google Tunix, in five notebook calls."""
__version__ = "0.1.0"

from .config import ColabTrainingConfig, Secret
from .data import format_prompt, prepare_datasets
from .rewards import create_reward_functions
from .session import ColabSession, prepare_colab_session, preflight
from .train import TrainerState, train_grpo
from .export import export_checkpoint, quick_test, run_full_pipeline, load_trained
from .evaluate import EvalResult, evaluate, evaluation_table
from .sweep import sweep

__all__ = ["ColabTrainingConfig", "Secret", "ColabSession", "TrainerState", "prepare_colab_session", "preflight", "train_grpo",
           "export_checkpoint", "quick_test", "run_full_pipeline", "load_trained", "format_prompt",
           "prepare_datasets", "create_reward_functions", "evaluate", "evaluation_table", "EvalResult", "sweep"]
