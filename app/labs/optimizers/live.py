"""The live run behind /ws/runs lab ``optimizers``: a race or a swarm, stepped by the engine."""

import dataclasses
import math
from array import array
from collections.abc import Mapping
from typing import Any

from app.labs.common.copying import copy_sharing
from app.labs.common.series import doubling
from app.labs.errors import FieldError
from app.labs.optimizers.config import DEFAULT_LIMITS, Checked, Limits, OptimizersConfig, check_config
from app.labs.optimizers.engine import Block
from app.labs.optimizers.race import Race
from app.labs.optimizers.racer import Racer
from app.labs.optimizers.specs import FIXED_AFTER_START, check_consistent, check_value, default_hyper
from app.labs.optimizers.swarm import Swarm, shown_per_cloud, swarm_starts


def label(name: str, changed: Mapping[str, Any]) -> str:
    """``adam lr=0.05``: enough to tell two racers of one kind apart on a legend."""
    parts = [f"{k}={list(v) if isinstance(v, tuple) else v}" for k, v in changed.items()]
    return " ".join([name, *parts])


class OptimizerRun:
    """Satisfies ``app.runs.protocol.LiveRun``."""

    def __init__(self, config: OptimizersConfig, limits: Limits = DEFAULT_LIMITS) -> None:
        self.checked: Checked = check_config(config, limits)
        self.config = config
        checked = self.checked
        self._race: Race | None = None
        self._swarm: Swarm | None = None
        if config.mode == "race":
            self._race = Race(checked.surface, checked.start, checked.specs)
            self._blocks: list[Block] = self._race.batch.blocks
        else:
            starts = swarm_starts(checked.surface, config.swarm_size, config.swarm_layout, config.seed)
            grid = config.swarm_layout == "grid"
            shown = shown_per_cloud(config.cloud_points, len(checked.specs))
            self._swarm = Swarm(checked.surface, checked.specs, starts, shown, config.seed, grid)
            self._blocks = self._swarm.batch.blocks
            # a mean per step per cloud, as 8-byte doubles rather than Python floats: runs are long
            self._means = [array("d", [self._swarm.cloud_mean(i)]) for i in range(len(self._blocks))]

    def __deepcopy__(self, memo: dict[int, Any]) -> "OptimizerRun":
        """A branch of this run: its own points, optimisers and records; the surface, the racers'
        specs and a swarm's fixed starting cloud shared."""
        fixed: list[object] = [self.checked]
        if self._swarm is not None:
            fixed += [self._swarm.starts, self._swarm.shown, self._swarm._minima]
        return copy_sharing(self, memo, fixed)

    @property
    def steps_done(self) -> int:
        if self._race:
            return self._race.steps_done
        assert self._swarm is not None
        return self._swarm.steps_done

    @property
    def total_steps(self) -> int:
        return self.config.steps

    @property
    def finished(self) -> bool:
        if self._race and self._race.finished_racing:
            return True
        return self.steps_done >= self.config.steps

    def step(self) -> float:
        """One step for everyone; the mean surface value of the racers still going (nan if none)."""
        if self._race:
            self._race.step()
            race = self._race
            alive = [race.last_value(i) for i, d in enumerate(race.diverged) if not d]
            return sum(alive) / len(alive) if alive else math.nan
        assert self._swarm is not None
        loss = self._swarm.step()
        for i, means in enumerate(self._means):
            means.append(self._swarm.cloud_mean(i))
        return loss

    def frame(self) -> dict[str, Any]:
        config = self.config
        head = {"mode": config.mode}
        if self._race:
            return {**head, "racers": [self._racer_frame(i) for i in range(len(self._blocks))]}
        assert self._swarm is not None
        clouds = []
        for i, block in enumerate(self._blocks):
            shown = doubling(len(self._means[i]), self.config.path_points)
            clouds.append({
                **self._identity(i, block),
                **self._swarm.cloud(i),
                "curve": {"steps": shown, "values": [self._means[i][k] for k in shown]},
            })  # fmt: skip
        starts = self._swarm.starts[self._swarm.shown].tolist()
        return {**head, "size": self._swarm.size, "starts": starts, "clouds": clouds}

    def _identity(self, i: int, block: Block) -> dict[str, Any]:
        base = default_hyper(block.spec.name)
        changed = {k: block.group[k] for k in base if block.group[k] != base[k]}
        return {"index": i, "name": block.spec.name, "label": label(block.spec.name, changed)}

    def _racer_frame(self, i: int) -> dict[str, Any]:
        assert self._race is not None
        shown = doubling(self._race.lengths[i], self.config.path_points)
        points, values = self._race.path(i, shown)
        return {
            **self._identity(i, self._blocks[i]),
            "diverged": self._race.diverged[i],
            "steps": shown,
            "points": points,
            "values": values,
            "state": self._race.racer_state(i),
        }

    def set_params(self, params: Mapping[str, Any]) -> None:
        """``{"lr": 0.1}`` for every racer, or ``{"racers": [{"index": 0, "momentum": 0.5}, ...]}``.

        Everything is checked before anything changes, so a refused message leaves the run as it was.
        """
        changes: list[tuple[Block, str, Any]] = []
        for key, value in params.items():
            if key == "racers":
                changes += self._racer_changes(value)
            elif key == "lr":
                changes += [(b, "lr", check_value("lr", value, "lr")) for b in self._blocks]
            else:
                raise FieldError(key, "only lr (for everyone) or racers ([{index, ...}]) can change mid-run")
        self._check_combined(changes)
        for block, key, value in changes:
            block.group[key] = value

    def _racer_changes(self, racers: Any) -> list[tuple[Block, str, Any]]:
        if not isinstance(racers, list):
            raise FieldError("racers", f"expected a list of {{index, ...}}, got {racers!r}")
        changes = []
        for j, item in enumerate(racers):
            where = f"racers[{j}]"
            if not isinstance(item, Mapping):
                raise FieldError(where, f"expected {{index, ...}}, got {item!r}")
            index = item.get("index")
            if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(self._blocks):
                raise FieldError(f"{where}.index", f"expected 0 to {len(self._blocks) - 1}, got {index!r}")
            block = self._blocks[index]
            for key, value in item.items():
                if key == "index":
                    continue
                if key not in block.spec.hyper:
                    raise FieldError(f"{where}.{key}", f"{block.spec.name} has no hyperparameter {key!r}")
                if key in FIXED_AFTER_START:
                    raise FieldError(f"{where}.{key}", f"{key} is fixed once the run starts; reset to change it")
                changes.append((block, key, check_value(key, value, f"{where}.{key}")))
        return changes

    def _check_combined(self, changes: list[tuple[Block, str, Any]]) -> None:
        for index, block in enumerate(self._blocks):
            mine = {key: value for b, key, value in changes if b is block}
            if not mine:
                continue
            after = {**{k: block.group[k] for k in block.spec.hyper}, **mine}
            check_consistent(block.spec.name, after, f"racers[{index}]")
            # torch makes RMSprop's momentum buffer only if momentum was on from the first step
            if block.spec.name == "rmsprop" and after["momentum"] > 0 and block.spec.hyper["momentum"] == 0:
                raise FieldError(f"racers[{index}].momentum", "RMSprop started without momentum; reset to add it")

    def current_config(self) -> OptimizersConfig:
        """The config as it stands now, mid-run changes included: what the code panel reproduces. Its racers
        are wire-shaped mappings (only the fields set), which the lab's checks take as well as a Racer."""
        optimizers: list[Any] = []
        for block, given in zip(self._blocks, self.config.optimizers, strict=True):
            raw = given.wire() if isinstance(given, Racer) else given  # a Racer, or wire data given directly
            now = {k: (list(block.group[k]) if k == "betas" else block.group[k]) for k in block.spec.hyper}
            base = {k: (list(v) if isinstance(v, tuple) else v) for k, v in block.spec.hyper.items()}
            kept = {k: v for k, v in raw.items() if k in ("name", "start")}
            optimizers.append({**kept, **{k: now[k] for k in now if k in raw or now[k] != base[k]}})
        return dataclasses.replace(self.config, optimizers=optimizers)
