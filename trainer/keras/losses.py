"""Keras' loss and metric names, mapped to the engine's, and what a loss makes
the engine train for (task_of)."""

LOSSES = {  # Keras name -> spec loss
    "mean_squared_error": "mse",
    "mse": "mse",
    "MeanSquaredError": "mse",
    "mean_absolute_error": "mae",
    "mae": "mae",
    "MeanAbsoluteError": "mae",
    "binary_crossentropy": "binary_crossentropy",
    "BinaryCrossentropy": "binary_crossentropy",
    "categorical_crossentropy": "categorical_crossentropy",
    "CategoricalCrossentropy": "categorical_crossentropy",
    "sparse_categorical_crossentropy": "categorical_crossentropy",
    "SparseCategoricalCrossentropy": "categorical_crossentropy",
    "half_mse": "half_mse",  # TensorFlow Playground's ½·squared error
}
KERAS_LOSS = {
    "mse": "mean_squared_error",
    "mae": "mean_absolute_error",
    "half_mse": "half_mse",
    "binary_crossentropy": "binary_crossentropy",
    "categorical_crossentropy": "sparse_categorical_crossentropy",
}
METRICS = {  # Keras name -> the name in logs and history
    "accuracy": "accuracy",
    "acc": "accuracy",
    "binary_accuracy": "accuracy",
    "categorical_accuracy": "accuracy",
    "sparse_categorical_accuracy": "accuracy",
    "root_mean_squared_error": "root_mean_squared_error",
    "rmse": "root_mean_squared_error",
    "RootMeanSquaredError": "root_mean_squared_error",
    "r2_score": "r2_score",
    "r2": "r2_score",
    "R2Score": "r2_score",
}
ENGINE_METRIC = {"accuracy": "accuracy", "root_mean_squared_error": "rmse", "r2_score": "r2"}


def check_loss(value: object) -> str:
    """A Keras loss name as given, or Keras' ValueError."""
    if isinstance(value, str) and value in LOSSES:
        return value
    raise ValueError(
        f"Could not interpret loss identifier: {value!r}. Use one of: "
        f"{', '.join(sorted(k for k in LOSSES if k.islower()))}"
    )


def metric_names(metrics: list | None) -> list[str]:
    out = []
    for m in metrics or []:
        if not isinstance(m, str) or m not in METRICS:
            raise ValueError(f"Could not interpret metric identifier: {m!r}. Use one of: {', '.join(sorted(METRICS))}")
        if METRICS[m] not in out:
            out.append(METRICS[m])
    return out


def task_of(loss: str, metrics: list[str], out_units: int) -> str:
    """What the engine trains for: categorical losses are multiclass, binary
    cross-entropy is binary; other losses classify when "accuracy" is asked
    for (binary with one output unit) and are a regression otherwise."""
    spec_loss = LOSSES[loss]
    if spec_loss == "categorical_crossentropy":
        return "multiclass"
    if spec_loss == "binary_crossentropy":
        return "binary"
    if "accuracy" in metrics:
        return "binary" if out_units == 1 else "multiclass"
    return "regression"


def default_metrics(task: str) -> list[str]:
    return ["root_mean_squared_error"] if task == "regression" else ["accuracy"]
