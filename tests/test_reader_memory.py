"""readers/memory.py: the allocator is tuned only in spikecheck's own command-line process
(a program importing spikecheck keeps its allocator), once, and trims on request."""

from __future__ import annotations

import subprocess
import sys

from spikecheck.readers import memory


class FakeLibc:
    def __init__(self):
        self.calls = []

    def mallopt(self, param, value):
        self.calls.append(("mallopt", param, value))
        return 1

    def malloc_trim(self, pad):
        self.calls.append(("malloc_trim", pad))
        return 1


def test_a_library_user_keeps_its_allocator(monkeypatch):
    libc = FakeLibc()
    monkeypatch.setattr(memory, "_libc", libc)
    monkeypatch.setattr(memory, "_tuned", False)
    monkeypatch.setattr(memory, "CLI", False)
    memory.reuse_freed_memory()
    assert libc.calls == []
    memory.release()
    assert libc.calls == [("malloc_trim", 0)]


def test_the_command_line_process_is_tuned_once(monkeypatch):
    libc = FakeLibc()
    monkeypatch.setattr(memory, "_libc", libc)
    monkeypatch.setattr(memory, "_tuned", False)
    monkeypatch.setattr(memory, "CLI", True)
    memory.reuse_freed_memory()
    memory.reuse_freed_memory()
    assert [c[:2] for c in libc.calls] == [("mallopt", -3), ("mallopt", -1)]


def test_no_glibc_is_no_error(monkeypatch):
    monkeypatch.setattr(memory, "_libc", False)
    monkeypatch.setattr(memory, "_tuned", False)
    monkeypatch.setattr(memory, "CLI", True)
    memory.reuse_freed_memory()
    memory.release()


def test_only_the_cli_entry_point_sets_the_flag():
    code = ("import spikecheck.api, spikecheck.readers.registry, spikecheck.readers.memory as m;"
            "print(m.CLI)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr
