"""The preset scenes are served from the labs' declarations, and every one is a config the server takes."""

from app.labs.initialization.presets import PRESETS as INIT_PRESETS
from app.labs.training.presets import PRESETS as TRAINING_PRESETS


def test_training_presets_are_the_labs_and_each_is_a_valid_run(client):
    served = client.get("/api/training/presets").json()
    assert served == TRAINING_PRESETS
    assert served["weight_decay"]["compare"] == {"weight_decay": 0} and served["weight_decay"]["dataset"] == "xor"
    for name, config in served.items():
        response = client.post("/api/training/code", json=config)
        assert response.status_code == 200, (name, response.text)


def test_initialization_presets_are_the_labs_and_each_is_a_valid_run(client):
    served = client.get("/api/init/presets").json()
    assert served == INIT_PRESETS
    for name, config in served.items():
        response = client.post("/api/init/code", json=config)
        assert response.status_code == 200, (name, response.text)
