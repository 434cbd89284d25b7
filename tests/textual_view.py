"""What the tests read of a running Textual app that Textual has no public
call for: the screen as a terminal shows it (the compositor's strips). Kept
here, in one place, as the app keeps its own private uses in
src/wartui/tui/privates.py."""


def screen_strips(app) -> list:
    return list(app.screen._compositor.render_strips())


def screen_text(app) -> str:
    """The text of the whole screen, as a terminal would show it."""
    return "\n".join(strip.text for strip in screen_strips(app))


def notifications(app) -> list[str]:
    """What the app has told the reader lately, shown still or not
    (WartuiApp.told: a notification's toast may be gone by the time a test
    on a busy machine looks)."""
    return list(app.told)
