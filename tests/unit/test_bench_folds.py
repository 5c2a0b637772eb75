"""The fold model files `make bench` scores WCXB-dev out-of-fold with: in step with the shipped
models, one fold per page, and really the files the runtime reads while a fold is in use."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bench.wcxb import fold_of_pages, use_fold

from article_extractor.pipeline.model import content_model, page_type, text_model

ROOT = Path(__file__).resolve().parents[2]
FOLDS = ROOT / "training" / "folds"
SHIPPED = Path(content_model.__file__).parent
MODELS = ("page_type.json", "content_model.json", "text_model.json")


def _json(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture
def restored_models() -> Iterator[None]:
    saved = content_model.MODEL_PATH, page_type.MODEL_PATH, text_model.MODEL_PATH
    yield
    content_model.MODEL_PATH, page_type.MODEL_PATH, text_model.MODEL_PATH = saved
    content_model._model.cache_clear()
    page_type._model.cache_clear()
    text_model.shipped.cache_clear()


def test_every_page_is_in_one_of_five_folds() -> None:
    fold_of = fold_of_pages(FOLDS)
    sizes = Counter(fold_of.values())
    assert sorted(sizes) == [0, 1, 2, 3, 4]
    assert min(sizes.values()) > 0.15 * len(fold_of)
    for fold in sizes:
        assert all((FOLDS / str(fold) / name).is_file() for name in MODELS)


@pytest.mark.parametrize("name", MODELS)
def test_fold_models_read_the_shipped_model_s_features(name: str) -> None:
    # A refit that changes a feature must re-export the folds too (training/README.md, step 7):
    # the runtime computes the shipped features, and a fold file weighing others scores nonsense.
    shipped = _json(SHIPPED / name)
    for fold in range(5):
        model = _json(FOLDS / str(fold) / name)
        assert model.get("features") == shipped.get("features")
        assert model.get("classes") == shipped.get("classes")
        assert model.get("bits") == shipped.get("bits")
        weights = "weights" if "weights" in shipped else "coef"
        assert model[weights] != shipped[weights]  # fitted without the held-out fold


@pytest.mark.usefixtures("restored_models")
def test_use_fold_makes_the_runtime_read_that_fold_s_files() -> None:
    use_fold(FOLDS / "3")
    assert page_type._model()["coef"] == _json(FOLDS / "3" / "page_type.json")["coef"]
    assert content_model._model()["coef"] == _json(FOLDS / "3" / "content_model.json")["coef"]
    assert text_model.shipped().bias == _json(FOLDS / "3" / "text_model.json")["bias"]
    use_fold(FOLDS / "1")
    assert page_type._model()["coef"] == _json(FOLDS / "1" / "page_type.json")["coef"]
