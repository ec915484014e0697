"""The digitpad window: routes pygame events to the drawing, recognition and storage.

The main loop only routes (events -> update -> draw -> flip -> tick). Everything else lives
in plain classes: Drawing (strokes, undo), Recognizer (preprocessing + model), the
RecognitionWorker thread, UserStore (files) and view (pixels).
"""

import os
import pathlib
import sys
import threading
import time

import numpy as np
import pygame

from digitpad import ink, view
from digitpad.adaptation import AdaptedModel, learn_taught_samples
from digitpad.drawing import Drawing
from digitpad.layout import Layout
from digitpad.model import DigitModel, ModelError
from digitpad.nondigit import load_reader
from digitpad.recognition import EMPTY, Recognizer, Result
from digitpad.resources import asset_path, model_path, stroke_model_path
from digitpad.settings import Settings
from digitpad.storage import UserStore, default_user_dir
from digitpad.stroke_reader import StrokeReader
from digitpad.worker import RecognitionWorker

MOUSE = "mouse"  # pointer id of the mouse; fingers use ("finger", finger_id)
# digit keys, top row and keypad (SDL's keypad codes are not in 0-9 order)
DIGIT_KEYS = {getattr(pygame, f"K_{d}"): d for d in range(10)} | {getattr(pygame, f"K_KP{d}"): d for d in range(10)}


class App:
    def __init__(self, settings: Settings = Settings(), model_file: pathlib.Path | None = None,
                 user_dir: pathlib.Path | None = None, stroke_model_file: pathlib.Path | None = None):
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
        self.clock = pygame.time.Clock()
        self.drawing = Drawing()
        self.store = UserStore(user_dir if user_dir is not None else default_user_dir())
        self.brush = settings.canvas.default_brush  # brush diameter in canvas pixels
        self.erasing = False  # the eraser toggle (E); the right button always erases
        self.pointer = None  # which pointer is drawing the current stroke
        self.show_help = False
        self.selected = 0  # which digit of a number the bars and teaching refer to
        self.message = ""  # what the last action did, shown in the panel
        self.message_is_error = False
        self.model_notice = ""  # which model is used, when not the usual one, or why none is
        self.model_notice_is_error = False
        self.saved: tuple[int, pathlib.Path] | None = None  # (drawing version, PNG) of the last save
        self.teaches: list[pathlib.Path] = []  # samples taught since the drawing last changed (Ctrl+Z takes them back)
        self.teaches_version = -1  # the drawing version those teaches were made at
        self.confirming_forget = False  # "forget what I taught?" is asked; the next key answers
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
        self.worker = RecognitionWorker(self._recognise)
        self.draw()  # the first frame appears before the model is loaded
        pygame.display.flip()
        self.startup_probe = os.environ.get("DIGITPAD_STARTUP_PROBE") == "1"  # bench/startup.py
        if self.startup_probe:
            print("digitpad: first frame", flush=True)
        threading.Thread(target=self._load_model, args=(model_file,), name="model-loader", daemon=True).start()

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

    def run(self) -> int:
        try:
            while self.running:
                for event in pygame.event.get():
                    self.handle_event(event)
                self.update()
                self.draw()
                pygame.display.flip()
                self.clock.tick(self.settings.window.frames_per_second)
        finally:
            self.close()
        return 0

    def close(self) -> None:
        self.worker.stop()
        if self.recognizer is not None:
            self.recognizer.close()
        pygame.quit()

    # ------------------------------------------------------------------ events
    def handle_event(self, event: pygame.event.Event) -> None:
        kind = event.type
        if kind == pygame.QUIT:
            self.running = False
        elif kind in (pygame.VIDEORESIZE, pygame.WINDOWSIZECHANGED):
            self.layout = Layout.for_window(*self.screen.get_size(), self.settings.window.panel_width)
        elif (kind in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.MOUSEMOTION)
              and getattr(event, "touch", False)):
            return  # SDL's copy of a touch; the finger event draws
        elif kind == pygame.MOUSEBUTTONDOWN and event.button in (1, 3):
            self._pointer_down(MOUSE, event.pos, erase=event.button == 3 or self.erasing)
        elif kind == pygame.MOUSEMOTION:
            if self.pointer == MOUSE and not any(event.buttons):
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
        command = bool(mods & (pygame.KMOD_CTRL | pygame.KMOD_META))
        shift = bool(mods & pygame.KMOD_SHIFT)
        if self.confirming_forget:
            self._answer_forget(key == pygame.K_y and not command)
        elif key == pygame.K_ESCAPE:
            if self.show_help:
                self.show_help = False
            else:
                self.running = False
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
            self.message = ""
            self._submit_if_changed(force=True)
        elif key in (pygame.K_LEFTBRACKET, pygame.K_MINUS, pygame.K_KP_MINUS):
            self._change_brush(-1)
        elif key in (pygame.K_RIGHTBRACKET, pygame.K_EQUALS, pygame.K_PLUS, pygame.K_KP_PLUS):
            self._change_brush(+1)
        elif key == pygame.K_e:
            self.erasing = not self.erasing
        elif key == pygame.K_f:
            self.ask_to_forget()
        elif key in (pygame.K_F1, pygame.K_h):
            self.show_help = not self.show_help
        elif key in (pygame.K_TAB, pygame.K_RIGHT):
            self._select(-1 if shift else +1)
        elif key == pygame.K_LEFT:
            self._select(-1)
        elif key in DIGIT_KEYS:
            self.teach(DIGIT_KEYS[key])

    # ------------------------------------------------------------------ drawing
    def _to_canvas(self, position) -> tuple[float, float]:
        scale = self.canvas_rect.width / self.settings.canvas.canvas_size
        return ((position[0] - self.canvas_rect.x) / scale, (position[1] - self.canvas_rect.y) / scale)

    def _pointer_down(self, pointer, position, erase: bool) -> None:
        if self.pointer is not None or self.show_help or not self.canvas_rect.collidepoint(position):
            return
        self.pointer = pointer
        width = self.brush * (self.settings.canvas.eraser_factor if erase else 1.0)
        self.drawing.begin(self._to_canvas(position), width, erase)

    def _pointer_move(self, pointer, position) -> None:
        if self.pointer == pointer:
            self.drawing.extend(self._to_canvas(position))

    def _pointer_up(self, pointer) -> None:
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
        """Load the model (on a thread, so the window shows 'loading' meanwhile).

        The --model file if given, else the user's fine-tuned model if there is one; if that
        one cannot be loaded (the message names it), the bundled model. Only when the bundled
        model fails too is digitpad's installation at fault.
        """
        user_model = self.store.root / "model" / "digitpad.tflite"
        bundled = model_path()
        if model_file:
            wanted = pathlib.Path(model_file)
        else:
            wanted = user_model if user_model.is_file() else None
        candidates = ([wanted] if wanted is not None and wanted != bundled else []) + [bundled]
        errors = []
        strokes = self._load_stroke_reader()
        for candidate in candidates:
            try:
                model = AdaptedModel(DigitModel(candidate), self.settings.adaptation)
                nondigit, self.nondigit_notice = load_reader(model, self.settings.recognition.not_digit_above)
                self.recognizer = Recognizer(model, self.settings.recognition, strokes, nondigit)
                break
            except ModelError as error:
                errors.append(str(error))
        if self.recognizer is None:
            reasons = errors[0] if len(errors) == 1 else f"{errors[0]}; the bundled model: {errors[1]}"
            self._notice(f"{reasons}. Reinstall digitpad.", error=True)
        elif errors and model_file:
            self._notice(f"{errors[0]}; using the bundled model.", error=True)
        elif errors:
            self._notice(f"Your fine-tuned model was skipped ({errors[0]}); using the bundled one.", error=True)
        elif self.recognizer.model.path == user_model:
            self._notice(f"Using your fine-tuned model: {user_model}")
        notices = " ".join(notice for notice in (self.stroke_notice, self.nondigit_notice) if notice)
        if self.recognizer is not None and notices:
            self._notice(f"{self.model_notice} {notices}".strip(), error=True)
        if self.recognizer is not None:
            self._restore_teaching()
        self.model_ready = self.recognizer is not None
        self.model_loaded.set()

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
        """Teach the model again what the user taught before (the samples folder), before the
        first drawing is read; files that are not readable samples are named and skipped."""
        note = learn_taught_samples(self.recognizer.model, self.store.read_samples())
        if note:
            self._say(note, error=True)

    def _notice(self, text: str, error: bool = False) -> None:
        """Say which model is used (or why none is): in the panel for good, and on stderr."""
        self.model_notice, self.model_notice_is_error = text, error
        if error:
            print(f"digitpad: {text}", file=sys.stderr)

    def _recognise(self, strokes) -> Result:
        self.model_loaded.wait()
        if self.recognizer is None:
            return EMPTY
        return self.recognizer.recognise_strokes(strokes, self.settings.canvas.canvas_size)

    def _submit_if_changed(self, force: bool = False) -> None:
        now = time.perf_counter()
        if self.drawing.version == self.submitted_version:
            return
        if not force and now - self.last_submit < self.settings.recognition.live_interval_seconds:
            return
        self.submitted_version = self.drawing.version
        self.last_submit = now
        self.worker.submit(self.drawing.all_strokes())

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
    def save(self) -> pathlib.Path | None:
        """Write the drawing as PNG + JSON; returns the PNG's path. A drawing unchanged since
        it was saved is not written again: the message names the file it is in."""
        strokes = self.drawing.strokes
        if not strokes:
            self._say("Nothing to save: the canvas is empty.")
            return None
        if self.saved is not None and self.saved[0] == self.drawing.version and self.saved[1].is_file():
            path = self.saved[1]
            self._say(f"Already saved as {path.name} in {path.parent}")
            return path
        self.flush()
        size = self.settings.canvas.canvas_size
        picture = ink.render_mask(strokes, (size, size)) * 255
        try:
            path = self.store.save_drawing(picture, [stroke.to_json() for stroke in strokes], self.result.to_json())
        except OSError as error:
            self._say(f"Could not save: {error}", error=True)
            return None
        self.saved = (self.drawing.version, path)
        self._say(f"Saved {path.name} in {path.parent}")
        return path

    @property
    def adaptation_status(self) -> str:
        """"adapted to your writing: N samples" once something is taught, else ""."""
        taught = self.recognizer.model.taught if self.recognizer is not None else 0
        if not taught:
            return ""
        return f"adapted to your writing: {taught} sample{'s' if taught != 1 else ''}"

    def teach(self, label: int) -> pathlib.Path | None:
        """"The picked digit is `label`": store its 28x28 input as a sample and adapt to it at
        once; the drawing is read again with what was taught."""
        self.flush()
        digits = self.result.digits
        if self.model_state == view.FAILED:
            self._say("Nothing to teach: without a model nothing is read.", error=True)
            return None
        if not digits:
            self._say("Draw a digit first, then press the right digit key to teach it.")
            return None
        index = min(self.selected, len(digits) - 1)
        # what is stored (8-bit) is what is taught, so a restart rebuilds exactly this adaptation
        image = (np.round(np.clip(digits[index].image, 0.0, 1.0) * 255) / 255).astype(np.float32)
        try:
            path = self.store.save_sample(image, label)
        except OSError as error:
            self._say(f"Could not store the sample: {error}", error=True)
            return None
        model = self.recognizer.model
        if self.teaches_version != self.drawing.version:
            self.teaches, self.teaches_version = [], self.drawing.version
        self.teaches.append(path)
        if model.adapter is None:
            self._say(f"Sample stored as {label} in {path.parent}, but this model cannot learn from it "
                      f"({model.cannot_adapt}).", error=True)
        else:
            model.teach(image, label)
            self._say(f"Taught: this is a {label}. Ctrl+Z takes it back.")
            self._read_again()
        self.selected = (index + 1) % len(digits)
        return path

    def _teach_to_undo(self) -> bool:
        """True when Ctrl+Z should take back a teach: one was made and the drawing has not
        changed since."""
        return bool(self.teaches) and self.teaches_version == self.drawing.version

    def untaught(self) -> bool:
        """Take back the most recent teach (its sample file and its adaptation)."""
        if not self._teach_to_undo():
            return False
        path = self.teaches.pop()
        model = self.recognizer.model
        try:
            self.store.delete_sample(path)
        except OSError as error:
            self._say(f"Could not remove the sample {path}: {error}", error=True)
            return False
        if model.adapter is not None:
            model.adapter.remove_last()
            self._read_again()
        self._say("Teach taken back.")
        return True

    def ask_to_forget(self) -> None:
        """F: ask before forgetting everything taught; the next key answers (Y forgets)."""
        count = len(self.store.read_samples().labels)
        if not count and not self.adaptation_status:
            self._say("Nothing taught to forget.")
            return
        self.confirming_forget = True
        what = "the 1 taught sample" if count == 1 else f"all {count} taught samples"
        self._say(f"Forget {what} and read as the bundled model does? "
                  f"Press Y to forget, any other key to keep.", error=True)

    def _answer_forget(self, forget: bool) -> None:
        self.confirming_forget = False
        if not forget:
            self._say("Kept what you taught.")
            return
        try:
            removed = self.store.forget_samples()
        except OSError as error:
            self._say(f"Could not forget the samples: {error}", error=True)
            return
        if self.recognizer is not None and self.recognizer.model.adapter is not None:
            self.recognizer.model.adapter.clear()
        self.teaches = []
        self._read_again()
        self._say(f"Forgot {removed} taught sample{'s' if removed != 1 else ''}: reading as the bundled model does.")

    def _read_again(self) -> None:
        """Recognise the unchanged drawing again (after teaching changed what is read)."""
        self.submitted_version = -1
        self._submit_if_changed(force=True)

    def _say(self, text: str, error: bool = False) -> None:
        self.message, self.message_is_error = text, error

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
        self.panel.draw(screen, self.layout.panel, self)
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
