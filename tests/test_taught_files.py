import pathlib

from digitpad.taught_files import TaughtFiles


def test_known_files_follow_teaching_taking_back_and_forgetting(tmp_path):
    files = TaughtFiles()
    assert not files.known and files.count == 0
    taught_meanwhile = tmp_path / "2" / "b.png"
    files.added(taught_meanwhile)
    files.found([tmp_path / "1" / "a.png", taught_meanwhile])
    assert files.known and files.paths == (tmp_path / "1" / "a.png", taught_meanwhile)
    files.removed(pathlib.Path(tmp_path / "1" / "a.png"))
    assert files.paths == (taught_meanwhile,)
    taught_meanwhile.parent.mkdir()
    kept = tmp_path / "2" / "c.png"
    kept.write_bytes(b"x")
    files.added(kept)
    files.keep_existing()
    assert files.paths == (kept,) and files.count == 1
