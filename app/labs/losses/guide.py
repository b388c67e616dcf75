"""Which loss for which task: the summary of notes 000 and 001 as data, in English and Chinese."""

from typing import Any

GUIDE: tuple[dict[str, Any], ...] = (
    {
        "id": "multiclass",
        "output_layer": "softmax",
        "loss": "cross_entropy",
        "torch": "nn.CrossEntropyLoss()",
        "task": {
            "en": "Multi-class classification (exactly one class per sample)",
            "zh": "多分类(每个样本恰好属于一个类别)",
        },
        "why": {
            "en": "CrossEntropyLoss takes raw logits and applies log-softmax itself; adding a "
            "softmax layer before it applies softmax twice and slows training.",
            "zh": "CrossEntropyLoss 直接接收 logits,内部已包含 log-softmax;"
            "在它之前再加 softmax 会重复计算,影响训练。",
        },
    },
    {
        "id": "binary",
        "output_layer": "sigmoid",
        "loss": "bce",
        "torch": "nn.BCELoss()  # or nn.BCEWithLogitsLoss() on logits",
        "task": {
            "en": "Binary classification, e.g. logistic regression",
            "zh": "二分类,例如逻辑回归",
        },
        "why": {
            "en": "One sigmoid output is the probability of the positive class; BCE is the "
            "two-class case of cross-entropy. BCEWithLogitsLoss fuses the sigmoid and is "
            "numerically stable for large logits.",
            "zh": "一个 sigmoid 输出即正类的概率;BCE 是交叉熵的二分类特例。"
            "BCEWithLogitsLoss 内置 sigmoid,对很大的 logit 也数值稳定。",
        },
    },
    {
        "id": "multilabel",
        "output_layer": "sigmoid",
        "loss": "bce_with_logits",
        "torch": "nn.BCEWithLogitsLoss()",
        "task": {
            "en": "Multi-label classification (several labels may be true at once)",
            "zh": "多标签分类(一个样本可同时有多个标签)",
        },
        "why": {
            "en": "Each label is its own yes/no question, so each output gets its own sigmoid "
            "and binary cross-entropy; softmax would force the labels to compete.",
            "zh": "每个标签都是独立的是/否问题,每个输出各自用 sigmoid 和二元交叉熵;"
            "softmax 会让标签之间互相竞争。",
        },
    },
    {
        "id": "regression",
        "output_layer": "linear",
        "loss": "mse",
        "torch": "nn.MSELoss()",
        "task": {"en": "Regression (predict a number)", "zh": "回归(预测一个数值)"},
        "why": {
            "en": "MSE (L2) is convex with a single minimum and punishes large errors heavily; "
            "its gradient grows with the error, so outliers pull hard.",
            "zh": "MSE(L2)是凸函数,只有一个全局最小值,对大误差惩罚重;"
            "梯度随误差增大,因此对异常值敏感。",
        },
    },
    {
        "id": "regression_outliers",
        "output_layer": "linear",
        "loss": "smooth_l1",
        "torch": "nn.SmoothL1Loss(beta=1.0)  # or nn.L1Loss()",
        "task": {
            "en": "Regression with outliers, e.g. bounding boxes in object detection",
            "zh": "有异常值的回归,例如目标检测中的边界框回归(Faster R-CNN)",
        },
        "why": {
            "en": "SmoothL1 is quadratic for small errors and linear beyond beta, so it keeps "
            "precise fitting near the target without letting outliers dominate; L1 (MAE) "
            "is robust too but its gradient does not shrink near the minimum.",
            "zh": "SmoothL1 在误差小时是平方(L2),超过 beta 后是线性(L1),"
            "既能精细拟合又不被异常值主导;L1(MAE)同样稳健,但在最小值附近梯度不变小。",
        },
    },
)


def guide() -> list[dict[str, Any]]:
    """The guide as JSON-ready data; each entry has the same keys in ``en`` and ``zh``."""
    return [dict(entry) for entry in GUIDE]
