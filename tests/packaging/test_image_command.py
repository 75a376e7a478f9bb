"""The container image's command, in a container-like fresh environment.

No Docker engine is needed: the test does what the Dockerfile does (build the wheel, install it into a
fresh virtualenv that has no source tree beside it), then runs the image's entry point from an empty
working directory and talks to the bot the way Slack does.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import venv
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.demo import CHANNEL, DEMO_DATA
from bot.localslack import FakeSlack, SlackSender
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.slack.test_run_command import free_port, wait_healthy

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "docker" / "entrypoint.sh"
_NOT_IN_CONTEXT = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", "*_cache", "demo-output", "*.db*"
)


@pytest.fixture(scope="module")
def installed_image(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """/opt/venv of the image: the wheel and its dependencies, and nothing of the source tree."""
    wheels = tmp_path_factory.mktemp("wheels")
    # Like the image's build context: the sources only, no build/ left by an earlier wheel (which
    # would still hold modules since deleted or renamed), no .venv, no caches.
    context = tmp_path_factory.mktemp("context") / "src"
    shutil.copytree(ROOT, context, ignore=_NOT_IN_CONTEXT)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    _run([*pip, "wheel", str(context), "--no-deps", "--wheel-dir", str(wheels)])
    target = tmp_path_factory.mktemp("image") / "venv"
    venv.create(target, with_pip=False)
    wheel = next(wheels.glob("consult_bot-*.whl"))
    _run([*pip, "--python", str(target / "bin" / "python"), "install", str(wheel)])
    return target


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}"


@pytest.fixture
def container(installed_image: Path, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[str]:
    port = free_port()
    data = tmp_path / "data"
    workdir = tmp_path / "app"
    workdir.mkdir()
    env = {
        "PATH": f"{installed_image / 'bin'}:/usr/bin:/bin",
        "VIRTUAL_ENV": str(installed_image),
        "HOME": str(workdir),
        "DATABASE_URL": f"sqlite:///{data / 'consult.db'}",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.api_url,
    }
    subprocess.run(
        [str(ENTRYPOINT), "partners", "import", str(DEMO_DATA / "partners.csv")],
        cwd=workdir,
        env=env,
        check=True,
        capture_output=True,
    )
    process = subprocess.Popen(
        [str(ENTRYPOINT)], cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        # A fresh venv compiles every module on first import: give it longer than a warm checkout.
        wait_healthy(url, process, timeout=120)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        # A clean shutdown: what was in flight is finished and the process says it stopped.
        assert process.wait(timeout=20) == 0, process.stdout.read() if process.stdout else ""


def test_the_images_command_migrates_and_serves_slack_from_a_fresh_environment(
    container: str, fake_slack: FakeSlack
) -> None:
    fake_slack.reset()
    slack = SlackSender(container + "/slack/events", SIGNING_SECRET, fake_slack)
    assert slack.slash("/propose", "Cluster vouchers", user="U0PL00001", channel=CHANNEL).status == 200
    view = fake_slack.wait_for("views.open")[0].response["view"]
    assert view["title"]["text"], "the proposal modal opened"
