"""Without the Textual privates the app uses (tui/privates.py), it works as
Textual's public API makes it: the same screens, painted a little later."""

from textual.app import App
from textual.screen import Screen

from test_tui import open_result, run, screen_text, seed_index, settle, type_query  # noqa: F401
from wartui.tui import privates
from wartui.tui.app import WartuiApp
from wartui.tui.screens.document import DocumentScreen


def test_the_app_works_without_textuals_privates(seed_index, monkeypatch):  # noqa: F811
    assert all(hasattr(owner, name) for owner, name in (
        (App, privates.REGISTER), (Screen, privates.REFRESH_LAYOUT),
        (Screen, privates.TIMER_UPDATE)))  # (the Textual tested has them)
    for name in ("REGISTER", "REFRESH_LAYOUT", "TIMER_UPDATE"):
        monkeypatch.setattr(privates, name, "_no_such_private")
    called = []
    for name in ("lay_out", "paint_now"):
        real = getattr(privates, name)
        monkeypatch.setattr(privates, name,
                            lambda *args, real=real, name=name: called.append(
                                (name, real(*args))) or called[-1][1])
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        await type_query(pilot, "Taqsis")
        assert "Taqsis" in screen_text(pilot.app)
        await open_result(pilot, "000_1d8dfec3ee535e83")
        assert isinstance(pilot.app.screen, DocumentScreen)
        assert "Rastan" in screen_text(pilot.app)
        await pilot.press("escape")
        await settle(pilot)
        assert "Taqsis" in screen_text(pilot.app)

    run(app, scenario)
    assert called and not any(done for _, done in called)  # each fell back


def test_a_private_that_fails_falls_back():
    class Broken:
        def _register(self, *args):
            raise TypeError("signature changed")

        def _refresh_layout(self, size):
            raise AttributeError("gone inside")

    assert privates.register_screen(Broken(), object()) is False
    assert privates.lay_out(Broken(), (80, 24)) is False
