"""The digitpad window: routes pygame events to the drawing, recognition and storage.

The main loop only routes (events -> update -> draw -> flip -> tick). Everything else lives
in plain classes: Drawing (strokes, undo), Recognizer (preprocessing + model), the
RecognitionWorker thread, UserStore (files), TaughtFiles (which samples there are),
StatusLine (the message), FramePacer (when to draw) and view (pixels).
"""

import os
import pathlib
import sys
import threading
import time

import pygame

from digitpad import ink, view
from digitpad.adaptation import AdaptedModel, learn_taught_samples
from digitpad.correction import Corrections
from digitpad.desktop import name_the_window
from digitpad.drawing import Drawing, edge_point
from digitpad.inside_view import InsideView
from digitpad.layout import Layout
from digitpad.model import ModelError
from digitpad.model_choice import choose_model
from digitpad.nondigit import load_reader
from digitpad.pacing import FramePacer
from digitpad.recognition import EMPTY, Recognizer, Result
from digitpad.resources import asset_path, model_path, stroke_model_path
from digitpad.settings import Settings
from digitpad.status import StatusLine, folder_text
from digitpad.storage import UserStore, default_user_dir
from digitpad.stroke_reader import StrokeReader
from digitpad.taught_files import TaughtFiles
from digitpad.worker import RecognitionWorker

MOUSE = "mouse"  # pointer id of the mouse; fingers use ("finger", finger_id)
FORGET, QUIT = "forget", "quit"  # the questions the next key answers (App.question)
MODIFIER_KEYS = frozenset((pygame.K_LCTRL, pygame.K_RCTRL, pygame.K_LSHIFT, pygame.K_RSHIFT, pygame.K_LALT,
                           pygame.K_RALT, pygame.K_LMETA, pygame.K_RMETA, pygame.K_LGUI, pygame.K_RGUI,
                           pygame.K_MODE, pygame.K_CAPSLOCK, pygame.K_NUMLOCK))  # pressed on their own they
# do nothing: they come before the key they change (Ctrl before Z, Shift before a digit on AZERTY)
# digit keys, top row and keypad (SDL's keypad codes are not in 0-9 order)
DIGIT_KEYS = {getattr(pygame, f"K_{d}"): d for d in range(10)} | {getattr(pygame, f"K_KP{d}"): d for d in range(10)}


class App:
    def __init__(self, settings: Settings = Settings(), model_file: pathlib.Path | None = None,
                 user_dir: pathlib.Path | None = None, stroke_model_file: pathlib.Path | None = None):
        name_the_window()  # before the display is initialised, which reads it
        pygame.display.init()  # not pygame.init(): digitpad needs no sound (and no audio device)
        pygame.font.init()
        self.settings = settings
        self.screen = pygame.display.set_mode(settings.window.initial_size, pygame.RESIZABLE)
        pygame.display.set_caption(settings.window.title)
        self._set_icon()
        self._set_minimum_size()
        self.layout = Layout.for_window(*self.screen.get_size(), settings.window.panel_width)
        self.fonts = view.Fonts()
        self.panel = view.PanelPainter(self.fonts)
        self.inside = InsideView(self.fonts)  # what both models see (I); reads nothing while closed
        self.show_inside = False
        self.clock = pygame.time.Clock()
        self.drawing = Drawing()
        self.store = UserStore(user_dir if user_dir is not None else default_user_dir())
        self.brush = settings.canvas.default_brush  # brush diameter in canvas pixels
        self.erasing = False  # the eraser toggle (E); the right button always erases
        self.pointer = None  # which pointer is drawing the current stroke
        self.show_help = False
        self.selected = 0  # which digit of a number the bars and teaching refer to
        self.status = StatusLine()  # what the last action did, shown in the panel while true
        self.taught = TaughtFiles()  # the taught samples' files (read at start off this thread)
        self.pacer = FramePacer(settings.window.frames_per_second)  # draws only when something changed
        self.model_notice = ""  # which model is used, when not the usual one, or why none is
        self.model_notice_is_error = False
        self.saved: tuple[int, pathlib.Path, dict] | None = None  # (drawing version, PNG, its reading) of the last save
        self.corrections = Corrections(settings.recognition.max_digits, self.taught)  # Return, the digits, Return
        self.question: str | None = None  # FORGET or QUIT asked; the next key answers (Y: yes). One at a
        # time: asking one drops the other, so Y answers the question shown
        self.pressed_outside = None  # (pointer, erase, last canvas point) of a press outside the canvas, or
        # of a stroke that left it: it draws again once it comes in
        self.running = True
        self.last_submit = 0.0
        self.submitted_version = -1
        self._canvas_cache = (None, None)
        self.recognizer: Recognizer | None = None
        self.stroke_model_file = stroke_model_file  # the stroke model to read drawings with (None: the bundled one)
        self.stroke_notice = ""  # why drawings are read without the stroke model, "" when they are not
        self.nondigit_notice = ""  # why no ink is called "not a digit", "" when it can be
        self.model_ready = False
        self.model_loaded = threading.Event()
        self.worker = RecognitionWorker(self._recognise, on_result=self.pacer.wake)
        self.draw()  # the first frame appears before the model is loaded
        pygame.display.flip()
        self.startup_probe = os.environ.get("DIGITPAD_STARTUP_PROBE") == "1"  # bench/startup.py
        if self.startup_probe:
            print("digitpad: first frame", flush=True)
        self.model_loader = threading.Thread(target=self._load_model, args=(model_file,), name="model-loader",
                                             daemon=True)
        self.model_loader.start()

    # ------------------------------------------------------------------ public, for tests and the loop
    @property
    def canvas_rect(self) -> pygame.Rect:
        return self.layout.canvas

    @property
    def result(self) -> Result:
        return self.worker.latest if self.model_ready else EMPTY

    @property
    def model_state(self) -> str:
        """view.LOADING until the model is loaded, then view.READY, or view.FAILED when no
        model could be loaded (drawing still works; nothing is read)."""
        if not self.model_loaded.is_set():
            return view.LOADING
        return view.READY if self.model_ready else view.FAILED

    def flush(self, timeout: float = 30.0) -> None:
        """Return once recognition has caught up with every event handled so far."""
        self.model_loaded.wait(timeout)
        self._submit_if_changed(force=True)
        self.worker.flush(timeout)
        self._after_result()

    @property
    def message(self) -> str:
        """What the last action did, while it is still true ("" otherwise)."""
        return self.status.shown(self.drawing.version).text

    @property
    def message_is_error(self) -> bool:
        return self.status.shown(self.drawing.version).error

    def run(self) -> int:
        try:
            while self.running:
                self.step()
        finally:
            self.close()
        return 0

    def step(self) -> bool:
        """One pass of the main loop: events -> update -> draw -> flip -> tick, drawing only
        when something changed, else sleeping (FramePacer). True if a frame was drawn."""
        woken = self.pacer.take_wake()  # before the events: a wake-up after this one draws next pass
        events = pygame.event.get()
        for event in events:
            self.handle_event(event)
        self.update()
        if not (events or woken):
            self.pacer.idle()
            return False
        self.draw()
        pygame.display.flip()
        self.clock.tick(self.settings.window.frames_per_second)
        return True

    def close(self) -> None:
        self.worker.stop()
        if self.recognizer is not None:
            self.recognizer.close()
        pygame.quit()

    # ------------------------------------------------------------------ events
    def handle_event(self, event: pygame.event.Event) -> None:
        kind = event.type
        if kind == pygame.QUIT:  # the window's close button (or Ctrl+C in the terminal)
            self.ask_to_quit(again_quits=True)
        elif kind in (pygame.VIDEORESIZE, pygame.WINDOWSIZECHANGED):
            self.layout = Layout.for_window(*self.screen.get_size(), self.settings.window.panel_width,
                                            inside=self.show_inside)
        elif kind == pygame.MOUSEBUTTONDOWN and event.button == 1 and self.layout.control.collidepoint(event.pos):
            self.toggle_inside()
        elif (kind in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.MOUSEMOTION)
              and getattr(event, "touch", False)):
            return  # SDL's copy of a touch; the finger event draws
        elif (kind == pygame.MOUSEBUTTONDOWN and event.button == 1 and not self.show_inside  # else no bars show
              and (digit := self.panel.bar_at(event.pos)) is not None):
            self.teach(digit)  # a probability bar clicked: the picked digit is that
        elif kind == pygame.MOUSEBUTTONDOWN and event.button in (1, 3):
            self._pointer_down(MOUSE, event.pos, erase=event.button == 3 or self.erasing)
        elif kind == pygame.MOUSEMOTION:
            if not any(event.buttons):
                self._pointer_up(MOUSE)  # the button was released outside the window
            else:
                self._pointer_move(MOUSE, event.pos)
        elif kind == pygame.MOUSEBUTTONUP and event.button in (1, 3):
            self._pointer_move(MOUSE, event.pos)
            self._pointer_up(MOUSE)
        elif kind == pygame.MOUSEWHEEL:
            self._change_brush(event.y)
        elif kind in (pygame.FINGERDOWN, pygame.FINGERMOTION, pygame.FINGERUP):
            self._finger(event)
        elif kind == pygame.KEYDOWN:
            self._key(event)

    def _finger(self, event) -> None:
        width, height = self.screen.get_size()
        position = (event.x * width, event.y * height)
        pointer = ("finger", event.finger_id)
        if event.type == pygame.FINGERDOWN:
            self._pointer_down(pointer, position, erase=self.erasing)
        elif event.type == pygame.FINGERMOTION:
            self._pointer_move(pointer, position)
        else:
            self._pointer_move(pointer, position)
            self._pointer_up(pointer)

    def _key(self, event) -> None:
        key, mods = event.key, event.mod
        if key in MODIFIER_KEYS:  # else Ctrl would answer a question, or cancel a correction, before its Z
            return
        command = bool(mods & (pygame.KMOD_CTRL | pygame.KMOD_META))
        shift = bool(mods & pygame.KMOD_SHIFT)
        if self.question == FORGET:
            self._answer_forget(key == pygame.K_y and not command)
        elif self.question == QUIT:
            self._answer_quit(key == pygame.K_y and not command)
        elif self.corrections.is_open and not command and self._correction_key(key):
            return
        elif key == pygame.K_ESCAPE:
            if self.show_help:
                self.show_help = False
            elif self.show_inside:
                self.toggle_inside()
            else:
                self.ask_to_quit()
        elif command and key == pygame.K_z and not shift and self._teach_to_undo():
            self.untaught()
        elif command and key == pygame.K_z:
            self._history(self.drawing.redo if shift else self.drawing.undo)
        elif command and key == pygame.K_y:
            self._history(self.drawing.redo)
        elif command and key == pygame.K_s:
            self.save()
        elif command:
            return
        elif key in (pygame.K_DELETE, pygame.K_BACKSPACE, pygame.K_c):
            self.drawing.clear()
            self.status.clear()
            self._submit_if_changed(force=True)
        elif key in (pygame.K_LEFTBRACKET, pygame.K_MINUS, pygame.K_KP_MINUS):
            self._change_brush(-1)
        elif key in (pygame.K_RIGHTBRACKET, pygame.K_EQUALS, pygame.K_PLUS, pygame.K_KP_PLUS):
            self._change_brush(+1)
        elif key == pygame.K_e:
            self.erasing = not self.erasing
        elif key == pygame.K_f:
            self.ask_to_forget()
        elif key == pygame.K_i:
            self.toggle_inside()
        elif key in (pygame.K_F1, pygame.K_h):
            self.show_help = not self.show_help
        elif key in (pygame.K_TAB, pygame.K_RIGHT):
            self._select(-1 if shift else +1)
        elif key == pygame.K_LEFT:
            self._select(-1)
        elif key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            self.open_correction()
        elif key in DIGIT_KEYS:
            self.open_correction(DIGIT_KEYS[key])  # a lone digit key teaches nothing

    def _correction_key(self, key) -> bool:
        """A key while a correction is open: digits type, Backspace takes one back, Return
        applies, Esc cancels (True: handled). Any other key closes the correction first and
        then does what it always does (False)."""
        if key in DIGIT_KEYS:
            self.corrections.type(DIGIT_KEYS[key])
        elif key == pygame.K_BACKSPACE:
            self.corrections.erase()
        elif key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            self.apply_correction()
        elif key == pygame.K_ESCAPE:
            self.corrections.cancel()
            self._say_about_drawing("Correction cancelled.")
        else:
            self.corrections.cancel()
            return False
        return True

    def toggle_inside(self) -> None:
        """Open or close the inside view (it takes the panel's place, wider)."""
        self.show_inside = not self.show_inside
        self.layout = Layout.for_window(*self.screen.get_size(), self.settings.window.panel_width,
                                        inside=self.show_inside)

    # ------------------------------------------------------------------ drawing
    def _to_canvas(self, position) -> tuple[float, float]:
        scale = self.canvas_rect.width / self.settings.canvas.canvas_size
        return ((position[0] - self.canvas_rect.x) / scale, (position[1] - self.canvas_rect.y) / scale)

    def _pointer_down(self, pointer, position, erase: bool) -> None:
        if self.pointer is not None or self.show_help:
            return
        if not self.canvas_rect.collidepoint(position):
            self.pressed_outside = (pointer, erase, self._to_canvas(position))  # draws once it comes in
            return
        self._begin_stroke(pointer, self._to_canvas(position), erase)

    def _begin_stroke(self, pointer, point, erase: bool) -> None:
        self.pressed_outside = None
        self.corrections.cancel()  # a new stroke cancels a correction being typed
        if self.question == QUIT:  # ... and the question whether to quit: the user goes on drawing
            self._answer_quit(False)
        self.pointer = pointer
        width = self.brush * (self.settings.canvas.eraser_factor if erase else 1.0)
        self.drawing.begin(point, width, erase)

    def _pointer_move(self, pointer, position) -> None:
        """A drag off the canvas lifts the pen at its edge, and one coming in (begun outside, or
        left and come back) puts it down there: what is read is the ink that can be seen."""
        point, inside = self._to_canvas(position), self.canvas_rect.collidepoint(position)
        size = self.settings.canvas.canvas_size
        if self.pointer == pointer and inside:
            self.drawing.extend(point)
        elif self.pointer == pointer:
            self.drawing.extend(edge_point(self.drawing.current[-1], point, size))
            erase = self.drawing.current_erase
            self._pointer_up(pointer)
            self.pressed_outside = (pointer, erase, point)
        elif self.pointer is None and self.pressed_outside is not None and self.pressed_outside[0] == pointer:
            _, erase, outside = self.pressed_outside
            if inside:
                self._begin_stroke(pointer, edge_point(point, outside, size), erase)
                self.drawing.extend(point)
            else:
                self.pressed_outside = (pointer, erase, point)

    def _pointer_up(self, pointer) -> None:
        if self.pressed_outside is not None and self.pressed_outside[0] == pointer:
            self.pressed_outside = None
        if self.pointer != pointer:
            return
        self.pointer = None
        self.drawing.end()
        self._submit_if_changed(force=True)  # a finished stroke is recognised at once

    def _history(self, step) -> None:
        if step():
            self._submit_if_changed(force=True)

    def _change_brush(self, steps: float) -> None:
        canvas = self.settings.canvas
        self.brush = min(canvas.max_brush, max(canvas.min_brush, self.brush + steps * canvas.brush_step))

    def _select(self, step: int) -> None:
        count = len(self.result.digits)
        if count:
            self.selected = (self.selected + step) % count

    # ------------------------------------------------------------------ recognition
    def _load_model(self, model_file) -> None:
        """Load the model (on a thread, so the window shows 'loading' meanwhile), chosen as
        model_choice.choose_model chooses (predict chooses so too)."""
        strokes = self._load_stroke_reader()
        choice = choose_model(model_file, self.store.root, model_path())
        if choice.model is not None:
            model = AdaptedModel(choice.model, self.settings.adaptation)
            nondigit, self.nondigit_notice = load_reader(model, self.settings.recognition.not_digit_above)
            self.recognizer = Recognizer(model, self.settings.recognition, strokes, nondigit)
        if choice.notice:
            self._notice(choice.notice, error=choice.is_error)
        notices = " ".join(notice for notice in (self.stroke_notice, self.nondigit_notice) if notice)
        if self.recognizer is not None and notices:
            self._notice(f"{self.model_notice} {notices}".strip(), error=True)
        self._restore_teaching()
        self.model_ready = self.recognizer is not None
        self.model_loaded.set()
        self.pacer.wake()
        self.store.clean_up()  # what a save killed midway left; after the start, which it need not delay

    def _load_stroke_reader(self) -> StrokeReader | None:
        """The stroke model that reads drawings beside the image model, or None (and
        stroke_notice says why) when it cannot be loaded or the settings give it no say:
        digits are then read from their picture alone, as before the stroke model existed."""
        if not self.settings.recognition.stroke_weight:
            return None
        try:
            return StrokeReader(self.stroke_model_file or stroke_model_path())
        except ModelError as error:
            self.stroke_notice = f"Reading drawings from their picture alone: {error}."
            return None

    def _restore_teaching(self) -> None:
        """On the loader thread: teach the model again what the user taught before (the
        samples folder), before the first drawing is read; files that are not readable samples
        are named and skipped. The window counts and forgets what is found (TaughtFiles)."""
        samples = self.store.read_samples()
        self.taught.found(samples.paths)
        if self.recognizer is None:
            return
        note = learn_taught_samples(self.recognizer.model, samples)
        if note:
            self._say(note, error=True)

    def _notice(self, text: str, error: bool = False) -> None:
        """Say which model is used (or why none is): in the panel for good, and on stderr."""
        self.model_notice, self.model_notice_is_error = text, error
        if error:
            print(f"digitpad: {text}", file=sys.stderr)

    def _recognise(self, request) -> Result:
        """request: (strokes, the grouping a correction gave them or None)."""
        strokes, groups = request
        self.model_loaded.wait()
        if self.recognizer is None:
            return EMPTY
        return self.recognizer.recognise_strokes(strokes, self.settings.canvas.canvas_size, groups)

    def _submit_if_changed(self, force: bool = False) -> None:
        now = time.perf_counter()
        if self.drawing.version == self.submitted_version:
            return
        if not force and now - self.last_submit < self.settings.recognition.live_interval_seconds:
            return
        self.submitted_version = self.drawing.version
        self.last_submit = now
        self.worker.submit((self.drawing.all_strokes(), self.corrections.groups_for(self.drawing.version)))

    def _after_result(self) -> None:
        count = len(self.result.digits)
        if self.selected >= count:
            self.selected = max(0, count - 1)
        if self.worker.error is not None:
            self._say(f"Recognition failed: {self.worker.error}", error=True)

    def update(self) -> None:
        """Per-frame work: live recognition while a stroke is drawn."""
        if self.startup_probe and self.model_loaded.is_set():
            print(f"digitpad: model {'ready' if self.model_ready else 'failed'}", flush=True)
            self.running = False
        if self.pointer is not None:
            self._submit_if_changed()
        self._after_result()

    # ------------------------------------------------------------------ saving and teaching
    def saved_as(self) -> pathlib.Path | None:
        """The PNG the drawing as it is now was saved as, if it was and the file is still there."""
        if self.saved is not None and self.saved[0] == self.drawing.version and self.saved[1].is_file():
            return self.saved[1]
        return None

    def save(self) -> pathlib.Path | None:
        """Write the drawing as PNG + JSON; returns the PNG's path. A drawing unchanged since
        it was saved, and read the same, is not written again: the message names the file it is
        in (read otherwise since, after a correction or F, it is saved anew with its new reading)."""
        strokes = self.drawing.strokes
        if self.drawing.current is not None:  # Ctrl+S with the button still down: that stroke is not in strokes
            self._say_about_drawing("Finish the stroke first (let go of the button), then Ctrl+S saves it.")
            return None
        if not strokes:
            self._say_about_drawing("Nothing to save: the canvas is empty.")
            return None
        self.flush()
        reading = self.result.to_json()
        path = self.saved_as()
        if path is not None and self.saved[2] == reading:
            self._say_about_drawing(f"Already saved as {path.name} in {folder_text(path.parent)}")
            return path
        size = self.settings.canvas.canvas_size
        picture = ink.render_mask(strokes, (size, size)) * 255
        try:
            path = self.store.save_drawing(picture, [stroke.to_json() for stroke in strokes], reading)
        except OSError as error:
            self._say_about_drawing(f"Could not save: {error}", error=True)
            return None
        self.saved = (self.drawing.version, path, reading)
        self._say_about_drawing(f"Saved {path.name} in {folder_text(path.parent)}")
        return path

    @property
    def correction_typed(self) -> str | None:
        """The digits typed while a correction is open, None when none is."""
        return self.corrections.typed

    @property
    def adaptation_status(self) -> str:
        """"adapted to your writing: N samples" once something is taught, else ""."""
        taught = self.recognizer.model.taught if self.recognizer is not None else 0
        if not taught:
            return ""
        return f"adapted to your writing: {taught} sample{'s' if taught != 1 else ''}"

    def open_correction(self, digit: int | None = None) -> None:
        """Return (or a digit key): start typing what the drawing really is; the panel shows it."""
        if self.model_state == view.FAILED:
            self._say("Nothing to correct: without a model nothing is read.", error=True)
            return
        if not self.drawing.strokes:
            self._say_about_drawing("Draw a number first, then press Return and type what it is.")
            return
        self.corrections.open(digit)
        self._say("")

    def apply_correction(self) -> None:
        """Return again: the drawing is the number typed. digitpad fits the typed digits to the
        strokes, reads the drawing so at once and learns from it (see digitpad.correction)."""
        self.flush()
        if self.recognizer is None:
            self.corrections.cancel()
            self._say("Nothing to correct: without a model nothing is read.", error=True)
            return
        self._apply(self.corrections.apply)

    def teach(self, label: int) -> None:
        """"The picked digit is `label`" (a probability bar clicked): a correction of that one digit."""
        self.flush()
        digits = self.result.digits
        if self.model_state == view.FAILED:
            self._say("Nothing to teach: without a model nothing is read.", error=True)
            return
        if not digits:
            self._say_about_drawing("Draw a digit first, then press Return and type what it is.")
            return
        index = min(self.selected, len(digits) - 1)
        typed = "".join(str(label) if position == index else str(digit.digit) for position, digit in enumerate(digits))
        self._apply(lambda *context: self.corrections.apply(*context, typed=typed, only=index))
        self.selected = (index + 1) % len(digits)  # the next digit, to correct one after another

    def _apply(self, correct) -> None:
        message, error = correct(self.recognizer, self.store, self.drawing.all_strokes(),
                                 self.settings.canvas.canvas_size, self.result, self.drawing.version)
        self._read_again()
        if not error and self.corrections.can_undo(self.drawing.version):  # taught: does it read so now?
            self.flush()
            message = self.corrections.still_reads(message, self.drawing.version, self.result.text)
        self._say_about_drawing(message, error)

    def _teach_to_undo(self) -> bool:
        """True when Ctrl+Z should take back a correction: one was made and the drawing has not
        changed since."""
        return self.recognizer is not None and self.corrections.can_undo(self.drawing.version)

    def untaught(self) -> bool:
        """Take back the most recent correction (its samples, adaptation and grouping)."""
        if not self._teach_to_undo():
            return False
        message, error = self.corrections.undo(self.recognizer.model, self.store, self.drawing.version)
        self._say_about_drawing(message, error)
        self._read_again()
        return not error

    def ask_to_quit(self, again_quits: bool = False) -> None:
        """Esc with nothing else to close, or the window's close button: quit, but first ask
        when the drawing would be lost (strokes on the canvas not saved as they are); the next
        key answers (Y quits). Esc is also the key that closes things, and a second press should
        not throw a drawing away. `again_quits` (the close button): asked already, it quits, so
        that closing the window twice always closes it."""
        if self.drawing.is_empty or self.saved_as() is not None or (again_quits and self.question == QUIT):
            self.running = False
            return
        self.question = QUIT
        self._say_about_drawing("Quit without saving this drawing? Press Y to quit (or close the window again), "
                                "any other key to keep drawing (Ctrl+S saves).", error=True)

    def _answer_quit(self, quit_now: bool) -> None:
        self.question = None
        if quit_now:
            self.running = False
        else:
            self._say_about_drawing("Kept the drawing.")

    def ask_to_forget(self) -> None:
        """F: ask before forgetting everything taught; the next key answers (Y forgets).
        Counted from what is known (TaughtFiles): the samples folder is not read here."""
        if not self.taught.known:
            self._say_about_drawing("Still reading what you taught: press F again in a moment.")
            return
        count = self.taught.count
        if not count and not self.adaptation_status:
            self._say_about_drawing("Nothing taught to forget.")
            return
        self.question = FORGET
        what = "the 1 taught sample" if count == 1 else f"all {count} taught samples"
        self._say(f"Forget {what} and read as the bundled model does? "
                  f"Press Y to forget, any other key to keep.", error=True)

    def _answer_forget(self, forget: bool) -> None:
        self.question = None
        if not forget:
            self._say_about_drawing("Kept what you taught.")
            return
        try:
            removed = self.store.forget_samples(self.taught.paths)
        except OSError as error:
            self._say(f"Could not forget the samples: {error}", error=True)
            return
        finally:
            self.taught.keep_existing()
        if self.recognizer is not None:
            self.recognizer.model.forget()
        self.corrections.forget()
        self._read_again()
        self._say(f"Forgot {removed} taught sample{'s' if removed != 1 else ''}: reading as the bundled model does.")

    def _read_again(self) -> None:
        """Recognise the unchanged drawing again (after teaching changed what is read)."""
        self.submitted_version = -1
        self._submit_if_changed(force=True)

    def _say(self, text: str, error: bool = False) -> None:
        """A message true whatever is drawn: it stays until the next one."""
        self.status.say(text, error)

    def _say_about_drawing(self, text: str, error: bool = False) -> None:
        """A message about the drawing as it is now: it goes once the drawing changes."""
        self.status.say(text, error, self.drawing.version)

    # ------------------------------------------------------------------ drawing the window
    def draw(self) -> None:
        screen = self.screen
        screen.fill(view.BACKGROUND)
        rect = self.canvas_rect
        key = (self.drawing.version, rect.size)
        if self._canvas_cache[0] != key:
            scale = rect.width / self.settings.canvas.canvas_size
            self._canvas_cache = (key, view.canvas_surface(self.drawing.all_strokes(), rect.width, scale))
        screen.blit(self._canvas_cache[1], rect.topleft)
        pygame.draw.rect(screen, view.BAR, rect.inflate(4, 4), 2)
        self._draw_cursor()
        if self.show_inside:
            if self.inside.draw(screen, self.layout.panel, self):
                self.pacer.wake()  # the new reading is painted on the next frame
        else:
            self.panel.draw(screen, self.layout.panel, self)
        view.draw_control(screen, self.fonts, self.layout.control, self.show_inside)
        if self.show_help:
            view.draw_help(screen, self.fonts, self.canvas_rect)

    def _draw_cursor(self) -> None:
        if not pygame.mouse.get_focused():
            return
        position = pygame.mouse.get_pos()
        if self.canvas_rect.collidepoint(position):
            scale = self.canvas_rect.width / self.settings.canvas.canvas_size
            factor = self.settings.canvas.eraser_factor if self.erasing else 1.0
            radius = max(2, int(self.brush * factor * scale / 2))
            pygame.draw.circle(self.screen, view.WARNING if self.erasing else view.MUTED, position, radius, 1)

    def _set_icon(self) -> None:
        icon = asset_path("icons", "digitpad.png")
        if icon.is_file():
            try:
                pygame.display.set_icon(pygame.image.load(str(icon)))
            except pygame.error:
                pass  # a missing icon is no reason not to start

    def _set_minimum_size(self) -> None:
        try:
            pygame.Window.from_display_module().minimum_size = self.settings.window.min_size
        except (AttributeError, pygame.error):
            pass  # older pygame: no minimum, the layout still copes
