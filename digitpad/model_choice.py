"""Which image model reads: the same choice for the window and for `predict`.

The --model file if given, else the user's fine-tuned model (<user folder>/model/digitpad.tflite)
if there is one; when that one cannot be loaded, the bundled model, and the notice says why.
Only when the bundled model fails too is digitpad's installation at fault.
"""

import dataclasses
import pathlib

from digitpad.model import DigitModel, ModelError
from digitpad.resources import model_path

FALLBACK = "; using the bundled model."  # ends the notice of a --model file that could not be loaded


@dataclasses.dataclass(frozen=True)
class ModelChoice:
    model: DigitModel | None  # the image model to read with; None when none could be loaded
    notice: str = ""  # what the user should be told about it ("" for the bundled model, as usual)
    is_error: bool = False  # the notice reports a problem (a model skipped, or none loaded)
    wanted_skipped: bool = False  # the --model file given could not be loaded (the bundled one reads)


def user_model_path(user_dir: pathlib.Path) -> pathlib.Path:
    """Where `train_model.py --finetune` puts the user's own model, which is read instead of the bundled one."""
    return pathlib.Path(user_dir) / "model" / "digitpad.tflite"


def choose_model(model_file: pathlib.Path | None, user_dir: pathlib.Path | None,
                 bundled: pathlib.Path | None = None) -> ModelChoice:
    """Load the image model to read with (see the module's doc): model_file (--model, None when
    not given), else the fine-tuned model in user_dir (None: none is looked for), else the
    bundled one (None: the one resources.model_path finds)."""
    user_model = user_model_path(user_dir) if user_dir is not None else None
    bundled = model_path() if bundled is None else pathlib.Path(bundled)
    if model_file:
        wanted = pathlib.Path(model_file)
    else:
        wanted = user_model if user_model is not None and user_model.is_file() else None
    candidates = ([wanted] if wanted is not None and wanted != bundled else []) + [bundled]
    errors = []
    for candidate in candidates:
        try:
            model = DigitModel(candidate)
            break
        except ModelError as error:
            errors.append(str(error))
    else:
        reasons = errors[0] if len(errors) == 1 else f"{errors[0]}; the bundled model: {errors[1]}"
        return ModelChoice(None, f"{reasons}. Reinstall digitpad.", True, bool(model_file))
    if errors and model_file:
        return ModelChoice(model, f"{errors[0]}{FALLBACK}", True, True)
    if errors:
        return ModelChoice(model, f"Your fine-tuned model was skipped ({errors[0]}); using the bundled one.", True)
    if user_model is not None and model.path == user_model:
        return ModelChoice(model, f"Using your fine-tuned model: {user_model}")
    return ModelChoice(model)
