import pytest

from digitpad.drawing import Drawing, Stroke, bounds, edge_point


def draw(drawing, *points, width=10.0, erase=False):
    drawing.begin(points[0], width, erase)
    for point in points[1:]:
        drawing.extend(point)
    return drawing.end()


def test_strokes_undo_redo_clear():
    drawing = Drawing()
    first = draw(drawing, (0, 0), (10, 10))
    second = draw(drawing, (20, 0), (20, 30))
    assert drawing.strokes == [first, second]
    assert drawing.undo() and drawing.strokes == [first]
    assert drawing.redo() and drawing.strokes == [first, second]
    drawing.clear()
    assert drawing.is_empty
    assert drawing.undo() and drawing.strokes == [first, second]  # clear can be undone
    assert drawing.undo() and drawing.undo() and drawing.strokes == []
    assert not drawing.undo()


def test_new_stroke_drops_redo_history():
    drawing = Drawing()
    draw(drawing, (0, 0), (5, 5))
    drawing.undo()
    draw(drawing, (1, 1), (2, 2))
    assert not drawing.redo()


def test_stroke_in_progress_is_visible_but_not_undoable():
    drawing = Drawing()
    drawing.begin((0, 0), 8)
    drawing.extend((4, 4))
    assert len(drawing.all_strokes()) == 1 and drawing.strokes == []
    assert not drawing.undo()


def test_repeated_points_are_dropped_and_version_bumps():
    drawing = Drawing()
    drawing.begin((1, 1), 8)
    version = drawing.version
    drawing.extend((1, 1))
    assert drawing.version == version
    drawing.extend((2, 1))
    assert drawing.version == version + 1


def test_json_round_trip():
    stroke = Stroke(((1.0, 2.0), (3.5, 4.25)), 12.0, erase=True)
    assert Stroke.from_json(stroke.to_json()) == stroke


@pytest.mark.parametrize(
    "data, message",
    [({"points": [], "width": 3}, "at least one point"), ({"points": [[1, 2]], "width": 0}, "positive"),
     ({"width": 3}, "not a stroke"), ({"points": [[1]], "width": 3}, "not a stroke")],
)
def test_bad_stroke_json(data, message):
    with pytest.raises(ValueError, match=message):
        Stroke.from_json(data)


def test_bad_brush():
    with pytest.raises(ValueError, match="brush width"):
        Drawing().begin((0, 0), 0)


def test_bounds_ignore_erasers():
    strokes = [Stroke(((1, 2), (5, 9)), 4), Stroke(((100, 100),), 4, erase=True)]
    assert bounds(strokes) == (1, 2, 5, 9)
    assert bounds([]) is None


def test_history_is_bounded():
    drawing = Drawing(max_history=3)
    for x in range(10):
        draw(drawing, (x, 0), (x, 5))
    assert sum(drawing.undo() for _ in range(10)) == 3
    assert len(drawing.strokes) == 7
    with pytest.raises(ValueError, match="max_history"):
        Drawing(max_history=0)


@pytest.mark.parametrize("inside, outside, crossing", [
    ((100, 100), (100, 700), (100, 560)),  # out through the bottom
    ((100, 100), (-100, 100), (0, 100)),  # the left
    ((500, 500), (620, 680), (540, 560)),  # a corner's way: the bottom comes first
    ((100, 100), (200, 200), (200, 200)),  # not outside: the point itself
])
def test_edge_point_is_where_the_pen_crosses_the_edge(inside, outside, crossing):
    assert edge_point(inside, outside, 560) == pytest.approx(crossing)


def test_edge_point_needs_a_point_on_the_canvas():
    with pytest.raises(ValueError, match="not on the 560 x 560 canvas"):
        edge_point((-1, 5), (10, 10), 560)
