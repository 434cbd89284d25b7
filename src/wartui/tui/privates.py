"""The app's three uses of Textual's private API, in one place.

Each saves time on a path a user feels (the first open of an article, the
paint of a keystroke's results), each has no public equivalent in the
Textual versions tested (pyproject.toml pins the range), and each degrades
to Textual's public behaviour when the private name is gone or fails: the
same screens, a few milliseconds slower. tests/test_tui_privates.py runs
the app with all three missing.
"""

from __future__ import annotations

# The private names, looked up when used (a test sets them to names that do
# not exist, as a Textual without them would be).
REGISTER = "_register"  # App._register(parent, screen)
REFRESH_LAYOUT = "_refresh_layout"  # Screen._refresh_layout(size)
TIMER_UPDATE = "_on_timer_update"  # Screen._on_timer_update(), the frame timer's callback


def can_register(app) -> bool:
    return getattr(app, REGISTER, None) is not None


def register_screen(app, screen) -> bool:
    """Mount an installed screen off the screen stack, before it is first
    shown (App._register; missing public call: "mount a screen ahead").
    False when it cannot: the screen is then mounted at its first push."""
    register = getattr(app, REGISTER, None)
    if register is None:
        return False
    try:
        register(app, screen)
    except Exception:  # noqa: BLE001 - a changed private: fall back to the public path
        return False
    return True


def lay_out(screen, size) -> bool:
    """Lay a screen out at `size` before it is first shown
    (Screen._refresh_layout; missing public call: "lay out now")."""
    refresh_layout = getattr(screen, REFRESH_LAYOUT, None)
    if refresh_layout is None or not size:
        return False
    try:
        refresh_layout(size)
    except Exception:  # noqa: BLE001
        return False
    return True


def paint_now(screen) -> bool:
    """Paint what changed as soon as the current handler returns, not at the
    next tick of the screen's frame timer (its callback,
    Screen._on_timer_update; missing public call: "paint now")."""
    paint = getattr(screen, TIMER_UPDATE, None)
    if paint is None:
        return False
    screen.call_later(paint)
    return True
