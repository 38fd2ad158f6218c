"""The 1-to-5 ratings that feedback, assessments and the evaluation ask for."""


def check_rating(errors: dict, name: str, value) -> None:
    if not isinstance(value, int) or not 1 <= value <= 5:
        errors.setdefault(name, []).append("Give a rating from 1 to 5.")
