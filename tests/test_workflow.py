"""The release workflow (.github/workflows/release.yml) runs only on GitHub; here its shape is checked:
the three systems, the build from build_exe.spec, the checks of both executables, the artefact
upload, and that every repository file it names exists."""

import re
import shutil
import subprocess

import pytest
import yaml

from tests.conftest import REPO

WORKFLOW_FILE = REPO / ".github" / "workflows" / "release.yml"
WORKFLOW = yaml.safe_load(WORKFLOW_FILE.read_text())
TRIGGERS = WORKFLOW.get("on", WORKFLOW.get(True))  # YAML 1.1 reads a bare `on:` key as true
JOB = WORKFLOW["jobs"]["build"]
STEPS = JOB["steps"]
SCRIPTS = {step["name"]: step["run"] for step in STEPS if "run" in step}
ALL_SCRIPTS = "\n".join(SCRIPTS.values())
CHECK_SCRIPT = next(script for script in SCRIPTS.values() if "--self-test" in script)


def requirement_lines(name: str) -> list[str]:
    """The requirement lines of a requirements file and of the files it includes with -r."""
    lines = []
    for line in (REPO / name).read_text().splitlines():
        line = re.sub(r"(^|\s)#.*", "", line).strip()
        if line.startswith("-r "):
            lines += requirement_lines(line[3:].strip())
        elif line:
            lines.append(line)
    return lines


def named_repository_files() -> list[str]:
    """Files of the checkout the workflow names: trigger paths, pip cache keys, -r files, the spec,
    and paths in its scripts that start in a folder of the repository (outputs under dist/ left out)."""
    setup_python = next(step for step in STEPS if step.get("uses", "").startswith("actions/setup-python@"))
    names = set(TRIGGERS["pull_request"]["paths"])
    names |= set(setup_python["with"]["cache-dependency-path"].split())
    names |= set(re.findall(r"-r (\S+)", ALL_SCRIPTS))
    names |= set(re.findall(r"[\w.-]+\.spec\b", ALL_SCRIPTS))
    names |= {path for path in re.findall(r"(?<![\w./$-])[\w.-]+(?:/[\w.-]+)+", ALL_SCRIPTS)
              if (REPO / path.split("/")[0]).is_dir() and not path.startswith(("dist/", "build/", "../"))}
    return sorted(names)


def test_triggers_on_version_tags_and_by_hand():
    assert TRIGGERS["push"]["tags"] == ["v*"]
    assert "workflow_dispatch" in TRIGGERS


def test_matrix_builds_on_linux_windows_and_macos():
    systems = [entry["os"].split("-")[0] for entry in JOB["strategy"]["matrix"]["include"]]
    assert sorted(systems) == ["macos", "ubuntu", "windows"]
    assert JOB["runs-on"] == "${{ matrix.os }}"


def test_every_step_runs_in_bash():
    assert WORKFLOW["defaults"]["run"]["shell"] == "bash"
    assert all(step.get("shell", "bash") == "bash" for step in STEPS)


def test_installs_only_the_build_requirements():
    assert re.findall(r"pip install (.+)", ALL_SCRIPTS) == ["-r requirements-build.txt"]


@pytest.mark.parametrize("name", ["requirements-build.txt", "requirements-app.txt"])
def test_build_requirements_carry_no_training_packages(name):
    """TensorFlow has no macOS wheels: the workflow's requirements must not pull it in."""
    assert not [line for line in requirement_lines(name) if re.match(r"(tensorflow|keras)\b", line)]


def test_pyinstaller_is_pinned_once_and_requirements_txt_includes_the_build():
    pins = [line for line in requirement_lines("requirements.txt") if line.startswith("pyinstaller")]
    assert len(pins) == 1 and re.fullmatch(r"pyinstaller==[\d.]+", pins[0])
    assert pins == [line for line in requirement_lines("requirements-build.txt") if line.startswith("pyinstaller")]


def test_builds_from_the_spec():
    assert re.search(r"python -m PyInstaller .*\bbuild_exe\.spec\b", ALL_SCRIPTS)


@pytest.mark.parametrize("program", ["dist/digitpad/digitpad-cli", "dist/digitpad/digitpad",
                                     "dist/digitpad-onefile-$VERSION"])
def test_each_program_is_checked(program):
    assert re.search(rf'^check "{re.escape(program)}\$suffix" ', CHECK_SCRIPT, re.MULTILINE)


def test_check_runs_self_test_and_reads_42():
    assert '--self-test' in CHECK_SCRIPT and '"self-test passed"' in CHECK_SCRIPT
    assert "predict sample-42.png" in CHECK_SCRIPT and '"sample-42.png: 42 "' in CHECK_SCRIPT


def test_packages_are_uploaded_as_artefacts():
    uploads = [step for step in STEPS
               if step.get("uses", "").startswith("actions/upload-artifact@") and "if" not in step]
    assert len(uploads) == 1
    assert uploads[0]["with"]["path"] == "packages/" and uploads[0]["with"]["if-no-files-found"] == "error"
    assert "packages/digitpad-$VERSION-$PLATFORM" in ALL_SCRIPTS


def test_actions_are_pinned_to_a_major_version():
    for step in STEPS:
        if "uses" in step:
            assert re.fullmatch(r"actions/[\w-]+@v\d+", step["uses"]), step["uses"]


def test_no_expressions_inside_scripts():
    """Values reach scripts through env:, so a branch or tag name is never pasted into bash."""
    assert "${{" not in ALL_SCRIPTS


def test_nothing_from_one_machine():
    text = WORKFLOW_FILE.read_text()
    assert not re.search(r"(^|[\s\"'=])(/work|/tmp|/root|/home|/opt|/Users|~/)|[A-Za-z]:\\", text)


@pytest.mark.parametrize("name", named_repository_files())
def test_named_file_exists(name):
    assert (REPO / name).exists(), f"{WORKFLOW_FILE.name} names {name}, which is not in the repository"


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_script_is_valid_bash(name):
    completed = subprocess.run(["bash", "-n"], input=SCRIPTS[name], capture_output=True, text=True, timeout=30)
    assert completed.returncode == 0, completed.stderr
