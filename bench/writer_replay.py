"""Teaching that learns: each writer's pen digits replayed through the App, every misread or split
single digit corrected as a user would, Return, the digit, Return (issue 12 bars: second-half errors with
teaching <= 60 % of those without; no writer more than 1 error worse with teaching; after 50
taught digits of one writer, MNIST test >= 99.4 % through the adapted recogniser; teach ->
adapted <= 50 ms median).

Writers (the `writers` of the pen digits) with at least 30 digits, up to 60 each in a fixed
shuffled order, a fresh user folder each, read once without teaching and once with it.
--fold-models DIR reads each writer with DIR/fold-K's models (digitpad.tflite and, when there,
digitpad-strokes.tflite; bench/common.fold_app), K the writer's fold: a model that trained on
pen digits must not have seen the writer.
"""

import argparse
import collections
import time

import common
import numpy as np


def replay(digits, teach: bool, fold_dir=None):
    """(what went wrong per digit, milliseconds per teach) for one writer's digits in order, in a
    fresh App; per digit "" when read right, else "split" (read as several digits), "none"
    (nothing read) or "misread"."""
    import pygame

    from tests.replay import key_event
    from training import pen_digits

    app = new_app(fold_dir)
    condition = pen_digits.CONDITION_BY_NAME["normal"]
    wrong, teach_ms = [], []
    for digit in digits:
        result = common.read_pen_digit(app, digit, condition)
        wrong.append("" if result.text == str(digit.label) else
                     "split" if len(result.digits) > 1 else "none" if not result.digits else "misread")
        if teach and wrong[-1] in ("misread", "split"):
            began = time.perf_counter()  # a correction, as a user makes it: Return, the digit, Return
            for key in (pygame.K_RETURN, getattr(pygame, f"K_{digit.label}"), pygame.K_RETURN):
                app.handle_event(key_event(key))
            app.flush()  # the drawing is read again with what was taught
            teach_ms.append((time.perf_counter() - began) * 1000)
    app.close()
    return wrong, teach_ms


def teachable(digits, wrong) -> list[bool]:
    """Per digit: a misread or split of a digit this writer had misread or split earlier, the
    kind of error an earlier correction can have taught (a first misread cannot be)."""
    misread_before, result = set(), []
    for digit, what in zip(digits, wrong, strict=True):
        result.append(what in ("misread", "split") and digit.label in misread_before)
        if what in ("misread", "split"):
            misread_before.add(digit.label)
    return result


def new_app(fold_dir=None):
    """An App with the bundled models, or with a fold run's (fold_dir)."""
    return common.new_app() if fold_dir is None else common.fold_app((), fold_dir)[0]


def mnist_after_teaching(digits, fold_dir=None, count=50):
    """MNIST test accuracy of the App's recogniser after `count` of one writer's digits were taught."""
    import pygame

    from tests.replay import key_event
    from training import pen_digits
    from training.mnist import TEST_IMAGES, TEST_LABELS, load_split

    app = new_app(fold_dir)
    condition = pen_digits.CONDITION_BY_NAME["normal"]
    taught = 0
    for digit in digits:
        if taught == count:
            break
        if len(common.read_pen_digit(app, digit, condition).digits) == 1:
            for key in (pygame.K_RETURN, getattr(pygame, f"K_{digit.label}"), pygame.K_RETURN):
                app.handle_event(key_event(key))
            app.flush()
            taught += 1
    mnist = common.REPO / "data" / "mnist"
    images, labels = load_split(mnist / TEST_IMAGES, mnist / TEST_LABELS)
    probabilities = app.recognizer.model.predict(images.astype(np.float32) / 255.0)
    accuracy = float((probabilities.argmax(axis=1) == labels).mean())
    adapted = app.recognizer.model.taught
    app.close()
    return accuracy, adapted


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--min-digits", type=int, default=30)
    parser.add_argument("--max-digits", type=int, default=60)
    parser.add_argument("--seed", type=int, default=0, help="seeds each writer's shuffled order")
    parser.add_argument("--fold-models", default=None, metavar="DIR",
                        help="DIR/fold-K holds the models of fold run K (train_model.py --hold-out-fold K)")
    parser.add_argument("--writers", type=int, default=None, help="only the first N writers (a quick look)")
    arguments = parser.parse_args()

    from training import pen_digits

    digits = pen_digits.load(common.PEN_DIGITS)
    sources = np.load(common.PEN_DIGITS)["sources"]
    by_writer = collections.defaultdict(list)
    for digit, source in zip(digits, sources, strict=True):
        by_writer[digit.writer].append((digit, str(source)))
    writers = sorted(writer for writer, items in by_writer.items() if len(items) >= arguments.min_digits)
    writers = writers[: arguments.writers]

    def models_of(source):
        if arguments.fold_models is None:
            return None
        from training.folds import fold_of

        return f"{arguments.fold_models}/fold-{fold_of(source)}"

    print(f"{len(writers)} writers with >= {arguments.min_digits} digits, up to {arguments.max_digits} each; "
          f"model: {arguments.fold_models or 'bundled'}")
    totals = {False: [0, 0], True: [0, 0]}
    kinds, ceiling = collections.Counter(), 0  # second-half errors without teaching, by kind; teachable ones
    worse, teach_ms, biggest = [], [], None
    for writer in writers:
        items = by_writer[writer]
        order = np.random.default_rng(arguments.seed).permutation(len(items))[: arguments.max_digits]
        sequence = [items[i][0] for i in order]
        models = models_of(items[0][1])
        half = len(sequence) // 2
        second_half = {}
        for teach in (False, True):
            wrong, milliseconds = replay(sequence, teach, models)
            second_half[teach] = sum(map(bool, wrong[half:]))
            totals[teach][0] += sum(map(bool, wrong[:half]))
            totals[teach][1] += second_half[teach]
            teach_ms += milliseconds if teach else []
            if not teach:
                kinds.update(what for what in wrong[half:] if what)
                ceiling += sum(teachable(sequence, wrong)[half:])
        if second_half[True] > second_half[False]:
            worse.append((writer, second_half[False], second_half[True]))
        if biggest is None or len(items) > len(by_writer[biggest]):
            biggest = writer
        print(f"{writer:>28}: {len(sequence)} digits, second-half errors {second_half[False]} without teaching, "
              f"{second_half[True]} with", flush=True)
    without, with_teaching = totals[False], totals[True]
    ratio = with_teaching[1] / without[1] if without[1] else float("nan")
    print(f"first halves: {without[0]} errors without teaching, {with_teaching[0]} with")
    print(f"second halves: {without[1]} errors without teaching, {with_teaching[1]} with ({ratio:.0%} of without)")
    print(f"second-half errors without teaching by kind: {dict(kinds) or 'none'}; misreads of a digit the writer "
          f"had misread (and so taught) before: {ceiling}. Teaching adds examples of the digits taught, so at best "
          f"it leaves {without[1] - ceiling} of {without[1]}")
    print(f"writers worse with teaching: {worse or 'none'}")
    if teach_ms:
        print(f"teach -> result read again ({len(teach_ms)} teaches): median {np.median(teach_ms):.1f} ms, "
              f"max {max(teach_ms):.1f} ms")
    items = by_writer[biggest]
    accuracy, adapted = mnist_after_teaching([d for d, _ in items], models_of(items[0][1]))
    print(f"MNIST test after teaching {adapted} digits of {biggest}: {accuracy:.2%}")


if __name__ == "__main__":
    main()
