"""Chart geometry: bars stack to scale, empty values draw nothing, the heat map shades by value."""
from web.manager.charts import colours, heat_cells, stacked_bars


def test_bars_stack_to_the_tallest_column():
    rects = stacked_bars({"a": [10, 0], "b": [10, 5]}, {"a": "A", "b": "B"}, {"a": "#111", "b": "#222"},
                         ["Mon", "Tue"], width=200, height=110)
    assert [(r.title, round(r.height), round(r.y)) for r in rects] == [
        ("Mon: A 10 min", 50, 60), ("Mon: B 10 min", 50, 10), ("Tue: B 5 min", 25, 85)]


def test_the_community_is_green_and_others_take_the_palette():
    fills = colours(["external-social", "internal-social", "video"], {"internal-social"})
    assert fills["internal-social"] == "#1e7a3c" and fills["external-social"] != fills["video"]


def test_heat_cells_shade_by_value():
    heat = [[0] * 24 for _ in range(7)]
    heat[0][12] = 10
    heat[1][9] = 5
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    cells = {cell.title: round(cell.opacity, 2) for cell in heat_cells(heat, days)}
    assert len(cells) == 168
    assert cells["Mon 12:00–12:59: 10 min"] == 1.0 and cells["Tue 09:00–09:59: 5 min"] == 0.54
    assert cells["Wed 03:00–03:59: 0 min"] == 0.04


def test_hidden_hours_are_grey_and_say_why():
    heat = [[None] * 24 for _ in range(7)]
    heat[1][10] = 60
    cells = {cell.title: cell.fill for cell in heat_cells(heat, ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], 5)}
    assert cells["Tue 10:00–10:59: 60 min"] == "#1c5d99"
    assert cells["Tue 11:00–11:59: fewer than 5 people"] == "#b8bec4"
    assert sum(title.endswith("fewer than 5 people") for title in cells) == 167
